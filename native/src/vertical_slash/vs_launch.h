// Host entry of the vertical-slash forward kernels; the build generates one explicit
// instantiation per (head_dim, element type) from vs_fwd.cu.in
// (cmake/MInferenceInstantiations.cmake).
#pragma once

#include <cuda_runtime_api.h>

#include "../attention/attention_params.h"

namespace mi::vertical_slash {

struct VerticalSlashArgs {
  CsrIndex blocks;   // first key column of each 64-key block, ascending
  CsrIndex columns;  // gathered key columns, left of the query block
  int q_blocks;                 // query blocks per (batch, head) row group
  HeadList heads;
};

template <int kHeadDim, ElementType kElement>
cudaError_t run_vertical_slash_fwd(const attention::AttentionFwdParams& params,
                                   const VerticalSlashArgs& args, cudaStream_t stream);

}  // namespace mi::vertical_slash
