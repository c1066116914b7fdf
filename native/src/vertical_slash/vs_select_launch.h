// Host entries of the vertical/slash top-k selection (vs_select_launch.cu), called by
// vs_select_api.cpp once the arguments are validated. Host-safe: no device types.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "minference.h"

namespace mi::vertical_slash {

// Bytes of workspace mi_vs_select needs for `args` (its sizes validated).
int64_t vs_select_workspace_bytes(const mi_vs_select_args& args);

// Enqueues the selection on `stream`; `workspace` holds vs_select_workspace_bytes(args). Throws
// mi::Failure when a CUDA call fails.
void launch_vs_select(const mi_vs_select_args& args, void* workspace, cudaStream_t stream);

}  // namespace mi::vertical_slash
