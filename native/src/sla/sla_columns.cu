// SLA backward, step 1 (sla_backward_params.h): the columns of a row index. dK and dV are
// computed per key block, so each needs the query blocks whose rows list it. Three launches, all
// deterministic: count (one CTA per column: every row of its group binary-searched for it), an
// exclusive scan of the counts (one CTA), and fill (the same search, the found rows compacted in
// ascending order with warp ballots).
#include <cuda_runtime.h>

#include <cstdint>

#include "../common/csr_rows.cuh"
#include "sla_backward_params.h"

namespace mi::sla {
namespace {

constexpr int kThreads = 128;
constexpr int kScanThreads = 1024;

// Whether row `row` of the index lists `column` (rows ascending; a malformed row gives a wrong
// answer, never a bad read: CsrRow is clamped to the values).
__device__ __forceinline__ bool lists(const CsrIndex& index, int64_t row, int column) {
  const CsrRow r = CsrRow::read(index, row);
  int64_t lo = r.begin, hi = r.end;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    const int32_t value = __ldg(index.values + mid);
    if (value == column) return true;
    if (value < column) lo = mid + 1; else hi = mid;
  }
  return false;
}

__global__ void __launch_bounds__(kThreads) count_columns_kernel(const __grid_constant__ ColumnParams p) {
  __shared__ int warp_counts[kThreads / 32];
  const int column = blockIdx.x;
  const int64_t group = blockIdx.y;
  int count = 0;
  for (int i = threadIdx.x; i < p.blocks; i += kThreads) count += lists(p.rows, group * p.blocks + i, column);
  for (int offset = 16; offset > 0; offset /= 2) count += __shfl_xor_sync(0xffffffffu, count, offset);
  if (threadIdx.x % 32 == 0) warp_counts[threadIdx.x / 32] = count;
  __syncthreads();
  if (threadIdx.x == 0) {
    int total = 0;
    for (int w = 0; w < kThreads / 32; ++w) total += warp_counts[w];
    p.counts[group * p.blocks + column] = total;
  }
}

// col_ptr[c] = Σ counts[< c], in passes of kScanThreads entries with a running offset.
__global__ void __launch_bounds__(kScanThreads) scan_columns_kernel(const __grid_constant__ ColumnParams p) {
  __shared__ int64_t warp_sums[kScanThreads / 32];
  __shared__ int64_t running;
  if (threadIdx.x == 0) running = 0;
  const int64_t total = p.groups * p.blocks;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int64_t base = 0; base < total; base += kScanThreads) {
    const int64_t i = base + threadIdx.x;
    const int64_t value = i < total ? p.counts[i] : 0;
    int64_t inclusive = value;
    for (int offset = 1; offset < 32; offset *= 2) {
      const int64_t up = __shfl_up_sync(0xffffffffu, inclusive, offset);
      if (lane >= offset) inclusive += up;
    }
    __syncthreads();  // `running` and warp_sums of the previous pass are read
    if (lane == 31) warp_sums[warp] = inclusive;
    __syncthreads();
    int64_t before = running;
    for (int w = 0; w < warp; ++w) before += warp_sums[w];
    if (i < total) p.col_ptr[i] = before + inclusive - value;
    __syncthreads();
    if (threadIdx.x == kScanThreads - 1) {
      running = before + inclusive;
      if (base + kScanThreads >= total) p.col_ptr[total] = running;
    }
  }
  if (total == 0 && threadIdx.x == 0) p.col_ptr[0] = 0;
}

__global__ void __launch_bounds__(kThreads) fill_columns_kernel(const __grid_constant__ ColumnParams p) {
  __shared__ int warp_counts[kThreads / 32];
  const int column = blockIdx.x;
  const int64_t group = blockIdx.y;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  // Bounded by the row index's size: a malformed index (rows sharing entries) can list more pairs
  // than it has values; those are dropped, never written past the buffer.
  const int64_t first = p.col_ptr[group * p.blocks + column];
  int written = 0;
  for (int base = 0; base < p.blocks; base += kThreads) {
    const int i = base + threadIdx.x;
    const bool found = i < p.blocks && lists(p.rows, group * p.blocks + i, column);
    const uint32_t ballot = __ballot_sync(0xffffffffu, found);
    if (lane == 0) warp_counts[warp] = __popc(ballot);
    __syncthreads();
    int before = written;
    for (int w = 0; w < warp; ++w) before += warp_counts[w];
    const int64_t at = first + before + __popc(ballot & ((1u << lane) - 1u));
    if (found && at < p.rows.value_count) p.values[at] = i;
    for (int w = 0; w < kThreads / 32; ++w) written += warp_counts[w];
    __syncthreads();  // warp_counts is rewritten by the next pass
  }
}

}  // namespace

cudaError_t run_count_columns(const ColumnParams& p, cudaStream_t stream) {
  count_columns_kernel<<<dim3(p.blocks, static_cast<unsigned>(p.groups)), kThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

cudaError_t run_scan_columns(const ColumnParams& p, cudaStream_t stream) {
  scan_columns_kernel<<<1, kScanThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

cudaError_t run_fill_columns(const ColumnParams& p, cudaStream_t stream) {
  fill_columns_kernel<<<dim3(p.blocks, static_cast<unsigned>(p.groups)), kThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace mi::sla
