// compute_capability, max_shared_memory_optin and current_device_sms (device_info.h): one
// cudaDeviceGetAttribute query per property, device and process.
#include "device_info.h"

#include <atomic>

#include "status.h"

namespace mi {
namespace {

// Remembered for the first 64 ordinals (0: not queried yet); others are queried every time.
constexpr int kCachedDevices = 64;
std::atomic<int> g_capability[kCachedDevices];
std::atomic<int> g_sms[kCachedDevices];
std::atomic<int> g_smem_optin[kCachedDevices];

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

cudaError_t max_shared_memory_optin(int device, int* bytes) noexcept {
  const bool cached = device >= 0 && device < kCachedDevices;
  if (cached) {
    const int known = g_smem_optin[device].load(std::memory_order_relaxed);
    if (known != 0) {
      *bytes = known;
      return cudaSuccess;
    }
  }
  const cudaError_t err = cudaDeviceGetAttribute(bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
  if (err == cudaSuccess && cached) g_smem_optin[device].store(*bytes, std::memory_order_relaxed);
  return err;
}

int current_device_sms() {
  int device = 0, sms = 0;
  check_cuda(cudaGetDevice(&device), "cudaGetDevice");
  if (device >= 0 && device < kCachedDevices) {
    sms = g_sms[device].load(std::memory_order_relaxed);
    if (sms != 0) return sms;
  }
  check_cuda(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device),
             "cudaDeviceGetAttribute(multiprocessors)");
  if (device >= 0 && device < kCachedDevices) g_sms[device].store(sms, std::memory_order_relaxed);
  return sms;
}

}  // namespace mi
