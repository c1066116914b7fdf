// Boundary block selection, the last step (rules in boundary_select_params.h): per row (batch,
// slot, query block qb in modality order) and per key range, min(budget, range size) blocks in
// tiers — the diagonal, then the modality groups' first blocks (0 and tb), then the others by
// pooled score (equal keys: the smaller block), unreachable blocks (every position after every
// query position of the row) last with the key 0 — written ascending, ranges in block order.
//
// One CTA per row, as in grid selection: the row's 64 x 64 score tiles are copied into shared
// memory, keyed in place, and the shared radix select runs once per range.
#include <cuda_runtime.h>

#include <cstdint>

#include "../common/device_primitives.cuh"
#include "../common/radix_select.cuh"
#include "../permuted/row_select_launch.cuh"
#include "boundary_select_params.h"

namespace mi::boundary {
namespace {

namespace est = blocksparse::estimate;

constexpr uint32_t kDiagonalKey = 0xffffffffu;
constexpr uint32_t kGroupFirstKey = 0xfffffffeu;  // above every score's key (at most 0xff800000)
constexpr uint32_t kUnreachableKey = 0u;

struct Range {
  int begin, end, budget;
};

template <int kThreads>
__global__ void __launch_bounds__(kThreads) boundary_select_kernel(const __grid_constant__ BoundarySelectParams p) {
  extern __shared__ uint4 smem_keys[];
  uint32_t* keys = reinterpret_cast<uint32_t*>(smem_keys);
  __shared__ device::RadixSelectStorage<kThreads> storage;

  const est::EstimateParams& e = p.scores;
  const permuted::ScoreRow self = permuted::score_row(e);
  const int64_t group = self.group;
  const int qb = self.qb;
  if (qb >= e.q_blocks) return;
  const int blocks = e.q_blocks;
  const int tb = p.text_blocks;
  const int64_t row = self.row;
  const int64_t per_group = boundary_entries_before(blocks, tb, p.lengths);
  const int64_t first_entry = group * per_group + boundary_entries_before(qb, tb, p.lengths);
  int32_t* out = e.blocks + first_entry;
  if (threadIdx.x == 0) {
    e.row_ptr[row] = first_entry;
    if (row == e.groups * blocks - 1) e.row_ptr[row + 1] = first_entry + (qb < tb ? p.lengths.text : p.lengths.video);
  }

  // The key ranges and their budgets, in block order.
  const bool text_row = qb < tb;
  Range ranges[2];
  int range_count = 0;
  if (p.kind == Kind::kQuery) {
    ranges[range_count++] = {0, blocks, text_row ? p.first : p.second};
  } else {
    const bool own_text = p.kind == Kind::kKey || text_row;  // key: text keys get `first`
    if (tb > 0) ranges[range_count++] = {0, tb, own_text ? p.first : p.second};
    if (tb < blocks) ranges[range_count++] = {tb, blocks, own_text ? p.second : p.first};
  }
  bool ranks = false;  // does any range keep fewer than all of its blocks?
#pragma unroll
  for (int i = 0; i < 2; ++i)
    if (i < range_count) ranks |= ranges[i].budget < ranges[i].end - ranges[i].begin;

  if (ranks) {
    const int vectors = permuted::copy_row_scores_async<kThreads>(smem_keys, self.scores, blocks);
    const int32_t reach = p.block_max[row];
    const int32_t* block_min = p.block_min + group * blocks;
    device::cp_async_wait<0>();
    for (int v = threadIdx.x; v < vectors; v += kThreads) {
      uint32_t k4[4];
      const uint4 s = smem_keys[v];
      const uint32_t bits[4] = {s.x, s.y, s.z, s.w};
#pragma unroll
      for (int c = 0; c < 4; ++c) {
        const int kb = 4 * v + c;
        k4[c] = kb == qb                                   ? kDiagonalKey
                : kb >= blocks || block_min[kb] > reach   ? kUnreachableKey
                : kb == 0 || kb == tb                     ? kGroupFirstKey
                                                          : device::key_of(__uint_as_float(bits[c]));
      }
      smem_keys[v] = make_uint4(k4[0], k4[1], k4[2], k4[3]);
    }
    __syncthreads();
  }

  // Constant indices (unrolled) keep the two ranges in registers.
  int offset = 0;
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    if (i >= range_count) break;
    const Range range = ranges[i];
    const int size = range.end - range.begin;
    const int take = range.budget < size ? range.budget : size;
    if (take == size) {
      for (int c = threadIdx.x; c < size; c += kThreads) out[offset + c] = range.begin + c;
    } else if (take > 0) {
      device::radix_select_top<kThreads>(keys, range.begin, range.end, static_cast<uint32_t>(take), out + offset, storage);
      __syncthreads();  // the storage is reused by the next range
    }
    offset += take;
  }
}

}  // namespace

cudaError_t run_boundary_select(const BoundarySelectParams& p, cudaStream_t stream) {
  return permuted::launch_row_select<BoundarySelectParams>(boundary_select_kernel<128>, boundary_select_kernel<512>, p, stream);
}

}  // namespace mi::boundary
