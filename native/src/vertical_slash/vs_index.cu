// mi_vs_index_count / mi_vs_index_fill: MInference's vertical-slash index conversion, one thread
// per (row, 64-row query block).
//
// Walking the slash offsets in descending order (so the diagonal ranges' ends ascend), each kept
// diagonal covers the 64 columns ending at end_m - offset; a range that starts within 64 columns
// of the current one extends it by a whole block, a farther one flushes the current range as
// 64-wide blocks and opens a new one. Verticals are interleaved: one left of the current range is
// kept as a gathered column, one inside it is already covered. The count pass and the fill pass
// run the same walk, so the fill writes exactly the counted entries.
#include <cuda_runtime.h>

#include <cub/device/device_scan.cuh>

#include <climits>
#include <cstdint>
#include <string>

#include "../common/status.h"
#include "minference.h"

namespace mi::vertical_slash {
namespace {

constexpr int kBlock = 64;
constexpr int kThreads = 128;
constexpr int64_t kAlign = 256;
int64_t aligned(int64_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

struct IndexParams {
  int64_t rows;
  int n;
  int q_blocks;
  int vertical_count;
  int slash_count;
  const int32_t* verticals;
  const int32_t* slashes;
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

template <bool kFill>
__global__ void vs_index_kernel(const __grid_constant__ IndexParams p) {
  const int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= p.rows * p.q_blocks) return;
  const int64_t row = t / p.q_blocks;
  const int end_m = static_cast<int>(t % p.q_blocks + 1) * kBlock;
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

int64_t scan_temp_bytes(int64_t items) {
  size_t bytes = 0;
  MI_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, static_cast<const int64_t*>(nullptr),
                                              static_cast<int64_t*>(nullptr),
                                              static_cast<int>(items)));
  return static_cast<int64_t>(bytes);
}

int64_t index_rows(const mi_vs_index_args& a) { return a.rows * ((a.seq_len + kBlock - 1) / kBlock); }

int64_t count_workspace_bytes(const mi_vs_index_args& a) {
  const int64_t items = index_rows(a);
  return 2 * aligned(items * 8) + aligned(scan_temp_bytes(items));
}

// The sizes (all a workspace query reads).
void validate(const mi_vs_index_args* a) {
  if (a == nullptr) invalid("args must not be NULL");
  if (a->rows < 1 || a->seq_len < 1 || a->seq_len > (int64_t{1} << 30))
    invalid("rows must be >= 1 and seq_len in [1, 2^30]");
  if (index_rows(*a) > INT32_MAX)
    invalid("rows * query blocks exceeds 2^31 - 1; convert fewer heads per call");
  if (a->vertical_count < 0 || a->vertical_count > a->seq_len)
    invalid("vertical_count=" + std::to_string(a->vertical_count) + " must be in [0, seq_len]");
  if (a->slash_count < 1 || a->slash_count > a->seq_len)
    invalid("slash_count=" + std::to_string(a->slash_count) + " must be in [1, seq_len]");
}

void require_pointers(const mi_vs_index_args* a) {
  if ((a->vertical_count > 0 && a->verticals == nullptr) || a->slashes == nullptr)
    invalid("verticals and slashes must not be NULL");
  if (a->block_row_ptr == nullptr || a->column_row_ptr == nullptr)
    invalid("block_row_ptr and column_row_ptr must not be NULL");
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

int grid_for(int64_t items) { return static_cast<int>((items + kThreads - 1) / kThreads); }

}  // namespace
}  // namespace mi::vertical_slash

extern "C" MI_API mi_status mi_vs_index_count_workspace_size(const mi_vs_index_args* args,
                                                             int64_t* bytes) {
  return mi::guarded([&] {
    mi::vertical_slash::validate(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    *bytes = mi::vertical_slash::count_workspace_bytes(*args);
  });
}

extern "C" MI_API mi_status mi_vs_index_count(const mi_vs_index_args* args, void* workspace,
                                              int64_t workspace_bytes, mi_stream stream) {
  using namespace mi::vertical_slash;
  return mi::guarded([&] {
    validate(args);
    require_pointers(args);
    const int64_t needed = count_workspace_bytes(*args);
    if (workspace == nullptr || workspace_bytes < needed)
      mi::invalid("workspace holds " + std::to_string(workspace_bytes) + " bytes; " +
                  std::to_string(needed) + " needed (mi_vs_index_count_workspace_size)");
    const int64_t items = index_rows(*args);
    IndexParams p = params_of(*args);
    auto* base = static_cast<char*>(workspace);
    p.block_counts = reinterpret_cast<int64_t*>(base);
    p.column_counts = reinterpret_cast<int64_t*>(base + aligned(items * 8));
    void* scan_temp = base + 2 * aligned(items * 8);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    vs_index_kernel<false><<<grid_for(items), kThreads, 0, s>>>(p);
    MI_CUDA_CHECK(cudaGetLastError());
    // row_ptr = [0, inclusive prefix sums of the counts]
    MI_CUDA_CHECK(cudaMemsetAsync(args->block_row_ptr, 0, sizeof(int64_t), s));
    MI_CUDA_CHECK(cudaMemsetAsync(args->column_row_ptr, 0, sizeof(int64_t), s));
    for (auto [counts, row_ptr] : {std::pair{p.block_counts, args->block_row_ptr},
                                   std::pair{p.column_counts, args->column_row_ptr}}) {
      size_t temp = static_cast<size_t>(scan_temp_bytes(items));
      MI_CUDA_CHECK(cub::DeviceScan::InclusiveSum(scan_temp, temp, counts, row_ptr + 1,
                                                  static_cast<int>(items), s));
    }
  });
}

extern "C" MI_API mi_status mi_vs_index_fill(const mi_vs_index_args* args, mi_stream stream) {
  using namespace mi::vertical_slash;
  return mi::guarded([&] {
    validate(args);
    require_pointers(args);
    if (args->block_capacity < 0 || args->column_capacity < 0)
      mi::invalid("block_capacity and column_capacity must be >= 0");
    if ((args->block_capacity > 0 && args->block_starts == nullptr) ||
        (args->column_capacity > 0 && args->columns == nullptr))
      mi::invalid("block_starts and columns must not be NULL when their capacity is > 0");
    IndexParams p = params_of(*args);
    p.block_row_ptr = args->block_row_ptr;
    p.column_row_ptr = args->column_row_ptr;
    p.block_starts = args->block_starts;
    p.block_capacity = args->block_capacity;
    p.columns = args->columns;
    p.column_capacity = args->column_capacity;
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    vs_index_kernel<true><<<grid_for(index_rows(*args)), kThreads, 0, s>>>(p);
    MI_CUDA_CHECK(cudaGetLastError());
  });
}
