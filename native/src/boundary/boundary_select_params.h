// Parameters of boundary block selection (MMInference's Q-, K- and 2D-boundary heads) on the
// device. Tokens are in modality order (text first: slots [0, T), then video: [T, N)), so key
// blocks split into a text range [0, tb) and a video range [tb, blocks), tb = ceil(T / 64) (the
// block holding both kinds counts as text), and a query block is text when it is below tb. Each
// row keeps, per key range, min(budget, range size) blocks — the diagonal first, then the range's
// first block, then the others by pooled score, unreachable blocks last — with the budgets of the
// head's kind:
//   query: one range (all keys); budget `first` for text rows, `second` for video rows;
//   key:   text keys `first`, video keys `second`, for every row;
//   2d:    keys of the row's own modality `first`, of the other modality `second`.
// A row's length depends only on its modality, so the index size and the row offsets are closed
// forms (boundary_row_lengths, boundary_entries_before). Host-safe.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../blocksparse/block_sparse_estimate_params.h"

namespace mi::boundary {

enum class Kind : int { kQuery = 0, kKey = 1, kTwoD = 2 };  // MI_BOUNDARY_*

struct RowLengths {
  int64_t text;   // entries of a text query row
  int64_t video;  // of a video query row
};

MI_BS_HOST_DEVICE inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

MI_BS_HOST_DEVICE inline RowLengths boundary_row_lengths(Kind kind, int64_t first, int64_t second,
                                                         int64_t text_blocks, int64_t blocks) {
  const int64_t video_blocks = blocks - text_blocks;
  switch (kind) {
    case Kind::kQuery:
      return {min64(first, blocks), min64(second, blocks)};
    case Kind::kKey: {
      const int64_t length = min64(first, text_blocks) + min64(second, video_blocks);
      return {length, length};
    }
    default:
      return {min64(first, text_blocks) + min64(second, video_blocks),
              min64(first, video_blocks) + min64(second, text_blocks)};
  }
}

// Entries of one (batch, slot)'s rows before query block qb.
MI_BS_HOST_DEVICE inline int64_t boundary_entries_before(int64_t qb, int64_t text_blocks, RowLengths lengths) {
  return qb <= text_blocks ? qb * lengths.text : text_blocks * lengths.text + (qb - text_blocks) * lengths.video;
}

struct BoundarySelectParams {
  blocksparse::estimate::EstimateParams scores;  // square; top_k unused
  Kind kind;
  int first;         // budgets, >= 0
  int second;
  int text_blocks;   // tb
  RowLengths lengths;
  const int32_t* block_min;  // [groups, blocks]: earliest original position of each block
  const int32_t* block_max;  // latest
};

// Launches the select step for the chunk of units in params.scores (boundary_select.cu).
cudaError_t run_boundary_select(const BoundarySelectParams& params, cudaStream_t stream);

}  // namespace mi::boundary
