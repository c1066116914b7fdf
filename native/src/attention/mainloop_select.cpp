// mainloop_for_device (mainloop_select.h).
#include "mainloop_select.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "../common/device_info.h"
#include "../common/status.h"
#include "minference.h"

namespace mi::attention {
namespace {

// Set by CMake when the build compiles sm_90a code (the hopper object library is linked in).
#ifdef MI_HAS_SM90A
constexpr bool kBuiltForSm90a = true;
#else
constexpr bool kBuiltForSm90a = false;
#endif

// Whether Hopper takes the sm_90a mainloop when MINFERENCE_MAINLOOP does not choose: yes, since it
// passed the whole GPU suite on the H100 (issue #12); MINFERENCE_MAINLOOP=sm80 keeps the other one
// reachable, so both stay tested on one card.
constexpr bool kSm90aByDefault = true;

// MINFERENCE_MAINLOOP: "sm80" forces the sm_80 mainloop (so both stay tested on one Hopper card),
// "sm90a" asks for the Hopper one where the device and the build have it; unset or any other
// value keeps the default. Read once.
bool sm90a_allowed() {
  static const bool allowed = [] {
    const char* value = std::getenv("MINFERENCE_MAINLOOP");
    if (value != nullptr && std::strcmp(value, "sm80") == 0) return false;
    if (value != nullptr && std::strcmp(value, "sm90a") == 0) return true;
    return kSm90aByDefault;
  }();
  return allowed;
}

}  // namespace

cudaError_t mainloop_for_device(int device, MainloopKind* kind) noexcept {
  int capability = 0;
  const cudaError_t err = compute_capability(device, &capability);
  if (err != cudaSuccess) return err;
  *kind = kBuiltForSm90a && capability == 90 && sm90a_allowed() ? MainloopKind::kSm90a : MainloopKind::kSm80;
  return cudaSuccess;
}

}  // namespace mi::attention

extern "C" MI_API mi_status mi_attention_mainloop(int32_t ordinal, int32_t* mainloop) {
  return mi::guarded([&] {
    if (mainloop == nullptr) mi::invalid("mainloop must not be NULL");
    int count = 0;
    MI_CUDA_CHECK(cudaGetDeviceCount(&count));
    if (ordinal < 0 || ordinal >= count)
      mi::invalid("ordinal=" + std::to_string(ordinal) + " must be in [0, " + std::to_string(count) + ")");
    mi::attention::MainloopKind kind = mi::attention::MainloopKind::kSm80;
    MI_CUDA_CHECK(mi::attention::mainloop_for_device(ordinal, &kind));
    *mainloop = kind == mi::attention::MainloopKind::kSm90a ? MI_MAINLOOP_SM90A : MI_MAINLOOP_SM80;
  });
}
