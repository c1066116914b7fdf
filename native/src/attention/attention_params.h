// Plain parameters of the attention forward mainloop (the operands and their shapes), filled by a
// validated C entry point. Host-only code includes this header, so it carries no device types.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace mi::attention {

enum class ElementType { kFloat16, kBFloat16 };

// The query heads one launch computes (grid.y indexes it), passed by value in the kernel
// parameters: no device allocation, validated on the host. With route codes (mi_head_routes), a
// (batch, head) runs only where the device-written code selects this launch: a head that an
// estimation sent to dense is skipped by its sparse launch and picked up by the dense one without
// the host reading anything back.
constexpr int kMaxHeadList = 1024;
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

// Per-query-block lists of the index-driven patterns (mi_csr_index, device memory).
struct CsrIndex {
  const int64_t* row_ptr;  // [rows + 1]
  const int32_t* values;
  int64_t value_count;     // bounds every read of `values`
};

struct AttentionFwdParams {
  using index_t = int64_t;  // N·H·D passes 2^31 at long context: every offset is 64-bit.

  const void* q;
  const void* k;
  const void* v;
  void* o;
  float* lse;  // optional, [batch, q_heads, q_len]

  // Element strides of the batch, head and row dimensions; the head_dim stride is 1.
  struct RowStrides {
    index_t batch, head, row;
  };
  RowStrides q_strides, k_strides, v_strides, o_strides;

  int batch;
  int q_heads;
  int q_heads_per_kv_head;  // GQA group size
  int q_len;
  int kv_len;

  float scale;       // softmax scale applied to Q·Kᵀ
  float scale_log2;  // scale · log2(e): the kernel works in base 2
};

}  // namespace mi::attention
