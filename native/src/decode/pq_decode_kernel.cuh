// PQ decode attention (MILLION): one query token per sequence over a product-quantized KV cache
// (codes of 256 centroids per subspace, M ∈ {32, 64} subspaces) plus a 16-bit window of recent
// tokens.
//
// Why this shape. A code row is M bytes per token and head, 4× fewer than 16-bit K/V, so the
// kernel only beats dense decode if its table lookups keep up with HBM. Random 8-bit codes index
// the tables, so the layouts are built around shared-memory banks:
//  - The 32 lanes of a warp never hit the same bank. Subspaces are grouped into 32 *units* of
//    R = M / 32 subspaces; every table (the q·centroid lookup table, the value centroids) stores
//    unit u's entries in bank u only: word (plane, code, u) at (plane · 256 + code) · 32 + u. A
//    lane that reads unit u reads bank u, whatever the code.
//  - Scores (phase 1): a lane scores a whole token, rotating through the units so that at every
//    step the 32 lanes are at 32 different units (u = (lane + step) mod 32): conflict-free, and
//    no shuffle reduction per token. Half-warps split the 32 units of the same 16 tokens; one
//    xor-16 shuffle joins them.
//  - Values (phase 2): lane u owns unit u's D/32 output dims, reads its code byte(s) of the token
//    and the fp16 centroid words in bank u, and accumulates p · centroid (on-the-fly
//    dequantisation: per (token, subspace) one 32-bit read shared by the kHeads query heads,
//    where weight binning would read-modify-write one fp32 bin per head).
// Each warp keeps its own online softmax (max, sum, D/32 dims per lane and head) over the 16
// tokens of each 128-token tile it scores, so a tile needs one CTA barrier (the copy pipeline's),
// not one per max. Codes stream through a cp.async ring of 128-token stages (K and V rows are
// contiguous, 16-byte chunks). Tables: fp32 lookup table (kHeads · R · 32 KB), fp16 value
// centroids (R · ceil(sub / 2) · 32 KB), built at CTA start through a per-warp transpose so the
// global reads are coalesced and the table writes conflict-free.
//
// Ranges: blockIdx.x < splits covers the coded tokens [x · chunk, (x + 1) · chunk); blockIdx.x ==
// splits is the 16-bit window, read directly (lane u's D/32 dims, warp-summed scores) with the
// same per-warp state. The CTA merges its warps in warp order; decode_merge_kernel merges the
// ranges in range order. No atomics: the output is bit-identical run to run.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../common/device_primitives.cuh"
#include "dense_decode_kernel.cuh"
#include "pq_decode_params.h"

