// A CSR index in device memory (mi_csr_index without its ABI spelling), as the kernels read it.
// Host-safe: the validated entry points fill it; common/csr_rows.cuh reads its rows on the device.
#pragma once

#include <cstdint>

#include "minference.h"

namespace mi {

struct CsrIndex {
  const int64_t* row_ptr;  // [rows + 1]
  const int32_t* values;
  int64_t value_count;     // bounds every read of `values`
};

// Pointers, alignment and length of a CSR index (its contents live on the device and are read
// defensively by the kernels). Throws mi::Failure naming `name`.
void validate_csr_index(const char* name, const mi_csr_index& index);

}  // namespace mi
