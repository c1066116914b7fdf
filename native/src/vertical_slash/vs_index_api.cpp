// mi_vs_index_count_workspace_size / mi_vs_index_count / mi_vs_index_fill: validation of the index
// conversion's arguments, then the launches in vs_index_launch.cu (the algorithm is described in
// vs_index_kernel.cuh).
#include <cuda_runtime_api.h>

#include <climits>
#include <cstdint>
#include <string>

#include "../common/status.h"
#include "minference.h"
#include "vs_index_launch.h"

namespace mi::vertical_slash {
namespace {

// The sizes (all a workspace query reads).
void validate(const mi_vs_index_args* a) {
  if (a == nullptr) invalid("args must not be NULL");
  if (a->rows < 1 || a->seq_len < 1 || a->seq_len > (int64_t{1} << 30))
    invalid("rows must be >= 1 and seq_len in [1, 2^30]");
  if (vs_index_rows(*a) > INT32_MAX)
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

}  // namespace
}  // namespace mi::vertical_slash

extern "C" MI_API mi_status mi_vs_index_count_workspace_size(const mi_vs_index_args* args,
                                                             int64_t* bytes) {
  return mi::guarded([&] {
    mi::vertical_slash::validate(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    *bytes = mi::vertical_slash::vs_index_count_workspace_bytes(*args);
  });
}

extern "C" MI_API mi_status mi_vs_index_count(const mi_vs_index_args* args, void* workspace,
                                              int64_t workspace_bytes, mi_stream stream) {
  using namespace mi::vertical_slash;
  return mi::guarded([&] {
    validate(args);
    require_pointers(args);
    const int64_t needed = vs_index_count_workspace_bytes(*args);
    mi::require_workspace(workspace, workspace_bytes, needed, "mi_vs_index_count_workspace_size");
    launch_vs_index_count(*args, workspace, reinterpret_cast<cudaStream_t>(stream));
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
    launch_vs_index_fill(*args, reinterpret_cast<cudaStream_t>(stream));
  });
}
