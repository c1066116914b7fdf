// MainloopSm90a::launch (attention/mainloop_sm90a.h), included by the files that instantiate it
// for the policies with kSm90a (mainloop_sm90a_dense.cu, mainloop_sm90a_blocks.cu: split so that
// nvcc compiles them in parallel).
#pragma once

#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "../attention/attention_traits.cuh"
#include "../attention/mainloop_sm90a.h"
#include "../common/device_info.h"
#include "attention_fwd_sm90.cuh"
#include "tma_maps.h"

namespace mi::attention {

namespace sm90a_detail {

// Raises the dynamic shared memory limit of attention_fwd_sm90_kernel<Sm90, Tiles, kTma>, once per
// device (as MainloopSm80 does). The flag is per instantiation: keyed by the kernel's signature
// alone, every kernel of one parameter type (causal and not, every head_dim) would share it, and
// only the first one launched would ever opt in (the others failed with cudaErrorInvalidValue).
template <typename Sm90, typename Tiles, bool kTma>
cudaError_t opt_in(int device) {
  static std::atomic<uint64_t> opted_in{0};
  const uint64_t bit = device >= 0 && device < 64 ? uint64_t{1} << device : 0;
  if (bit != 0 && (opted_in.load(std::memory_order_acquire) & bit) != 0) return cudaSuccess;
  const cudaError_t err = cudaFuncSetAttribute(hopper::attention_fwd_sm90_kernel<Sm90, Tiles, kTma>,
                                               cudaFuncAttributeMaxDynamicSharedMemorySize, Sm90::kSmemBytes);
  if (err == cudaSuccess) opted_in.fetch_or(bit, std::memory_order_acq_rel);
  return err;
}

}  // namespace sm90a_detail

template <typename Traits, typename Tiles>
cudaError_t MainloopSm90a::launch(int device, const AttentionFwdParams& params,
                                  const typename Tiles::Params& tiles_params, int grid_heads,
                                  cudaStream_t stream) {
  // The index-driven patterns' 64-row blocks (TileFamily::kBlocks64) run split: one block per consumer.
  using Sm90 = hopper::Sm90Traits<Traits::kHeadDim, typename Traits::Element, Traits::kBlockM == 64>;
  // (The multiprocessor count, queried once per device and cached, sizes a persistent grid only;
  // `device` is the current device, which current_device_sms reads.)
  const int multiprocessors = Sm90::kPersistent ? current_device_sms() : 0;
  const dim3 grid = hopper::sm90_grid<Sm90>(params, grid_heads, multiprocessors);
  hopper::TmaMaps maps{};
  constexpr bool kBFloat16 = std::is_same_v<typename Traits::Element, __nv_bfloat16>;
  if constexpr (!Tiles::kGathers && Sm90::kTmaCopies) {
    if (hopper::tma_enabled() && hopper::make_tma_maps(params, Traits::kHeadDim, kBFloat16, Sm90::kBlockM, Sm90::kBlockN, &maps)) {
      const auto kernel = hopper::attention_fwd_sm90_kernel<Sm90, Tiles, true>;
      const cudaError_t err = sm90a_detail::opt_in<Sm90, Tiles, true>(device);
      if (err != cudaSuccess) return err;
      kernel<<<grid, Sm90::kThreads, Sm90::kSmemBytes, stream>>>(params, tiles_params, maps, grid_heads);
      return cudaGetLastError();
    }
  }
  const auto kernel = hopper::attention_fwd_sm90_kernel<Sm90, Tiles, false>;
  const cudaError_t err = sm90a_detail::opt_in<Sm90, Tiles, false>(device);
  if (err != cudaSuccess) return err;
  kernel<<<grid, Sm90::kThreads, Sm90::kSmemBytes, stream>>>(params, tiles_params, maps, grid_heads);
  return cudaGetLastError();
}

}  // namespace mi::attention
