// mi_vs_estimate_workspace_size / mi_vs_estimate: validation and dispatch of the estimation.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/dispatch.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "minference.h"
#include "vs_estimate_launch.h"

namespace {

using mi::vertical_slash::VsEstimateParams;

static_assert(MI_VS_LAST_QUERIES == 64, "the estimation kernels score 64 query rows");

// Q and K follow the attention operand rules; only the input half of the shared validation
// applies (there is no output to keep apart from them).
mi::attention::AttentionFwdParams validate_operands(const mi_vs_estimate_args& a) {
  mi_dense_attention_args as_attention{};
  as_attention.dtype = a.dtype;
  as_attention.batch = a.batch;
  as_attention.q_heads = a.q_heads;
  as_attention.kv_heads = a.kv_heads;
  as_attention.q_len = a.seq_len;
  as_attention.kv_len = a.seq_len;
  as_attention.head_dim = a.head_dim;
  as_attention.q = a.q;
  as_attention.k = a.k;
  as_attention.softmax_scale = a.softmax_scale;
  as_attention.causal = 1;
  return mi::attention::validate_query_key_args(as_attention);
}

void require_shape(const mi_vs_estimate_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  if (a->batch < 1 || a->seq_len < 1 || a->q_heads < 1)
    mi::invalid("batch, q_heads and seq_len must be >= 1");
}

}  // namespace

extern "C" MI_API mi_status mi_vs_estimate_workspace_size(const mi_vs_estimate_args* args,
                                                          int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    *bytes = mi::vertical_slash::vs_estimate_workspace_bytes(args->batch, heads.count,
                                                             args->seq_len);
  });
}

extern "C" MI_API mi_status mi_vs_estimate(const mi_vs_estimate_args* args, void* workspace,
                                           int64_t workspace_bytes, mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    VsEstimateParams p{};
    p.heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    const auto operands = validate_operands(*args);
    mi::require_aligned(args->vertical_scores, alignof(float), "vertical_scores");
    mi::require_aligned(args->slash_scores, alignof(float), "slash_scores");
    const int64_t needed =
        mi::vertical_slash::vs_estimate_workspace_bytes(args->batch, p.heads.count, args->seq_len);
    mi::require_workspace(workspace, workspace_bytes, needed, "mi_vs_estimate_workspace_size");
    p.q = operands.q;
    p.k = operands.k;
    p.q_strides = operands.q_strides;
    p.k_strides = operands.k_strides;
    p.seq_len = operands.q_len;
    p.q_heads_per_kv_head = operands.q_heads_per_kv_head;
    p.scale = operands.scale;
    p.vertical_scores = args->vertical_scores;
    p.slash_scores = args->slash_scores;
    mi::vertical_slash::vs_estimate_bind_workspace(p, args->batch, workspace);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    // run_vs_estimate is instantiated for every attention head_dim (vs_estimate_launch.cu).
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto head_dim, auto element) {
          return mi::vertical_slash::run_vs_estimate<head_dim(), element()>(
              p, static_cast<int>(args->batch), s);
        }));
  });
}
