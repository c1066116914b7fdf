// Properties of a device that launches consult on every call, queried once per device and
// remembered (a device's compute capability cannot change while the process runs).
#pragma once

#include <cuda_runtime_api.h>

namespace mi {

// Compute capability of `device` as major * 10 + minor (80 for sm_80, 90 for sm_90).
cudaError_t compute_capability(int device, int* capability) noexcept;

}  // namespace mi
