// Host entry of online grid estimation (grid_estimate_launch.cu).
#pragma once

#include <cuda_runtime_api.h>

#include "grid_estimate_params.h"

namespace mi::grid {

cudaError_t run_grid_estimate(const GridEstimateParams& params, cudaStream_t stream);

}  // namespace mi::grid
