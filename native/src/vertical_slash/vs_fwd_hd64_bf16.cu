// One (head_dim, dtype) per translation unit, as for dense.
#include "../attention/attention_launch.cuh"
#include "../attention/attention_traits.cuh"
#include "vs_launch.h"
#include "vs_policy.cuh"

namespace mi::vertical_slash {

template <>
cudaError_t run_vertical_slash_fwd<64, ElementType::kBFloat16>(
    const attention::AttentionFwdParams& params, const VerticalSlashArgs& args,
    cudaStream_t stream) {
  using Traits = attention::AttentionFwdTraits<64, ElementType::kBFloat16,
                                               attention::TileFamily::kBlocks64>;
  return attention::launch_attention_fwd<Traits, VerticalSlashTiles>(params, args,
                                                                     args.heads.count, stream);
}

}  // namespace mi::vertical_slash
