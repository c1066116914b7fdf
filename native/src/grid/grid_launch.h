// Host entry of the grid-head forward kernels (MMInference); the build generates one explicit
// instantiation per (head_dim, element type) from grid_fwd.cu.in (cmake/MInferenceInstantiations.cmake).
#pragma once

#include <cuda_runtime_api.h>

#include "../attention/attention_params.h"

namespace mi::grid {

struct GridArgs {
  CsrIndex blocks;       // per permuted 64-row query block, its kept permuted 64-key blocks
  const int32_t* order;  // [batch, head_count, seq]: original position of each permuted slot
  int q_blocks;          // query blocks per (batch, head) row group
  HeadList heads;
};

template <int kHeadDim, ElementType kElement>
cudaError_t run_grid_fwd(const attention::AttentionFwdParams& params, const GridArgs& args,
                         cudaStream_t stream);

}  // namespace mi::grid
