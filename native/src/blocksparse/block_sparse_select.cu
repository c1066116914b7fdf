// Block-sparse estimation, step 3: per row (batch, slot, query block qb), keep min(k, qb + 1) key
// blocks: block 0 and the diagonal qb always, and the take = keep - 2 best of the candidates
// 1..qb-1 by score (equal scores: the smaller block), written ascending into the CSR index.
//
// One CTA per row. The row's scores are copied into shared memory (cp.async: the whole row in
// flight at once) and turned into order-preserving 32-bit keys in place; an exact radix select
// finds the take-th best key a byte at a time (four 256-bin histogram passes at most, stopping
// early once the bin holding it is taken whole), then a stable compaction writes the winners in
// index order: keys above the threshold, and of the keys equal to it the first `remaining` by
// index (the tie rule). The forced blocks never enter the selection, so they are kept whatever
// the scores (+inf or NaN ones included). CTAs have 128 threads up to 4096 blocks (N <= 256K) and
// 512 beyond, so that long rows' passes stay short while an SM still holds several rows.
//
// Equal scores compare as floats did in the first GPU version: -0 is keyed as +0, and NaN (from
// non-finite inputs) as -inf, so it ranks last; with the score step's arithmetic the indices are
// those of that version.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../common/device_primitives.cuh"
#include "block_sparse_estimate_params.h"

