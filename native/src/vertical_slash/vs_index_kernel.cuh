// mi_vs_index_count / mi_vs_index_fill: MInference's vertical-slash index conversion.
//
// MInference converts each 64-row query block by walking all kept diagonals and verticals
// (O(slash_count + vertical_count) sequential steps per block: at 1M tokens, 16,384 blocks x ~7,000
// steps, one thread each, took milliseconds). The walks of different blocks differ only in their
// first few ranges (vs_index_chain.cuh), so here one CTA per (row, slice of query blocks) first
// computes the row's main chain in shared memory, and then one warp per query block walks its few
// own ranges, copies the rest of the main chain (shifted by the block's end) and tests each vertical
// left of the block against the ranges (binary search): work proportional to the output.
//
// Two shared-memory tables make the per-block work cheap when they fit (the launch sizes them): a
// coverage table that answers "is this vertical inside one of the main chain's ranges" with one
// load instead of a binary search, and (fill) the main chain's block starts relative to end_m, so
// that a block's entries are a shifted copy.
//
// The count pass and the fill pass run the same code (the fill has no workspace, so it rebuilds the
// main chain): the fill writes exactly the counted entries. Two cases take MInference's plain
// walk, one thread per query block, which is exact for any input: a slash list too long for
// shared memory, and the rare query block whose walk needs more than kMaxSerial ranges before it
// joins the main chain.
//
// Device code only (the kernels, their parameters and shared-memory sizes); vs_index_launch.cu
// sizes the workspace and the shared-memory tables and launches them.
#pragma once

#include <cuda_runtime.h>

#include <cub/block/block_scan.cuh>

#include <climits>
#include <cstdint>

#include "vs_index_chain.cuh"

namespace mi::vertical_slash::indexing {

constexpr int kBlock = chain::kBlock;
// Chain kernels: one CTA per SM (each rebuilds its row's main chain, so few and large), 24 warps
// (the register cap of 1024 threads made ptxas spill on sm_90a), one query block each at a time.
constexpr int kThreads = 768;
constexpr int kWarps = kThreads / 32;
constexpr int kMaxSerial = 16;  // ranges a block may walk before the main chain (typically 0-2)
constexpr int kWalkThreads = 128;  // plain walk: one thread per query block

struct IndexParams {
  int64_t rows;
  int n;
  int q_blocks;
  int vertical_count;
  int slash_count;
  const int32_t* verticals;
  const int32_t* slashes;
  // chain kernels' optional shared-memory tables (sized at launch)
  bool cover_table;  // the coverage table fits: columns are tested in O(1)
  int block_list_capacity;  // fill: the main chain's block list, when it has at most this many
  // count pass
  int64_t* block_counts;
  int64_t* column_counts;
  // fill pass
  const int64_t* block_row_ptr;
  const int64_t* column_row_ptr;
  int32_t* block_starts;
  int64_t block_capacity;
  int32_t* columns;
  int64_t column_capacity;
};

// MInference's walk of query block m of `row` (t = row * q_blocks + m), by one thread: slash offsets
// in descending order (so the diagonal ranges' ends ascend), each kept diagonal covers the 64
// columns ending at end_m - offset; a range that starts within 64 columns of the current one
// extends it by a whole block, a farther one flushes the current range as 64-wide blocks and opens
// a new one. Verticals are interleaved: one left of the current range is kept as a gathered
// column, one inside it is already covered.
template <bool kFill>
__device__ __forceinline__ void walk_block(const IndexParams& p, int64_t row, int m) {
  const int64_t t = row * p.q_blocks + m;
  const int end_m = (m + 1) * kBlock;
  const int32_t* slashes = p.slashes + row * p.slash_count;
  const int32_t* verticals = p.verticals + row * p.vertical_count;

  int64_t blocks = 0;
  int64_t columns = 0;
  const int64_t block_base = kFill ? p.block_row_ptr[t] : 0;
  const int64_t column_base = kFill ? p.column_row_ptr[t] : 0;
  auto flush = [&](int range_start, int range_end) {
    for (int x = range_start; x < range_end; x += kBlock, ++blocks)
      if (kFill && block_base + blocks < p.block_capacity) p.block_starts[block_base + blocks] = x;
  };

  int s = 0;
  while (s < p.slash_count && __ldg(slashes + s) >= end_m) ++s;
  if (s < p.slash_count) {  // no kept diagonal reaches this block: an empty row (O = 0)
    int e = max(end_m - __ldg(slashes + s++), kBlock);
    int range_start = e - kBlock;
    int range_end = e;
    int v = 0;
    int column = p.vertical_count > 0 ? __ldg(verticals + v++) : INT_MAX;
    while (true) {
      if (column < range_end) {
        if (column < range_start) {
          if (kFill && column_base + columns < p.column_capacity)
            p.columns[column_base + columns] = column;
          ++columns;
        }
        column = v < p.vertical_count ? __ldg(verticals + v++) : INT_MAX;
      } else {
        if (s >= p.slash_count) {
          flush(range_start, range_end);
          break;
        }
        e = max(end_m - __ldg(slashes + s++), kBlock);
        if (e > range_end + kBlock) {
          flush(range_start, range_end);
          range_start = e - kBlock;
          range_end = e;
        } else if (e > range_end) {
          range_end += kBlock;
        }
      }
    }
  }
  if (!kFill) {
    p.block_counts[t] = blocks;
    p.column_counts[t] = columns;
  }
}

template <bool kFill>
__global__ void __launch_bounds__(kWalkThreads)
    vs_index_walk_kernel(const __grid_constant__ IndexParams p) {
  const int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= p.rows * p.q_blocks) return;
  walk_block<kFill>(p, t / p.q_blocks, static_cast<int>(t % p.q_blocks));
}

