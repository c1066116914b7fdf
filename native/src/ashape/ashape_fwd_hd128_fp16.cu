// One (head_dim, dtype) per translation unit, as for dense.
#include "../attention/attention_launch.cuh"
#include "../attention/attention_traits.cuh"
#include "ashape_launch.h"
#include "ashape_policy.cuh"

namespace mi::ashape {

template <>
cudaError_t run_ashape_fwd<128, ElementType::kFloat16>(
    const attention::AttentionFwdParams& params, const AShapeArgs& args, cudaStream_t stream) {
  using Traits = attention::AttentionFwdTraits<128, ElementType::kFloat16>;
  return attention::launch_attention_fwd<Traits, AShapeTiles>(params, args, args.heads.count,
                                                              stream);
}

}  // namespace mi::ashape
