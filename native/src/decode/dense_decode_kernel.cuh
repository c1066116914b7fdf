// Dense decode attention (flash-decoding): one query token per sequence against its 16-bit K/V
// cache, split along the keys so that short batches still fill the GPU.
//
// Split kernel: one CTA per (key range, kv head × head chunk, sequence). It serves kHeads query
// heads of one GQA group, so each K and V row is read once for all of them: decode is bound by
// the bytes of the cache, and the group shares them. A token is read by kLanes lanes, 8 elements
// (16 bytes) each (head_dim 96 leaves lanes 12..15 of its 16 idle), so a warp covers 32 / kLanes
// tokens per step and every load is a coalesced 16-byte vector. Scores and the online softmax are
// fp32 in base 2; each lane group keeps (max, sum, 8 output dims) per head, and the CTA merges its
// groups in a fixed order through shared memory, then writes the range's normalised output and
// log-sum-exp. Merge kernel: one CTA per (query head, sequence) folds the ranges by log-sum-exp in
// range order. No atomics anywhere: the output is bit-identical run to run.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../attention/attention_traits.cuh"
#include "../common/device_primitives.cuh"
#include "decode_elements.cuh"
#include "dense_decode_params.h"

namespace mi::decode {

constexpr int kDecodeThreads = 128;

template <int kHeadDim>
struct DecodeShape {
  static constexpr int kUsedLanes = kHeadDim / 8;  // lanes holding data (8 elements each)
  static constexpr int kLanes = kUsedLanes <= 8 ? 8 : (kUsedLanes <= 16 ? 16 : 32);
  static constexpr int kTokensPerWarp = 32 / kLanes;
  static constexpr int kGroups = kDecodeThreads / 32 * kTokensPerWarp;  // token slots of a CTA
  static_assert(kHeadDim % 8 == 0 && kUsedLanes <= 32, "head_dim is read in 16-byte vectors");
};



// grid (splits, kv_heads * (group / kHeads), batch), kDecodeThreads threads.
template <int kHeadDim, typename Element, int kHeads>
__global__ void __launch_bounds__(kDecodeThreads)
    dense_decode_split_kernel(const __grid_constant__ DenseDecodeParams p) {
  using Shape = DecodeShape<kHeadDim>;
  using index_t = attention::AttentionFwdParams::index_t;
  const auto& a = p.attention;
  const int split = blockIdx.x;
  const int chunks_per_group = a.q_heads_per_kv_head / kHeads;
  const int kv_head = blockIdx.y / chunks_per_group;
  const int first_head = kv_head * a.q_heads_per_kv_head + (blockIdx.y % chunks_per_group) * kHeads;
  const int batch = blockIdx.z;
  // A length past the capacity (a caller's bug on the device) reads no row past the cache.
  const int len = min(p.seq_lens[batch], a.kv_len);
  const int begin = split * p.chunk;
  const int end = min(len, begin + p.chunk);

  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  const int sub = lane % Shape::kLanes;                         // 16-byte vector of the row
  const int group = warp * Shape::kTokensPerWarp + lane / Shape::kLanes;  // token slot
  const bool active = sub < Shape::kUsedLanes;

  // This lane's 8 query elements of each head, pre-scaled into base-2 logits.
  float q[kHeads][8];
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    const auto* row = static_cast<const Element*>(a.q) + batch * a.q_strides.batch +
                      index_t(first_head + h) * a.q_strides.head;
    uint4 raw = make_uint4(0, 0, 0, 0);
    if (active) raw = *reinterpret_cast<const uint4*>(row + sub * 8);
    detail::to_floats<Element>(raw, q[h]);
#pragma unroll
    for (int e = 0; e < 8; ++e) q[h][e] *= a.scale_log2;
  }

