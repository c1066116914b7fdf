// Host-side launch of the dense forward kernel for one (head_dim, element type). Included only by
// the per-instantiation translation units, so each compiles one pair of kernels (causal or not).
#pragma once

#include <cuda_runtime.h>

#include "dense_kernel.cuh"
#include "dense_params.h"
#include "dense_traits.cuh"

namespace mi::dense {

template <int kHeadDim, ElementType kElement>
cudaError_t run_dense_fwd(const DenseFwdParams& params, cudaStream_t stream) {
  using Traits = DenseFwdTraits<kHeadDim, kElement>;
  const auto kernel =
      params.causal ? dense_fwd_kernel<Traits, true> : dense_fwd_kernel<Traits, false>;
  // Above 48 KB a kernel must opt in to its dynamic shared memory, per device; the call is cheap
  // and keeps multi-device processes correct without a cache.
  if (Traits::kSmemBytes > 48 * 1024) {
    const cudaError_t err = cudaFuncSetAttribute(
        kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Traits::kSmemBytes);
    if (err != cudaSuccess) return err;
  }
  const dim3 grid((params.q_len + Traits::kBlockM - 1) / Traits::kBlockM, params.q_heads,
                  params.batch);
  kernel<<<grid, Traits::kThreads, Traits::kSmemBytes, stream>>>(params);
  return cudaGetLastError();
}

}  // namespace mi::dense
