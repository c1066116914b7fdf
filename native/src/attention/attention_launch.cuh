// Host-side launch of the attention forward for one (traits, tile policy): the mainloop is a
// template parameter (a policy type with a static `launch<Traits, Tiles>`), chosen at run time
// from the device's compute capability.
#pragma once

#include <cuda_runtime.h>

#include "attention_params.h"
#include "mainloop_select.h"
#include "mainloop_sm80.cuh"
#include "mainloop_sm90a.h"

namespace mi::attention {

// One mainloop, no choice: for callers (and tests) that name it.
template <typename Mainloop, typename Traits, typename Tiles>
cudaError_t launch_attention_fwd_with(int device, const AttentionFwdParams& params,
                                      const typename Tiles::Params& tiles_params, int grid_heads,
                                      cudaStream_t stream) {
  return Mainloop::template launch<Traits, Tiles>(device, params, tiles_params, grid_heads,
                                                  stream);
}

// The mainloop the current device runs (mainloop_select.h).
template <typename Traits, typename Tiles>
cudaError_t launch_attention_fwd(const AttentionFwdParams& params,
                                 const typename Tiles::Params& tiles_params, int grid_heads,
                                 cudaStream_t stream) {
  int device = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err != cudaSuccess) return err;
  MainloopKind kind = MainloopKind::kSm80;
  err = mainloop_for_device(device, &kind);
  if (err != cudaSuccess) return err;
  switch (kind) {
    case MainloopKind::kSm90a:
      // Hopper, in a build with sm_90a code: the policies that run there take it, the others
      // keep the sm_80 mainloop below.
#ifdef MI_HAS_SM90A
      if constexpr (runs_on_sm90a<Traits, Tiles>())
        return launch_attention_fwd_with<MainloopSm90a, Traits, Tiles>(device, params, tiles_params,
                                                                       grid_heads, stream);
#endif
      break;
    case MainloopKind::kSm80:
      break;
  }
  return launch_attention_fwd_with<MainloopSm80, Traits, Tiles>(device, params, tiles_params,
                                                                 grid_heads, stream);
}

}  // namespace mi::attention
