// PQ decode attention (MILLION): one query token per sequence over a product-quantized KV cache
// (codes of 256 centroids per subspace, M subspaces) plus a 16-bit window of recent tokens.
//
// Split kernel: one CTA per (range, kv head × head chunk, sequence). Ranges 0..splits-1 cover the
// coded tokens; range `splits` is the window. A coded range first builds, in shared memory, the
// lookup table LUT[h][m][c] = scale·log2(e) · q_h,m · K_centroid[m][c] of its kHeads query heads
// (fp32) and stages the value centroids (fp16), then walks its tokens the way dense decode walks
// rows: a token belongs to a group of kLanes lanes, lane ℓ owning subspaces [ℓS, ℓS + S) (S = M /
// kLanes, head_dim / kLanes dims). A lane reads its S key codes (one small vector of the token's
// contiguous M-byte row), sums S table entries per head, the group reduces the sums by shuffles
// into the score, and the lane accumulates its dims of p · V_centroid[m][value code] (on-the-fly
// dequantisation: no per-code weight bins, so no atomics and a fixed summation order). The
// window range reads 16-bit rows instead. Partials merge by log-sum-exp in range order
// (decode_merge_kernel): bit-identical output run to run.
//
// Shared memory: LUT kHeads·M·256·4 bytes (kHeads chosen so it is 128 KB at most) + value
// centroids head_dim·256·2 bytes (64 KB at head_dim 128) + the slot merge.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "dense_decode_kernel.cuh"
#include "pq_decode_params.h"

namespace mi::decode {

constexpr int kPqDecodeThreads = 128;

template <int kHeadDim, int kSubspaces, int kHeads>
struct PqDecodeShape {
  static constexpr int kLanes = kHeadDim <= 64 ? 8 : 16;          // lanes per token, all active
  static constexpr int kTokensPerWarp = 32 / kLanes;
  static constexpr int kGroups = kPqDecodeThreads / 32 * kTokensPerWarp;
  static constexpr int kSubDim = kHeadDim / kSubspaces;            // dims per subspace
  static constexpr int kLaneSubspaces = kSubspaces / kLanes;       // S
  static constexpr int kLaneDims = kHeadDim / kLanes;              // S · kSubDim
  static constexpr int kLutFloats = kHeads * kSubspaces * 256;
  static constexpr int kValueHalves = kHeadDim * 256;
  static constexpr int kMergeFloats = kGroups * kHeads * (kHeadDim + 2);
  static constexpr int kSmemBytes = kLutFloats * 4 + kValueHalves * 2 + kMergeFloats * 4;
  static_assert(kSubspaces % kLanes == 0, "every lane owns whole subspaces");
  static_assert(kSmemBytes <= 227 * 1024, "the tables fit one SM");
};

namespace detail {

// Reads `count` consecutive 16-bit elements as floats (2-byte aligned: head_dim 96 gives lanes 6).
template <typename Element, int kCount>
__device__ __forceinline__ void load_floats(const Element* src, float (&out)[kCount]) {
#pragma unroll
  for (int i = 0; i < kCount; ++i) out[i] = widen(src[i]);
}

}  // namespace detail

// grid (splits + 1, kv_heads * (group / kHeads), batch), kPqDecodeThreads threads, kSmemBytes.
template <int kHeadDim, typename Element, int kSubspaces, int kHeads>
__global__ void __launch_bounds__(kPqDecodeThreads)
    pq_decode_split_kernel(const __grid_constant__ PqDecodeParams p) {
  using Shape = PqDecodeShape<kHeadDim, kSubspaces, kHeads>;
  using index_t = attention::AttentionFwdParams::index_t;
  constexpr int S = Shape::kLaneSubspaces;
  constexpr int kDims = Shape::kLaneDims;
  const auto& a = p.attention;
  const int range = blockIdx.x;
  const bool window = range == p.splits;
  const int chunks_per_group = a.q_heads_per_kv_head / kHeads;
  const int kv_head = blockIdx.y / chunks_per_group;
  const int first_head = kv_head * a.q_heads_per_kv_head + (blockIdx.y % chunks_per_group) * kHeads;
  const int batch = blockIdx.z;
  int begin = 0, end = 0;
  // Lengths past the capacities (a caller's bug on the device) read no row past the cache.
  if (window) {
    end = min(p.window_lens[batch], a.kv_len);
  } else {
    begin = range * p.chunk;
    end = int(min(int64_t(min(p.coded_lens[batch], begin + p.chunk)), p.capacity));
  }

  extern __shared__ __align__(16) unsigned char smem_raw[];
  float* s_lut = reinterpret_cast<float*>(smem_raw);                            // [kHeads, M, 256]
  __half* s_values = reinterpret_cast<__half*>(s_lut + Shape::kLutFloats);       // [M, 256, sub]
  float* s_merge = reinterpret_cast<float*>(s_values + Shape::kValueHalves);     // slot merge

  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  const int sub = lane % Shape::kLanes;
  const int group = warp * Shape::kTokensPerWarp + lane / Shape::kLanes;
  const int dim0 = sub * kDims;  // this lane's first dim (= its first subspace · kSubDim)

  // The query heads' dims of this lane, as base-2 logits (the window path uses them directly).
  float q[kHeads][kDims];
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    const auto* row = static_cast<const Element*>(a.q) + batch * a.q_strides.batch +
                      index_t(first_head + h) * a.q_strides.head + dim0;
    detail::load_floats<Element, kDims>(row, q[h]);
#pragma unroll
    for (int e = 0; e < kDims; ++e) q[h][e] *= a.scale_log2;
  }

