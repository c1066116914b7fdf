// Launches of the PQ decode kernels (pq_decode_launch.cu) and their workspace.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../common/element_type.h"
#include "pq_decode_params.h"

namespace mi::decode {

// Query heads one split CTA serves: the largest of 4, 2, 1 dividing the GQA group whose tables
// (fp32 lookup tables, fp16 value centroids) and a copy ring of at least two stages fit one SM.
int pq_heads_per_cta(int group, int subspaces, int head_dim);

// Ranges over the coded tokens when the caller leaves the choice: one CTA per SM when the
// (sequence, head chunk) CTAs are fewer than the SMs (the kernel holds a whole SM), no range
// shorter than 2048 tokens (each CTA builds its tables first), at most 256.
int pq_auto_splits(int64_t max_coded, int64_t batch, int64_t kv_heads, int group, int subspaces,
                   int head_dim, int sms);

// Coded tokens per range: whole 128-token tiles.
int pq_chunk(int64_t max_coded, int splits);

// Bytes of the partials of splits + 1 ranges (the last is the window).
int64_t pq_workspace_bytes(int64_t batch, int64_t q_heads, int splits, int64_t head_dim);
void pq_bind_workspace(PqDecodeParams& p, void* workspace, int64_t head_dim);

template <int kHeadDim, ElementType kElement>
cudaError_t run_pq_decode(const PqDecodeParams& p, int subspaces, cudaStream_t stream);

}  // namespace mi::decode
