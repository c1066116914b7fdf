// The sm_90a launches of the permuted-block policy (MMInference's grid and boundary heads: query
// and key blocks gathered through each head's token order), run split like the other
// index-driven patterns, at head_dim 64, 96 and 128, both dtypes.
#include "../permuted/permuted_policy.cuh"
#include "mainloop_sm90a_instantiate.h"
#include "mainloop_sm90a_launch.cuh"

namespace mi::attention {

#define MI_SM90A_PERMUTED(head_dim, element) \
  MI_SM90A_LAUNCH((AttentionFwdTraits<head_dim, ElementType::element, TileFamily::kBlocks64>), (permuted::PermutedBlockTiles))

MI_SM90A_PERMUTED(64, kBFloat16)
MI_SM90A_PERMUTED(64, kFloat16)
MI_SM90A_PERMUTED(96, kBFloat16)
MI_SM90A_PERMUTED(96, kFloat16)
MI_SM90A_PERMUTED(128, kBFloat16)
MI_SM90A_PERMUTED(128, kFloat16)

#undef MI_SM90A_PERMUTED

}  // namespace mi::attention
