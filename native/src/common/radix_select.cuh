// Exact top-`take` selection over 32-bit keys in shared memory, for one CTA: block-sparse
// estimation and grid block selection rank a row of block scores with it.
//
// An exact radix select finds the take-th best key a byte at a time (four 256-bin histogram
// passes at most, stopping early once the bin holding it is taken whole), then a stable compaction
// writes the winners in index order: keys above the threshold, and of the keys equal to it the
// first `remaining` by index (the tie rule: equal keys go to the smaller index).
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

namespace mi::device {

// Order-preserving map of a score to an unsigned key (a larger score has a larger key). -0 is
// keyed as +0 (they tie, as they do as floats) and NaN as -inf, so it ranks last; every key is
// at least key_of(-inf) = 0x007fffff, so 0 stays free for "never select before real scores".
__device__ __forceinline__ uint32_t key_of(float score) {
  if (isnan(score)) score = -INFINITY;
  if (score == 0.f) score = 0.f;
  const uint32_t bits = __float_as_uint(score);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

__device__ __forceinline__ uint32_t lanes_below() {
  uint32_t mask;
  asm("mov.u32 %0, %%lanemask_lt;" : "=r"(mask));
  return mask;
}

// Shared memory of one selection (the caller declares it __shared__, sized by the CTA).
template <int kThreads>
struct RadixSelectStorage {
  static constexpr int kBins = 256;  // 8-bit digits: keys 31..24, 23..16, 15..8, 7..0
  static constexpr int kWarps = kThreads / 32;
  // The digit search: the first kScanThreads threads own kBinsPerThread bins each.
  static constexpr int kScanThreads = kThreads < kBins ? kThreads : kBins;
  static constexpr int kBinsPerThread = kBins / kScanThreads;
  // The threshold after a radix pass: keys whose high bits exceed `prefix` are taken, and of
  // those equal to it, the first `remaining` by index; `in_bin` counts the equal ones.
  struct Threshold {
    uint32_t prefix;
    uint32_t remaining;
    uint32_t in_bin;
  };
  uint32_t histogram[2][kBins];  // pass p uses [p % 2] and clears the other
  uint32_t warp_sums[kScanThreads / 32];
  uint32_t warp_counts[kWarps][2];  // above, equal
  Threshold found;
};

// Writes to out[0 .. take) the indices of the `take` largest keys among keys[begin .. end),
// ascending (ties to the smaller index). Needs 0 < take < end - begin; every thread of the CTA
// calls it (it synchronises), with keys[begin .. end) written and visible.
template <int kThreads>
__device__ void radix_select_top(const uint32_t* keys, int begin, int end, uint32_t take,
                                 int32_t* out, RadixSelectStorage<kThreads>& s) {
  using Storage = RadixSelectStorage<kThreads>;
  constexpr int kBins = Storage::kBins;
  constexpr int kScanThreads = Storage::kScanThreads;
  constexpr int kBinsPerThread = Storage::kBinsPerThread;
  constexpr int kWarps = Storage::kWarps;
  for (int b = threadIdx.x; b < 2 * kBins; b += kThreads) (&s.histogram[0][0])[b] = 0;
  __syncthreads();

  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  uint32_t prefix = 0;  // the threshold's digits found so far
  uint32_t remaining = take;
  int shift = 24;
  for (int pass = 0;; ++pass) {
    uint32_t* bins = s.histogram[pass & 1];
    // Histogram of this digit over the keys that match the digits found so far. The first digit
    // (sign and exponent) clusters in a few bins, so there a warp's lanes with equal digits add
    // once, through their leader (every lane runs the same iterations, for __match_any_sync);
    // later digits are mantissa bits of the few matching keys, spread out.
    if (pass == 0) {
      for (int base = begin; base < end; base += kThreads) {
        const int c = base + threadIdx.x;
        const uint32_t digit = c < end ? keys[c] >> 24 : kBins;  // kBins: no bin
        const uint32_t same = __match_any_sync(0xffffffffu, digit);
        if (digit < kBins && lane == __ffs(same) - 1) atomicAdd(&bins[digit], __popc(same));
      }
    } else {
      for (int c = begin + threadIdx.x; c < end; c += kThreads) {
        const uint32_t key = keys[c];
        if ((key >> (shift + 8)) == prefix) atomicAdd(&bins[(key >> shift) & (kBins - 1)], 1u);
      }
    }
    __syncthreads();

    // The bin holding the remaining-th best key: thread t < kScanThreads holds bins
    // 255 - kBinsPerThread * t downwards, so thread order is descending bin order and an exclusive
    // scan counts the keys above.
    const int high_bin = kBins - 1 - kBinsPerThread * static_cast<int>(threadIdx.x);
    uint32_t counts[kBinsPerThread];
    uint32_t mine = 0, inclusive = 0;
    if (threadIdx.x < kScanThreads) {
#pragma unroll
      for (int b = 0; b < kBinsPerThread; ++b) {
        counts[b] = bins[high_bin - b];
        mine += counts[b];
      }
      inclusive = mine;
#pragma unroll
      for (int offset = 1; offset < 32; offset *= 2) {
        const uint32_t v = __shfl_up_sync(0xffffffffu, inclusive, offset);
        if (lane >= offset) inclusive += v;
      }
      if (lane == 31) s.warp_sums[warp] = inclusive;
    }
    for (int b = threadIdx.x; b < kBins; b += kThreads) s.histogram[(pass + 1) & 1][b] = 0;
    __syncthreads();
    if (threadIdx.x < kScanThreads) {
      uint32_t above = inclusive - mine;
      for (int w = 0; w < warp; ++w) above += s.warp_sums[w];
      if (above < remaining && remaining <= above + mine) {
#pragma unroll
        for (int b = 0; b < kBinsPerThread; ++b) {
          if (remaining <= above + counts[b]) {
            s.found = {(prefix << 8) | uint32_t(high_bin - b), remaining - above, counts[b]};
            break;
          }
          above += counts[b];
        }
      }
    }
    __syncthreads();
    const typename Storage::Threshold t = s.found;
    prefix = t.prefix;
    remaining = t.remaining;
    // Done when the whole bin is taken (no tie to break below this digit) or the key is complete.
    if (t.in_bin == remaining || shift == 0) break;
    shift -= 8;
  }

  // Stable compaction: each warp walks one contiguous segment, 32 at a time; a first walk counts
  // each segment's taken-above and equal keys, so every warp knows where its output starts and
  // how many equal ones come before it.
  const int count = end - begin;
  const int per_warp = (count + 32 * kWarps - 1) / (32 * kWarps) * 32;
  const int segment_begin = begin + warp * per_warp;
  const int segment_end = min(end, segment_begin + per_warp);
  uint32_t above_count = 0, equal_count = 0;
  for (int c0 = segment_begin; c0 < segment_end; c0 += 32) {
    const int c = c0 + lane;
    const uint32_t high_bits = c < segment_end ? keys[c] >> shift : 0;
    above_count += __popc(__ballot_sync(0xffffffffu, c < segment_end && high_bits > prefix));
    equal_count += __popc(__ballot_sync(0xffffffffu, c < segment_end && high_bits == prefix));
  }
  if (lane == 0) {
    s.warp_counts[warp][0] = above_count;
    s.warp_counts[warp][1] = equal_count;
  }
  __syncthreads();
  uint32_t equal_before = 0, taken_before = 0;
  for (int w = 0; w < warp; ++w) {
    taken_before += s.warp_counts[w][0];
    equal_before += s.warp_counts[w][1];
  }
  taken_before += min(equal_before, remaining);
  for (int c0 = segment_begin; c0 < segment_end; c0 += 32) {
    const int c = c0 + lane;
    const uint32_t high_bits = c < segment_end ? keys[c] >> shift : 0;
    const bool equal = c < segment_end && high_bits == prefix;
    const uint32_t equal_mask = __ballot_sync(0xffffffffu, equal);
    const bool taken = (c < segment_end && high_bits > prefix) ||
                       (equal && equal_before + __popc(equal_mask & lanes_below()) < remaining);
    const uint32_t taken_mask = __ballot_sync(0xffffffffu, taken);
    if (taken) out[taken_before + __popc(taken_mask & lanes_below())] = c;
    equal_before += __popc(equal_mask);
    taken_before += __popc(taken_mask);
  }
}

}  // namespace mi::device