namespace mi::decode {

constexpr int kPqTileTokens = 128;  // tokens per pipeline stage
constexpr int kPqWarps = 8;         // warps of a split CTA (pq_decode_launch.cu says why)
constexpr int kPqTransposeWarps = 8;  // warps that build the tables (one 4 KB scratch each)
constexpr int kPqMaxSmemBytes = 227 * 1024;
constexpr int kPqMaxStages = 4;

template <int kHeadDim, int kSubspaces, int kHeads, int kWarps>
struct PqDecodeShape {
  static constexpr int kThreads = kWarps * 32;
  static constexpr int kWarpTokens = kPqTileTokens / kWarps;    // tokens a warp scores per tile
  static constexpr int kLanesPerToken = 32 / kWarpTokens;       // lanes splitting a token's units
  static constexpr int kSteps = 32 / kLanesPerToken;            // units per lane
  static constexpr int kUnits = 32;
  static constexpr int R = kSubspaces / kUnits;                 // subspaces per unit
  static constexpr int kSubDim = kHeadDim / kSubspaces;         // dims per subspace
  static constexpr int kWords = (kSubDim + 1) / 2;              // half2 words per centroid
  static constexpr int kLaneDims = kHeadDim / kUnits;           // = R · kSubDim
  static constexpr int kPlaneWords = 256 * kUnits;              // one [code][unit] plane
  static constexpr int kLutWords = kHeads * R * kPlaneWords;    // fp32
  static constexpr int kValueWords = R * kWords * kPlaneWords;  // half2
  static constexpr int kQueryFloats = kHeads * kHeadDim;
  static constexpr int kFixedBytes = (kLutWords + kValueWords + kQueryFloats) * 4;
  static constexpr int kStageBytes = 2 * kPqTileTokens * kSubspaces;  // K then V codes
  static constexpr int kMergeBytes = kWarps * kHeads * (kHeadDim + 2) * 4;
  static constexpr int kTransposeBytes = kPqTransposeWarps * 32 * 32 * 4;
  static constexpr int kRingNeed = kMergeBytes > kTransposeBytes ? kMergeBytes : kTransposeBytes;
  static constexpr int kStagesByBudget = (kPqMaxSmemBytes - kFixedBytes) / kStageBytes;
  static constexpr int kStages = kStagesByBudget < kPqMaxStages ? kStagesByBudget : kPqMaxStages;
  static constexpr int kRingBytes =
      kStages * kStageBytes > kRingNeed ? kStages * kStageBytes : kRingNeed;
  static constexpr int kSmemBytes = kFixedBytes + kRingBytes;
  static constexpr bool kFits = kStages >= 2 && kSmemBytes <= kPqMaxSmemBytes;
  static_assert(kSubspaces % kUnits == 0 && kHeadDim % kSubspaces == 0, "whole subspaces per unit");
  static_assert(kWarpTokens * kLanesPerToken == 32, "a warp's lanes split its tokens evenly");
};

namespace detail {

// Reads `count` consecutive 16-bit elements as floats (2-byte aligned: head_dim 96 gives 3).
template <typename Element, int kCount>
__device__ __forceinline__ void load_floats(const Element* src, float (&out)[kCount]) {
#pragma unroll
  for (int i = 0; i < kCount; ++i) out[i] = widen(src[i]);
}

// The R code bytes of `unit` in a token's code row (R = 1 or 2), as one integer.
template <int R>
__device__ __forceinline__ uint32_t unit_codes(const uint8_t* row, int unit) {
  if constexpr (R == 2) return *reinterpret_cast<const uint16_t*>(row + 2 * unit);
  else return row[unit];
}

// Fills a [plane][code][unit] table of 32-bit words through a per-warp 32 × 32 transpose
// (scratch: 1024 words of this warp, xor-swizzled): lanes first walk 32 codes of one unit
// (coalesced global reads of `value(plane, subspace, code)`), then 32 units of one code
// (consecutive table words). Called by every warp of the CTA; tiles are dealt round-robin.
template <int R, typename Value>
__device__ __forceinline__ void fill_unit_table(uint32_t* table, int planes_per_r, int planes,
                                                uint32_t* scratch, Value value) {
  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  const int tiles = planes * (256 / 32);
  for (int tile = warp; tile < tiles; tile += kPqTransposeWarps) {
    const int plane = tile / 8;
    const int code0 = (tile % 8) * 32;
    const int r = (plane / planes_per_r) % R;
    // 16 units' global reads are issued before the first is stored: the centroids come from L2
    // or HBM, and one round trip per unit would dominate a short range.
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      uint32_t words[16];
#pragma unroll
      for (int i = 0; i < 16; ++i) words[i] = value(plane, (half * 16 + i) * R + r, code0 + lane);
#pragma unroll
      for (int i = 0; i < 16; ++i) {
        const int unit = half * 16 + i;
        scratch[unit * 32 + (lane ^ unit)] = words[i];
      }
    }
    __syncwarp();
#pragma unroll 4
    for (int c = 0; c < 32; ++c)
      table[(plane * 256 + code0 + c) * 32 + lane] = scratch[lane * 32 + (c ^ lane)];
    __syncwarp();
  }
}

}  // namespace detail

