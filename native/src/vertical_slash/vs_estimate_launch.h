// Parameters of the vertical-slash estimation kernels and their host entries
// (vs_estimate_launch.cu), called by vs_estimate_api.cpp. Host-safe: no device types.
#pragma once

#include <cstdint>

#include "../attention/attention_params.h"

namespace mi::vertical_slash {

struct VsEstimateParams {
  const void* q;
  const void* k;
  attention::AttentionFwdParams::RowStrides q_strides, k_strides;
  int seq_len;
  int q_heads_per_kv_head;
  float scale;
  HeadList heads;
  float* vertical_scores;  // [batch, heads.count, seq_len]
  float* slash_scores;     // [batch, heads.count, seq_len]
  // workspace; maxima in log2 units (score * scale * log2 e), sums of exp2(x - max)
  float* partial_max;      // [batch, heads.count, ctas, 64]
  float* partial_sum;
  float* row_max;          // [batch, heads.count, 64]
  float* row_sum;
};

// Bytes of workspace for `batch` x `head_count` rows of length `seq_len`.
int64_t vs_estimate_workspace_bytes(int64_t batch, int64_t head_count, int64_t seq_len);

// Points the workspace fields of `params` into `workspace` (which holds at least the size above).
void vs_estimate_bind_workspace(VsEstimateParams& params, int64_t batch, void* workspace);

template <int kHeadDim, ElementType kElement>
cudaError_t run_vs_estimate(const VsEstimateParams& params, int batch, cudaStream_t stream);

}  // namespace mi::vertical_slash
