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

#include <cmath>
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

// Causal SLA's per-row counts (mi_sla_mask_args.causal): query block i sees `visible` = i + 1 key
// blocks; the same double arithmetic as SlaOptions.CriticalBlocks / NegligibleBlocks in C#, so the
// two sides agree on every row.
struct CausalCounts {
  double critical_fraction;    // k_h in (0, 1]
  double negligible_fraction;  // k_l in [0, 1)

  MI_BS_HOST_DEVICE int critical(int visible) const {
    const int c = static_cast<int>(floor(critical_fraction * visible + 1e-9));
    return c < 1 ? 1 : c > visible ? visible : c;
  }
  MI_BS_HOST_DEVICE int negligible(int visible) const {
    const int g = static_cast<int>(floor(negligible_fraction * visible + 1e-9));
    const int left = visible - critical(visible);
    return g < left ? g : left;
  }
};

struct SelectParams {
  blocksparse::estimate::EstimateParams scores;  // square, this chunk's units; row_ptr/blocks unused
  int critical;    // per row, in [1, blocks] (bidirectional)
  int negligible;  // per row, in [0, blocks - critical] (bidirectional)
  bool causal;     // rows rank their past blocks only, with `counts` per row
  CausalCounts counts;
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