// grid (splits + 1, kv_heads * (group / kHeads), batch), kWarps · 32 threads, kSmemBytes.
template <int kHeadDim, typename Element, int kSubspaces, int kHeads, int kWarps>
__global__ void __launch_bounds__(kWarps * 32, 1)
    pq_decode_split_kernel(const __grid_constant__ PqDecodeParams p) {
  using Shape = PqDecodeShape<kHeadDim, kSubspaces, kHeads, kWarps>;
  constexpr int kThreads = Shape::kThreads;
  constexpr int kWarpTokens = Shape::kWarpTokens;
  using index_t = attention::AttentionFwdParams::index_t;
  constexpr int R = Shape::R;
  constexpr int kSub = Shape::kSubDim;
  constexpr int kWords = Shape::kWords;
  constexpr int kDims = Shape::kLaneDims;
  constexpr int kStages = Shape::kStages;
  const auto& a = p.attention;
  const int range = blockIdx.x;
  const bool window = range == p.splits;
  const int chunks_per_group = a.q_heads_per_kv_head / kHeads;
  const int kv_head = blockIdx.y / chunks_per_group;
  const int first_head = kv_head * a.q_heads_per_kv_head + (blockIdx.y % chunks_per_group) * kHeads;
  const int batch = blockIdx.z;
  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  int begin = 0, end = 0;
  // Lengths past the capacities (a caller's bug on the device) read no row past the caches.
  if (window) {
    end = min(p.window_lens[batch], a.kv_len);
  } else {
    begin = range * p.chunk;
    end = int(min(int64_t(min(p.coded_lens[batch], begin + p.chunk)), p.capacity));
  }

  extern __shared__ __align__(16) unsigned char smem_raw[];
  float* s_lut = reinterpret_cast<float*>(smem_raw);                            // [kHeads·R][256][32]
  uint32_t* s_values = reinterpret_cast<uint32_t*>(s_lut + Shape::kLutWords);  // [R·kWords][256][32]
  float* s_q = reinterpret_cast<float*>(s_values + Shape::kValueWords);        // [kHeads][D]
  unsigned char* s_ring = reinterpret_cast<unsigned char*>(s_q + Shape::kQueryFloats);

  // This lane's kDims query dims of each head, as base-2 logits (the window path's operand).
  float q[kHeads][kDims];
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    const auto* row = static_cast<const Element*>(a.q) + batch * a.q_strides.batch +
                      index_t(first_head + h) * a.q_strides.head + lane * kDims;
    detail::load_floats<Element, kDims>(row, q[h]);
#pragma unroll
    for (int e = 0; e < kDims; ++e) {
      q[h][e] *= a.scale_log2;
      s_q[h * kHeadDim + lane * kDims + e] = q[h][e];
    }
  }

  float m_run[kHeads], l_run[kHeads], acc[kHeads][kDims];
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    m_run[h] = -INFINITY;
    l_run[h] = 0.f;
