// Online grid estimation (MMInference) on the device, the GPU twin of the C# GridEstimation:
//  - the stride search (grid_means_kernel, grid_candidate_kernel, grid_choose_kernel; one CTA per
//    (batch, head, candidate) for the scores): for every candidate stride s with two
//    multiples among the reachable offsets, the diagonal contrast (median of the slash profile at
//    s, 2s, … over its mean at every offset ≥ 1) and the vertical contrast (the best phase class's
//    median column score over the mean column score, columns before the last queries' local
//    window); score = their sum; the smallest stride within `tolerance` of the best score wins.
//    Medians are over at most 256 evenly spaced members (member ⌊i · count / 256⌋), sorted by a
//    bitonic network in one warp's shared memory; sums are in double. The profiles are fp32 here
//    and double on the CPU, so contrasts agree to rounding and only near-tied candidates could
//    choose differently.
//  - grid_order_kernel: per position x, its slot in phase-class order in closed form (class
//    c = (x − phase) mod s, class sizes a or a + 1 for N = a·s + b), so order[slot] = x is one
//    scatter with no scan.
#pragma once

#include <cuda_runtime.h>

#include <cfloat>
#include <cstdint>

#include "grid_estimate_params.h"

namespace mi::grid {

constexpr int kStrideThreads = 256;
constexpr uint32_t kRejected = 0x80000000u;  // a candidate's phase word: its contrasts fail min_contrast
constexpr int kStrideWarps = kStrideThreads / 32;

namespace detail {

// Sorts s[0, 256) ascending (one warp; +inf padding sorts last).
__device__ __forceinline__ void warp_bitonic_sort(float* s) {
  const int lane = threadIdx.x % 32;
  for (int k = 2; k <= kMedianSample; k *= 2) {
    for (int j = k / 2; j > 0; j /= 2) {
      for (int i = lane; i < kMedianSample; i += 32) {
        const int partner = i ^ j;
        if (partner > i) {
          const bool ascending = (i & k) == 0;
          const float a = s[i], b = s[partner];
          if ((a > b) == ascending) {
            s[i] = b;
            s[partner] = a;
          }
        }
      }
      __syncwarp();
    }
  }
}

// The median of `count` members first, first + step, … of `values` (sampled to 256 evenly spaced
// ones when there are more), computed by one warp in `scratch` (256 floats); every lane gets it.
__device__ __forceinline__ float warp_median(const float* values, int64_t first, int64_t step,
                                             int64_t count, float* scratch) {
  const int lane = threadIdx.x % 32;
  const int64_t taken = count < kMedianSample ? count : kMedianSample;
  for (int i = lane; i < kMedianSample; i += 32) {
    float v = INFINITY;
    if (i < taken) {
      const int64_t member = count > kMedianSample ? int64_t{i} * count / kMedianSample : i;
      v = __ldg(values + first + member * step);
    }
    scratch[i] = v;
  }
  __syncwarp();
  warp_bitonic_sort(scratch);
  const float median = taken % 2 == 1 ? scratch[taken / 2]
                                      : 0.5f * (scratch[taken / 2 - 1] + scratch[taken / 2]);
  __syncwarp();
  return median;
}

__device__ __forceinline__ double block_sum(double value, double* shared) {
  for (int offset = 16; offset > 0; offset /= 2) value += __shfl_xor_sync(0xffffffffu, value, offset);
  __syncthreads();
  if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = value;
  __syncthreads();
  double total = 0;
  for (int w = 0; w < kStrideWarps; ++w) total += shared[w];
  return total;
}

}  // namespace detail

// The stride search runs in three launches, so that the candidates of a row are scored in
// parallel (one CTA each) rather than one after another: grid_means_kernel, grid_candidate_kernel,
// grid_choose_kernel. Between them the row's two means travel in its strides/phases entries (as
// float bits) and the candidates' scores and phases in the first words of its order row, which the
// order scatter overwrites last: candidates ascend, and a valid one has 2·s ≤ N − L, so the v valid
// ones (a prefix) satisfy 2·v ≤ N − 2 and their 2·v words fit.

// grid (rows), kStrideThreads threads: the mean of the slash profile over offsets 1 … N − L and of
// the column profile over the columns before the last queries' local window.
__global__ void __launch_bounds__(kStrideThreads) grid_means_kernel(const __grid_constant__ GridEstimateParams p) {
  __shared__ double s_reduce[kStrideWarps];
  const int64_t row = blockIdx.x;
  const int64_t n = p.seq_len;
  const float* slash = p.slash + row * n;
  const float* vertical = p.vertical + row * n;
  const int64_t last = p.last_queries < n ? p.last_queries : n;
  const int64_t max_offset = n - last;
  const int64_t column_end = n - 2 * last;
  double diag_part = 0, column_part = 0;
  for (int64_t o = 1 + threadIdx.x; o <= max_offset; o += kStrideThreads) diag_part += slash[o];
  for (int64_t j = threadIdx.x; j < column_end; j += kStrideThreads) column_part += vertical[j];
  const double diag_all = detail::block_sum(diag_part, s_reduce);
  const double column_all = detail::block_sum(column_part, s_reduce);
  if (threadIdx.x == 0) {
    // A zero mean marks an empty or all-zero profile: its contrast is then 1.
    const float diag_mean = max_offset > 0 && diag_all > 0 ? float(diag_all / double(max_offset)) : 0.f;
    const float column_mean = column_end > 0 && column_all > 0 ? float(column_all / double(column_end)) : 0.f;
    p.strides[row] = __float_as_int(diag_mean);
    p.phases[row] = __float_as_int(column_mean);
  }
}

// grid (candidates, rows), kStrideThreads threads: one candidate stride's score (diagonal contrast
// + vertical contrast) and best phase class, into the row's scratch words.
__global__ void __launch_bounds__(kStrideThreads) grid_candidate_kernel(const __grid_constant__ GridEstimateParams p) {
  __shared__ float s_sort[kStrideWarps][kMedianSample];
  __shared__ float s_best_median[kStrideWarps];
  __shared__ int s_best_class[kStrideWarps];

  const int c = blockIdx.x;
  const int64_t row = blockIdx.y;
  const int64_t n = p.seq_len;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int64_t last = p.last_queries < n ? p.last_queries : n;
  const int64_t max_offset = n - last;
  const int64_t column_end = n - 2 * last;
  const int64_t stride = p.candidates[c];
  if (2 * stride > max_offset) return;  // invalid: never read (the valid ones are a prefix)
  const float* slash = p.slash + row * n;
  const float* vertical = p.vertical + row * n;
  const float diag_mean = __int_as_float(p.strides[row]);
  const float column_mean = __int_as_float(p.phases[row]);

  // Diagonal contrast: warp 0.
  float diagonal_contrast = 1.f;
  if (warp == 0) {
    const float median = detail::warp_median(slash, stride, stride, max_offset / stride, s_sort[0]);
    diagonal_contrast = diag_mean > 0 ? median / diag_mean : 1.f;
  }
  // Vertical contrast: classes dealt round-robin to the warps; best median, ties to the smaller class.
  float best = -INFINITY;
  int best_class = 0;
  if (column_end >= 2 * stride) {
    for (int64_t cls = warp; cls < stride; cls += kStrideWarps) {
      const int64_t count = (column_end - 1 - cls) / stride + 1;
      const float median = detail::warp_median(vertical, cls, stride, count, s_sort[warp]);
      if (median > best) {
        best = median;
        best_class = static_cast<int>(cls);
      }
    }
  }
  if (lane == 0) {
    s_best_median[warp] = best;
    s_best_class[warp] = best_class;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    float vertical_contrast = 1.f;
    int phase = 0;
    if (column_end >= 2 * stride) {
      float top = -INFINITY;
      for (int w = 0; w < kStrideWarps; ++w) {
        if (s_best_median[w] > top || (s_best_median[w] == top && s_best_class[w] < phase)) {
          top = s_best_median[w];
          phase = s_best_class[w];
        }
      }
      vertical_contrast = column_mean > 0 ? top / column_mean : 1.f;
    }
    // The phase is below the stride (< 2^30), so bit 31 is free for the contrast gate.
    const bool gated = p.min_contrast <= 0.f || (diagonal_contrast > p.min_contrast && vertical_contrast > p.min_contrast);
    int32_t* scratch = p.order + row * n;
    scratch[2 * c] = __float_as_int(diagonal_contrast + vertical_contrast);
    scratch[2 * c + 1] = static_cast<int32_t>(static_cast<uint32_t>(phase) | (gated ? 0u : kRejected));
  }
}

// grid (rows), one thread each: the smallest valid stride within `tolerance` of the best score
// (stride 1, phase 0 when no candidate is valid or the contrast gate rejects the chosen one).
__global__ void grid_choose_kernel(const __grid_constant__ GridEstimateParams p) {
  const int64_t row = int64_t{blockIdx.x} * blockDim.x + threadIdx.x;
  if (row >= p.rows) return;
  const int64_t n = p.seq_len;
  const int64_t last = p.last_queries < n ? p.last_queries : n;
  const int64_t max_offset = n - last;
  const int32_t* scratch = p.order + row * n;
  int valid = 0;
  while (valid < p.candidate_count && 2 * int64_t{p.candidates[valid]} <= max_offset) ++valid;
  float best_score = -INFINITY;
  for (int c = 0; c < valid; ++c) best_score = fmaxf(best_score, __int_as_float(scratch[2 * c]));
  int stride = 1, phase = 0;
  for (int c = 0; c < valid; ++c) {
    if (__int_as_float(scratch[2 * c]) >= best_score * (1.f - p.tolerance)) {
      const uint32_t word = static_cast<uint32_t>(scratch[2 * c + 1]);
      if ((word & kRejected) == 0) {
        stride = p.candidates[c];
        phase = static_cast<int>(word & ~kRejected);
      }
      break;
    }
  }
  p.strides[row] = stride;
  p.phases[row] = phase;
}

// grid (ceil(N / 256), rows), 256 threads: order[row][slot(x)] = x.
__global__ void grid_order_kernel(const __grid_constant__ GridEstimateParams p) {
  const int64_t row = blockIdx.y;
  const int64_t n = p.seq_len;
  const int64_t x = int64_t{blockIdx.x} * blockDim.x + threadIdx.x;
  if (x >= n) return;
  const int64_t stride = p.strides[row];
  const int64_t phase = p.phases[row];
  int64_t slot = x;
  if (stride > 1) {
    const int64_t a = n / stride, b = n % stride;
    const int64_t cls = ((x - phase) % stride + stride) % stride;
    const int64_t first = (phase + cls) % stride;
    // Classes before c whose first member is < b hold a + 1 tokens: count them in the range
    // [phase, phase + c) taken mod stride (a run up to stride, then one from 0).
    const int64_t end = phase + cls;
    const int64_t upto = end < stride ? end : stride;
    const int64_t wrapped = end > stride ? end - stride : 0;
    const int64_t longer = (upto < b ? upto : b) > phase ? (upto < b ? upto : b) - phase : 0;
    const int64_t longer_wrapped = wrapped < b ? wrapped : b;
    slot = a * cls + longer + longer_wrapped + (x - first) / stride;
  }
  p.order[row * n + slot] = static_cast<int32_t>(x);
}

}  // namespace mi::grid
