// compute_capability (device_info.h): one cudaDeviceGetAttribute pair per device and process.
#include "device_info.h"

#include <atomic>

namespace mi {
namespace {

// Remembered for the first 64 ordinals (0: not queried yet); others are queried every time.
constexpr int kCachedDevices = 64;
std::atomic<int> g_capability[kCachedDevices];

cudaError_t query(int device, int* capability) noexcept {
  int major = 0, minor = 0;
  cudaError_t err = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
  if (err == cudaSuccess)
    err = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
  if (err == cudaSuccess) *capability = major * 10 + minor;
  return err;
}

}  // namespace

cudaError_t compute_capability(int device, int* capability) noexcept {
  if (device < 0 || device >= kCachedDevices) return query(device, capability);
  const int known = g_capability[device].load(std::memory_order_relaxed);
  if (known != 0) {
    *capability = known;
    return cudaSuccess;
  }
  const cudaError_t err = query(device, capability);
  if (err == cudaSuccess) g_capability[device].store(*capability, std::memory_order_relaxed);
  return err;
}

}  // namespace mi
