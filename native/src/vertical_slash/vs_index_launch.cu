// Host side of mi_vs_index_count / mi_vs_index_fill: the count pass's workspace, the choice
// between the chain and the walk kernels (vs_index_kernel.cuh), and their launches.
#include <cuda_runtime.h>

#include <cub/device/device_scan.cuh>

#include <cstdint>
#include <utility>

#include "../common/device_info.h"
#include "../common/status.h"
#include "../common/workspace.h"
#include "minference.h"
#include "vs_index_kernel.cuh"
#include "vs_index_launch.h"

namespace mi::vertical_slash {

using namespace indexing;

namespace {

int64_t scan_temp_bytes(int64_t items) {
  size_t bytes = 0;
  MI_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, static_cast<const int64_t*>(nullptr),
                                              static_cast<int64_t*>(nullptr),
                                              static_cast<int>(items)));
  return static_cast<int64_t>(bytes);
}

IndexParams params_of(const mi_vs_index_args& a) {
  IndexParams p{};
  p.rows = a.rows;
  p.n = static_cast<int>(a.seq_len);
  p.q_blocks = static_cast<int>((a.seq_len + kBlock - 1) / kBlock);
  p.vertical_count = static_cast<int>(a.vertical_count);
  p.slash_count = static_cast<int>(a.slash_count);
  p.verticals = a.verticals;
  p.slashes = a.slashes;
  return p;
}

// Launches the count or fill pass: the chain kernel when the row's slash list fits in shared
// memory, else the plain walk. Both passes decide alike (same sizes, same device); the tables
// only change how fast the chain kernel finds its answers, not the answers.
template <bool kFill>
void launch(IndexParams p, cudaStream_t s) {
  // Both properties come from device_info's per-device cache: this runs on every estimation.
  int device = 0, smem_optin = 0;
  MI_CUDA_CHECK(cudaGetDevice(&device));
  const int sms = current_device_sms();
  MI_CUDA_CHECK(max_shared_memory_optin(device, &smem_optin));
  cudaFuncAttributes attributes{};
  MI_CUDA_CHECK(cudaFuncGetAttributes(&attributes, vs_index_chain_kernel<kFill>));
  const int64_t budget =  // less the static shared memory (the scans)
      int64_t{smem_optin} - static_cast<int64_t>(attributes.sharedSizeBytes);
  int64_t smem = chain_base_bytes(p.slash_count);
  if (smem <= budget) {
    p.cover_table = smem + cover_bytes(p.n) <= budget;
    if (p.cover_table) smem += cover_bytes(p.n);
    if (kFill) {
      // The main chain's blocks are disjoint 64-column windows of u = end_m - column, all within
      // [-62, n + 63] (vs_index_chain.cuh: cover_gap), so there are at most n / 64 + 2.
      const int64_t most = int64_t{p.n} / kBlock + 2;
      const int64_t room = (budget - smem) / int64_t{sizeof(int32_t)};
      p.block_list_capacity = static_cast<int>(most < room ? most : room);
      smem += align16(int64_t{p.block_list_capacity} * int64_t{sizeof(int32_t)});
    }
    MI_CUDA_CHECK(cudaFuncSetAttribute(vs_index_chain_kernel<kFill>,
                                       cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(smem)));
    // One CTA per SM in all; each rebuilds its row's chain, so no more than needed.
    const int64_t per_row = (int64_t{sms} + p.rows - 1) / p.rows;
    const int slices = static_cast<int>(per_row < p.q_blocks ? per_row : p.q_blocks);
    // rows * slices <= rows * q_blocks <= 2^31 - 1 (validated)
    vs_index_chain_kernel<kFill><<<static_cast<unsigned>(p.rows * slices), kThreads,
                                   static_cast<size_t>(smem), s>>>(p, slices);
  } else {
    const int64_t items = p.rows * p.q_blocks;
    vs_index_walk_kernel<kFill><<<static_cast<int>((items + kWalkThreads - 1) / kWalkThreads),
                                  kWalkThreads, 0, s>>>(p);
  }
  MI_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

int64_t vs_index_rows(const mi_vs_index_args& a) {
  return a.rows * ((a.seq_len + kBlock - 1) / kBlock);
}

int64_t vs_index_count_workspace_bytes(const mi_vs_index_args& a) {
  const int64_t items = vs_index_rows(a);
  return 2 * workspace_aligned(items * 8) + workspace_aligned(scan_temp_bytes(items));
}

void launch_vs_index_count(const mi_vs_index_args& a, void* workspace, cudaStream_t s) {
  const int64_t items = vs_index_rows(a);
  IndexParams p = params_of(a);
  auto* base = static_cast<char*>(workspace);
  p.block_counts = reinterpret_cast<int64_t*>(base);
  p.column_counts = reinterpret_cast<int64_t*>(base + workspace_aligned(items * 8));
  void* scan_temp = base + 2 * workspace_aligned(items * 8);
  launch<false>(p, s);
  // row_ptr = [0, inclusive prefix sums of the counts]
  MI_CUDA_CHECK(cudaMemsetAsync(a.block_row_ptr, 0, sizeof(int64_t), s));
  MI_CUDA_CHECK(cudaMemsetAsync(a.column_row_ptr, 0, sizeof(int64_t), s));
  for (auto [counts, row_ptr] : {std::pair{p.block_counts, a.block_row_ptr},
                                 std::pair{p.column_counts, a.column_row_ptr}}) {
    size_t temp = static_cast<size_t>(scan_temp_bytes(items));
    MI_CUDA_CHECK(cub::DeviceScan::InclusiveSum(scan_temp, temp, counts, row_ptr + 1,
                                                static_cast<int>(items), s));
  }
}

void launch_vs_index_fill(const mi_vs_index_args& a, cudaStream_t s) {
  IndexParams p = params_of(a);
  p.block_row_ptr = a.block_row_ptr;
  p.column_row_ptr = a.column_row_ptr;
  p.block_starts = a.block_starts;
  p.block_capacity = a.block_capacity;
  p.columns = a.columns;
  p.column_capacity = a.column_capacity;
  launch<true>(p, s);
}

}  // namespace mi::vertical_slash
