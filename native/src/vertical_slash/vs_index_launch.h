// Host entries of the vertical-slash index conversion (vs_index_launch.cu), called by
// vs_index_api.cpp once the arguments are validated. Host-safe: no device types.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "minference.h"

namespace mi::vertical_slash {

// Rows of the index: rows x 64-row query blocks (the length of each count array).
int64_t vs_index_rows(const mi_vs_index_args& args);

// Bytes of workspace mi_vs_index_count needs for `args` (its sizes validated).
int64_t vs_index_count_workspace_bytes(const mi_vs_index_args& args);

// The count pass and the prefix sums into block_row_ptr / column_row_ptr, on `stream`;
// `workspace` holds vs_index_count_workspace_bytes(args). Throws mi::Failure when a CUDA call
// fails.
void launch_vs_index_count(const mi_vs_index_args& args, void* workspace, cudaStream_t stream);

// The fill pass (writes the entries counted by launch_vs_index_count, up to the capacities).
void launch_vs_index_fill(const mi_vs_index_args& args, cudaStream_t stream);

}  // namespace mi::vertical_slash
