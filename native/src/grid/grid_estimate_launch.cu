// Launches of online grid estimation: the stride search (means, candidates, choice), then the order scatter.
#include <cuda_runtime.h>

#include "grid_estimate_kernel.cuh"
#include "grid_estimate_launch.h"

namespace mi::grid {

cudaError_t run_grid_estimate(const GridEstimateParams& p, cudaStream_t stream) {
  if (p.rows == 0 || p.seq_len == 0) return cudaSuccess;
  const unsigned rows = static_cast<unsigned>(p.rows);
  grid_means_kernel<<<rows, kStrideThreads, 0, stream>>>(p);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) return err;
  if (p.candidate_count > 0) {
    grid_candidate_kernel<<<dim3(static_cast<unsigned>(p.candidate_count), rows), kStrideThreads, 0, stream>>>(p);
    err = cudaGetLastError();
    if (err != cudaSuccess) return err;
  }
  grid_choose_kernel<<<(rows + 127) / 128, 128, 0, stream>>>(p);
  err = cudaGetLastError();
  if (err != cudaSuccess) return err;
  const dim3 grid(static_cast<unsigned>((p.seq_len + 255) / 256), static_cast<unsigned>(p.rows));
  grid_order_kernel<<<grid, 256, 0, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace mi::grid
