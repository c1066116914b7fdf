// Vertical-slash estimation: the last min(64, N) queries of a head against all N keys, causal,
// softmax per row in fp32, then column sums (vertical scores) and diagonal sums (slash scores),
// with no N x N matrix anywhere:
//   pass 1: each CTA scores its key range and writes per-row (max, sum of exp) partials;
//   reduce: one CTA per (batch, head) folds the partials into each row's final (max, sum);
//   pass 2: each CTA rescores its range, turns scores into probabilities, writes its columns'
//           vertical sums directly and adds its diagonals' sums into the slash array (atomics:
//           neighbouring CTAs share the diagonals that cross their boundary).
// At 1M keys each pass reads 256 MB of K, so both must run at memory speed: q·kᵀ runs on tensor
// cores (mma.sync m16n8k16, fp32 accumulation; 64 x 64 x 128 per tile is 0.5 MFMA, far beyond what
// CUDA cores keep up with at 3 TB/s), Q stays in registers, K streams through a 3-stage cp.async
// ring. Scores are kept in log2 units (q·k · scale · log2 e), so each probability is one exp2.
//
// A CTA is 4 warps in a 2 x 2 grid over the 64 x 64 score tile: warp (wr, wc) owns rows
// 32wr..32wr+31 (two m16 atoms, Q fragments in registers) and keys 32wc..32wc+31 (four n8 tiles),
// so each K fragment feeds two MMAs and K is read from shared memory twice per tile, not four times.
//
// Pass 2 reduces the probability tile along columns and diagonals through shared memory: element
// (r, c) is stored at r * (kPitch - 1) + c + 64, so that column c of the tile is read along
// addresses r * (kPitch - 1) + c + 64 and diagonal c - r = x - 64 is the column x of a kPitch-wide
// array. 64 threads sum the 127 diagonals (thread t: diagonals t and t + 64, whose rows together
// are 0..63), 64 threads the 64 columns: 64 loads each, every load conflict-free.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../attention/attention_params.h"
#include "../attention/attention_traits.cuh"
#include "../common/device_primitives.cuh"
#include "../common/swizzle.cuh"
#include "vs_estimate_launch.h"

