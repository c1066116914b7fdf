// Vertical-slash estimation: the last min(64, N) queries of a head against all N keys, causal,
// softmax per row in fp32, then column sums (vertical scores) and diagonal sums (slash scores).
// It reads K once per pass and is tiny next to the attention it plans (64 rows against N keys), so
// it runs on CUDA cores in fp32 with no N×N matrix anywhere:
//   pass 1: each CTA scores its key range and writes per-row (max, sum of exp) partials;
//   reduce: one CTA per (batch, head) folds the partials into each row's final (max, sum);
//   pass 2: each CTA rescores its range, turns scores into probabilities, writes its columns'
//           vertical sums directly and adds its diagonals' sums into the slash array (atomics:
//           neighbouring CTAs share diagonals).
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../attention/attention_params.h"
#include "../attention/attention_traits.cuh"
#include "vs_estimate_params.h"

namespace mi::vertical_slash {

namespace estimate {

constexpr int kRows = 64;          // MI_VS_LAST_QUERIES
constexpr int kKeysPerTile = 64;
constexpr int kTilesPerCta = 8;    // 512 keys per CTA: fewer partials to fold, Q loaded once
constexpr int kThreads = 256;      // 16 x 16 threads, each owning a 4 x 4 block of the 64 x 64 tile
constexpr int kDimChunk = 32;      // head_dim slice staged in shared memory at a time
constexpr int kStride = kDimChunk + 1;  // +1 float: row-wise reads hit distinct banks

__device__ __forceinline__ float to_float(__half x) { return __half2float(x); }
__device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }

// scores[a][b] = q[row a*16 + ty] · k[key b*16 + tx] over all of head_dim (unscaled).
template <int kHeadDim, typename Element>
__device__ void score_tile(const Element* q, const Element* k, int64_t q_row_stride,
                           int64_t k_row_stride, int q_first, int q_rows, int key_first,
                           int key_count, float (*s_q)[kStride], float (*s_k)[kStride],
                           float (&scores)[4][4]) {
  const int tx = threadIdx.x % 16;
  const int ty = threadIdx.x / 16;
#pragma unroll
  for (int a = 0; a < 4; ++a)
#pragma unroll
    for (int b = 0; b < 4; ++b) scores[a][b] = 0.f;
  for (int d0 = 0; d0 < kHeadDim; d0 += kDimChunk) {
    __syncthreads();  // the previous chunk is consumed
    for (int i = threadIdx.x; i < kRows * kDimChunk; i += kThreads) {
      const int r = i / kDimChunk;
      const int d = i % kDimChunk;
      s_q[r][d] = r < q_rows ? to_float(q[int64_t(q_first + r) * q_row_stride + d0 + d]) : 0.f;
      s_k[r][d] = r < key_count ? to_float(k[int64_t(key_first + r) * k_row_stride + d0 + d])
                                : 0.f;
    }
    __syncthreads();
#pragma unroll 8
    for (int d = 0; d < kDimChunk; ++d) {
      float qv[4], kv[4];
#pragma unroll
      for (int a = 0; a < 4; ++a) qv[a] = s_q[a * 16 + ty][d];
#pragma unroll
      for (int b = 0; b < 4; ++b) kv[b] = s_k[b * 16 + tx][d];
#pragma unroll
      for (int a = 0; a < 4; ++a)
#pragma unroll
        for (int b = 0; b < 4; ++b) scores[a][b] = fmaf(qv[a], kv[b], scores[a][b]);
    }
  }
}

}  // namespace estimate

