// One (head_dim, dtype) per translation unit, as for dense.
#include "../attention/attention_launch.cuh"
#include "../attention/attention_traits.cuh"
#include "block_sparse_launch.h"
#include "block_sparse_policy.cuh"

namespace mi::blocksparse {

template <>
cudaError_t run_block_sparse_fwd<64, ElementType::kBFloat16>(
    const attention::AttentionFwdParams& params, const BlockSparseArgs& args, cudaStream_t stream) {
  using Traits = attention::AttentionFwdTraits<64, ElementType::kBFloat16,
                                               attention::TileFamily::kBlocks64>;
  return attention::launch_attention_fwd<Traits, BlockSparseTiles>(params, args, args.heads.count,
                                                                   stream);
}

}  // namespace mi::blocksparse
