// mi_attention_ashape_fwd: validates the operands (shared attention validation), the A-shape sizes
// and the head list, then dispatches to the (head_dim, dtype) instantiation.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/dispatch.h"
#include "../common/status.h"
#include "ashape_launch.h"
#include "minference.h"

namespace {
constexpr int64_t kMaxSize = int64_t{1} << 30;
}  // namespace

extern "C" MI_API mi_status mi_attention_ashape_fwd(const mi_ashape_attention_args* args,
                                                    mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    if (args->attention.causal != 1)
      mi::invalid("attention.causal=" + std::to_string(args->attention.causal) +
                  " must be 1: the A-shape pattern is causal");
    if (args->sink_tokens < 0 || args->sink_tokens > kMaxSize)
      mi::invalid("sink_tokens=" + std::to_string(args->sink_tokens) + " must be in [0, 2^30]");
    if (args->local_window < 1 || args->local_window > kMaxSize)
      mi::invalid("local_window=" + std::to_string(args->local_window) + " must be in [1, 2^30]");
    mi::ashape::AShapeArgs ashape{};
    ashape.heads = mi::validate_head_list(args->heads, args->head_count,
                                          args->attention.q_heads, args->routes);
    ashape.sink_tokens = static_cast<int>(args->sink_tokens);
    ashape.local_window = static_cast<int>(args->local_window);
    const auto params = mi::attention::validate_attention_args(args->attention);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->attention.dtype, args->attention.head_dim, [&](auto head_dim, auto element) {
          return mi::ashape::run_ashape_fwd<head_dim(), element()>(params, ashape, s);
        }));
  });
}
