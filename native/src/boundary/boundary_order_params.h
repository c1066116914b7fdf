// Parameters of the boundary heads' token order on the device: text tokens first in position
// order, then the video tokens by grid phase class (positions ascending within a class). Host-safe.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace mi::boundary {

constexpr int kMaxVideoSegments = 256;  // MI_BOUNDARY_MAX_VIDEO_SEGMENTS

struct BoundaryOrderParams {
  int64_t rows;     // batch * head_count
  int64_t seq_len;  // N
  int segment_count;
  int32_t segments[kMaxVideoSegments][2];  // video [start, end), ascending, disjoint, non-empty
  int64_t text_tokens;                     // T: N minus the video tokens
  // Per row; null: every row in position order (stride 1, phase 0), which is then written to
  // strides/phases when they are given.
  const int32_t* strides_in;
  const int32_t* phases_in;
  int32_t* strides_out;  // written when strides_in is null (may be null)
  int32_t* phases_out;
  int32_t* order;        // [rows, N]
};

// One launch: order[row][slot(x)] = x for every position x.
cudaError_t run_boundary_order(const BoundaryOrderParams& params, cudaStream_t stream);

}  // namespace mi::boundary
