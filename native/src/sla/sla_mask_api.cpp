// mi_sla_mask_workspace_size / mi_sla_mask: validation, the workspace layout and the launch
// sequence (pool Q and K, smooth-K, then per chunk of the score buffer the whole square of pooled
// scores and the selection), all enqueued on the caller's stream.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "../attention/attention_validation.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "../permuted/permuted_scores.h"
#include "minference.h"
#include "sla_mask_params.h"
#include "sla_validation.h"

namespace {

namespace est = mi::blocksparse::estimate;

using mi::sla::blocks_of;  // N <= 2^21: 32768 key blocks, 128 KB of keys per select CTA

void require_shape(const mi_sla_mask_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  mi::sla::require_sla_sizes(a->seq_len, a->batch, a->heads, a->head_dim);
  if (a->causal != 0 && a->causal != 1) mi::invalid("causal=" + std::to_string(a->causal) + " must be 0 or 1");
  if (a->causal == 1) {
    // Negated comparisons: a NaN fraction fails them too.
    if (!(a->critical_fraction > 0 && a->critical_fraction <= 1))
      mi::invalid("critical_fraction=" + std::to_string(a->critical_fraction) + " must be in (0, 1] (causal: k_h)");
    if (!(a->negligible_fraction >= 0 && a->negligible_fraction < 1))
      mi::invalid("negligible_fraction=" + std::to_string(a->negligible_fraction) + " must be in [0, 1) (causal: k_l)");
  }
  if (a->smooth_keys != 0 && a->smooth_keys != 1)
    mi::invalid("smooth_keys=" + std::to_string(a->smooth_keys) + " must be 0 or 1");
  if (a->causal == 1) return;  // the counts come from the fractions
  const int64_t blocks = blocks_of(a->seq_len);
  if (a->critical < 1 || a->critical > blocks)
    mi::invalid("critical=" + std::to_string(a->critical) + " must be in [1, " + std::to_string(blocks) +
                "] (the key blocks of a row)");
  if (a->negligible < 0 || a->negligible > blocks - a->critical)
    mi::invalid("negligible=" + std::to_string(a->negligible) + " must be in [0, " +
                std::to_string(blocks - a->critical) + "] (the key blocks left after the critical ones)");
}

mi::sla::CausalCounts causal_counts(const mi_sla_mask_args& a) { return {a.critical_fraction, a.negligible_fraction}; }

mi::permuted::ScoreWorkspace layout_of(const mi_sla_mask_args& a) {
  // Causal rows rank their past blocks (a fraction of 100 % still keeps the diagonal's rank order
  // trivial, but not its neighbours' lists): always scored.
  const bool scored = a.causal == 1 || a.critical < blocks_of(a.seq_len);
  return mi::permuted::score_workspace(a.batch * a.heads, a.seq_len, a.head_dim, scored);
}

// Whether any row lists a negligible block, in O(1): a causal row's g(i) never decreases with i
// (⌊k_l·v⌋ does not, nor does v − c(v), as c grows by at most 1 per block), so the last row decides.
bool has_negligible(const mi_sla_mask_args& a) {
  if (a.causal == 0) return a.negligible > 0;
  return causal_counts(a).negligible(static_cast<int>(blocks_of(a.seq_len))) > 0;
}

// Entries of each index over every (batch, head): what the select kernel's rows add up to.
std::pair<int64_t, int64_t> index_entries(const mi_sla_mask_args& a) {
  const int64_t rows = a.batch * a.heads * blocks_of(a.seq_len);
  if (a.causal == 0) return {rows * a.critical, rows * a.negligible};
  const mi::sla::CausalCounts counts = causal_counts(a);
  int64_t critical = 0, negligible = 0;
  for (int visible = 1; visible <= blocks_of(a.seq_len); ++visible) {
    critical += counts.critical(visible);
    negligible += counts.negligible(visible);
  }
  return {a.batch * a.heads * critical, a.batch * a.heads * negligible};
}

template <typename T>
void require_output(const char* name, T* pointer, bool required) {
  if (pointer == nullptr) {
    if (required) mi::invalid(std::string(name) + " must not be NULL");
    return;
  }
  mi::require_aligned(pointer, sizeof(T), name);
  mi::check_device_pointer(name, pointer);
}

}  // namespace

