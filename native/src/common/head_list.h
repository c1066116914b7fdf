// The query heads one launch computes, shared by every kernel family that works per head
// (attention patterns, estimators, routing).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "minference.h"

namespace mi {

// The list travels by value in the kernel parameters (grid.y indexes it): no device allocation,
// validated on the host. With route codes (mi_head_routes), a (batch, head) runs only where the
// device-written code selects this launch: a head that an estimation sent to dense is skipped by
// its sparse launch and picked up by the dense one without the host reading anything back.
constexpr int kMaxHeadList = 1024;
static_assert(kMaxHeadList == MI_MAX_HEAD_LIST, "head list capacity matches the ABI");

struct HeadList {
  int count;
  int run_dense;               // 0: run codes == MI_ROUTE_SPARSE (0); 1: run every other code
  const int32_t* route_codes;  // device [batch, q_heads], or nullptr: every listed head runs
  int16_t ids[kMaxHeadList];

  __host__ __device__ bool runs(int batch, int head, int q_heads) const {
    if (route_codes == nullptr) return true;
    const bool sparse = route_codes[int64_t(batch) * q_heads + head] == 0;
    return run_dense ? !sparse : sparse;
  }
};

// The query heads of a launch: `heads` (host array of distinct indices in [0, q_heads)) or, when
// NULL, every head; `routes` optionally filters them on the device (its pointer is checked for
// alignment, its contents are read by the kernels). Throws mi::Failure naming the argument.
HeadList validate_head_list(const int32_t* heads, int32_t head_count, int64_t q_heads,
                            const mi_head_routes& routes = mi_head_routes{});

}  // namespace mi
