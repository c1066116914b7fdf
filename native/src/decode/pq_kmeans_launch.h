// Launch of the codebook k-means kernel (pq_kmeans_launch.cu).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "pq_kmeans_params.h"

namespace mi::decode {

// problems: 1..INT32_MAX CTAs; dim: 1..4 (validated by the caller).
cudaError_t run_pq_kmeans(const PqKMeansParams& p, int64_t problems, int dim, cudaStream_t stream);

}  // namespace mi::decode
