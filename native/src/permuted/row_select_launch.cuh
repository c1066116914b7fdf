// The launch grid and boundary selection share: one CTA per row (batch, slot, query block) of the
// score chunk, the row's scores keyed in dynamic shared memory (its block count rounded up to
// 16-byte vectors), 512 threads for rows longer than 4096 blocks and 128 otherwise.
#pragma once

#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>

#include "../blocksparse/block_sparse_estimate_params.h"

namespace mi::permuted {

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
