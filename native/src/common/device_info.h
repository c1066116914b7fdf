// Properties of a device that launches consult on every call, queried once per device and
// remembered (a device's compute capability cannot change while the process runs).
#pragma once

#include <cuda_runtime_api.h>

namespace mi {

// Compute capability of `device` as major * 10 + minor (80 for sm_80, 90 for sm_90).
cudaError_t compute_capability(int device, int* capability) noexcept;

// Shared memory one block of `device` may opt into (cudaDevAttrMaxSharedMemoryPerBlockOptin), for
// launches that size their rings by it.
cudaError_t max_shared_memory_optin(int device, int* bytes) noexcept;

// Multiprocessors of the current device (split-K heuristics ask on every decode step). Throws
// mi::Failure with the CUDA message when the runtime cannot say.
int current_device_sms();

}  // namespace mi
