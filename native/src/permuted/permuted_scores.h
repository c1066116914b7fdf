// What grid and boundary block selection share on the host: the workspace of pooled blocks and
// scores, and the launch sequence — Q and K mean-pooled through each (batch, slot)'s token order
// (with every block's earliest and latest original position), then per chunk of the score buffer
// the whole square of pooled scores and the caller's select launch.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <functional>

#include "../attention/attention_params.h"
#include "../blocksparse/block_sparse_estimate_params.h"
#include "minference.h"

namespace mi::permuted {

struct ScoreWorkspace {
  int64_t pooled_k;  // byte offsets; pooled Q starts at 0
  int64_t block_min;
  int64_t block_max;
  int64_t scores;
  int64_t score_tiles;  // capacity of the score buffer, in tiles (0: nothing is scored)
  int64_t total;
};

// The layout for `groups` (batch x listed heads) rows of N tokens; `scored` false when every row
// keeps every block (no scores are needed).
ScoreWorkspace score_workspace(int64_t groups, int64_t seq_len, int64_t head_dim, bool scored);

// A select launch for one chunk: the chunk's units and scores in `estimate`, each block's position
// range in block_min / block_max ([groups, blocks]).
using SelectLaunch = std::function<cudaError_t(const blocksparse::estimate::EstimateParams& estimate,
                                               const int32_t* block_min, const int32_t* block_max)>;

// A launch between pooling and scoring that may adjust the pooled keys ([groups, blocks, D]).
using PooledKeysLaunch = std::function<cudaError_t(float* pooled_k)>;

// Enqueues the pooling (through `order`, or in position order when it is NULL), `after_pool` when
// given, then per chunk the scores (when the layout has a score buffer) and `select`. Throws
// mi::Failure with the CUDA error of a failed launch.
void pool_score_select(mi_dtype dtype, int64_t head_dim, const attention::AttentionFwdParams& operands,
                       const attention::HeadList& heads, int64_t batch, int64_t kv_heads,
                       const int32_t* order, void* workspace, const ScoreWorkspace& layout,
                       int64_t* row_ptr, int32_t* blocks, cudaStream_t stream, const SelectLaunch& select,
                       const PooledKeysLaunch& after_pool = {});

}  // namespace mi::permuted
