// Launch of the codebook k-means kernel, one instantiation per sub-vector length.
#include <cuda_runtime.h>

#include "pq_kmeans_kernel.cuh"
#include "pq_kmeans_launch.h"

namespace mi::decode {
namespace {

template <int kDim>
cudaError_t launch(const PqKMeansParams& p, int64_t problems, cudaStream_t stream) {
  // Static shared memory only (at most 9.5 KB): no attribute to raise, several CTAs per SM.
  pq_kmeans_kernel<kDim><<<static_cast<unsigned>(problems), kKMeansThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace

cudaError_t run_pq_kmeans(const PqKMeansParams& p, int64_t problems, int dim, cudaStream_t stream) {
  switch (dim) {
    case 1: return launch<1>(p, problems, stream);
    case 2: return launch<2>(p, problems, stream);
    case 3: return launch<3>(p, problems, stream);
    case 4: return launch<4>(p, problems, stream);
    default: return cudaErrorInvalidValue;  // validated before; the backstop
  }
}

}  // namespace mi::decode