extern "C" MI_API mi_status mi_sla_mask_workspace_size(const mi_sla_mask_args* args, int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    *bytes = layout_of(*args).total;
  });
}

extern "C" MI_API mi_status mi_sla_mask_index_entries(const mi_sla_mask_args* args, int64_t* critical_entries,
                                                      int64_t* negligible_entries) {
  return mi::guarded([&] {
    require_shape(args);
    if (critical_entries == nullptr) mi::invalid("critical_entries must not be NULL");
    if (negligible_entries == nullptr) mi::invalid("negligible_entries must not be NULL");
    std::tie(*critical_entries, *negligible_entries) = index_entries(*args);
  });
}

extern "C" MI_API mi_status mi_sla_mask(const mi_sla_mask_args* args, void* workspace, int64_t workspace_bytes,
                                        mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    mi_dense_attention_args operands{};
    operands.dtype = args->dtype;
    operands.batch = args->batch;
    operands.q_heads = args->heads;
    operands.kv_heads = args->heads;
    operands.q_len = args->seq_len;
    operands.kv_len = args->seq_len;
    operands.head_dim = args->head_dim;
    operands.q = args->q;
    operands.k = args->k;
    const auto params = mi::attention::validate_query_key_args(operands);
    const auto heads = mi::validate_head_list(nullptr, 0, args->heads);
    require_output("critical_row_ptr", args->critical_row_ptr, true);
    require_output("critical_blocks", args->critical_blocks, true);
    require_output("negligible_row_ptr", args->negligible_row_ptr, true);
    require_output("negligible_blocks", args->negligible_blocks, has_negligible(*args));
    require_output("classes", args->classes, false);
    const mi::permuted::ScoreWorkspace w = layout_of(*args);
    mi::require_workspace(workspace, workspace_bytes, w.total, "mi_sla_mask_workspace_size");

    const auto s = reinterpret_cast<cudaStream_t>(stream);
    mi::sla::SelectParams select{};
    select.critical = args->causal == 1 ? 0 : static_cast<int>(args->critical);
    select.negligible = args->causal == 1 ? 0 : static_cast<int>(args->negligible);
    select.causal = args->causal == 1;
    select.counts = causal_counts(*args);
    select.critical_row_ptr = args->critical_row_ptr;
    select.critical_blocks = args->critical_blocks;
    select.negligible_row_ptr = args->negligible_row_ptr;
    select.negligible_blocks = args->negligible_blocks;
    select.classes = args->classes;
    mi::permuted::PooledKeysLaunch smooth;
    if (args->smooth_keys != 0) {
      smooth = [&](float* pooled_k) {
        mi::sla::SmoothParams p{};
        p.pooled_k = pooled_k;
        p.groups = args->batch * args->heads;
        p.blocks = static_cast<int>(blocks_of(args->seq_len));
        p.n = static_cast<int>(args->seq_len);
        p.head_dim = static_cast<int>(args->head_dim);
        return mi::sla::run_smooth_keys(p, s);
      };
    }
    // Self-attention: every head is listed and reads its own keys (kv_heads == heads).
    mi::permuted::pool_score_select(
        args->dtype, args->head_dim, params, heads, args->batch, args->heads, nullptr, workspace, w,
        args->critical_row_ptr, args->critical_blocks, s,
        [&](const est::EstimateParams& estimate, const int32_t*, const int32_t*) {
          select.scores = estimate;
          return mi::sla::run_sla_select(select, s);
        },
        smooth);
  });
}
