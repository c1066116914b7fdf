// One (head_dim, dtype) per translation unit keeps nvcc's per-file time and memory small and lets
// the build run them in parallel.
#include "dense_launch.cuh"

namespace mi::dense {
template cudaError_t run_dense_fwd<128, ElementType::kBFloat16>(const DenseFwdParams&, cudaStream_t);
}  // namespace mi::dense
