// mi_boundary_order_workspace_size / mi_boundary_order: validation of everything up front (the
// chain enqueues work in three steps, so no step may fail after the first has run), the workspace
// layout, then the chain: last-query profiles over the first E tokens (mi_vs_estimate), the grid
// search (mi_grid_estimate, its order output used as scratch: [rows, E] fits in [rows, N]) and the
// closed-form order scatter.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "../common/workspace.h"
#include "boundary_order_params.h"
#include "minference.h"

static_assert(MI_BOUNDARY_MAX_VIDEO_SEGMENTS == mi::boundary::kMaxVideoSegments, "header and kernel agree on the segment limit");

namespace {

constexpr int64_t kMaxSeqLen = int64_t{1} << 21;  // as mi_boundary_select

struct OrderWorkspace {
  int64_t estimate = 0, vertical = 0, slash = 0, total = 0;  // offsets, then the size
};

void require_shape(const mi_boundary_order_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  if (a->batch < 1 || a->q_heads < 1) mi::invalid("batch and q_heads must be >= 1");
  if (a->seq_len < 1 || a->seq_len > kMaxSeqLen) mi::invalid("seq_len=" + std::to_string(a->seq_len) + " must be in [1, 2^21]");
  if (a->segment_count < 0 || a->segment_count > MI_BOUNDARY_MAX_VIDEO_SEGMENTS)
    mi::invalid("segment_count=" + std::to_string(a->segment_count) + " must be in [0, " + std::to_string(MI_BOUNDARY_MAX_VIDEO_SEGMENTS) + "]");
  if (a->segment_count > 0 && a->video_segments == nullptr) mi::invalid("video_segments must not be NULL");
  int64_t previous_end = 0;
  for (int32_t i = 0; i < a->segment_count; ++i) {
    const int64_t start = a->video_segments[2 * i], end = a->video_segments[2 * i + 1];
    if (start < previous_end || end <= start || end > a->seq_len)
      mi::invalid("video_segments[" + std::to_string(i) + "] = [" + std::to_string(start) + ", " + std::to_string(end) +
                  "): expected non-empty, ascending, disjoint segments within [0, seq_len=" + std::to_string(a->seq_len) + "]");
    previous_end = end;
  }
  if (a->grid != 0 && a->grid != 1) mi::invalid("grid=" + std::to_string(a->grid) + " must be 0 or 1");
}

// E: the end of the last video segment (0: nothing to estimate).
int64_t estimated_tokens(const mi_boundary_order_args& a) {
  return a.grid == 1 && a.segment_count > 0 ? int64_t{a.video_segments[2 * a.segment_count - 1]} : 0;
}

mi_vs_estimate_args profile_args(const mi_boundary_order_args& a, int64_t e) {
  mi_vs_estimate_args v{};
  v.dtype = a.dtype;
  v.batch = a.batch;
  v.q_heads = a.q_heads;
  v.kv_heads = a.kv_heads;
  v.seq_len = e;  // the first E tokens: q and k keep their strides, so this is a view
  v.head_dim = a.head_dim;
  v.q = a.q;
  v.k = a.k;
  v.heads = a.heads;
  v.head_count = a.head_count;
  return v;
}

OrderWorkspace layout(const mi_boundary_order_args& a, int64_t rows) {
  OrderWorkspace w;
  const int64_t e = estimated_tokens(a);
  if (e == 0) return w;
  const mi_vs_estimate_args v = profile_args(a, e);
  int64_t estimate_bytes = 0;
  if (mi_vs_estimate_workspace_size(&v, &estimate_bytes) != MI_OK) mi::invalid(std::string("profiles: ") + mi_last_error());
  w.vertical = mi::workspace_aligned(estimate_bytes);
  w.slash = w.vertical + mi::workspace_aligned(rows * e * int64_t{sizeof(float)});
  w.total = w.slash + mi::workspace_aligned(rows * e * int64_t{sizeof(float)});
  return w;
}

void chain_check(mi_status status, const char* step) {
  if (status != MI_OK) mi::fail(status, std::string(step) + ": " + mi_last_error());
}

}  // namespace

