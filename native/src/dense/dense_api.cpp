// mi_attention_dense_fwd and mi_attention_dense_heads_fwd: validated arguments dispatched to the
// (head_dim, dtype) instantiation.
#include <cuda_runtime_api.h>

#include <string>

#include "../attention/attention_validation.h"
#include "../common/dispatch.h"
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
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto head_dim, auto element) {
          return mi::dense::run_dense_fwd<head_dim(), element()>(params, causal, nullptr, s);
        }));
  });
}

extern "C" MI_API mi_status mi_attention_dense_heads_fwd(const mi_dense_heads_attention_args* args,
                                                         mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    if (args->attention.causal != 1)
      mi::invalid("attention.causal=" + std::to_string(args->attention.causal) +
                  " must be 1: a head list runs causal dense attention");
    const auto heads = mi::validate_head_list(args->heads, args->head_count,
                                              args->attention.q_heads, args->routes);
    const auto params = mi::attention::validate_attention_args(args->attention);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->attention.dtype, args->attention.head_dim, [&](auto head_dim, auto element) {
          return mi::dense::run_dense_fwd<head_dim(), element()>(params, true, &heads, s);
        }));
  });
}
