// A per-thread memo of device pointers that already passed cudaPointerGetAttributes, so a layer
// that launches a dozen kernels on the same operands pays that query once instead of per launch
// (each costs about a microsecond of host time). An entry holds for the device it was checked on
// and until the library frees memory (mi_free bumps a process-wide generation); memory freed
// behind the library's back (cudaFree by the caller) is the caller's to stop passing.
#pragma once

#include <cstdint>

namespace mi {

// True when `ptr` was recorded on this thread, for `device`, since the last mi_free.
bool pointer_checked(const void* ptr, int device) noexcept;
// Records that `ptr` is device memory of `device`.
void remember_checked_pointer(const void* ptr, int device) noexcept;
// Forgets every recorded pointer, on every thread (called by mi_free).
void forget_checked_pointers() noexcept;

}  // namespace mi
