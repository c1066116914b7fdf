// Host entry of the A-shape forward kernels; the build generates one explicit instantiation per
// (head_dim, element type) from ashape_fwd.cu.in (cmake/MInferenceInstantiations.cmake).
#pragma once

#include <cuda_runtime_api.h>

#include "../attention/attention_params.h"

namespace mi::ashape {

struct AShapeArgs {
  int sink_tokens;   // n_init
  int local_window;  // n_local: key j is in row i's band iff i' - n_local < j <= i'
  HeadList heads;
};

template <int kHeadDim, ElementType kElement>
cudaError_t run_ashape_fwd(const attention::AttentionFwdParams& params, const AShapeArgs& args,
                           cudaStream_t stream);

}  // namespace mi::ashape
