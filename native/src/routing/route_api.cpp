// mi_routes_set and mi_vs_route: validation of the route calls (host arrays, device pointers,
// costs), then the launches in route_kernels.cu.
#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "../common/head_list.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "minference.h"
#include "route_launch.h"

namespace {

constexpr int64_t kMaxGridY = 65535;
constexpr int64_t kMaxSeqLen = int64_t{1} << 30;

void require_batch_and_heads(int64_t batch, int64_t q_heads) {
  if (batch < 1 || batch > kMaxGridY)
    mi::invalid("batch=" + std::to_string(batch) + " must be in [1, " + std::to_string(kMaxGridY) + "]");
  if (q_heads < 1 || q_heads > mi::kMaxHeadList)
    mi::invalid("q_heads=" + std::to_string(q_heads) + " must be in [1, " +
                std::to_string(mi::kMaxHeadList) + "]");
}

void require_cost(double value, const char* name, bool positive) {
  if (!std::isfinite(value) || value < 0 || (positive && value == 0))
    mi::invalid(std::string(name) + "=" + std::to_string(value) + " must be finite and " +
                (positive ? "> 0" : ">= 0"));
}

}  // namespace

extern "C" MI_API mi_status mi_routes_set(int32_t* codes, int64_t batch, int64_t q_heads,
                                          const int32_t* heads, const int32_t* values,
                                          int32_t head_count, mi_stream stream) {
  return mi::guarded([&] {
    require_batch_and_heads(batch, q_heads);
    mi::require_aligned(codes, alignof(int32_t), "codes");
    if (values == nullptr) mi::invalid("values must not be NULL");
    mi::routing::SetRoutesParams p{};
    const auto list = mi::validate_head_list(heads, head_count, q_heads);
    p.codes = codes;
    p.batch = static_cast<int>(batch);
    p.q_heads = static_cast<int>(q_heads);
    p.count = list.count;
    for (int i = 0; i < list.count; ++i) {
      if (values[i] < MI_ROUTE_SPARSE || values[i] > MI_ROUTE_DENSE_CAPACITY)
        mi::invalid("values[" + std::to_string(i) + "]=" + std::to_string(values[i]) +
                    " is not an mi_route_code (0..4)");
      p.heads[i] = list.ids[i];
      p.values[i] = static_cast<int8_t>(values[i]);
    }
    MI_CUDA_CHECK(mi::routing::launch_set_routes(p, reinterpret_cast<cudaStream_t>(stream)));
  });
}

extern "C" MI_API mi_status mi_vs_route(const mi_vs_route_args* args, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    require_batch_and_heads(args->batch, args->q_heads);
    if (args->seq_len < 1 || args->seq_len > kMaxSeqLen)
      mi::invalid("seq_len=" + std::to_string(args->seq_len) + " must be in [1, 2^30]");
    mi::routing::VsRouteParams p{};
    p.heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    mi::require_aligned(args->block_row_ptr, alignof(int64_t), "block_row_ptr");
    mi::require_aligned(args->column_row_ptr, alignof(int64_t), "column_row_ptr");
    mi::require_aligned(args->codes, alignof(int32_t), "codes");
    if (args->entries != nullptr) mi::require_aligned(args->entries, alignof(int64_t), "entries");
    if (args->block_capacity < 0 || args->column_capacity < 0)
      mi::invalid("block_capacity and column_capacity must be >= 0");
    require_cost(args->block_tile_cost, "block_tile_cost", false);
    require_cost(args->column_tile_cost, "column_tile_cost", false);
    require_cost(args->dense_tile_cost, "dense_tile_cost", true);
    if (!(args->max_density >= 0 && args->max_density <= 1))
      mi::invalid("max_density=" + std::to_string(args->max_density) + " must be in [0, 1]");
    p.batch = static_cast<int>(args->batch);
    p.q_heads = static_cast<int>(args->q_heads);
    p.seq_len = args->seq_len;
    p.q_blocks = static_cast<int>((args->seq_len + MI_SPARSE_BLOCK - 1) / MI_SPARSE_BLOCK);
    p.block_row_ptr = args->block_row_ptr;
    p.column_row_ptr = args->column_row_ptr;
    p.block_capacity = args->block_capacity;
    p.column_capacity = args->column_capacity;
    p.block_tile_cost = args->block_tile_cost;
    p.column_tile_cost = args->column_tile_cost;
    p.dense_tile_cost = args->dense_tile_cost;
    p.max_density = args->max_density;
    p.codes = args->codes;
    p.entries = args->entries;
    MI_CUDA_CHECK(mi::routing::launch_vs_route(p, reinterpret_cast<cudaStream_t>(stream)));
  });
}
