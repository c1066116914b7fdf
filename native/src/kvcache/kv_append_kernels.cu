// The KV cache row kernels: a decode step appends one token per sequence at the position its
// device lengths give (so the host passes no per-step values), and a prompt's window rows are
// copied in with the lengths the host computed. Bandwidth is trivial (one row per head per step,
// one window per head every `window` steps): the kernels aim at few launches, not at peak copies.
#include <cuda_runtime.h>

#include <cstdint>

#include "kv_append_launch.h"

namespace mi::kvcache {
namespace {

constexpr int kThreads = 128;

__device__ bool is_full(int64_t coded, int64_t filled, int64_t capacity) {
  return coded + filled >= capacity;
}

// The window slab of (sequence, kv head), `count` elements, to staging: 16-byte vectors when the
// host found the slabs aligned, else element by element.
__device__ void copy_slab(const uint16_t* source, uint16_t* destination, int64_t count, bool vector_copy) {
  if (vector_copy) {
    const auto* from = reinterpret_cast<const uint4*>(source);
    auto* to = reinterpret_cast<uint4*>(destination);
    for (int64_t i = threadIdx.x; i < count / 8; i += blockDim.x) to[i] = from[i];
  } else {
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) destination[i] = source[i];
  }
}

// grid (kv_heads, batch): one CTA per (sequence, kv head). Reads the lengths but never writes
// them (update_lengths_kernel does, after every CTA has read them).
__global__ void __launch_bounds__(kThreads) append_rows_kernel(const __grid_constant__ AppendStepParams p) {
  const int head = blockIdx.x;
  const int batch = blockIdx.y;
  const int64_t coded = p.coded_lens[batch];
  const int64_t filled = p.window_lens[batch];
  if (is_full(coded, filled, p.capacity)) return;  // the host rejects this; never write past it

  const int64_t slab_elements = int64_t(p.window) * p.head_dim;
  const int64_t slab = (int64_t(batch) * p.kv_heads + head) * slab_elements;
  int64_t row = filled;
  if (filled >= p.window) {  // uniform over the CTA: the barrier below is reached by all or none
    copy_slab(p.window_k + slab, p.staging_k + slab, slab_elements, p.vector_copy);
    copy_slab(p.window_v + slab, p.staging_v + slab, slab_elements, p.vector_copy);
    __syncthreads();  // row 0 is read into staging before the new token overwrites it
    row = 0;
  }
  const uint16_t* key = p.keys + batch * p.input_strides[0] + head * p.input_strides[1];
  const uint16_t* value = p.values + batch * p.value_strides[0] + head * p.value_strides[1];
  for (int d = threadIdx.x; d < p.head_dim; d += blockDim.x) {
    p.window_k[slab + row * p.head_dim + d] = key[d];
    p.window_v[slab + row * p.head_dim + d] = value[d];
  }
}

// One CTA: each sequence's lengths after its token, and what the encoder is to take from staging.
__global__ void __launch_bounds__(kThreads) update_lengths_kernel(const __grid_constant__ AppendStepParams p) {
  for (int b = threadIdx.x; b < p.batch; b += blockDim.x) {
    const int32_t coded = p.coded_lens[b];
    const int32_t filled = p.window_lens[b];
    p.flush_offsets[b] = coded;
    p.flush_counts[b] = 0;
    if (is_full(coded, filled, p.capacity)) continue;
    if (filled >= p.window) {
      p.flush_counts[b] = p.window;
      p.coded_lens[b] = coded + p.window;
      p.window_lens[b] = 1;
    } else {
      p.window_lens[b] = filled + 1;
    }
  }
}

// grid (kv_heads): the rows of one kv head; CTA 0 also sets the sequence's lengths (no kernel of
// this launch reads them).
__global__ void __launch_bounds__(kThreads) write_window_kernel(const __grid_constant__ WriteWindowParams p) {
  const int head = blockIdx.x;
  if (head == 0 && threadIdx.x == 0) {
    p.coded_lens[p.sequence] = p.coded_length;
    p.window_lens[p.sequence] = p.window_length;
  }
  const int64_t slab = int64_t(head) * p.window * p.head_dim;
  const int64_t count = int64_t(p.rows) * p.head_dim;
  for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
    const int64_t row = i / p.head_dim;
    const int64_t d = i % p.head_dim;
    const int64_t target = slab + (p.first_row + row) * p.head_dim + d;
    p.window_k[target] = p.keys[head * p.key_strides[0] + row * p.key_strides[1] + d];
    p.window_v[target] = p.values[head * p.value_strides[0] + row * p.value_strides[1] + d];
  }
}

}  // namespace

cudaError_t launch_append_step(const AppendStepParams& params, cudaStream_t stream) {
  append_rows_kernel<<<dim3(params.kv_heads, params.batch), kThreads, 0, stream>>>(params);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) return err;
  update_lengths_kernel<<<1, kThreads, 0, stream>>>(params);
  return cudaGetLastError();
}

cudaError_t launch_write_window(const WriteWindowParams& params, cudaStream_t stream) {
  write_window_kernel<<<params.kv_heads, kThreads, 0, stream>>>(params);
  return cudaGetLastError();
}

}  // namespace mi::kvcache