// Shared memory of a chain kernel, in this order: the slash list, next_gap and the main chain
// (4 ints a slash), each warp's serial ranges, then the optional tables: the coverage table
// (2 bytes per 64 columns) and, in the fill, the main chain's block list (4 bytes a block).
__host__ __device__ inline int64_t align16(int64_t bytes) { return (bytes + 15) / 16 * 16; }
__host__ __device__ inline int64_t chain_base_bytes(int64_t slash_count) {
  return align16((4 * slash_count + 1) * int64_t{sizeof(int32_t)} +
                 int64_t{kWarps} * kMaxSerial * int64_t{sizeof(chain::Serial)});
}
__host__ __device__ inline int64_t cover_bytes(int64_t n) {
  return align16(chain::cover_buckets(n) * int64_t{sizeof(uint16_t)});
}

// Where the upper bound of x lies in the ascending a[lo..hi): the last i with a[i] <= x.
__device__ __forceinline__ int last_at_most(const int32_t* a, int lo, int hi, int x) {
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (a[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

using BlockScanInt = cub::BlockScan<int, kThreads>;
using BlockScanPair = cub::BlockScan<long long, kThreads>;
struct Min {
  __device__ int operator()(int a, int b) const { return a < b ? a : b; }
};

// Builds `row`'s slash list, next_gap and main chain in shared memory (all threads; ends with a
// barrier), then the coverage table and, with kFill, the main chain's block list when they fit.
// Each thread owns a contiguous piece of the list for the two scans.
template <bool kFill>
__device__ __forceinline__ chain::Row build_row(const IndexParams& p, int64_t row,
                                                int32_t* smem, int32_t*& block_list) {
  __shared__ union {
    typename BlockScanInt::TempStorage gap;
    typename BlockScanPair::TempStorage chain;
  } scan;
  __shared__ int mc_count;

  const int count = p.slash_count;
  int32_t* s = smem;
  int32_t* next_gap = s + count;
  int32_t* mc_s = next_gap + count;
  int32_t* mc_pos = mc_s + count;  // count + 1
  const int32_t* src = p.slashes + row * count;
  for (int i = threadIdx.x; i < count; i += kThreads) s[i] = __ldg(src + i);
  __syncthreads();

  const int per = (count + kThreads - 1) / kThreads;
  auto gap_above_64 = [&](int t) { return t < count - 1 && s[t] - s[t + 1] > kBlock; };
  {
    // next_gap is a suffix minimum: thread i takes piece kThreads - 1 - i of the list, so an
    // exclusive prefix scan over threads is a scan over the pieces to the right.
    const int lo = min(count, (kThreads - 1 - int(threadIdx.x)) * per);
    const int hi = min(count, lo + per);
    int first = INT_MAX;
    for (int t = hi - 1; t >= lo; --t)
      if (gap_above_64(t)) first = t;
    int right;
    BlockScanInt(scan.gap).ExclusiveScan(first, right, INT_MAX, Min());
    int next = right == INT_MAX ? count - 1 : right;
    for (int t = hi - 1; t >= lo; --t) {
      if (gap_above_64(t)) next = t;
      next_gap[t] = next;
    }
  }
  __syncthreads();

  chain::Row r{s, next_gap, mc_s, mc_pos, nullptr, count, 0};
  // The main chain, one segment (between gaps >= 128) per walker: the walk from slash 0 passes
  // through every segment's first slash, so segments can be walked independently. First the
  // openings and blocks per thread, then their prefix sums place each segment's entries.
  const int lo = min(count, int(threadIdx.x) * per);
  const int hi = min(count, lo + per);
  auto walk_segments = [&](auto&& emit) {
    for (int i = lo; i < hi; ++i) {
      if (!chain::opens_segment(r, i)) continue;
      int head = i;
      do {
        const chain::Range range = chain::range_walk(r, s[head], head);
        emit(s[head], range.blocks);
        head = range.last + 1;
      } while (head < count && !chain::opens_segment(r, head));
    }
  };
  long long mine = 0;  // openings << 32 | blocks (blocks < 2^31 in all)
  walk_segments([&](int, int blocks) { mine += (1ll << 32) + blocks; });
  long long before, total;
  __syncthreads();  // scan.gap is reused
  BlockScanPair(scan.chain).ExclusiveSum(mine, before, total);
  int at = static_cast<int>(before >> 32);
  int pos = static_cast<int>(before & 0xffffffffll);
  walk_segments([&](int offset, int blocks) {
    mc_s[at] = offset;
    mc_pos[at++] = pos;
    pos += blocks;
  });
  if (threadIdx.x == kThreads - 1) {
    mc_count = static_cast<int>(total >> 32);
    mc_pos[mc_count] = static_cast<int>(total & 0xffffffffll);
  }
  __syncthreads();
  r.mc_count = mc_count;

  auto* tables = reinterpret_cast<unsigned char*>(smem) + chain_base_bytes(count);
  if (p.cover_table) {
    auto* cover = reinterpret_cast<uint16_t*>(tables);
    const int64_t buckets = chain::cover_buckets(p.n);
    for (int64_t b = threadIdx.x; b < buckets; b += kThreads)
      cover[b] = chain::cover_bucket(r, b, buckets * kBlock);
    r.cover = cover;
    tables += cover_bytes(p.n);
  }
  block_list = nullptr;
  if (kFill && mc_pos[r.mc_count] <= p.block_list_capacity) {
    // Block x of the main chain starts at end_m - block_list[x] in every query block.
    block_list = reinterpret_cast<int32_t*>(tables);
    for (int x = threadIdx.x; x < mc_pos[r.mc_count]; x += kThreads) {
      const int q = last_at_most(mc_pos, 0, r.mc_count, x);
      block_list[x] = mc_s[q] + kBlock - (x - mc_pos[q]) * kBlock;
    }
  }
  __syncthreads();
  return r;
}

// The number of entries of the ascending list v[0..count) below x.
__device__ __forceinline__ int count_below(const int32_t* v, int count, int x) {
  int lo = 0, hi = count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (__ldg(v + mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

template <bool kFill>
__global__ void __launch_bounds__(kThreads, 1)
    vs_index_chain_kernel(const __grid_constant__ IndexParams p, int slices) {
  extern __shared__ __align__(16) int32_t smem[];
  const int64_t row = blockIdx.x / slices;
  const int slice = static_cast<int>(blockIdx.x % slices);
  int32_t* block_list;
  const chain::Row r = build_row<kFill>(p, row, smem, block_list);
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  chain::Serial* serial = reinterpret_cast<chain::Serial*>(smem + 4 * p.slash_count + 1) +
                          warp * kMaxSerial;
  const int32_t* verticals = p.verticals + row * p.vertical_count;
  const unsigned below_lane = (1u << lane) - 1;

  // Query blocks slice, + slices, ...: interleaved, so every CTA gets short and long rows.
  for (int m = slice + slices * warp; m < p.q_blocks; m += slices * kWarps) {
    const int64_t t = row * p.q_blocks + m;
    const int end_m = (m + 1) * kBlock;
    // Every lane plans (the same plan); lane 0 stores the serial ranges.
    const chain::Plan plan = chain::plan_block(r, m, serial, kMaxSerial, lane == 0);
    __syncwarp();
    if (plan.overflow) {
      if (lane == 0) walk_block<kFill>(p, row, m);
      __syncwarp();
      continue;
    }
    const int candidates = count_below(verticals, p.vertical_count, plan.limit);

    if constexpr (!kFill) {
      int64_t columns = 0;
      for (int base = 0; base < candidates; base += 32) {
        const int i = base + lane;
        const bool gathered = i < candidates && !chain::covered(r, plan, serial, end_m, __ldg(verticals + i));
        columns += __popc(__ballot_sync(0xffffffffu, gathered));
      }
      if (lane == 0) {
        p.block_counts[t] = plan.blocks;
        p.column_counts[t] = columns;
      }
    } else {
      const int64_t block_base = p.block_row_ptr[t];
      int64_t at = 0;  // block entries written so far
      for (int i = 0; i < plan.serial; ++i) {
        for (int j = lane; j < serial[i].blocks; j += 32)
          if (block_base + at + j < p.block_capacity)
            p.block_starts[block_base + at + j] = serial[i].start + j * kBlock;
        at += serial[i].blocks;
      }
      if (plan.mc_first >= 0) {
        const int first_pos = r.mc_pos[plan.mc_first];
        const int total = r.mc_pos[r.mc_count] - first_pos;
        if (block_list != nullptr) {  // a shifted copy
          for (int x = lane; x < total; x += 32) {
            const int64_t slot = block_base + at + x;
            if (slot < p.block_capacity) p.block_starts[slot] = end_m - block_list[first_pos + x];
          }
        } else {
          // Output slot x of the main-chain part is block x - mc_pos[q] of the opening q with
          // mc_pos[q] <= x < mc_pos[q + 1]; every opening has >= 1 block, so a lane's q
          // advances by at most 32 openings per step.
          int q = plan.mc_first;
          for (int x = lane; x < total; x += 32) {
            const int target = first_pos + x;
            q = last_at_most(r.mc_pos, q, min(q + 33, r.mc_count), target);
            const int64_t slot = block_base + at + x;
            if (slot < p.block_capacity)
              p.block_starts[slot] = chain::mc_start(r, q, end_m) + (target - r.mc_pos[q]) * kBlock;
          }
        }
      }
      const int64_t column_base = p.column_row_ptr[t];
      int64_t written = 0;
      for (int base = 0; base < candidates; base += 32) {
        const int i = base + lane;
        const int c = i < candidates ? __ldg(verticals + i) : 0;
        const bool gathered = i < candidates && !chain::covered(r, plan, serial, end_m, c);
        const unsigned ballot = __ballot_sync(0xffffffffu, gathered);
        const int64_t slot = column_base + written + __popc(ballot & below_lane);
        if (gathered && slot < p.column_capacity) p.columns[slot] = c;
        written += __popc(ballot);
      }
    }
    __syncwarp();  // the serial ranges are rewritten for the next block
  }
}

}  // namespace mi::vertical_slash::indexing
