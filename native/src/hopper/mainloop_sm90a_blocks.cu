// The sm_90a launches of the index-driven policies on MInference's 64 x 64 blocks
// (TileFamily::kBlocks64, run split: one query block per consumer warpgroup): block-sparse and
// vertical-slash, at head_dim 64, 96 and 128, both dtypes.
#include "../blocksparse/block_sparse_policy.cuh"
#include "../vertical_slash/vs_policy.cuh"
#include "mainloop_sm90a_instantiate.h"
#include "mainloop_sm90a_launch.cuh"

namespace mi::attention {

#define MI_SM90A_BLOCKS_FAMILY(head_dim, element)                                                                   \
  MI_SM90A_LAUNCH((AttentionFwdTraits<head_dim, ElementType::element, TileFamily::kBlocks64>), (blocksparse::BlockSparseTiles)) \
  MI_SM90A_LAUNCH((AttentionFwdTraits<head_dim, ElementType::element, TileFamily::kBlocks64>), (vertical_slash::VerticalSlashTiles))

MI_SM90A_BLOCKS_FAMILY(64, kBFloat16)
MI_SM90A_BLOCKS_FAMILY(64, kFloat16)
MI_SM90A_BLOCKS_FAMILY(96, kBFloat16)
MI_SM90A_BLOCKS_FAMILY(96, kFloat16)
MI_SM90A_BLOCKS_FAMILY(128, kBFloat16)
MI_SM90A_BLOCKS_FAMILY(128, kFloat16)

#undef MI_SM90A_BLOCKS_FAMILY

}  // namespace mi::attention