template <int kHeadDim, typename Element, bool kSecondPass>
__global__ void __launch_bounds__(estimate::kThreads)
    vs_estimate_kernel(const __grid_constant__ VsEstimateParams p) {
  using namespace estimate;
  __shared__ float s_q[kRows][kStride];
  __shared__ float s_k[kKeysPerTile][kStride];
  __shared__ float s_max[kRows][16];  // per row: one partial per tx column group
  __shared__ float s_sum[kRows][16];
  __shared__ float s_slash[kRows + kKeysPerTile];  // the 127 diagonals one tile spans
  __shared__ float s_column[16][kKeysPerTile];     // per-ty partial column sums

  const int slot = blockIdx.y;
  const int batch = blockIdx.z;
  const int head = p.heads.ids[slot];
  const int kv_head = head / p.q_heads_per_kv_head;
  const int n = p.seq_len;
  const int q_rows = min(kRows, n);
  const int q_first = n - q_rows;  // absolute index of score row 0
  const int64_t row_group = int64_t(batch) * p.heads.count + slot;
  const auto* q = static_cast<const Element*>(p.q) + batch * p.q_strides.batch +
                  head * p.q_strides.head;
  const auto* k = static_cast<const Element*>(p.k) + batch * p.k_strides.batch +
                  kv_head * p.k_strides.head;
  const int tx = threadIdx.x % 16;
  const int ty = threadIdx.x / 16;

  // Pass 2 needs each row's final max and sum (from the reduce), in scaled units.
  float row_max[4], row_inv_sum[4];
  if constexpr (kSecondPass) {
#pragma unroll
    for (int a = 0; a < 4; ++a) {
      row_max[a] = p.row_max[row_group * kRows + a * 16 + ty];
      const float sum = p.row_sum[row_group * kRows + a * 16 + ty];
      row_inv_sum[a] = sum > 0.f ? 1.f / sum : 0.f;
    }
  }
  float run_max[4], run_sum[4];
#pragma unroll
  for (int a = 0; a < 4; ++a) {
    run_max[a] = -INFINITY;
    run_sum[a] = 0.f;
  }

  for (int t = 0; t < kTilesPerCta; ++t) {
    const int key_first = (blockIdx.x * kTilesPerCta + t) * kKeysPerTile;
    if (key_first >= n) break;
    const int key_count = min(kKeysPerTile, n - key_first);
    float scores[4][4];
    estimate::score_tile<kHeadDim>(q, k, p.q_strides.row, p.k_strides.row, q_first, q_rows,
                                   key_first, key_count, s_q, s_k, scores);
    if constexpr (kSecondPass) {
      for (int i = threadIdx.x; i < kRows + kKeysPerTile; i += kThreads) s_slash[i] = 0.f;
      __syncthreads();
    }
    float column_sum[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
    for (int a = 0; a < 4; ++a) {
      const int r = a * 16 + ty;
      const int query = q_first + r;
#pragma unroll
      for (int b = 0; b < 4; ++b) {
        const int key = key_first + b * 16 + tx;
        const bool visible = r < q_rows && b * 16 + tx < key_count && key <= query;
        const float s = visible ? scores[a][b] * p.scale : -INFINITY;
        if constexpr (!kSecondPass) {
          if (visible) {
            const float m = fmaxf(run_max[a], s);
            run_sum[a] = run_sum[a] * __expf(run_max[a] - m) + __expf(s - m);
            run_max[a] = m;
          }
        } else if (visible) {
          const float prob = __expf(s - row_max[a]) * row_inv_sum[a];
          column_sum[b] += prob;
          // diagonal offset query - key, relative to the tile's smallest possible offset
          atomicAdd(&s_slash[(query - key) - (q_first - (key_first + kKeysPerTile - 1))], prob);
        }
      }
    }
    if constexpr (kSecondPass) {
      // Column sums: the 16 ty-rows of a column live in 16 threads with the same tx.
#pragma unroll
      for (int b = 0; b < 4; ++b) s_column[ty][b * 16 + tx] = column_sum[b];
      __syncthreads();
      if (threadIdx.x < key_count) {
        float total = 0.f;
#pragma unroll
        for (int y = 0; y < 16; ++y) total += s_column[y][threadIdx.x];
        p.vertical_scores[row_group * n + key_first + threadIdx.x] = total;
      }
      const int smallest_offset = q_first - (key_first + kKeysPerTile - 1);
      for (int i = threadIdx.x; i < kRows + kKeysPerTile - 1; i += kThreads) {
        const int offset = smallest_offset + i;
        if (offset >= 0 && offset < n && s_slash[i] != 0.f)
          atomicAdd(&p.slash_scores[row_group * n + offset], s_slash[i]);
      }
    }
  }

  if constexpr (!kSecondPass) {
    // Fold the 16 tx partials of each row, then write this CTA's partial (max, sum).
#pragma unroll
    for (int a = 0; a < 4; ++a) {
      s_max[a * 16 + ty][tx] = run_max[a];
      s_sum[a * 16 + ty][tx] = run_sum[a];
    }
    __syncthreads();
    if (threadIdx.x < kRows) {
      float m = -INFINITY;
      for (int x = 0; x < 16; ++x) m = fmaxf(m, s_max[threadIdx.x][x]);
      float sum = 0.f;
      if (m != -INFINITY)
        for (int x = 0; x < 16; ++x)
          if (s_max[threadIdx.x][x] != -INFINITY)
            sum += s_sum[threadIdx.x][x] * __expf(s_max[threadIdx.x][x] - m);
      const int64_t partial = (row_group * gridDim.x + blockIdx.x) * kRows + threadIdx.x;
      p.partial_max[partial] = m;
      p.partial_sum[partial] = sum;
    }
  }
}

// One CTA per (head slot, batch), one thread per query row: folds the key-range partials.
__global__ void vs_estimate_reduce_kernel(const __grid_constant__ VsEstimateParams p,
                                          int partials_per_row) {
  const int64_t row_group = int64_t(blockIdx.y) * p.heads.count + blockIdx.x;
  const int r = threadIdx.x;
  float m = -INFINITY;
  for (int c = 0; c < partials_per_row; ++c)
    m = fmaxf(m, p.partial_max[(row_group * partials_per_row + c) * estimate::kRows + r]);
  float sum = 0.f;
  if (m != -INFINITY)
    for (int c = 0; c < partials_per_row; ++c) {
      const int64_t i = (row_group * partials_per_row + c) * estimate::kRows + r;
      if (p.partial_max[i] != -INFINITY) sum += p.partial_sum[i] * __expf(p.partial_max[i] - m);
    }
  p.row_max[row_group * estimate::kRows + r] = m;
  p.row_sum[row_group * estimate::kRows + r] = sum;
}

}  // namespace mi::vertical_slash