  if (!window && begin < end) {
    // LUT[h][m][c] = Σ_j q_h[m·sub + j] · K_centroid[m][c][j] (already scaled), and the value
    // centroids in fp16. Every thread computes whole entries from global memory (L2-resident).
    const float* key_centroids = p.key_centroids + int64_t(kv_head) * p.centroid_head_stride;
    const float* value_centroids = p.value_centroids + int64_t(kv_head) * p.centroid_head_stride;
    for (int i = threadIdx.x; i < Shape::kLutFloats; i += kPqDecodeThreads) {
      const int h = i / (kSubspaces * 256);
      const int mc = i % (kSubspaces * 256);
      const int m = mc / 256;
      const auto* qrow = static_cast<const Element*>(a.q) + batch * a.q_strides.batch +
                         index_t(first_head + h) * a.q_strides.head + m * Shape::kSubDim;
      float dot = 0.f;
#pragma unroll
      for (int j = 0; j < Shape::kSubDim; ++j)
        dot = fmaf(detail::widen(qrow[j]), key_centroids[int64_t(mc) * Shape::kSubDim + j], dot);
      s_lut[i] = dot * a.scale_log2;
    }
    for (int i = threadIdx.x; i < Shape::kValueHalves; i += kPqDecodeThreads)
      s_values[i] = __float2half_rn(value_centroids[i]);
  }
  __syncthreads();

