// The launch grid, boundary and SLA selection share: one CTA per row (batch, slot, query block) of
// the score chunk, the row's scores keyed in dynamic shared memory (its block count rounded up to
// 16-byte vectors), 512 threads for rows longer than 4096 blocks and 128 otherwise; and, on the
// device, which row a CTA owns and the copy of that row's scores.
#pragma once

#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>

#include "../blocksparse/block_sparse_estimate_params.h"
#include "../common/device_primitives.cuh"

namespace mi::permuted {

// The row of the score chunk a CTA of launch_row_select owns: kTile CTAs per score tile unit, one
// per query block of the unit's tile; qb >= q_blocks marks a CTA past the last query block, which
// returns. `scores` is the row's first score in the chunk's tiled layout (square tiles).
struct ScoreRow {
  int64_t group;  // (batch, slot or head)
  int qb;         // query block
  int64_t row;    // group * q_blocks + qb: the row of the CSR index the selection writes
  const float* scores;
};

__device__ __forceinline__ ScoreRow score_row(const blocksparse::estimate::EstimateParams& e) {
  namespace est = blocksparse::estimate;
  const int64_t unit = e.first_unit + blockIdx.x / est::kTile;
  const int r = blockIdx.x % est::kTile;
  ScoreRow row;
  row.group = unit / e.tiles;
  row.qb = static_cast<int>(unit % e.tiles) * est::kTile + r;
  row.row = row.group * e.q_blocks + row.qb;
  row.scores = e.scores +
               (est::tiles_before(unit, e.tiles, true) - est::tiles_before(e.first_unit, e.tiles, true)) * est::kTileScores +
               r * est::kTile;
  return row;
}

// Starts copying the row's `blocks` scores into `smem_keys` (16-byte vectors, thread t taking
// vectors t, t + kThreads, ...) and commits the copy; the caller waits for it. Each thread may then
// key the vectors it copied without a barrier (its own cp.async writes are visible to it).
// Returns the vector count.
template <int kThreads>
__device__ __forceinline__ int copy_row_scores_async(uint4* smem_keys, const float* scores, int blocks) {
  namespace est = blocksparse::estimate;
  const int vectors = (blocks + 3) / 4;
  for (int v = threadIdx.x; v < vectors; v += kThreads)
    device::cp_async_16(device::smem_address(smem_keys + v),
                        scores + (v * 4 / est::kTile) * est::kTileScores + v * 4 % est::kTile, true);
  device::cp_async_commit();
  return vectors;
}

constexpr int kLongRowBlocks = 4096;  // rows longer than this get the larger CTA
// The longest row: N ≤ 2^21 tokens is 32768 blocks, 128 KB of keys.
constexpr int kMaxRowKeyBytes = 32768 * int(sizeof(uint32_t));

// Launches kernel_128 or kernel_512 for `p` (whose `scores` describe the chunk). The dynamic
// shared memory limit is raised once per (kernel, device), to the longest row's: the limit only
// caps what a launch may ask for, so launches then need no host call on the hot path.
template <typename Params>
cudaError_t launch_row_select(void (*kernel_128)(Params), void (*kernel_512)(Params), const Params& p, cudaStream_t stream) {
  const blocksparse::estimate::EstimateParams& scores = p.scores;
  const bool long_rows = scores.q_blocks > kLongRowBlocks;
  const auto kernel = long_rows ? kernel_512 : kernel_128;
  static std::atomic<uint64_t> opted_in[2] = {0, 0};
  int device = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err != cudaSuccess) return err;
  const uint64_t bit = device >= 0 && device < 64 ? uint64_t{1} << device : 0;
  std::atomic<uint64_t>& flags = opted_in[long_rows ? 1 : 0];
  if (bit == 0 || (flags.load(std::memory_order_acquire) & bit) == 0) {
    err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kMaxRowKeyBytes);
    if (err != cudaSuccess) return err;
    flags.fetch_or(bit, std::memory_order_acq_rel);
  }
  const int smem = ((scores.q_blocks + 3) & ~3) * int(sizeof(uint32_t));
  kernel<<<static_cast<unsigned>(scores.units * blocksparse::estimate::kTile), long_rows ? 512 : 128, smem, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace mi::permuted
