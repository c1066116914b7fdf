// Launches of the dense decode kernels (dense_decode_launch.cu) and their workspace.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../common/element_type.h"
#include "dense_decode_params.h"

namespace mi::decode {

// Query heads one split CTA serves: the largest of 8, 4, 2, 1 that divides the GQA group.
int heads_per_cta(int group);

// Key ranges per (sequence, kv head) when the caller leaves the choice (splits = 0): enough CTAs
// for about four per SM, no range shorter than 256 tokens, at most 256 ranges.
int auto_splits(int64_t max_len, int64_t batch, int64_t kv_heads, int group, int sms);

// Bytes of the partial outputs and log-sum-exps, laid out as bind_workspace does.
int64_t workspace_bytes(int64_t batch, int64_t q_heads, int splits, int64_t head_dim);
void bind_workspace(DenseDecodeParams& p, void* workspace, int64_t head_dim);

template <int kHeadDim, ElementType kElement>
cudaError_t run_dense_decode(const DenseDecodeParams& p, cudaStream_t stream);

}  // namespace mi::decode
