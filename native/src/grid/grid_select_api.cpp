// mi_grid_select_index_size / mi_grid_select_workspace_size / mi_grid_select: validation, the
// workspace layout and the launch sequence (pool Q and K through the order, then score and
// select per chunk of the score buffer), all enqueued on the caller's stream.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "../common/workspace.h"
#include "../permuted/permuted_scores.h"
#include "grid_select_params.h"
#include "minference.h"

namespace {

namespace est = mi::blocksparse::estimate;

constexpr int64_t kMaxSeqLen = int64_t{1} << 21;  // 32768 key blocks: 128 KB of keys per select CTA

int64_t blocks_of(int64_t n) { return (n + est::kBlock - 1) / est::kBlock; }

mi::permuted::ScoreWorkspace layout_of(const mi_grid_select_args& a, int64_t head_count) {
  return mi::permuted::score_workspace(a.batch * head_count, a.seq_len, a.head_dim, a.keep < blocks_of(a.seq_len));
}

void require_shape(const mi_grid_select_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  if (a->seq_len < 1 || a->seq_len > kMaxSeqLen)
    mi::invalid("seq_len=" + std::to_string(a->seq_len) + " must be in [1, 2^21]");
  if (a->keep < 1) mi::invalid("keep=" + std::to_string(a->keep) + " must be >= 1");
  if (a->batch < 1 || a->q_heads < 1) mi::invalid("batch and q_heads must be >= 1");
}

}  // namespace

extern "C" MI_API mi_status mi_grid_select_index_size(int64_t batch, int64_t head_count,
                                                      int64_t seq_len, int64_t keep,
                                                      int64_t* entries) {
  return mi::guarded([&] {
    if (entries == nullptr) mi::invalid("entries must not be NULL");
    if (batch < 1 || head_count < 1 || seq_len < 1 || keep < 1)
      mi::invalid("batch, head_count, seq_len and keep must be >= 1");
    const int64_t blocks = blocks_of(seq_len);
    *entries = batch * head_count * blocks * std::min(keep, blocks);
  });
}

extern "C" MI_API mi_status mi_grid_select_workspace_size(const mi_grid_select_args* args,
                                                          int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    *bytes = layout_of(*args, heads.count).total;
  });
}

extern "C" MI_API mi_status mi_grid_select(const mi_grid_select_args* args, void* workspace,
                                           int64_t workspace_bytes, mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    const auto heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    const auto operands = mi::attention::validate_estimator_inputs(*args);
    if (args->row_ptr == nullptr || args->blocks == nullptr)
      mi::invalid("row_ptr and blocks must not be NULL");
    for (const auto& [name, pointer] : {std::pair{"strides", static_cast<const void*>(args->strides)},
                                        std::pair{"phases", static_cast<const void*>(args->phases)},
                                        std::pair{"order", static_cast<const void*>(args->order)}}) {
      if (pointer == nullptr) mi::invalid(std::string(name) + " must not be NULL");
      mi::require_aligned(pointer, 4, name);
      mi::check_device_pointer(name, pointer);
    }
    const mi::permuted::ScoreWorkspace w = layout_of(*args, heads.count);
    mi::require_workspace(workspace, workspace_bytes, w.total, "mi_grid_select_workspace_size");
    mi::grid::GridSelectParams p{};
    p.n = static_cast<int>(args->seq_len);
    p.keep = static_cast<int>(std::min<int64_t>(args->keep, blocks_of(args->seq_len)));
    p.strides = args->strides;
    p.phases = args->phases;
    mi::permuted::pool_score_select(
        args->dtype, args->head_dim, operands, heads, args->batch, args->kv_heads, args->order, workspace, w,
        args->row_ptr, args->blocks, reinterpret_cast<cudaStream_t>(stream),
        [&](const est::EstimateParams& estimate, const int32_t* block_min, const int32_t* block_max) {
          p.scores = estimate;
          p.block_min = block_min;
          p.block_max = block_max;
          return mi::grid::run_grid_select(p, reinterpret_cast<cudaStream_t>(stream));
        });
  });
}
