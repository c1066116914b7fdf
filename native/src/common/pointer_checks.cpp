// Pointer, alignment and device checks shared by the entry points (see pointer_checks.h).
#include "pointer_checks.h"

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "device_info.h"
#include "pointer_cache.h"
#include "status.h"

namespace mi {

void require_pointer(const void* ptr, const char* name) {
  if (ptr == nullptr) invalid(std::string(name) + " must not be NULL");
}

void require_aligned(const void* ptr, size_t alignment, const char* name) {
  require_pointer(ptr, name);
  require_aligned_if_present(ptr, alignment, name);
}

void require_aligned_if_present(const void* ptr, size_t alignment, const char* name) {
  if (reinterpret_cast<uintptr_t>(ptr) % alignment != 0)
    invalid(std::string(name) + " must be " + std::to_string(alignment) + "-byte aligned");
}

void check_device_pointer(const char* name, const void* ptr) {
  int current = -1;
  MI_CUDA_CHECK(cudaGetDevice(&current));
  if (pointer_checked(ptr, current)) return;
  cudaPointerAttributes attributes{};
  const cudaError_t err = cudaPointerGetAttributes(&attributes, ptr);
  if (err != cudaSuccess) {
    // The failed query is also recorded as the thread's last error; clear it so that the
    // cudaGetLastError after a later launch does not report it.
    (void)cudaGetLastError();
    invalid(std::string(name) + " is not a pointer CUDA recognises: " + cudaGetErrorString(err));
  }
  if (attributes.type != cudaMemoryTypeDevice && attributes.type != cudaMemoryTypeManaged)
    invalid(std::string(name) + " is not device memory (a host pointer?); pass memory from " +
            "mi_malloc");
  if (attributes.type == cudaMemoryTypeDevice && attributes.device != current)
    invalid(std::string(name) + " lives on device " + std::to_string(attributes.device) +
            " but the current device is " + std::to_string(current));
  remember_checked_pointer(ptr, current);
}

void check_device_supported() {
  int device = -1;
  MI_CUDA_CHECK(cudaGetDevice(&device));
  int capability = 0;
  MI_CUDA_CHECK(compute_capability(device, &capability));
  const int major = capability / 10, minor = capability % 10;
  if (major < 8)
    fail(MI_ERR_UNSUPPORTED_DEVICE,
         "device " + std::to_string(device) + " has compute capability " + std::to_string(major) +
             "." + std::to_string(minor) + "; the attention kernels need 8.0 (sm_80) or newer");
}

}  // namespace mi
