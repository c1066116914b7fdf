// Host entries of the KV cache row kernels (kv_append_kernels.cu), validated by kv_append_api.cpp.
// The kernels move 16-bit values as raw bits: no dtype dispatch, one instantiation.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace mi::kvcache {

// One token per sequence into the window, flushing full windows to staging (mi_kv_append_step).
struct AppendStepParams {
  const uint16_t* keys;  // [batch, kv_heads, 1, head_dim]
  const uint16_t* values;
  int64_t input_strides[2];  // elements per batch and per kv head (keys and values alike)
  int64_t value_strides[2];
  uint16_t* window_k;  // [batch, kv_heads, window, head_dim]
  uint16_t* window_v;
  uint16_t* staging_k;  // the same layout
  uint16_t* staging_v;
  int32_t* coded_lens;  // [batch]
  int32_t* window_lens;
  int32_t* flush_offsets;
  int32_t* flush_counts;
  int batch;
  int kv_heads;
  int head_dim;
  int window;
  int64_t capacity;
  bool vector_copy;  // window slabs 16-byte aligned and whole 16-byte chunks: flush in uint4
};

// Rows of one sequence's prompt into its window, and its lengths (mi_kv_write_window).
struct WriteWindowParams {
  const uint16_t* keys;  // [1, kv_heads, rows, head_dim]
  const uint16_t* values;
  int64_t key_strides[2];  // elements per kv head and per row
  int64_t value_strides[2];
  uint16_t* window_k;  // the sequence's slab: [kv_heads, window, head_dim]
  uint16_t* window_v;
  int32_t* coded_lens;  // [batch]
  int32_t* window_lens;
  int sequence;
  int kv_heads;
  int head_dim;
  int window;
  int rows;
  int first_row;
  int32_t coded_length;
  int32_t window_length;
};

cudaError_t launch_append_step(const AppendStepParams& params, cudaStream_t stream);
cudaError_t launch_write_window(const WriteWindowParams& params, cudaStream_t stream);

}  // namespace mi::kvcache
