// The sm_80 attention mainloop as a launch policy: attention_fwd_kernel<Traits, Tiles> (mma.sync,
// cp.async, ldmatrix), which runs on every device from compute capability 8.0 on.
#pragma once

#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>

#include "attention_fwd_kernel.cuh"
#include "attention_params.h"

namespace mi::attention {

struct MainloopSm80 {
  // Launches the kernel over (query blocks, grid_heads, batch) on `device` (the current one).
  template <typename Traits, typename Tiles>
  static cudaError_t launch(int device, const AttentionFwdParams& params,
                            const typename Tiles::Params& tiles_params, int grid_heads,
                            cudaStream_t stream) {
    const auto kernel = attention_fwd_kernel<Traits, Tiles>;
    // Above 48 KB a kernel must opt in to its dynamic shared memory, once per device. The opt-in
    // is remembered per device (one bit each, for the first 64 ordinals): it costs about a
    // microsecond of host time, which a layer of a dozen launches would otherwise pay every run.
    if (Traits::kSmemBytes > 48 * 1024) {
      static std::atomic<uint64_t> opted_in{0};
      const uint64_t bit = device >= 0 && device < 64 ? uint64_t{1} << device : 0;
      if (bit == 0 || (opted_in.load(std::memory_order_acquire) & bit) == 0) {
        const cudaError_t err = cudaFuncSetAttribute(
            kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Traits::kSmemBytes);
        if (err != cudaSuccess) return err;
        opted_in.fetch_or(bit, std::memory_order_acq_rel);
      }
    }
    const dim3 grid((params.q_len + Traits::kBlockM - 1) / Traits::kBlockM, grid_heads,
                    params.batch);
    kernel<<<grid, Traits::kThreads, Traits::kSmemBytes, stream>>>(params, tiles_params);
    return cudaGetLastError();
  }
};

}  // namespace mi::attention
