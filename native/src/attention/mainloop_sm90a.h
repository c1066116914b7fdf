// The Hopper attention mainloop as a launch policy (native/src/hopper/: compiled for sm_90a only
// and linked in only when the build targets it, MI_HAS_SM90A). Host-safe: declarations only; the
// launches are instantiated in the sm_90a object library for the (Traits, Tiles) pairs that
// runs_on_sm90a names.
#pragma once

#include <cuda_runtime_api.h>

#include "attention_params.h"

namespace mi::attention {

struct MainloopSm90a {
  template <typename Traits, typename Tiles>
  static cudaError_t launch(int device, const AttentionFwdParams& params,
                            const typename Tiles::Params& tiles_params, int grid_heads,
                            cudaStream_t stream);
};

// Whether the sm_90a mainloop has a launch for this head_dim and policy (a policy opts in with
// kSm90a once its tiles run on it).
template <typename Traits, typename Tiles>
constexpr bool runs_on_sm90a() {
  return Tiles::kSm90a && (Traits::kHeadDim == 64 || Traits::kHeadDim == 96 || Traits::kHeadDim == 128);
}

}  // namespace mi::attention
