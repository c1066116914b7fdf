// Error plumbing shared by every mi_* entry point: a thread-local message, typed failures that
// carry a status, and one guard that turns anything thrown into a status (no exception crosses
// the C boundary).
#pragma once

#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

#include "minference.h"

namespace mi {

// Thrown inside the library; caught by MI_API_GUARD and turned into (status, message).
class Failure : public std::runtime_error {
 public:
  Failure(mi_status status, std::string message)
      : std::runtime_error(std::move(message)), status_(status) {}
  mi_status status() const noexcept { return status_; }

 private:
  mi_status status_;
};

[[noreturn]] void fail(mi_status status, std::string message);
[[noreturn]] inline void invalid(std::string message) {
  fail(MI_ERR_INVALID_ARGUMENT, std::move(message));
}

// A caller-provided workspace must exist and hold at least `needed` bytes; `size_query` names the
// entry point that reports the size, so the message tells the caller how to fix the call.
inline void require_workspace(const void* workspace, int64_t bytes, int64_t needed, const char* size_query) {
  if (workspace == nullptr || bytes < needed)
    invalid("workspace holds " + std::to_string(bytes) + " bytes; " + std::to_string(needed) +
            " needed (" + size_query + ")");
}

void set_last_error(const char* message) noexcept;
void clear_last_error() noexcept;

// Maps a CUDA runtime error to our status (no device, out of memory, other) with CUDA's own text
// and the operation that failed.
mi_status status_from_cuda(cudaError_t err) noexcept;
void check_cuda(cudaError_t err, const char* what);

// Runs `body` (which returns void), mapping any exception to a status + thread-local message.
template <typename Body>
mi_status guarded(Body&& body) noexcept {
  try {
    clear_last_error();
    body();
    return MI_OK;
  } catch (const Failure& f) {
    set_last_error(f.what());
    return f.status();
  } catch (const std::bad_alloc&) {
    set_last_error("host out of memory");
    return MI_ERR_INTERNAL;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return MI_ERR_INTERNAL;
  } catch (...) {
    set_last_error("unknown internal error");
    return MI_ERR_INTERNAL;
  }
}

}  // namespace mi

#define MI_CUDA_CHECK(expr) ::mi::check_cuda((expr), #expr)
