// Block-sparse estimation, step 3: per row (batch, slot, query block qb), keep min(k, qb + 1) key
// blocks: block 0 and the diagonal qb always, and the take = keep - 2 best of the candidates
// 1..qb-1 by score (equal scores: the smaller block), written ascending into the CSR index.
//
// One CTA per row. The row's scores are copied into shared memory (cp.async: the whole row in
// flight at once) and turned into order-preserving 32-bit keys in place; the shared radix select
// (common/radix_select.cuh) writes the winners ascending. The forced blocks never enter the
// selection, so they are kept whatever the scores (+inf or NaN ones included). CTAs have 128
// threads up to 4096 blocks (N <= 256K) and 512 beyond, so that long rows' passes stay short while
// an SM still holds several rows.
//
// Equal scores compare as floats did in the first GPU version: -0 is keyed as +0, and NaN (from
// non-finite inputs) as -inf, so it ranks last; with the score step's arithmetic the indices are
// those of that version.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../common/device_primitives.cuh"
#include "../common/radix_select.cuh"
#include "block_sparse_estimate_params.h"

namespace mi::blocksparse::estimate {
namespace {

constexpr int kLongRowBlocks = 4096;  // rows longer than this get the larger CTA

// grid (units of the chunk * 64): one row each; dynamic shared memory: one key per block of the
// longest row, rounded up to whole 16-byte vectors.
template <int kThreads>
__global__ void __launch_bounds__(kThreads) select_kernel(const __grid_constant__ EstimateParams p) {
  extern __shared__ uint4 smem_keys[];
  uint32_t* keys = reinterpret_cast<uint32_t*>(smem_keys);
  __shared__ device::RadixSelectStorage<kThreads> storage;

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
  device::cp_async_wait<0>();
  for (int v = threadIdx.x; v < vectors; v += kThreads) {
    const uint4 s = smem_keys[v];
    smem_keys[v] = make_uint4(device::key_of(__uint_as_float(s.x)), device::key_of(__uint_as_float(s.y)),
                              device::key_of(__uint_as_float(s.z)), device::key_of(__uint_as_float(s.w)));
  }
  __syncthreads();

  // Candidates 1 .. qb-1; the forced blocks frame them: out[0] = 0, out[take + 1] = qb.
  device::radix_select_top<kThreads>(keys, 1, qb, static_cast<uint32_t>(take), out + 1, storage);
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