extern "C" MI_API mi_status mi_boundary_order_workspace_size(const mi_boundary_order_args* args, int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    *bytes = layout(*args, args->batch * heads.count).total;
  });
}

extern "C" MI_API mi_status mi_boundary_order(const mi_boundary_order_args* args, void* workspace,
                                              int64_t workspace_bytes, mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    const auto& a = *args;
    const auto heads = mi::validate_head_list(a.heads, a.head_count, a.q_heads);
    mi::attention::validate_estimator_inputs(a);
    for (const auto& [name, pointer] : {std::pair{"strides", static_cast<const void*>(a.strides)},
                                        std::pair{"phases", static_cast<const void*>(a.phases)},
                                        std::pair{"order", static_cast<const void*>(a.order)}}) {
      if (pointer == nullptr) mi::invalid(std::string(name) + " must not be NULL");
      mi::require_aligned(pointer, 4, name);
      mi::check_device_pointer(name, pointer);
    }
    const int64_t rows = a.batch * heads.count;
    const int64_t e = estimated_tokens(a);
    mi_grid_estimate_args g{};
    if (e > 0) {
      if (a.candidates == nullptr && a.candidate_count != 0) mi::invalid("candidates must not be NULL");
      if (a.candidate_count < 0 || a.candidate_count > MI_GRID_MAX_CANDIDATES)
        mi::invalid("candidate_count=" + std::to_string(a.candidate_count) + " must be in [0, " + std::to_string(MI_GRID_MAX_CANDIDATES) + "]");
      for (int32_t i = 0; i < a.candidate_count; ++i)
        if (a.candidates[i] < 2 || (i > 0 && a.candidates[i] <= a.candidates[i - 1]))
          mi::invalid("candidates[" + std::to_string(i) + "]=" + std::to_string(a.candidates[i]) + ": expected ascending, distinct strides >= 2");
      if (!(a.tolerance >= 0.f && a.tolerance < 1.f)) mi::invalid("tolerance must be in [0, 1)");
      if (!(a.min_contrast >= 0.f && a.min_contrast < 1e30f)) mi::invalid("min_contrast must be finite and >= 0");
    }
    const OrderWorkspace w = layout(a, rows);
    if (w.total > 0) mi::require_workspace(workspace, workspace_bytes, w.total, "mi_boundary_order_workspace_size");

    mi::boundary::BoundaryOrderParams p{};
    p.rows = rows;
    p.seq_len = a.seq_len;
    p.segment_count = a.segment_count;
    int64_t video_tokens = 0;
    for (int32_t i = 0; i < a.segment_count; ++i) {
      p.segments[i][0] = a.video_segments[2 * i];
      p.segments[i][1] = a.video_segments[2 * i + 1];
      video_tokens += p.segments[i][1] - p.segments[i][0];
    }
    p.text_tokens = a.seq_len - video_tokens;
    p.order = a.order;
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    if (e > 0) {
      auto* base = static_cast<char*>(workspace);
      mi_vs_estimate_args v = profile_args(a, e);
      v.vertical_scores = reinterpret_cast<float*>(base + w.vertical);
      v.slash_scores = reinterpret_cast<float*>(base + w.slash);
      chain_check(mi_vs_estimate(&v, base + w.estimate, w.vertical - w.estimate, stream), "profiles");
      g.batch = a.batch;
      g.head_count = heads.count;
      g.seq_len = e;
      g.last_queries = static_cast<int32_t>(e < MI_VS_LAST_QUERIES ? e : MI_VS_LAST_QUERIES);
      g.vertical_scores = v.vertical_scores;
      g.slash_scores = v.slash_scores;
      g.candidates = a.candidates;
      g.candidate_count = a.candidate_count;
      g.tolerance = a.tolerance;
      g.min_contrast = a.min_contrast;
      g.strides = a.strides;
      g.phases = a.phases;
      g.order = a.order;  // scratch: overwritten by the order scatter below
      chain_check(mi_grid_estimate(&g, stream), "grid estimate");
      p.strides_in = a.strides;
      p.phases_in = a.phases;
    } else {
      p.strides_out = a.strides;
      p.phases_out = a.phases;
    }
    MI_CUDA_CHECK(mi::boundary::run_boundary_order(p, s));
  });
}
