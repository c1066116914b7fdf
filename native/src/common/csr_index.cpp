// validate_csr_index (csr_index.h).
#include "csr_index.h"

#include <cstdint>
#include <string>

#include "pointer_checks.h"
#include "status.h"

namespace mi {

void validate_csr_index(const char* name, const mi_csr_index& index) {
  const std::string n = name;
  if (index.row_ptr == nullptr) invalid(n + ".row_ptr must not be NULL");
  if (index.value_count < 0)
    invalid(n + ".value_count=" + std::to_string(index.value_count) + " must be >= 0");
  if (index.value_count > 0 && index.values == nullptr)
    invalid(n + ".values must not be NULL when value_count > 0");
  if (reinterpret_cast<uintptr_t>(index.row_ptr) % alignof(int64_t) != 0 ||
      reinterpret_cast<uintptr_t>(index.values) % alignof(int32_t) != 0)
    invalid(n + " arrays must be naturally aligned (int64 row_ptr, int32 values)");
  check_device_pointer((n + ".row_ptr").c_str(), index.row_ptr);
  if (index.value_count > 0) check_device_pointer((n + ".values").c_str(), index.values);
}

}  // namespace mi