#pragma unroll
    for (int e = 0; e < kDims; ++e) acc[h][e] = 0.f;
  }

  if (window) {
    // ≤ W rows of 16-bit K/V: warp w takes rows w, w + 8, …; lane u reads its kDims elements.
    const auto* wk = static_cast<const Element*>(a.k) + batch * a.k_strides.batch +
                     index_t(kv_head) * a.k_strides.head + lane * kDims;
    const auto* wv = static_cast<const Element*>(a.v) + batch * a.v_strides.batch +
                     index_t(kv_head) * a.v_strides.head + lane * kDims;
    for (int t = warp; t < end; t += kWarps) {
      float k[kDims], v[kDims];
      detail::load_floats<Element, kDims>(wk + index_t(t) * a.k_strides.row, k);
      detail::load_floats<Element, kDims>(wv + index_t(t) * a.v_strides.row, v);
#pragma unroll
      for (int h = 0; h < kHeads; ++h) {
        float s = 0.f;
#pragma unroll
        for (int e = 0; e < kDims; ++e) s = fmaf(q[h][e], k[e], s);
        s = detail::group_sum<32>(s);
        const float m_new = fmaxf(m_run[h], s);
        const float correction = device::fast_exp2(m_run[h] - m_new);
        const float prob = device::fast_exp2(s - m_new);
        l_run[h] = l_run[h] * correction + (lane == 0 ? prob : 0.f);
#pragma unroll
        for (int e = 0; e < kDims; ++e) acc[h][e] = fmaf(acc[h][e], correction, prob * v[e]);
        m_run[h] = m_new;
      }
    }
  } else if (begin < end) {
    __syncthreads();  // s_q complete
    // Tables. LUT[h][m][c] = Σ_j q_h[m·sub + j] · K_centroid[m][c][j] (q already in log2 units);
    // value centroid words: fp16 pairs of dims (2w, 2w + 1) of V_centroid[m][c].
    const float* key_centroids = p.key_centroids + int64_t(kv_head) * p.centroid_head_stride;
    const float* value_centroids = p.value_centroids + int64_t(kv_head) * p.centroid_head_stride;
    auto* scratch = reinterpret_cast<uint32_t*>(s_ring) + warp * 1024;
    if (warp < kPqTransposeWarps) {
    detail::fill_unit_table<R>(
        reinterpret_cast<uint32_t*>(s_lut), 1, kHeads * R, scratch, [&](int plane, int m, int c) {
          const int h = plane / R;
          const float* centroid = key_centroids + (int64_t(m) * 256 + c) * kSub;
          float dot = 0.f;
#pragma unroll
          for (int j = 0; j < kSub; ++j) dot = fmaf(s_q[h * kHeadDim + m * kSub + j], __ldg(centroid + j), dot);
          return __float_as_uint(dot);
        });
    detail::fill_unit_table<R>(s_values, kWords, R * kWords, scratch, [&](int plane, int m, int c) {
      const int w = plane % kWords;
      const float* centroid = value_centroids + (int64_t(m) * 256 + c) * kSub;
      const float lo = __ldg(centroid + 2 * w);
      const float hi = 2 * w + 1 < kSub ? __ldg(centroid + 2 * w + 1) : 0.f;
      const __half2 pair = __floats2half2_rn(lo, hi);
      return *reinterpret_cast<const uint32_t*>(&pair);
    });
    }
    __syncthreads();  // tables complete, scratch free for the ring

    const uint8_t* key_codes = p.key_codes + batch * p.code_strides.batch + int64_t(kv_head) * p.code_strides.head;
    const uint8_t* value_codes = p.value_codes + batch * p.code_strides.batch + int64_t(kv_head) * p.code_strides.head;
    const int tiles = (end - begin + kPqTileTokens - 1) / kPqTileTokens;
    constexpr int kChunksPerRow = kSubspaces / 16;
    constexpr int kChunks = 2 * kPqTileTokens * kChunksPerRow;
    // Stage s of tile i: K codes [128][M] then V codes [128][M]; rows past `end` zero-filled.
    auto load_tile = [&](int tile) {
      if (tile < tiles) {
        unsigned char* stage = s_ring + (tile % kStages) * Shape::kStageBytes;
        const int first = begin + tile * kPqTileTokens;
#pragma unroll
        for (int i = threadIdx.x; i < kChunks; i += kThreads) {
          const bool is_value = i >= kChunks / 2;
          const int within = i % (kChunks / 2);
          const int token = within / kChunksPerRow;
          const uint8_t* base = is_value ? value_codes : key_codes;
          const bool valid = first + token < end;
          const uint8_t* src = valid ? base + int64_t(first + token) * kSubspaces + (within % kChunksPerRow) * 16 : base;
          device::cp_async_16(device::smem_address(stage + i * 16), src, valid);
        }
      }
      device::cp_async_commit();  // an empty group past the last tile keeps the wait count fixed
    };
#pragma unroll
    for (int s = 0; s < kStages - 1; ++s) load_tile(s);

    const int token_in_warp = lane % kWarpTokens;  // the token this lane scores (in part)
    for (int tile = 0; tile < tiles; ++tile) {
      device::cp_async_wait<kStages - 2>();
      __syncthreads();         // tile's stage visible to all; the stage read last tile is free
      load_tile(tile + kStages - 1);
      const unsigned char* stage = s_ring + (tile % kStages) * Shape::kStageBytes;
      const uint8_t* k_rows = stage;
      const uint8_t* v_rows = stage + kPqTileTokens * kSubspaces;
      const int warp_first = begin + tile * kPqTileTokens + warp * kWarpTokens;
      if (warp_first >= end) continue;  // this warp's tokens are all past the range

      // Phase 1: lane (part, i) sums kSteps of the 32 units of token i, starting at unit `lane`.
      const uint8_t* k_row = k_rows + (warp * kWarpTokens + token_in_warp) * kSubspaces;
      // Two chains per head (even and odd steps) halve the dependent-add latency; fixed order.
      float score[kHeads][2];
#pragma unroll
      for (int h = 0; h < kHeads; ++h) score[h][0] = score[h][1] = 0.f;
#pragma unroll
      for (int step = 0; step < Shape::kSteps; ++step) {
        const int unit = (lane + step) & 31;
        const uint32_t codes = detail::unit_codes<R>(k_row, unit);
#pragma unroll
        for (int r = 0; r < R; ++r) {
          const int word = ((codes >> (8 * r)) & 0xff) * 32 + unit;
#pragma unroll
          for (int h = 0; h < kHeads; ++h) score[h][step & 1] += s_lut[(h * R + r) * Shape::kPlaneWords + word];
        }
      }
      const bool valid = warp_first + token_in_warp < end;
      float prob[kHeads];
#pragma unroll
      for (int h = 0; h < kHeads; ++h) {
        const float half_sum = score[h][0] + score[h][1];
        float s = half_sum;
#pragma unroll
        for (int offset = kWarpTokens; offset < 32; offset *= 2) s += __shfl_xor_sync(0xffffffffu, s, offset);
        s = valid ? s : -INFINITY;
        float top = s;
#pragma unroll
        for (int offset = kWarpTokens / 2; offset > 0; offset /= 2) top = fmaxf(top, __shfl_xor_sync(0xffffffffu, top, offset));
        const float m_new = fmaxf(m_run[h], top);  // finite: the warp's first token is valid
        const float correction = device::fast_exp2(m_run[h] - m_new);
        prob[h] = device::fast_exp2(s - m_new);
        l_run[h] = l_run[h] * correction + (lane < kWarpTokens ? prob[h] : 0.f);
#pragma unroll
        for (int e = 0; e < kDims; ++e) acc[h][e] *= correction;
        m_run[h] = m_new;
      }

      // Phase 2: lane = unit; each of the warp's tokens adds p · value centroid to its dims.
      // Unrolled over all the warp's tokens, so the code and centroid reads of many tokens are in flight
      // at once; a token past the end has p = 0 and zero-filled codes: it adds exactly 0.
#pragma unroll
      for (int i = 0; i < kWarpTokens; ++i) {
        const uint32_t codes = detail::unit_codes<R>(v_rows + (warp * kWarpTokens + i) * kSubspaces, lane);
        float p_h[kHeads];
#pragma unroll
        for (int h = 0; h < kHeads; ++h) p_h[h] = __shfl_sync(0xffffffffu, prob[h], i);
#pragma unroll
        for (int r = 0; r < R; ++r) {
          const int code = (codes >> (8 * r)) & 0xff;
#pragma unroll
          for (int w = 0; w < kWords; ++w) {
            const uint32_t bits = s_values[(r * kWords + w) * Shape::kPlaneWords + code * 32 + lane];
            const float2 pair = __half22float2(*reinterpret_cast<const __half2*>(&bits));
#pragma unroll
            for (int h = 0; h < kHeads; ++h) {
              acc[h][r * kSub + 2 * w] = fmaf(p_h[h], pair.x, acc[h][r * kSub + 2 * w]);
              if (2 * w + 1 < kSub) acc[h][r * kSub + 2 * w + 1] = fmaf(p_h[h], pair.y, acc[h][r * kSub + 2 * w + 1]);
            }
          }
        }
      }
    }
    device::cp_async_wait<0>();
  }
  __syncthreads();  // the ring is free: the warps' states merge through it

  // Per-warp (max, sum over its lanes, dims) merged in warp order.
  float* s_m = reinterpret_cast<float*>(s_ring);  // [kWarps][kHeads]
  float* s_l = s_m + kWarps * kHeads;            // [kWarps][kHeads]
  float* s_o = s_l + kWarps * kHeads;            // [kWarps][kHeads][kHeadDim]
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    const float l = detail::group_sum<32>(l_run[h]);
    if (lane == 0) {
      s_m[warp * kHeads + h] = m_run[h];
      s_l[warp * kHeads + h] = l;
    }