namespace mi::blocksparse::estimate {
namespace {

constexpr int kBins = 256;  // 8-bit digits: keys 31..24, 23..16, 15..8, 7..0
constexpr int kLongRowBlocks = 4096;  // rows longer than this get the larger CTA

// Order-preserving map of a score to an unsigned key (a larger score has a larger key).
__device__ __forceinline__ uint32_t key_of(float score) {
  if (isnan(score)) score = -INFINITY;
  if (score == 0.f) score = 0.f;  // -0 ties with +0, as it did as a float
  const uint32_t bits = __float_as_uint(score);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

__device__ __forceinline__ uint32_t lanes_below() {
  uint32_t mask;
  asm("mov.u32 %0, %%lanemask_lt;" : "=r"(mask));
  return mask;
}

// The threshold after a radix pass: candidates whose key >> shift exceeds `prefix` are taken, and
// of those equal to it, the first `remaining` by index; `in_bin` counts the equal ones.
struct Threshold {
  uint32_t prefix;
  uint32_t remaining;
  uint32_t in_bin;
};

// grid (units of the chunk * 64): one row each; dynamic shared memory: one key per block of the
// longest row, rounded up to whole 16-byte vectors.
template <int kThreads>
__global__ void __launch_bounds__(kThreads) select_kernel(const __grid_constant__ EstimateParams p) {
  constexpr int kWarps = kThreads / 32;
  // The digit search: the first kScanThreads threads own kBinsPerThread bins each.
  constexpr int kScanThreads = kThreads < kBins ? kThreads : kBins;
  constexpr int kBinsPerThread = kBins / kScanThreads;
  extern __shared__ uint4 smem_keys[];
  uint32_t* keys = reinterpret_cast<uint32_t*>(smem_keys);
  __shared__ uint32_t histogram[2][kBins];  // pass p uses [p % 2] and clears the other
  __shared__ uint32_t warp_sums[kScanThreads / 32];
  __shared__ uint32_t warp_counts[kWarps][2];  // above, equal
  __shared__ Threshold found;

  const int64_t unit = p.first_unit + blockIdx.x / kTile;
  const int r = blockIdx.x % kTile;
  const int64_t group = unit / p.tiles;
  const int qb = static_cast<int>(unit % p.tiles) * kTile + r;
  if (qb >= p.q_blocks) return;
  const int k = p.top_k;
  const int keep = min(k, qb + 1);
  const int64_t row = group * p.q_blocks + qb;
  const int64_t first = group * entries_before(p.q_blocks, k) + entries_before(qb, k);
  int32_t* out = p.blocks + first;
  if (threadIdx.x == 0) {
    p.row_ptr[row] = first;
    if (row == p.groups * p.q_blocks - 1) p.row_ptr[row + 1] = first + keep;
  }

  const int take = keep - 2;       // from the candidates 1 .. qb-1
  const int candidates = qb - 1;
  if (take >= candidates) {        // keep == qb + 1: every block (qb = 0 keeps block 0 alone)
    for (int c = threadIdx.x; c <= qb; c += kThreads) out[c] = c;
    return;
  }
  if (take <= 0) {                 // keep == 2 < qb + 1: the forced blocks alone
    if (threadIdx.x == 0) {
      out[0] = 0;
      out[1] = qb;
    }
    return;
  }

  // Scores of blocks 0..qb (0 and qb are loaded but never ranked): row r of tiles (i, 0..i), 64
  // contiguous scores each; the 16-byte copies stay inside the row's last tile. Each thread then
  // keys the vectors it copied (its own cp.async writes are visible to it after the wait).
  const float* scores = p.scores +
                        (tiles_before(unit, p.tiles) - tiles_before(p.first_unit, p.tiles)) *
                            kTileScores +
                        r * kTile;
  const int vectors = (qb + 1 + 3) / 4;
  for (int v = threadIdx.x; v < vectors; v += kThreads)
    device::cp_async_16(device::smem_address(smem_keys + v),
                        scores + (v * 4 / kTile) * kTileScores + v * 4 % kTile, true);
  device::cp_async_commit();
  for (int b = threadIdx.x; b < 2 * kBins; b += kThreads) (&histogram[0][0])[b] = 0;
  device::cp_async_wait<0>();
  for (int v = threadIdx.x; v < vectors; v += kThreads) {
    const uint4 s = smem_keys[v];
    smem_keys[v] = make_uint4(key_of(__uint_as_float(s.x)), key_of(__uint_as_float(s.y)),
                              key_of(__uint_as_float(s.z)), key_of(__uint_as_float(s.w)));
  }
  __syncthreads();

  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  uint32_t prefix = 0;  // the threshold's digits found so far
  uint32_t remaining = static_cast<uint32_t>(take);
  int shift = 24;
  for (int pass = 0;; ++pass) {
    uint32_t* bins = histogram[pass & 1];
    // Histogram of this digit over the candidates that match the digits found so far. The first
    // digit (sign and exponent) clusters in a few bins, so there a warp's lanes with equal digits
    // add once, through their leader (every lane runs the same iterations, for
    // __match_any_sync); later digits are mantissa bits of the few matching keys, spread out.
    if (pass == 0) {
      for (int base = 1; base < qb; base += kThreads) {
        const int c = base + threadIdx.x;
        const uint32_t digit = c < qb ? keys[c] >> 24 : kBins;  // kBins: no bin
        const uint32_t same = __match_any_sync(0xffffffffu, digit);
        if (digit < kBins && lane == __ffs(same) - 1) atomicAdd(&bins[digit], __popc(same));
      }
    } else {
      for (int c = 1 + threadIdx.x; c < qb; c += kThreads) {
        const uint32_t key = keys[c];
        if ((key >> (shift + 8)) == prefix) atomicAdd(&bins[(key >> shift) & (kBins - 1)], 1u);
      }
    }
    __syncthreads();

    // The bin holding the remaining-th best candidate: thread t < kScanThreads holds bins
    // 255 - kBinsPerThread * t downwards, so thread order is descending bin order and an exclusive
    // scan counts the candidates above.
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
      if (lane == 31) warp_sums[warp] = inclusive;
    }
    for (int b = threadIdx.x; b < kBins; b += kThreads) histogram[(pass + 1) & 1][b] = 0;
    __syncthreads();
    if (threadIdx.x < kScanThreads) {
      uint32_t above = inclusive - mine;
      for (int w = 0; w < warp; ++w) above += warp_sums[w];
      if (above < remaining && remaining <= above + mine) {
#pragma unroll
        for (int b = 0; b < kBinsPerThread; ++b) {
          if (remaining <= above + counts[b]) {
            found = {(prefix << 8) | uint32_t(high_bin - b), remaining - above, counts[b]};
            break;
          }
          above += counts[b];
        }
      }
    }
    __syncthreads();
    const Threshold t = found;
    prefix = t.prefix;
    remaining = t.remaining;
    // Done when the whole bin is taken (no tie to break below this digit) or the key is complete.
    if (t.in_bin == remaining || shift == 0) break;
    shift -= 8;
  }

  // Stable compaction of the candidates 1..qb-1: each warp walks one contiguous segment, 32 at a
  // time; a first walk counts each segment's taken-above and equal candidates, so every warp knows
  // where its output starts and how many equal ones come before it.
  const int per_warp = (candidates + 32 * kWarps - 1) / (32 * kWarps) * 32;
  const int segment_begin = 1 + warp * per_warp;
  const int segment_end = min(qb, segment_begin + per_warp);
  uint32_t above_count = 0, equal_count = 0;
  for (int c0 = segment_begin; c0 < segment_end; c0 += 32) {
    const int c = c0 + lane;
    const uint32_t high_bits = c < segment_end ? keys[c] >> shift : 0;
    above_count += __popc(__ballot_sync(0xffffffffu, c < segment_end && high_bits > prefix));
    equal_count += __popc(__ballot_sync(0xffffffffu, c < segment_end && high_bits == prefix));
  }
  if (lane == 0) {
    warp_counts[warp][0] = above_count;
    warp_counts[warp][1] = equal_count;
  }
  __syncthreads();
  uint32_t equal_before = 0, taken_before = 0;
  for (int w = 0; w < warp; ++w) {
    taken_before += warp_counts[w][0];
    equal_before += warp_counts[w][1];
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
    if (taken) out[1 + taken_before + __popc(taken_mask & lanes_below())] = c;
    equal_before += __popc(equal_mask);
    taken_before += __popc(taken_mask);
  }
  if (threadIdx.x == 0) {
    out[0] = 0;
    out[take + 1] = qb;
  }
}

template <int kThreads>
cudaError_t launch_select(const EstimateParams& p, cudaStream_t stream) {
  const int smem = ((p.q_blocks + 3) & ~3) * static_cast<int>(sizeof(uint32_t));
  cudaError_t err = cudaFuncSetAttribute(select_kernel<kThreads>,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
  if (err != cudaSuccess) return err;
  select_kernel<kThreads><<<static_cast<unsigned>(p.units * kTile), kThreads, smem, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace

cudaError_t run_select(const EstimateParams& p, cudaStream_t stream) {
  return p.q_blocks > kLongRowBlocks ? launch_select<512>(p, stream) : launch_select<128>(p, stream);
}

}  // namespace mi::blocksparse::estimate
