// Grid block selection, the last step: per row (batch, slot, permuted query block qb) the `keep`
// key blocks to compute, in three tiers, best first within a tier (equal scores: smaller block):
//   1. the diagonal block qb (every query sees itself; its slots are its own keys);
//   2. the vertical-line blocks: the first ceil(class_size / 64) slots' blocks, class_size the
//      number of positions = phase (mod stride), the grid's vertical lines gathered at the left
//      edge by the permutation;
//   3. every other block,
// and last, only when a row reaches fewer than `keep` blocks, the unreachable ones (the key
// block's smallest original position after the query block's largest: fully masked, computed
// for nothing but harmless), smallest first. The tiers live in the key's top bit: a score's
// order-preserving key loses its lowest bit (adjacent floats may then tie, and tie to the smaller
// block), the diagonal takes the largest key and unreachable blocks the key 0.
//
// One CTA per row, as in block-sparse selection: the row's scores (its 64 x 64 tiles of the
// square, 64 contiguous scores each) are copied into shared memory, keyed in place, and the
// shared radix select writes the winners ascending at row * keep.
#include <cuda_runtime.h>

#include <cstdint>

#include "../common/device_primitives.cuh"
#include "../common/radix_select.cuh"
#include "../permuted/row_select_launch.cuh"
#include "grid_select_params.h"

namespace mi::grid {
namespace {

namespace est = blocksparse::estimate;

constexpr uint32_t kDiagonalKey = 0xffffffffu;
constexpr uint32_t kLineTier = 0x80000000u;
constexpr uint32_t kUnreachableKey = 0u;

// Blocks of the vertical-line class: positions = phase (mod stride), the first class of the order.
// Out-of-range strides and phases (not from mi_grid_estimate) are clamped: they change the tiers,
// never the memory touched.
__device__ __forceinline__ int line_blocks(int n, int stride, int phase) {
  stride = max(stride, 1);
  phase = min(max(phase, 0), stride - 1);
  const int class_size = phase < n ? (n - 1 - phase) / stride + 1 : 0;
  return (class_size + est::kBlock - 1) / est::kBlock;
}

template <int kThreads>
__global__ void __launch_bounds__(kThreads) grid_select_kernel(const __grid_constant__ GridSelectParams p) {
  extern __shared__ uint4 smem_keys[];
  uint32_t* keys = reinterpret_cast<uint32_t*>(smem_keys);
  __shared__ device::RadixSelectStorage<kThreads> storage;

  const est::EstimateParams& e = p.scores;
  const permuted::ScoreRow self = permuted::score_row(e);
  const int64_t group = self.group;
  const int qb = self.qb;
  if (qb >= e.q_blocks) return;
  const int64_t row = self.row;
  int32_t* out = e.blocks + row * p.keep;
  if (threadIdx.x == 0) {
    e.row_ptr[row] = row * p.keep;
    if (row == e.groups * e.q_blocks - 1) e.row_ptr[row + 1] = (row + 1) * p.keep;
  }
  if (p.keep == e.q_blocks) {  // every block
    for (int c = threadIdx.x; c < e.q_blocks; c += kThreads) out[c] = c;
    return;
  }

  const int vectors = permuted::copy_row_scores_async<kThreads>(smem_keys, self.scores, e.q_blocks);
  const int lines = line_blocks(p.n, p.strides[group], p.phases[group]);
  const int32_t reach = p.block_max[row];  // key blocks starting at or before it are reachable
  const int32_t* block_min = p.block_min + group * e.q_blocks;
  device::cp_async_wait<0>();
  // Each thread keys the vectors it copied (its own cp.async writes are visible to it).
  for (int v = threadIdx.x; v < vectors; v += kThreads) {
    uint32_t k4[4];
    const uint4 s = smem_keys[v];
    const uint32_t bits[4] = {s.x, s.y, s.z, s.w};
#pragma unroll
    for (int c = 0; c < 4; ++c) {
      const int kb = 4 * v + c;
      const uint32_t scored = device::key_of(__uint_as_float(bits[c])) >> 1;
      k4[c] = kb == qb                                     ? kDiagonalKey
              : kb >= e.q_blocks || block_min[kb] > reach ? kUnreachableKey
              : kb < lines                                 ? (kLineTier | scored)
                                                           : scored;
    }
    smem_keys[v] = make_uint4(k4[0], k4[1], k4[2], k4[3]);
  }
  __syncthreads();
  device::radix_select_top<kThreads>(keys, 0, e.q_blocks, static_cast<uint32_t>(p.keep), out, storage);
}

}  // namespace

cudaError_t run_grid_select(const GridSelectParams& p, cudaStream_t stream) {
  return permuted::launch_row_select<GridSelectParams>(grid_select_kernel<128>, grid_select_kernel<512>, p, stream);
}

}  // namespace mi::grid
