// SLA mask prediction on the device: smooth-K on the pooled keys, and the per-row selection of
// critical and negligible key blocks (sla_mask_params.h has the whole pipeline).
//
// Selection ranks a row's key blocks as the CPU reference does (SlaBlockMask.Predict): higher
// score first, equal scores by the smaller block. The critical blocks are the top of that order:
// the shared radix select over order-preserving keys, whose tie rule (equal keys to the smaller
// index) is exactly this one. The negligible blocks are its bottom: the same select over the row
// reversed and complemented (key'[j'] = ~key[B - 1 - j']), where the best key' is the worst score
// and equal keys go to the smaller j', i.e. the larger block, as the order wants. Both lists come
// from one strict total order, so they never overlap when critical + negligible <= blocks. A causal
// row ranks only the blocks before its diagonal (the reference sorts the diagonal first, then the
// same order), takes one critical block fewer from them, and ends its critical list with the
// diagonal; its lists start where the rows before it, with their own counts, end.
#include <cuda_runtime.h>

#include <cstdint>

#include "../common/device_primitives.cuh"
#include "../common/radix_select.cuh"
#include "../permuted/row_select_launch.cuh"
#include "sla_mask_params.h"

namespace mi::sla {
namespace {

namespace est = blocksparse::estimate;

// A CTA per (group, slice of 32 dims): 32 dims across the warp's lanes (coalesced rows), 32 warps
// striding over the blocks. One CTA per group with a thread per dim walked all blocks serially
// (12 CTAs at the Wan shape: 0.16 ms, half the mask's time).
constexpr int kSmoothDims = 32;
constexpr int kSmoothWarps = 32;

// The mean is the count-weighted sum of the block means (fp32, the blocks' own sums were fp32 too),
// each warp's share in block order, then the warps' partial sums in warp order.
__global__ void __launch_bounds__(kSmoothDims * kSmoothWarps) smooth_keys_kernel(const __grid_constant__ SmoothParams p) {
  __shared__ float s_partial[kSmoothWarps][kSmoothDims];
  __shared__ float s_mean[kSmoothDims];
  float* pooled = p.pooled_k + static_cast<int64_t>(blockIdx.x) * p.blocks * p.head_dim;
  const int lane = threadIdx.x % kSmoothDims;
  const int warp = threadIdx.x / kSmoothDims;
  const int d = blockIdx.y * kSmoothDims + lane;
  const bool active = d < p.head_dim;
  const int tail = p.n - (p.blocks - 1) * est::kBlock;  // tokens of the last block
  float sum = 0.f;
  if (active)
    for (int b = warp; b < p.blocks; b += kSmoothWarps)
      sum = fmaf(pooled[int64_t(b) * p.head_dim + d], b == p.blocks - 1 ? float(tail) : float(est::kBlock), sum);
  s_partial[warp][lane] = sum;
  __syncthreads();
  if (warp == 0) {
    float total = 0.f;
    for (int w = 0; w < kSmoothWarps; ++w) total += s_partial[w][lane];
    s_mean[lane] = total / float(p.n);
  }
  __syncthreads();
  if (active)
    for (int b = warp; b < p.blocks; b += kSmoothWarps) pooled[int64_t(b) * p.head_dim + d] -= s_mean[lane];
}

// Where a causal row's lists start in the group's indices, and the group's totals: sums of the
// per-row counts over rows before `qb` and over all `blocks` rows, by the whole CTA (each thread a
// strided share, then warp shuffles and one pass over the warps' sums). Every thread gets them.
struct CausalOffsets {
  int64_t critical_before, negligible_before, critical_total, negligible_total;
};

template <int kThreads>
__device__ CausalOffsets causal_offsets(const CausalCounts& counts, int qb, int blocks) {
  constexpr int kWarps = kThreads / 32;
  __shared__ int64_t warp_sums[kWarps][4];
  int64_t sums[4] = {0, 0, 0, 0};
  for (int r = threadIdx.x; r < blocks; r += kThreads) {
    const int c = counts.critical(r + 1), g = counts.negligible(r + 1);
    sums[2] += c;
    sums[3] += g;
    if (r < qb) {
      sums[0] += c;
      sums[1] += g;
    }
  }
#pragma unroll
  for (int i = 0; i < 4; ++i)
    for (int offset = 16; offset > 0; offset /= 2) sums[i] += __shfl_down_sync(0xffffffffu, sums[i], offset);
  if (threadIdx.x % 32 == 0)
    for (int i = 0; i < 4; ++i) warp_sums[threadIdx.x / 32][i] = sums[i];
  __syncthreads();
  CausalOffsets o{0, 0, 0, 0};
  for (int w = 0; w < kWarps; ++w) {
    o.critical_before += warp_sums[w][0];
    o.negligible_before += warp_sums[w][1];
    o.critical_total += warp_sums[w][2];
    o.negligible_total += warp_sums[w][3];
  }
  return o;
}

// Writes out[0 .. count) = 0 .. count - 1: a list that takes every ranked block.
template <int kThreads>
__device__ void take_all(int32_t* out, int count) {
  for (int i = threadIdx.x; i < count; i += kThreads) out[i] = i;
}

// A row ranks `ranked` key blocks: all of them, or causally the blocks before its diagonal (the
// diagonal, always critical, is appended to the critical list, whose last entry it is).
template <int kThreads>
__global__ void __launch_bounds__(kThreads) sla_select_kernel(const __grid_constant__ SelectParams p) {
  extern __shared__ uint4 smem_keys[];
  uint32_t* keys = reinterpret_cast<uint32_t*>(smem_keys);
  __shared__ device::RadixSelectStorage<kThreads> storage;

  const est::EstimateParams& e = p.scores;
  const permuted::ScoreRow self = permuted::score_row(e);
  const int blocks = e.q_blocks;
  if (self.qb >= blocks) return;
  const int qb = self.qb;
  const int64_t row = self.row;
  const int64_t last_row = e.groups * blocks - 1;

  int ranked = blocks, take_critical = p.critical, take_negligible = p.negligible;
  int64_t critical_begin = row * p.critical, negligible_begin = row * p.negligible;
  int64_t critical_end_of_all = (last_row + 1) * p.critical, negligible_end_of_all = (last_row + 1) * p.negligible;
  if (p.causal) {
    const CausalOffsets o = causal_offsets<kThreads>(p.counts, qb, blocks);
    ranked = qb;
    take_critical = p.counts.critical(qb + 1) - 1;  // the diagonal is the last one
    take_negligible = p.counts.negligible(qb + 1);
    critical_begin = self.group * o.critical_total + o.critical_before;
    negligible_begin = self.group * o.negligible_total + o.negligible_before;
    critical_end_of_all = e.groups * o.critical_total;
    negligible_end_of_all = e.groups * o.negligible_total;
  }
  int32_t* critical = p.critical_blocks + critical_begin;
  int32_t* negligible = p.negligible_blocks + negligible_begin;
  if (threadIdx.x == 0) {
    p.critical_row_ptr[row] = critical_begin;
    p.negligible_row_ptr[row] = negligible_begin;
    if (row == last_row) {
      p.critical_row_ptr[row + 1] = critical_end_of_all;
      p.negligible_row_ptr[row + 1] = negligible_end_of_all;
    }
    if (p.causal) critical[take_critical] = qb;
  }

  // Each list is all of the ranked blocks, none, or a selection (0 < take < ranked: the select's
  // precondition), the only case that needs the row's scores.
  const bool select_critical = take_critical > 0 && take_critical < ranked;
  const bool select_negligible = take_negligible > 0 && take_negligible < ranked;
  if (take_critical == ranked) take_all<kThreads>(critical, ranked);
  if (take_negligible == ranked) take_all<kThreads>(negligible, ranked);
  if (select_critical || select_negligible) {
    const int vectors = permuted::copy_row_scores_async<kThreads>(smem_keys, self.scores, ranked);
    device::cp_async_wait<0>();
    // Each thread keys the vectors it copied (its own cp.async writes are visible to it).
    for (int v = threadIdx.x; v < vectors; v += kThreads) {
      const uint4 s = smem_keys[v];
      smem_keys[v] = make_uint4(device::key_of(__uint_as_float(s.x)), device::key_of(__uint_as_float(s.y)),
                                device::key_of(__uint_as_float(s.z)), device::key_of(__uint_as_float(s.w)));
    }
    __syncthreads();
    if (select_critical)
      device::radix_select_top<kThreads>(keys, 0, ranked, static_cast<uint32_t>(take_critical), critical, storage);

    if (select_negligible) {
      // Reverse and complement the ranked keys in place: pairs (j, R - 1 - j) swap (the middle one
      // of an odd count only complements).
      __syncthreads();
      for (int j = threadIdx.x; j < (ranked + 1) / 2; j += kThreads) {
        const uint32_t a = keys[j];
        const uint32_t b = keys[ranked - 1 - j];
        keys[j] = ~b;
        keys[ranked - 1 - j] = ~a;
      }
      __syncthreads();
      device::radix_select_top<kThreads>(keys, 0, ranked, static_cast<uint32_t>(take_negligible), negligible, storage);
      // The select wrote reversed indices j' ascending: block R - 1 - j', descending. Reverse the
      // list so it ascends, as every index of the library does.
      __syncthreads();
      const int g = take_negligible;
      for (int i = threadIdx.x; i < (g + 1) / 2; i += kThreads) {
        const int32_t a = negligible[i];
        const int32_t b = negligible[g - 1 - i];
        negligible[i] = ranked - 1 - b;
        negligible[g - 1 - i] = ranked - 1 - a;
      }
    }
  }

  if (p.classes != nullptr) {
    // Marginal over the ranked blocks and the diagonal, negligible past it (causal), then the two
    // lists over that (the barrier orders the CTA's global writes).
    int8_t* classes = p.classes + row * blocks;
    const int seen = p.causal ? qb + 1 : blocks;
    const int critical_count = p.causal ? take_critical + 1 : take_critical;
    __syncthreads();
    for (int c = threadIdx.x; c < blocks; c += kThreads) classes[c] = c < seen ? 0 : -1;
    __syncthreads();
    for (int i = threadIdx.x; i < critical_count; i += kThreads) classes[critical[i]] = 1;
    for (int i = threadIdx.x; i < take_negligible; i += kThreads) classes[negligible[i]] = -1;
  }
}

}  // namespace

cudaError_t run_smooth_keys(const SmoothParams& p, cudaStream_t stream) {
  const dim3 grid(static_cast<unsigned>(p.groups), static_cast<unsigned>((p.head_dim + kSmoothDims - 1) / kSmoothDims));
  smooth_keys_kernel<<<grid, kSmoothDims * kSmoothWarps, 0, stream>>>(p);
  return cudaGetLastError();
}

cudaError_t run_sla_select(const SelectParams& p, cudaStream_t stream) {
  return permuted::launch_row_select<SelectParams>(sla_select_kernel<128>, sla_select_kernel<512>, p, stream);
}

}  // namespace mi::sla
