// Host-side launch of the attention mainloop for one (traits, tile policy).
#pragma once

#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>

#include "attention_fwd_kernel.cuh"
#include "attention_params.h"

namespace mi::attention {

template <typename Traits, typename Tiles>
cudaError_t launch_attention_fwd(const AttentionFwdParams& params,
                                 const typename Tiles::Params& tiles_params, int grid_heads,
                                 cudaStream_t stream) {
  const auto kernel = attention_fwd_kernel<Traits, Tiles>;
  // Above 48 KB a kernel must opt in to its dynamic shared memory, once per device. The opt-in is
  // remembered per device (one bit each, for the first 64 ordinals): it costs about a microsecond
  // of host time, which a layer of a dozen launches would otherwise pay every run.
  if (Traits::kSmemBytes > 48 * 1024) {
    static std::atomic<uint64_t> opted_in{0};
    int device = 0;
    cudaError_t err = cudaGetDevice(&device);
    if (err != cudaSuccess) return err;
    const uint64_t bit = device < 64 ? uint64_t{1} << device : 0;
    if (bit == 0 || (opted_in.load(std::memory_order_acquire) & bit) == 0) {
      err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 Traits::kSmemBytes);
      if (err != cudaSuccess) return err;
      opted_in.fetch_or(bit, std::memory_order_acq_rel);
    }
  }
  const dim3 grid((params.q_len + Traits::kBlockM - 1) / Traits::kBlockM, grid_heads,
                  params.batch);
  kernel<<<grid, Traits::kThreads, Traits::kSmemBytes, stream>>>(params, tiles_params);
  return cudaGetLastError();
}

}  // namespace mi::attention
