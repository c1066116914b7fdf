// One (head_dim, dtype) per translation unit keeps nvcc's per-file time and memory small and lets
// the build run them in parallel.
#include "../attention/attention_launch.cuh"
#include "../attention/attention_traits.cuh"
#include "dense_launch.h"
#include "dense_policy.cuh"

namespace mi::dense {

template <>
cudaError_t run_dense_fwd<128, ElementType::kFloat16>(
    const attention::AttentionFwdParams& params, bool causal,
    const HeadList* heads, cudaStream_t stream) {
  using Traits = attention::AttentionFwdTraits<128, ElementType::kFloat16>;
  if (heads != nullptr)
    return attention::launch_attention_fwd<Traits, DenseTiles<true, true>>(params, {*heads},
                                                                          heads->count, stream);
  return causal ? attention::launch_attention_fwd<Traits, DenseTiles<true>>(params, {},
                                                                           params.q_heads, stream)
                : attention::launch_attention_fwd<Traits, DenseTiles<false>>(params, {},
                                                                            params.q_heads, stream);
}

}  // namespace mi::dense