  float m[kHeads], l[kHeads], acc[kHeads][8];
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    m[h] = -INFINITY;
    l[h] = 0.f;
#pragma unroll
    for (int e = 0; e < 8; ++e) acc[h][e] = 0.f;
  }

  const auto* k = static_cast<const Element*>(a.k) + batch * a.k_strides.batch +
                  index_t(kv_head) * a.k_strides.head + sub * 8;
  const auto* v = static_cast<const Element*>(a.v) + batch * a.v_strides.batch +
                  index_t(kv_head) * a.v_strides.head + sub * 8;
  // Every lane runs the same number of steps (the shuffles need the whole warp); a slot past the
  // range's end loads nothing and contributes nothing. Steps go kDepth at a time: the kDepth K and
  // V vectors are all requested before the first is used (decode is bound by HBM latency × bytes
  // in flight), and the kDepth scores share one max update.
  constexpr int kDepth = kHeads >= 8 ? 2 : 4;  // 8 heads: registers bound the depth
  const int steps = end > begin ? (end - begin + Shape::kGroups - 1) / Shape::kGroups : 0;
  for (int step0 = 0; step0 < steps; step0 += kDepth) {
    uint4 k_raw[kDepth], v_raw[kDepth];
    bool valid[kDepth];
#pragma unroll
    for (int i = 0; i < kDepth; ++i) {
      const int t = begin + group + (step0 + i) * Shape::kGroups;
      valid[i] = t < end;
      k_raw[i] = v_raw[i] = make_uint4(0, 0, 0, 0);
      if (active && valid[i]) {
        k_raw[i] = __ldg(reinterpret_cast<const uint4*>(k + index_t(t) * a.k_strides.row));
        v_raw[i] = __ldg(reinterpret_cast<const uint4*>(v + index_t(t) * a.v_strides.row));
      }
    }
    float s[kHeads][kDepth];
#pragma unroll
    for (int i = 0; i < kDepth; ++i) {
      float kf[8];
      detail::to_floats<Element>(k_raw[i], kf);
#pragma unroll
      for (int h = 0; h < kHeads; ++h) {
        float dot = 0.f;
#pragma unroll
        for (int e = 0; e < 8; ++e) dot = fmaf(q[h][e], kf[e], dot);
        const float sum = detail::group_sum<Shape::kLanes>(dot);  // the whole warp shuffles
        s[h][i] = valid[i] ? sum : -INFINITY;
      }
    }
    // A slot with no valid token yet keeps max -inf; its exponents use 0 instead (every term 0).
    float m_exp[kHeads];
#pragma unroll
    for (int h = 0; h < kHeads; ++h) {
      float m_new = m[h];
#pragma unroll
      for (int i = 0; i < kDepth; ++i) m_new = fmaxf(m_new, s[h][i]);
      m_exp[h] = m_new == -INFINITY ? 0.f : m_new;
      const float correction = device::fast_exp2(m[h] - m_exp[h]);  // exp2(-inf) = 0 on the first key
      l[h] *= correction;
#pragma unroll
      for (int e = 0; e < 8; ++e) acc[h][e] *= correction;
      m[h] = m_new;
    }
#pragma unroll
    for (int i = 0; i < kDepth; ++i) {
      float vf[8];
      detail::to_floats<Element>(v_raw[i], vf);
#pragma unroll
      for (int h = 0; h < kHeads; ++h) {
        const float prob = device::fast_exp2(s[h][i] - m_exp[h]);  // 0 for a token past the end
        l[h] += prob;
#pragma unroll
        for (int e = 0; e < 8; ++e) acc[h][e] = fmaf(prob, vf[e], acc[h][e]);
      }
    }
  }

  // Merge the CTA's token slots in slot order: (max, sum) per slot and head, then every output
  // element over the slots.
  __shared__ float s_m[Shape::kGroups][kHeads];
  __shared__ float s_l[Shape::kGroups][kHeads];
  __shared__ float s_o[Shape::kGroups][kHeads][kHeadDim];
#pragma unroll
  for (int h = 0; h < kHeads; ++h) {
    if (sub == 0) {
      s_m[group][h] = m[h];
      s_l[group][h] = l[h];
    }
    if (active) {
#pragma unroll
      for (int e = 0; e < 8; ++e) s_o[group][h][sub * 8 + e] = acc[h][e];
    }
  }
  __syncthreads();

  for (int i = threadIdx.x; i < kHeads * kHeadDim; i += kDecodeThreads) {
    const int h = i / kHeadDim;
    const int d = i % kHeadDim;
    float top = -INFINITY;
    for (int g = 0; g < Shape::kGroups; ++g) top = fmaxf(top, s_m[g][h]);
    float sum = 0.f, out = 0.f;
    if (top != -INFINITY) {
      for (int g = 0; g < Shape::kGroups; ++g) {
        if (s_m[g][h] == -INFINITY) continue;
        const float w = device::fast_exp2(s_m[g][h] - top);
        sum = fmaf(s_l[g][h], w, sum);
        out = fmaf(s_o[g][h][d], w, out);
      }
    }
    const index_t row = (index_t(batch) * a.q_heads + first_head + h) * p.splits + split;
    p.partial_o[row * kHeadDim + d] = sum > 0.f ? out / sum : 0.f;
    if (d == 0) p.partial_lse[row] = sum > 0.f ? top + log2f(sum) : -INFINITY;
  }
}

// grid (q_heads, batch), kHeadDim threads: o = Σ_r 2^(lse_r − M) o_r / Σ_r 2^(lse_r − M), in range order.
template <int kHeadDim, typename Element>
__global__ void __launch_bounds__(kHeadDim)
    decode_merge_kernel(const __grid_constant__ DecodeMergeParams p) {
  using index_t = attention::AttentionFwdParams::index_t;
  const auto& a = p.attention;
  const int head = blockIdx.x;
  const int batch = blockIdx.y;
  const int d = threadIdx.x;
  const index_t first = (index_t(batch) * a.q_heads + head) * p.ranges;
  float top = -INFINITY;
  for (int r = 0; r < p.ranges; ++r) top = fmaxf(top, p.partial_lse[first + r]);
  float sum = 0.f, out = 0.f;
  if (top != -INFINITY) {
    for (int r = 0; r < p.ranges; ++r) {
      const float lse = p.partial_lse[first + r];
      if (lse == -INFINITY) continue;
      const float w = exp2f(lse - top);
      sum += w;
      out = fmaf(p.partial_o[(first + r) * kHeadDim + d], w, out);
    }
  }
  auto* o = static_cast<Element*>(a.o) + batch * a.o_strides.batch + index_t(head) * a.o_strides.head;
  o[d] = detail::from_float<Element>(sum > 0.f ? out / sum : 0.f);
  if (a.lse != nullptr && d == 0) {
    constexpr float kLn2 = 0.6931471805599453f;
    a.lse[index_t(batch) * a.q_heads + head] = sum > 0.f ? (top + log2f(sum)) * kLn2 : -INFINITY;
  }
}

}  // namespace mi::decode
