#include "status.h"

#include <cstring>

namespace mi {
namespace {
// Library-owned, per thread: mi_last_error() hands out a pointer into it, so nothing is strdup'd
// and nothing leaks.
thread_local std::string t_last_error;
}  // namespace

void fail(mi_status status, std::string message) { throw Failure(status, std::move(message)); }

void set_last_error(const char* message) noexcept {
  try {
    t_last_error = message;
  } catch (...) {
    // Out of memory while reporting an error: keep whatever is there rather than throw.
  }
}

void clear_last_error() noexcept { t_last_error.clear(); }

mi_status status_from_cuda(cudaError_t err) noexcept {
  switch (err) {
    case cudaSuccess:
      return MI_OK;
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorCallRequiresNewerDriver:
    case cudaErrorDevicesUnavailable:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
    case cudaErrorInitializationError:
      return MI_ERR_NO_DEVICE;
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorUnsupportedPtxVersion:
      return MI_ERR_UNSUPPORTED_DEVICE;
    case cudaErrorMemoryAllocation:
      return MI_ERR_OUT_OF_MEMORY;
    default:
      return MI_ERR_CUDA;
  }
}

void check_cuda(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return;
  // Clear the sticky-free error so the next call on this thread does not report it again.
  (void)cudaGetLastError();
  std::string message = std::string(what) + " failed: " + cudaGetErrorName(err) + ": " +
                        cudaGetErrorString(err);
  throw Failure(status_from_cuda(err), std::move(message));
}

}  // namespace mi

extern "C" MI_API const char* mi_last_error(void) { return mi::t_last_error.c_str(); }
