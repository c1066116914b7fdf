// Host entry of the dense forward kernels; the build generates one explicit instantiation per
// (head_dim, element type) from dense_fwd.cu.in (cmake/MInferenceInstantiations.cmake).
#pragma once

#include <cuda_runtime_api.h>

#include "../attention/attention_params.h"

namespace mi::dense {

// `heads` (optional, causal only): compute just the listed heads, filtered by their route codes.
template <int kHeadDim, ElementType kElement>
cudaError_t run_dense_fwd(const attention::AttentionFwdParams& params, bool causal,
                          const HeadList* heads, cudaStream_t stream);

}  // namespace mi::dense
