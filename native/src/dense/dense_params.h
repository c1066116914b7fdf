// Plain parameters of the dense forward kernel, filled by the validated C entry point. Host-only
// code includes this header, so it carries no device types.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace mi::dense {

enum class ElementType { kFloat16, kBFloat16 };

struct DenseFwdParams {
  using index_t = int64_t;  // N·H·D passes 2^31 at long context: every offset is 64-bit.

  const void* q;
  const void* k;
  const void* v;
  void* o;
  float* lse;  // optional, [batch, q_heads, q_len]

  // Element strides of the batch, head and row dimensions; the head_dim stride is 1.
  index_t q_batch_stride, q_head_stride, q_row_stride;
  index_t k_batch_stride, k_head_stride, k_row_stride;
  index_t v_batch_stride, v_head_stride, v_row_stride;
  index_t o_batch_stride, o_head_stride, o_row_stride;

  int batch;
  int q_heads;
  int q_heads_per_kv_head;  // GQA group size
  int q_len;
  int kv_len;

  float scale;       // softmax scale applied to Q·Kᵀ
  float scale_log2;  // scale · log2(e): the kernel works in base 2
  bool causal;
};

// One explicit instantiation per (head_dim, element type) lives in dense_fwd_hd*_*.cu.
template <int kHeadDim, ElementType kElement>
cudaError_t run_dense_fwd(const DenseFwdParams& params, cudaStream_t stream);

}  // namespace mi::dense
