// mainloop_for_device (mainloop_select.h).
#include "mainloop_select.h"

#include "../common/device_info.h"

namespace mi::attention {
namespace {

// Set by CMake when the build compiles sm_90a code (the hopper object library is linked in).
#ifdef MI_HAS_SM90A
constexpr bool kBuiltForSm90a = true;
#else
constexpr bool kBuiltForSm90a = false;
#endif

}  // namespace

cudaError_t mainloop_for_device(int device, MainloopKind* kind) noexcept {
  int capability = 0;
  const cudaError_t err = compute_capability(device, &capability);
  if (err != cudaSuccess) return err;
  *kind = kBuiltForSm90a && capability == 90 ? MainloopKind::kSm90a : MainloopKind::kSm80;
  return cudaSuccess;
}

}  // namespace mi::attention