  float m_run[kHeads], l_run[kHeads], acc[kHeads][kDims];
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    m_run[h] = -INFINITY;
    l_run[h] = 0.f;
#pragma unroll
    for (int e = 0; e < kDims; ++e) acc[h][e] = 0.f;
  }

  const int steps = end > begin ? (end - begin + Shape::kGroups - 1) / Shape::kGroups : 0;
  const uint8_t* key_codes = p.key_codes + batch * p.code_strides.batch + int64_t(kv_head) * p.code_strides.head;
  const uint8_t* value_codes = p.value_codes + batch * p.code_strides.batch + int64_t(kv_head) * p.code_strides.head;
  const auto* window_k = static_cast<const Element*>(a.k) + batch * a.k_strides.batch +
                         index_t(kv_head) * a.k_strides.head + dim0;
  const auto* window_v = static_cast<const Element*>(a.v) + batch * a.v_strides.batch +
                         index_t(kv_head) * a.v_strides.head + dim0;
  for (int step = 0; step < steps; ++step) {
    const int t = begin + group + step * Shape::kGroups;
    const bool valid = t < end;
    float partial[kHeads];
    float v[kDims];
    if (window) {
      float k[kDims];
#pragma unroll
      for (int e = 0; e < kDims; ++e) k[e] = v[e] = 0.f;
      if (valid) {
        detail::load_floats<Element, kDims>(window_k + index_t(t) * a.k_strides.row, k);
        detail::load_floats<Element, kDims>(window_v + index_t(t) * a.v_strides.row, v);
      }
#pragma unroll
      for (int h = 0; h < kHeads; ++h) {
        partial[h] = 0.f;
#pragma unroll
        for (int e = 0; e < kDims; ++e) partial[h] = fmaf(q[h][e], k[e], partial[h]);
      }
    } else {
      uint8_t kc[S], vc[S];
#pragma unroll
      for (int i = 0; i < S; ++i) kc[i] = vc[i] = 0;
      if (valid) {
        const uint8_t* krow = key_codes + int64_t(t) * p.code_strides.token + sub * S;
        const uint8_t* vrow = value_codes + int64_t(t) * p.code_strides.token + sub * S;
#pragma unroll
        for (int i = 0; i < S; ++i) {
          kc[i] = __ldg(krow + i);
          vc[i] = __ldg(vrow + i);
        }
      }
#pragma unroll
      for (int h = 0; h < kHeads; ++h) {
        partial[h] = 0.f;
#pragma unroll
        for (int i = 0; i < S; ++i)
          partial[h] += s_lut[(h * kSubspaces + sub * S + i) * 256 + kc[i]];
      }
#pragma unroll
      for (int i = 0; i < S; ++i)
#pragma unroll
        for (int j = 0; j < Shape::kSubDim; ++j)
          v[i * Shape::kSubDim + j] =
              __half2float(s_values[((sub * S + i) * 256 + vc[i]) * Shape::kSubDim + j]);
    }
#pragma unroll
    for (int h = 0; h < kHeads; ++h) {
      const float s = detail::group_sum<Shape::kLanes>(partial[h]);
      if (!valid) continue;
      const float m_new = fmaxf(m_run[h], s);
      const float correction = device::fast_exp2(m_run[h] - m_new);
      const float prob = device::fast_exp2(s - m_new);
      l_run[h] = l_run[h] * correction + prob;
#pragma unroll
      for (int e = 0; e < kDims; ++e) acc[h][e] = fmaf(acc[h][e], correction, prob * v[e]);
      m_run[h] = m_new;
    }
  }

  // The CTA's slots merged in slot order, as in dense decode.
  float* s_m = s_merge;                                  // [kGroups, kHeads]
  float* s_l = s_m + Shape::kGroups * kHeads;            // [kGroups, kHeads]
  float* s_o = s_l + Shape::kGroups * kHeads;            // [kGroups, kHeads, kHeadDim]
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    if (sub == 0) {
      s_m[group * kHeads + h] = m_run[h];
      s_l[group * kHeads + h] = l_run[h];
    }
#pragma unroll
    for (int e = 0; e < kDims; ++e) s_o[(group * kHeads + h) * kHeadDim + dim0 + e] = acc[h][e];
  }
  __syncthreads();

  const int ranges = p.splits + 1;
  for (int i = threadIdx.x; i < kHeads * kHeadDim; i += kPqDecodeThreads) {
    const int h = i / kHeadDim;
    const int d = i % kHeadDim;
    float top = -INFINITY;
    for (int g = 0; g < Shape::kGroups; ++g) top = fmaxf(top, s_m[g * kHeads + h]);
    float sum = 0.f, out = 0.f;
    if (top != -INFINITY) {
      for (int g = 0; g < Shape::kGroups; ++g) {
        const float mg = s_m[g * kHeads + h];
        if (mg == -INFINITY) continue;
        const float w = device::fast_exp2(mg - top);
        sum = fmaf(s_l[g * kHeads + h], w, sum);
        out = fmaf(s_o[(g * kHeads + h) * kHeadDim + d], w, out);
      }
    }
    const index_t row = (index_t(batch) * a.q_heads + first_head + h) * ranges + range;
    p.partial_o[row * kHeadDim + d] = sum > 0.f ? out / sum : 0.f;
    if (d == 0) p.partial_lse[row] = sum > 0.f ? top + log2f(sum) : -INFINITY;
  }
}

}  // namespace mi::decode