namespace mi::vertical_slash {

namespace estimate {

constexpr int kRows = 64;     // MI_VS_LAST_QUERIES
constexpr int kKeys = 64;     // keys per tile
constexpr int kThreads = 128;
constexpr int kStages = 3;
// Odd (8-byte aligned pairs at even columns) and kPitch - 1 = 8 (mod 32): the two-float stores of
// an MMA fragment hit distinct banks within each half-warp.
constexpr int kPitch = 137;
constexpr float kLog2e = 1.4426950408889634f;

template <int kHeadDim>
struct Shape {
  static constexpr int kChunks = kHeadDim / 8;  // 16-byte chunks per row
  static constexpr int kTileElems = kKeys * kHeadDim;
  static constexpr int kQBytes = kRows * kHeadDim * 2;
  static constexpr int kKBytes = kStages * kTileElems * 2;
  static constexpr int kProbBytes = kRows * kPitch * 4;     // pass 2: the probability tile
  static constexpr int kStatBytes = 2 * kRows * 2 * 4;      // pass 1: (max, sum) per key half
  static constexpr int smem_bytes(bool second_pass) {
    return kQBytes + kKBytes + (second_pass ? kProbBytes : kStatBytes);
  }
  // Rows of kHeadDim elements; 16-byte chunks swizzled so the 8 row addresses of one ldmatrix hit
  // 8 distinct bank groups (common/swizzle.cuh, as in the attention mainloop).
  __device__ __forceinline__ static int swizzle(int row, int chunk) {
    return row * kHeadDim + device::swizzle_chunk<kChunks>(row, chunk) * 8;
  }
};

// Copies rows first .. first + 63 (those below valid_rows, zeros for the rest) into a swizzled tile.
template <int kHeadDim, typename Element>
__device__ __forceinline__ void load_rows_async(Element* smem, const Element* src,
                                                int64_t row_stride, int first, int valid_rows) {
  using S = Shape<kHeadDim>;
#pragma unroll
  for (int j = 0; j < kKeys * S::kChunks / kThreads; ++j) {
    const int i = j * kThreads + threadIdx.x;
    const int r = i / S::kChunks;
    const int c = i % S::kChunks;
    const bool valid = r < valid_rows;
    // Masked rows still pass an in-range address (nothing is read from it).
    const Element* g = src + int64_t(valid ? first + r : first) * row_stride + c * 8;
    device::cp_async_16(device::smem_address(smem + S::swizzle(r, c)), g, valid);
  }
}

// acc[a][nt] (+)= Q rows of atom a · K keys of n8 tile nt, over all of head_dim.
template <int kHeadDim, typename Element>
__device__ __forceinline__ void score_tile(const uint32_t (&q_frag)[2][kHeadDim / 16][4],
                                           uint32_t k_tile, int wc, int lane,
                                           float (&acc)[2][4][4]) {
  using S = Shape<kHeadDim>;
  using Mma = device::Mma16816<Element>;
#pragma unroll
  for (int a = 0; a < 2; ++a)
#pragma unroll
    for (int nt = 0; nt < 4; ++nt)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[a][nt][e] = 0.f;
#pragma unroll
  for (int ks = 0; ks < kHeadDim / 16; ++ks) {
#pragma unroll
    for (int np = 0; np < 2; ++np) {
      uint32_t k_frag[4];
      const int row = 32 * wc + 16 * np + (lane % 8) + (lane / 16) * 8;
      device::ldmatrix_x4(k_frag, k_tile + 2 * S::swizzle(row, ks * 2 + (lane / 8) % 2));
#pragma unroll
      for (int a = 0; a < 2; ++a) {
        Mma::run(acc[a][2 * np], q_frag[a][ks], k_frag[0], k_frag[1]);
        Mma::run(acc[a][2 * np + 1], q_frag[a][ks], k_frag[2], k_frag[3]);
      }
    }
  }
}

// (m, l) of two partial softmax sums in log2 units, merged; a row that saw no key has m = -inf.
__device__ __forceinline__ void merge_stats(float& m, float& l, float m2, float l2) {
  const float top = fmaxf(m, m2);
  if (top == -INFINITY) return;
  l = (m == -INFINITY ? 0.f : l * device::fast_exp2(m - top)) +
      (m2 == -INFINITY ? 0.f : l2 * device::fast_exp2(m2 - top));
  m = top;
}

}  // namespace estimate

// Two CTAs per SM (the launch sizes the grid for that): about 170 registers a thread at head_dim
// 128, Q fragments included, and up to 99 KB of shared memory in pass 2.
template <int kHeadDim, typename Element, bool kSecondPass>
__global__ void __launch_bounds__(estimate::kThreads, 2)
    vs_estimate_kernel(const __grid_constant__ VsEstimateParams p) {
  using namespace estimate;
  using S = Shape<kHeadDim>;
  extern __shared__ __align__(16) unsigned char smem[];
  auto* s_q = reinterpret_cast<Element*>(smem);
  auto* s_k = reinterpret_cast<Element*>(smem + S::kQBytes);
  auto* s_extra = reinterpret_cast<float*>(smem + S::kQBytes + S::kKBytes);

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

  // This CTA's tiles: an even share of ceil(n / 64).
  const int64_t tiles = (n + kKeys - 1) / kKeys;
  const int tile_begin = static_cast<int>(tiles * blockIdx.x / gridDim.x);
  const int tile_end = static_cast<int>(tiles * (blockIdx.x + 1) / gridDim.x);

  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int wr = warp / 2;         // rows 32wr..
  const int wc = warp % 2;         // keys 32wc.. of each tile
  const int group = lane / 4;      // row within an m16 half
  const int quad_lane = lane % 4;  // column pair within an n8 tile
  const float scale_log2 = p.scale * kLog2e;

  // Row (a, h) of this thread: 32wr + 16a + 8h + group.
  float row_max[2][2], row_inv_sum[2][2];  // pass 2: the final statistics; pass 1: running ones
  float row_sum[2][2];
#pragma unroll
  for (int a = 0; a < 2; ++a)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int r = 32 * wr + 16 * a + 8 * h + group;
      if constexpr (kSecondPass) {
        row_max[a][h] = p.row_max[row_group * kRows + r];
        const float sum = p.row_sum[row_group * kRows + r];
        row_inv_sum[a][h] = sum > 0.f ? 1.f / sum : 0.f;
      } else {
        row_max[a][h] = -INFINITY;
        row_sum[a][h] = 0.f;
      }
    }