#pragma unroll
    for (int e = 0; e < kDims; ++e) s_o[(warp * kHeads + h) * kHeadDim + lane * kDims + e] = acc[h][e];
  }
  __syncthreads();

  const int ranges = p.splits + 1;
  for (int i = threadIdx.x; i < kHeads * kHeadDim; i += kThreads) {
    const int h = i / kHeadDim;
    const int d = i % kHeadDim;
    float top = -INFINITY;
    for (int w = 0; w < kWarps; ++w) top = fmaxf(top, s_m[w * kHeads + h]);
    float sum = 0.f, out = 0.f;
    if (top != -INFINITY) {
      for (int w = 0; w < kWarps; ++w) {
        const float mw = s_m[w * kHeads + h];
        if (mw == -INFINITY) continue;
        const float scale = device::fast_exp2(mw - top);
        sum = fmaf(s_l[w * kHeads + h], scale, sum);
        out = fmaf(s_o[(w * kHeads + h) * kHeadDim + d], scale, out);
      }
    }
    const index_t row = (index_t(batch) * a.q_heads + first_head + h) * ranges + range;
    p.partial_o[row * kHeadDim + d] = sum > 0.f ? out / sum : 0.f;
    if (d == 0) p.partial_lse[row] = sum > 0.f ? top + log2f(sum) : -INFINITY;
  }
}

}  // namespace mi::decode
