// mi_vs_select: top-k of the vertical and slash scores per row, in MInference's order.
//
// A k-of-N selection needs no sort: an exact radix select finds each list's k-th best key in three
// histogram passes (11 + 11 + 10 bits of an order-preserving 32-bit key), and one stable
// compaction then writes the winners in index order, which is the order the output wants (slash
// offsets are written back to front for their descending order). At 1M candidates per list this
// reads the scores five times (about 20 MB) instead of radix-sorting 1M 64-bit keys with their
// indices.
//
// Ranking: larger scores first, equal scores by smaller index (the tie rule), forced candidates
// (the first 30 columns, the first 100 offsets) count as +inf. Every (row, kind) is one "list";
// the vertical lists come first, then the slash lists, and all passes run over all of them at once.
//
// Device code only (the kernels and their parameters); vs_select_launch.cu sizes the workspace and
// launches them.
#pragma once

#include <cuda_runtime.h>

#include <cub/block/block_load.cuh>
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>

#include <cmath>
#include <cstdint>

#include "minference.h"

namespace mi::vertical_slash::selection {

constexpr int kThreads = 256;
constexpr int kItems = 16;                       // per thread in the chunked passes
constexpr int kChunk = kThreads * kItems;        // candidates per CTA
constexpr int kBins = 2048;                      // 11-bit digits (the last one has 10 bits)
constexpr int kLevels = 3;
// Digit l of a key: digit_bits(l) bits from bit shift(l) up (31..21, 20..10, 9..0).
__host__ __device__ constexpr int shift(int level) { return level == 0 ? 21 : level == 1 ? 10 : 0; }
__host__ __device__ constexpr int digit_bits(int level) { return level == 2 ? 10 : 11; }

struct ListState {
  uint32_t prefix;     // digits of the k-th best key found so far (after level 2: the whole key)
  uint32_t remaining;  // how many of the candidates matching `prefix` are still to be taken
};

struct SelectParams {
  int rows;
  int n;
  int chunks;  // per list
  int vertical_count;
  int slash_count;
  const float* vertical_scores;
  const float* slash_scores;
  int32_t* verticals;
  int32_t* slashes;
  uint32_t* histograms;        // [lists][kLevels][kBins], zeroed before level 0
  ListState* states;           // [lists][kLevels]: after each level's digit
  uint64_t* chunk_counts;      // [lists][chunks]: above << 32 | equal
  uint64_t* chunk_offsets;     // exclusive scan of chunk_counts over all lists
};

struct List {
  const float* scores;
  int k;
  int forced;
  bool descending;  // slash offsets: written in descending order
  int32_t* out;
};

__device__ __forceinline__ List list_of(const SelectParams& p, int list) {
  const bool slash = list >= p.rows;
  const int64_t row = slash ? list - p.rows : list;
  if (slash)
    return {p.slash_scores + row * p.n, p.slash_count, MI_VS_FORCED_SLASHES, true,
            p.slashes + row * p.slash_count};
  return {p.vertical_scores + row * p.n, p.vertical_count, MI_VS_FORCED_VERTICALS, false,
          p.verticals + row * p.vertical_count};
}

// Order-preserving map of a score to an unsigned key (larger key = better); forced candidates
// rank as +inf.
__device__ __forceinline__ uint32_t key_of(const List& l, int index) {
  const float score = index < l.forced ? INFINITY : __ldg(l.scores + index);
  const uint32_t bits = __float_as_uint(score);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

// The digit of level kLevel of `list`'s k-th best key, from that level's (complete) histogram,
// given the digits above it: the bin that holds the state's remaining-th best candidate, counting
// from the top. Every thread of the CTA calls it and gets the result.
template <int kLevel>
__device__ ListState find_digit(const SelectParams& p, int list, ListState above_digits) {
  using Scan = cub::BlockScan<uint32_t, kThreads>;
  __shared__ typename Scan::TempStorage scan;
  __shared__ ListState found;
  constexpr int kPerThread = kBins / kThreads;
  const uint32_t* bins = p.histograms + (int64_t(list) * kLevels + kLevel) * kBins;
  const uint32_t remaining = above_digits.remaining;
  // Thread i holds bins top - kPerThread * (i + 1) .. top - kPerThread * i - 1: thread order is
  // descending bin order, so an exclusive scan counts the candidates in higher bins.
  const int top = kBins - kPerThread * static_cast<int>(threadIdx.x);
  uint32_t mine = 0;
#pragma unroll
  for (int i = 1; i <= kPerThread; ++i) mine += bins[top - i];
  uint32_t above;
  Scan(scan).ExclusiveSum(mine, above);
  if (above < remaining && remaining <= above + mine) {
    uint32_t count = above;
    for (int i = 1; i <= kPerThread; ++i) {
      const int bin = top - i;
      if (count + bins[bin] >= remaining) {
        found = {(above_digits.prefix << digit_bits(kLevel)) | uint32_t(bin), remaining - count};
        break;
      }
      count += bins[bin];
    }
  }
  __syncthreads();
  return found;
}

// The digits of `list`'s k-th best key found by the levels before kLevel (and published in
// p.states by the first CTA of the kernel that found the last of them): each kernel finds the
// digit of the level before it, so there is no launch per digit.
template <int kLevel>
__device__ ListState digits_before(const SelectParams& p, int list) {
  if constexpr (kLevel == 0) {
    return {0, 0};
  } else {
    const ListState before =
        kLevel == 1 ? ListState{0, uint32_t(list_of(p, list).k)} : p.states[list * kLevels + kLevel - 2];
    const ListState state = find_digit<kLevel - 1>(p, list, before);
    if (blockIdx.x == 0 && threadIdx.x == 0) p.states[list * kLevels + kLevel - 1] = state;
    return state;
  }
}

// Histogram of digit kLevel over the chunk's candidates that match the digits found so far.
// Scores cluster in a few exponents, so a warp's lanes often hit one bin: lanes with equal
// digits add once, through their leader.
template <int kLevel>
__global__ void __launch_bounds__(kThreads) histogram_kernel(const __grid_constant__ SelectParams p) {
  __shared__ uint32_t bins[kBins];
  const int list = blockIdx.y;
  const List l = list_of(p, list);
  for (int b = threadIdx.x; b < kBins; b += kThreads) bins[b] = 0;
  const uint32_t prefix = digits_before<kLevel>(p, list).prefix;  // ends with a barrier if any
  __syncthreads();
  const int lane = threadIdx.x % 32;
  const int first = blockIdx.x * kChunk;
  for (int j = 0; j < kItems; ++j) {
    const int index = first + j * kThreads + threadIdx.x;
    bool take = index < p.n;
    uint32_t key = 0;
    if (take) {
      key = key_of(l, index);
      if constexpr (kLevel > 0) take = (key >> shift(kLevel - 1)) == prefix;
    }
    const uint32_t digit = take ? (key >> shift(kLevel)) & ((1u << digit_bits(kLevel)) - 1) : kBins;
    const unsigned same = __match_any_sync(0xffffffffu, digit);
    if (take && lane == __ffs(same) - 1) atomicAdd(&bins[digit], __popc(same));
  }
  __syncthreads();
  uint32_t* global = p.histograms + (int64_t(list) * kLevels + kLevel) * kBins;
  for (int b = threadIdx.x; b < kBins; b += kThreads)
    if (bins[b] != 0) atomicAdd(global + b, bins[b]);
}

// Per chunk: candidates above the k-th best key and equal to it (after finding its last digit).
__global__ void __launch_bounds__(kThreads) count_kernel(const __grid_constant__ SelectParams p) {
  using Reduce = cub::BlockReduce<uint64_t, kThreads>;
  __shared__ typename Reduce::TempStorage reduce;
  const int list = blockIdx.y;
  const List l = list_of(p, list);
  const uint32_t kth = digits_before<kLevels>(p, list).prefix;
  uint64_t mine = 0;
  for (int j = 0; j < kItems; ++j) {
    const int index = blockIdx.x * kChunk + j * kThreads + threadIdx.x;
    if (index >= p.n) break;
    const uint32_t key = key_of(l, index);
    mine += key > kth ? (uint64_t{1} << 32) : key == kth ? 1 : 0;
  }
  const uint64_t total = Reduce(reduce).Sum(mine);
  if (threadIdx.x == 0) p.chunk_counts[int64_t(list) * p.chunks + blockIdx.x] = total;
}

// Stable compaction: candidate i is taken when its key beats the k-th best, or equals it and
// fewer than `remaining` equal keys come before it; its place in the output is the number of
// taken candidates before it. Each thread walks kItems consecutive candidates.
__global__ void __launch_bounds__(kThreads) write_kernel(const __grid_constant__ SelectParams p) {
  using Scan = cub::BlockScan<uint64_t, kThreads>;
  using Load = cub::BlockLoad<float, kThreads, kItems, cub::BLOCK_LOAD_TRANSPOSE>;
  __shared__ union {
    typename Scan::TempStorage scan;
    typename Load::TempStorage load;
  } temp;
  const int list = blockIdx.y;
  const List l = list_of(p, list);
  const ListState kth_state = p.states[list * kLevels + kLevels - 1];
  const uint32_t kth = kth_state.prefix;
  const uint32_t equal_taken = kth_state.remaining;
  const int first = blockIdx.x * kChunk;
  float scores[kItems];
  Load(temp.load).Load(l.scores + first, scores, p.n - first, 0.f);
  uint32_t keys[kItems];
  uint64_t mine = 0;
#pragma unroll
  for (int j = 0; j < kItems; ++j) {
    const int index = first + threadIdx.x * kItems + j;
    const float score = index < l.forced ? INFINITY : scores[j];
    const uint32_t bits = __float_as_uint(score);
    keys[j] = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
    if (index < p.n) mine += keys[j] > kth ? (uint64_t{1} << 32) : keys[j] == kth ? 1 : 0;
  }
  __syncthreads();  // temp.load is reused
  uint64_t before;
  Scan(temp.scan).ExclusiveSum(mine, before);
  // Counts before this chunk in this list (the scan ran over all lists: subtract the list's start;
  // both halves only grow, so the packed subtraction never borrows).
  before += p.chunk_offsets[int64_t(list) * p.chunks + blockIdx.x] -
            p.chunk_offsets[int64_t(list) * p.chunks];
  uint32_t above = static_cast<uint32_t>(before >> 32);
  uint32_t equal = static_cast<uint32_t>(before & 0xffffffffu);
#pragma unroll
  for (int j = 0; j < kItems; ++j) {
    const int index = first + threadIdx.x * kItems + j;
    if (index >= p.n) break;
    const bool better = keys[j] > kth;
    const bool tied = keys[j] == kth;
    if (better || (tied && equal < equal_taken)) {
      const int place = static_cast<int>(above + min(equal, equal_taken));
      l.out[l.descending ? l.k - 1 - place : place] = index;
    }
    above += better;
    equal += tied;
  }
}

}  // namespace mi::vertical_slash::selection