  const uint32_t s_k_addr = device::smem_address(s_k);
  if (tile_begin < tile_end) {
    load_rows_async<kHeadDim>(s_q, q, p.q_strides.row, q_first, q_rows);
#pragma unroll
    for (int s = 0; s < kStages - 1; ++s) {
      const int t = tile_begin + s;
      if (t < tile_end)
        load_rows_async<kHeadDim>(s_k + s * S::kTileElems, k, p.k_strides.row, t * kKeys,
                                  n - t * kKeys);
      device::cp_async_commit();  // always: keeps the group count per tile fixed
    }
    device::cp_async_wait<kStages - 2>();
    __syncthreads();
  }
  uint32_t q_frag[2][kHeadDim / 16][4];
  {
    const uint32_t s_q_addr = device::smem_address(s_q);
#pragma unroll
    for (int a = 0; a < 2; ++a)
#pragma unroll
      for (int ks = 0; ks < kHeadDim / 16; ++ks)
        device::ldmatrix_x4(q_frag[a][ks], s_q_addr + 2 * S::swizzle(32 * wr + 16 * a + lane % 16,
                                                                     ks * 2 + lane / 16));
  }

  float carry = 0.f;  // pass 2, threads 0..63: the diagonal crossing into the next tile
  for (int t = tile_begin; t < tile_end; ++t) {
    const int i = t - tile_begin;
    device::cp_async_wait<kStages - 2>();
    __syncthreads();  // tile t landed; every warp is done with tile t - 1 (its stage, s_extra)
    {
      // Tile tile_begin + j lives in stage j % kStages; this one goes where tile t - 1 was.
      const int next = t + kStages - 1;
      if (next < tile_end)
        load_rows_async<kHeadDim>(s_k + ((i + kStages - 1) % kStages) * S::kTileElems, k,
                                  p.k_strides.row, next * kKeys, n - next * kKeys);
      device::cp_async_commit();
    }
    float acc[2][4][4];
    score_tile<kHeadDim, Element>(q_frag, s_k_addr + 2 * (i % kStages) * S::kTileElems, wc, lane,
                                  acc);

    const int key_first = t * kKeys;
    // Only the tiles that reach past the first score row's query need the causal mask (for
    // n < 64 that is every tile, and it also hides the zero-filled rows >= q_rows).
    const bool masked = key_first + kKeys - 1 > q_first;
#pragma unroll
    for (int a = 0; a < 2; ++a)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int r = 32 * wr + 16 * a + 8 * h + group;
#pragma unroll
        for (int nt = 0; nt < 4; ++nt)
#pragma unroll
          for (int e = 0; e < 2; ++e) {
            const int key = key_first + 32 * wc + 8 * nt + 2 * quad_lane + e;
            const bool visible = !masked || (r < q_rows && key <= q_first + r);
            float& x = acc[a][nt][2 * h + e];
            if constexpr (kSecondPass)
              x = visible ? device::fast_exp2(x * scale_log2 - row_max[a][h]) * row_inv_sum[a][h]
                          : 0.f;
            else
              x = visible ? x * scale_log2 : -INFINITY;
          }
        if constexpr (!kSecondPass) {
          float tile_max = -INFINITY;
#pragma unroll
          for (int nt = 0; nt < 4; ++nt)
            tile_max = fmaxf(tile_max, fmaxf(acc[a][nt][2 * h], acc[a][nt][2 * h + 1]));
          if (tile_max != -INFINITY) {
            const float top = fmaxf(row_max[a][h], tile_max);
            float sum = row_sum[a][h] * device::fast_exp2(row_max[a][h] - top);  // 0 at -inf
#pragma unroll
            for (int nt = 0; nt < 4; ++nt)
              sum += device::fast_exp2(acc[a][nt][2 * h] - top) +
                     device::fast_exp2(acc[a][nt][2 * h + 1] - top);
            row_max[a][h] = top;
            row_sum[a][h] = sum;
          }
        }
      }

