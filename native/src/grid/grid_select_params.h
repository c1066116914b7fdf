// Parameters of grid block selection (MMInference) on the device: after mi_grid_estimate, per
// (batch, listed head) and per 64-slot query block of the permuted sequence, the key blocks the
// permuted-block attention computes. Host-safe: no device types.
//
// The pipeline reuses block-sparse estimation's pool and score steps: pool Q and K through the
// head's token order (recording each block's smallest and largest original position), score every
// 64 x 64 tile of pooled blocks (the whole square: in permuted space causality is not a
// triangle), then select per row here. Rows keep min(keep, blocks) blocks, a closed form, so the
// caller sizes the index without reading anything back.
#pragma once

#include <cstdint>

#include "../blocksparse/block_sparse_estimate_params.h"

namespace mi::grid {

struct GridSelectParams {
  blocksparse::estimate::EstimateParams scores;  // square; top_k is unused (keep below)
  int n;                      // tokens
  int keep;                   // blocks per row: min(requested, q_blocks)
  const int32_t* strides;     // [groups]: from mi_grid_estimate
  const int32_t* phases;      // [groups]
  const int32_t* block_min;   // [groups, q_blocks]: smallest original position of each block
  const int32_t* block_max;   // [groups, q_blocks]: largest
};

// Launches the select step for the chunk of units in params.scores (grid_select.cu); with keep ==
// q_blocks every row is written whole and no scores are read (the host then scores nothing).
cudaError_t run_grid_select(const GridSelectParams& params, cudaStream_t stream);

}  // namespace mi::grid
