// Checks of caller-provided pointers shared by every entry point: non-null, alignment, and that
// the memory is device memory of the current device. Each throws mi::Failure (invalid argument)
// with a message naming the argument, before anything is launched. Names are C strings so that a
// passing check builds no std::string (entry points run these on every launch).
#pragma once

#include <cstddef>

namespace mi {

// "<name> must not be NULL".
void require_pointer(const void* ptr, const char* name);

// Non-null and a multiple of `alignment` bytes ("<name> must be <alignment>-byte aligned").
void require_aligned(const void* ptr, size_t alignment, const char* name);

// As require_aligned, for optional arguments: NULL passes.
void require_aligned_if_present(const void* ptr, size_t alignment, const char* name);

// `ptr` is device (or managed) memory that the current device can use. Passing pointers are
// remembered per thread (common/pointer_cache.h), so repeated launches on the same operands pay
// cudaPointerGetAttributes once.
void check_device_pointer(const char* name, const void* ptr);

// The current device can run the library's kernels (compute capability 8.0 or newer: they use
// mma.sync, cp.async and ldmatrix); throws MI_ERR_UNSUPPORTED_DEVICE otherwise.
void check_device_supported();

}  // namespace mi
