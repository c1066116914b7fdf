// Host entry of the block-sparse forward kernels; the build generates one explicit instantiation
// per (head_dim, element type) from block_sparse_fwd.cu.in (cmake/MInferenceInstantiations.cmake).
#pragma once

#include <cuda_runtime_api.h>

#include "../attention/attention_params.h"

namespace mi::blocksparse {

struct BlockSparseArgs {
  CsrIndex blocks;  // key-block indices per query block, ascending
  int q_blocks;                // query blocks per (batch, head) row group
  HeadList heads;
  bool causal;                 // false: every key of a listed block is visible (SLA's critical blocks)
};

template <int kHeadDim, ElementType kElement>
cudaError_t run_block_sparse_fwd(const attention::AttentionFwdParams& params,
                                 const BlockSparseArgs& args, cudaStream_t stream);

}  // namespace mi::blocksparse
