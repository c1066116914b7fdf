// Host-side launch of the attention mainloop for one (traits, tile policy).
#pragma once

#include <cuda_runtime.h>

#include "attention_fwd_kernel.cuh"
#include "attention_params.h"

namespace mi::attention {

template <typename Traits, typename Tiles>
cudaError_t launch_attention_fwd(const AttentionFwdParams& params,
                                 const typename Tiles::Params& tiles_params, int grid_heads,
                                 cudaStream_t stream) {
  const auto kernel = attention_fwd_kernel<Traits, Tiles>;
  // Above 48 KB a kernel must opt in to its dynamic shared memory, per device; the call is cheap
  // and keeps multi-device processes correct without a cache.
  if (Traits::kSmemBytes > 48 * 1024) {
    const cudaError_t err = cudaFuncSetAttribute(
        kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Traits::kSmemBytes);
    if (err != cudaSuccess) return err;
  }
  const dim3 grid((params.q_len + Traits::kBlockM - 1) / Traits::kBlockM, grid_heads,
                  params.batch);
  kernel<<<grid, Traits::kThreads, Traits::kSmemBytes, stream>>>(params, tiles_params);
  return cudaGetLastError();
}

}  // namespace mi::attention
