// Parameters of SLA's mask prediction on the device (mi_sla_mask), shared by the host entry
// (sla_mask_api.cpp) and the kernels (sla_mask_kernels.cu). Host-safe: no device types.
//
// The pipeline for G = batch x heads groups over N tokens (B = ceil(N / 64) blocks) reuses the
// block-sparse estimation's steps where they fit:
//   pool:   Q and K mean-pooled per 64-token block, fp32 [G, B, D] each (block_sparse_pool.cu);
//   smooth: with smooth-K, every pooled key block minus the head's mean key (here);
//   score:  the whole square of pooled scores, TF32 tensor cores (block_sparse_score.cu, square);
//   select: one CTA per (group, query block) row: the `critical` best and the `negligible` worst
//           key blocks, each list ascending, and optionally the row of the class map (here).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../blocksparse/block_sparse_estimate_params.h"

namespace mi::sla {

// Pooled keys of every group minus the group's mean key (its mean over tokens: the blocks' means
// weighted by their token counts).
struct SmoothParams {
  float* pooled_k;  // [groups, blocks, head_dim], updated in place
  int64_t groups;
  int blocks;
  int n;
  int head_dim;
};

struct SelectParams {
  blocksparse::estimate::EstimateParams scores;  // square, this chunk's units; row_ptr/blocks unused
  int critical;    // per row, in [1, blocks]
  int negligible;  // per row, in [0, blocks - critical]
  int64_t* critical_row_ptr;
  int32_t* critical_blocks;
  int64_t* negligible_row_ptr;
  int32_t* negligible_blocks;
  int8_t* classes;  // optional [groups, blocks, blocks]
};

// Launchers (sla_mask_kernels.cu): enqueue on `stream`, return the launch status.
cudaError_t run_smooth_keys(const SmoothParams& params, cudaStream_t stream);
cudaError_t run_sla_select(const SelectParams& params, cudaStream_t stream);

}  // namespace mi::sla
