// Which attention mainloop a device runs, chosen at run time from its compute capability (queried
// once per device, common/device_info.h). Host-safe: no device types.
#pragma once

#include <cuda_runtime_api.h>

namespace mi::attention {

enum class MainloopKind {
  kSm80,   // mma.sync + cp.async (attention_fwd_kernel.cuh): every device from sm_80 on
  kSm90a,  // compute capability 9.0 in a build with sm_90a code (native/src/hopper/)
};

// The mainloop for `device`. kSm90a needs exactly 9.0: "a" code is not forward compatible, so
// later architectures take kSm80 (through the compute_80 PTX or their own build target).
cudaError_t mainloop_for_device(int device, MainloopKind* kind) noexcept;

}  // namespace mi::attention
