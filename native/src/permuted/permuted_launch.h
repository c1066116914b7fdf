// Host entry of the permuted-block forward kernels (MMInference's grid and boundary heads); the
// build generates one explicit instantiation per (head_dim, element type) from permuted_fwd.cu.in
// (cmake/MInferenceInstantiations.cmake).
#pragma once

#include <cuda_runtime_api.h>

#include "../attention/attention_params.h"

namespace mi::permuted {

struct PermutedArgs {
  CsrIndex blocks;       // per permuted 64-row query block, its kept permuted 64-key blocks
  const int32_t* order;  // [batch, head_count, seq]: original position of each permuted slot
  int q_blocks;          // query blocks per (batch, head) row group
  HeadList heads;
};

template <int kHeadDim, ElementType kElement>
cudaError_t run_permuted_fwd(const attention::AttentionFwdParams& params, const PermutedArgs& args,
                         cudaStream_t stream);

}  // namespace mi::permuted
