// The route kernels: tiny launches that write, per (batch, query head), which launch of the layer
// computes it, so the fallback to dense needs no host round trip and the layer can be captured.
#include <cuda_runtime.h>

#include "minference.h"
#include "route_launch.h"

namespace mi::routing {
namespace {

constexpr int kThreads = 256;
constexpr int kBlock = MI_SPARSE_BLOCK;

__global__ void set_routes_kernel(const __grid_constant__ SetRoutesParams p) {
  const int batch = blockIdx.x;
  for (int i = threadIdx.x; i < p.count; i += blockDim.x)
    p.codes[int64_t(batch) * p.q_heads + p.heads[i]] = p.values[i];
}

// One CTA per listed head, over every batch element (a head keeps or leaves its pattern for the
// whole batch, as its density is counted over the batch): sums the head's block starts, gathered
// column tiles and entries over its query blocks, then one thread applies the rule of mi_vs_route.
// The sums are exact integers; only the final weighing is floating point, with explicit
// round-to-nearest operations so nvcc cannot contract them into FMAs and the host's identical
// formula (C#, no contraction) reaches the same decision.
__global__ void __launch_bounds__(kThreads) vs_route_kernel(const __grid_constant__ VsRouteParams p) {
  const int slot = blockIdx.x;
  unsigned long long blocks = 0, column_tiles = 0, columns = 0;
  bool past_capacity = false;
  for (int batch = 0; batch < p.batch; ++batch) {
    const int64_t first_row = (int64_t(batch) * p.heads.count + slot) * p.q_blocks;
    for (int qb = threadIdx.x; qb < p.q_blocks; qb += blockDim.x) {
      const int64_t row = first_row + qb;
      const int64_t b = p.block_row_ptr[row + 1] - p.block_row_ptr[row];
      const int64_t c = p.column_row_ptr[row + 1] - p.column_row_ptr[row];
      blocks += b;
      columns += c;
      column_tiles += (c + kBlock - 1) / kBlock;
    }
    const int64_t last_row = first_row + p.q_blocks;
    past_capacity |= p.block_row_ptr[last_row] > p.block_capacity ||
                     p.column_row_ptr[last_row] > p.column_capacity;
  }
  __shared__ unsigned long long s_blocks, s_column_tiles, s_columns;
  if (threadIdx.x == 0) s_blocks = s_column_tiles = s_columns = 0;
  __syncthreads();
  atomicAdd(&s_blocks, blocks);
  atomicAdd(&s_column_tiles, column_tiles);
  atomicAdd(&s_columns, columns);
  __syncthreads();
  if (threadIdx.x != 0) return;

  const int64_t entries = int64_t(s_blocks) * kBlock + int64_t(s_columns);
  const int64_t q = p.q_blocks;
  const int64_t dense_tiles = int64_t(p.batch) * (q * (q + 1) / 2);
  const double causal_entries = double(p.batch) * (double(p.seq_len) * double(p.seq_len + 1) / 2);
  const double sparse_cost = __dadd_rn(__dmul_rn(double(s_blocks), p.block_tile_cost),
                                       __dmul_rn(double(s_column_tiles), p.column_tile_cost));
  const double dense_cost = __dmul_rn(double(dense_tiles), p.dense_tile_cost);
  int32_t code = MI_ROUTE_SPARSE;
  if (past_capacity)
    code = MI_ROUTE_DENSE_CAPACITY;
  else if (__ddiv_rn(double(entries), causal_entries) > p.max_density)
    code = MI_ROUTE_DENSE_TOO_DENSE;
  else if (!(sparse_cost < dense_cost))
    code = MI_ROUTE_DENSE_SLOWER;
  for (int batch = 0; batch < p.batch; ++batch)
    p.codes[int64_t(batch) * p.q_heads + p.heads.ids[slot]] = code;
  if (p.entries != nullptr) p.entries[slot] = entries;
}

}  // namespace

cudaError_t launch_set_routes(const SetRoutesParams& params, cudaStream_t stream) {
  set_routes_kernel<<<params.batch, kThreads, 0, stream>>>(params);
  return cudaGetLastError();
}

cudaError_t launch_vs_route(const VsRouteParams& params, cudaStream_t stream) {
  vs_route_kernel<<<params.heads.count, kThreads, 0, stream>>>(params);
  return cudaGetLastError();
}

}  // namespace mi::routing
