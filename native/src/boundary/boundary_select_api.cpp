// mi_boundary_select_index_size / mi_boundary_select_workspace_size / mi_boundary_select:
// validation, the workspace layout and the launch sequence (permuted_scores.h, then the boundary
// select step per chunk), all enqueued on the caller's stream.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "../common/workspace.h"
#include "../permuted/permuted_scores.h"
#include "boundary_select_params.h"
#include "minference.h"

namespace {

namespace est = mi::blocksparse::estimate;
using mi::boundary::Kind;

constexpr int64_t kMaxSeqLen = int64_t{1} << 21;  // 32768 key blocks: 128 KB of keys per select CTA
constexpr int64_t kMaxBudget = int64_t{1} << 30;

int64_t blocks_of(int64_t n) { return (n + est::kBlock - 1) / est::kBlock; }

void require_rules(int64_t seq_len, int64_t text_tokens, int32_t kind, int64_t first, int64_t second) {
  if (seq_len < 1 || seq_len > kMaxSeqLen) mi::invalid("seq_len=" + std::to_string(seq_len) + " must be in [1, 2^21]");
  if (text_tokens < 0 || text_tokens > seq_len)
    mi::invalid("text_tokens=" + std::to_string(text_tokens) + " must be in [0, seq_len=" + std::to_string(seq_len) + "]");
  if (kind < MI_BOUNDARY_QUERY || kind > MI_BOUNDARY_2D)
    mi::invalid("kind=" + std::to_string(kind) + " is not a mi_boundary_kind (0 query, 1 key, 2 2d)");
  if (first < 0 || second < 0 || first > kMaxBudget || second > kMaxBudget)
    mi::invalid("budgets first=" + std::to_string(first) + ", second=" + std::to_string(second) + " must be in [0, 2^30]");
  // The range holding a row's diagonal block must keep a block: `first` always (2d: the row's own
  // modality), `second` too for query and key heads (video rows' budget or range).
  if (first < 1 || (kind != MI_BOUNDARY_2D && second < 1))
    mi::invalid("budgets first=" + std::to_string(first) + ", second=" + std::to_string(second) +
                ": the budget that covers a row's own block must be >= 1 (first always, second too for query and key kinds)");
}

mi::boundary::RowLengths lengths_of(int64_t seq_len, int64_t text_tokens, int32_t kind, int64_t first, int64_t second) {
  return mi::boundary::boundary_row_lengths(static_cast<Kind>(kind), first, second, blocks_of(text_tokens), blocks_of(seq_len));
}

// Whether some row keeps fewer than all blocks of a key range (only then are scores needed).
bool ranks(const mi_boundary_select_args& a) {
  const int64_t blocks = blocks_of(a.seq_len), tb = blocks_of(a.text_tokens);
  const mi::boundary::RowLengths lengths = lengths_of(a.seq_len, a.text_tokens, a.kind, a.first, a.second);
  return (tb > 0 && lengths.text < blocks) || (tb < blocks && lengths.video < blocks);
}

void require_shape(const mi_boundary_select_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  require_rules(a->seq_len, a->text_tokens, a->kind, a->first, a->second);
  if (a->batch < 1 || a->q_heads < 1) mi::invalid("batch and q_heads must be >= 1");
}

}  // namespace

extern "C" MI_API mi_status mi_boundary_select_index_size(int64_t batch, int64_t head_count, int64_t seq_len,
                                                          int64_t text_tokens, int32_t kind, int64_t first,
                                                          int64_t second, int64_t* entries) {
  return mi::guarded([&] {
    if (entries == nullptr) mi::invalid("entries must not be NULL");
    if (batch < 1 || head_count < 1) mi::invalid("batch and head_count must be >= 1");
    require_rules(seq_len, text_tokens, kind, first, second);
    *entries = batch * head_count *
               mi::boundary::boundary_entries_before(blocks_of(seq_len), blocks_of(text_tokens),
                                                     lengths_of(seq_len, text_tokens, kind, first, second));
  });
}

extern "C" MI_API mi_status mi_boundary_select_workspace_size(const mi_boundary_select_args* args, int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    *bytes = mi::permuted::score_workspace(args->batch * heads.count, args->seq_len, args->head_dim, ranks(*args)).total;
  });
}

extern "C" MI_API mi_status mi_boundary_select(const mi_boundary_select_args* args, void* workspace,
                                               int64_t workspace_bytes, mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    const auto heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    const auto operands = mi::attention::validate_estimator_inputs(*args);
    if (args->row_ptr == nullptr || args->blocks == nullptr) mi::invalid("row_ptr and blocks must not be NULL");
    if (args->order == nullptr) mi::invalid("order must not be NULL");
    mi::require_aligned(args->order, 4, "order");
    mi::check_device_pointer("order", args->order);
    const mi::permuted::ScoreWorkspace w =
        mi::permuted::score_workspace(args->batch * heads.count, args->seq_len, args->head_dim, ranks(*args));
    mi::require_workspace(workspace, workspace_bytes, w.total, "mi_boundary_select_workspace_size");
    mi::boundary::BoundarySelectParams p{};
    p.kind = static_cast<Kind>(args->kind);
    p.first = static_cast<int>(args->first);
    p.second = static_cast<int>(args->second);
    p.text_blocks = static_cast<int>(blocks_of(args->text_tokens));
    p.lengths = lengths_of(args->seq_len, args->text_tokens, args->kind, args->first, args->second);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    mi::permuted::pool_score_select(
        args->dtype, args->head_dim, operands, heads, args->batch, args->kv_heads, args->order, workspace, w,
        args->row_ptr, args->blocks, s,
        [&](const est::EstimateParams& estimate, const int32_t* block_min, const int32_t* block_max) {
          p.scores = estimate;
          p.block_min = block_min;
          p.block_max = block_max;
          return mi::boundary::run_boundary_select(p, s);
        });
  });
}