    if constexpr (kSecondPass) {
      float* s_prob = s_extra;
#pragma unroll
      for (int a = 0; a < 2; ++a)
#pragma unroll
        for (int h = 0; h < 2; ++h) {
          const int r = 32 * wr + 16 * a + 8 * h + group;
#pragma unroll
          for (int nt = 0; nt < 4; ++nt) {
            const int c = 32 * wc + 8 * nt + 2 * quad_lane;
            *reinterpret_cast<float2*>(s_prob + r * (kPitch - 1) + c + 64) =
                make_float2(acc[a][nt][2 * h], acc[a][nt][2 * h + 1]);
          }
        }
      __syncthreads();
      const int x = threadIdx.x % 64;
      if (threadIdx.x < 64) {
        // Diagonals x (rows 64 - x..63) and x + 64 (rows 0..63 - x); offset of diagonal d:
        // q_first - key_first + 64 - d.
        float low = 0.f, high = 0.f;
#pragma unroll 16
        for (int r = 0; r < kRows; ++r) {
          const bool upper = r < 64 - x;
          const float v = s_prob[r * kPitch + (upper ? x + 64 : x)];
          if (upper) high += v;
          else low += v;
        }
        const int offset = q_first - key_first + 64 - x;
        const float value = carry + low;
        if (value != 0.f && offset >= 0 && offset < n)
          atomicAdd(p.slash_scores + row_group * n + offset, value);
        carry = high;  // offset q_first - key_first - x: diagonal x of the next tile
      } else {
        float total = 0.f;
#pragma unroll 16
        for (int r = 0; r < kRows; ++r) total += s_prob[r * (kPitch - 1) + x + 64];
        if (key_first + x < n) p.vertical_scores[row_group * n + key_first + x] = total;
      }
    }
  }
  device::cp_async_wait<0>();

  if constexpr (kSecondPass) {
    const int x = threadIdx.x;
    const int offset = q_first - tile_end * kKeys + 64 - x;  // diagonal x of the tile after the last
    if (x < 64 && carry != 0.f && offset >= 0 && offset < n)
      atomicAdd(p.slash_scores + row_group * n + offset, carry);
  } else {
    // Fold the four lanes of a row, then the two key halves, and write this CTA's partial.
    float* s_stat = s_extra;  // [wc][row][max, sum]
#pragma unroll
    for (int a = 0; a < 2; ++a)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        float m = row_max[a][h], l = row_sum[a][h];
#pragma unroll
        for (int mask = 1; mask <= 2; mask <<= 1)
          merge_stats(m, l, __shfl_xor_sync(0xffffffffu, m, mask),
                      __shfl_xor_sync(0xffffffffu, l, mask));
        if (quad_lane == 0) {
          const int r = 32 * wr + 16 * a + 8 * h + group;
          s_stat[(wc * kRows + r) * 2] = m;
          s_stat[(wc * kRows + r) * 2 + 1] = l;
        }
      }
    __syncthreads();
    if (threadIdx.x < kRows) {
      const int r = threadIdx.x;
      float m = s_stat[r * 2], l = s_stat[r * 2 + 1];
      merge_stats(m, l, s_stat[(kRows + r) * 2], s_stat[(kRows + r) * 2 + 1]);
      const int64_t partial = (row_group * gridDim.x + blockIdx.x) * kRows + r;
      p.partial_max[partial] = m;
      p.partial_sum[partial] = l;
    }
  }
}

// Folds the key-range partials into each row's max and sum (log2 units): one warp per query row,
// 8 rows per CTA (grid: head slot, batch, row / 8), so that the ~hundreds of partials per row are
// read by many SMs at once rather than by one CTA walking all 64 rows.
constexpr int kReduceRowsPerCta = 8;
__global__ void __launch_bounds__(32 * kReduceRowsPerCta)
    vs_estimate_reduce_kernel(const __grid_constant__ VsEstimateParams p, int partials_per_row) {
  const int64_t row_group = int64_t(blockIdx.y) * p.heads.count + blockIdx.x;
  const int lane = threadIdx.x % 32;
  const int r = blockIdx.z * kReduceRowsPerCta + threadIdx.x / 32;
  float m = -INFINITY, l = 0.f;
#pragma unroll 4
  for (int c = lane; c < partials_per_row; c += 32) {
    const int64_t i = (row_group * partials_per_row + c) * estimate::kRows + r;
    estimate::merge_stats(m, l, p.partial_max[i], p.partial_sum[i]);
  }
#pragma unroll
  for (int mask = 16; mask >= 1; mask >>= 1)
    estimate::merge_stats(m, l, __shfl_xor_sync(0xffffffffu, m, mask),
                          __shfl_xor_sync(0xffffffffu, l, mask));
  if (lane == 0) {
    p.row_max[row_group * estimate::kRows + r] = m;
    p.row_sum[row_group * estimate::kRows + r] = l;
  }
}

}  // namespace mi::vertical_slash
