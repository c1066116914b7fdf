// mi_attention_dense_fwd: validated arguments dispatched to the (head_dim, dtype) instantiation.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/status.h"
#include "dense_launch.h"
#include "minference.h"

namespace mi::dense {
namespace {

using attention::AttentionFwdParams;
using attention::ElementType;

template <ElementType kElement>
cudaError_t dispatch_head_dim(int64_t head_dim, const AttentionFwdParams& p, bool causal,
                              cudaStream_t s) {
  switch (head_dim) {
    case 64:
      return run_dense_fwd<64, kElement>(p, causal, s);
    case 128:
      return run_dense_fwd<128, kElement>(p, causal, s);
    default:
      fail(MI_ERR_UNSUPPORTED,
           "head_dim=" + std::to_string(head_dim) + " has no kernel in this build");
  }
}

}  // namespace
}  // namespace mi::dense

extern "C" MI_API mi_status mi_attention_dense_fwd(const mi_dense_attention_args* args,
                                                   mi_stream stream) {
  using namespace mi::dense;
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    const AttentionFwdParams params = mi::attention::validate_attention_args(*args);
    const bool causal = args->causal != 0;
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    const cudaError_t err =
        args->dtype == MI_DTYPE_BFLOAT16
            ? dispatch_head_dim<ElementType::kBFloat16>(args->head_dim, params, causal, s)
            : dispatch_head_dim<ElementType::kFloat16>(args->head_dim, params, causal, s);
    MI_CUDA_CHECK(err);
  });
}
