// mi_attention_dense_fwd: validated arguments dispatched to the (head_dim, dtype) instantiation.
#include <cuda_runtime_api.h>

#include "../attention/attention_dispatch.h"
#include "../attention/attention_validation.h"
#include "../common/status.h"
#include "dense_launch.h"
#include "minference.h"

extern "C" MI_API mi_status mi_attention_dense_fwd(const mi_dense_attention_args* args,
                                                   mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    const auto params = mi::attention::validate_attention_args(*args);
    const bool causal = args->causal != 0;
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    MI_CUDA_CHECK(mi::attention::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto head_dim, auto element) {
          return mi::dense::run_dense_fwd<head_dim(), element()>(params, causal, s);
        }));
  });
}
