// Parameters of SLA's backward on the device (mi_sla_backward), shared by the host entry
// (sla_backward_api.cpp) and its kernels. Host-safe: no device types.
//
// For G = batch x heads groups, with the forward's row indices E(i) = critical(i) ∪ negligible(i):
//   1. column indices (sla_columns.cu): per key block, the query blocks whose row lists it, for the
//      critical and the negligible index, ascending (count, scan, fill: deterministic);
//   2. Proj's W split into hi + lo halves; for the released branch (all keys) also the forward's
//      totals H, Z again (sla_key_state.cu, as the forward);
//   3. prep (sla_backward_prep.cu), per row: D = dO·O_s, g = dO·W (dO_l), dnum = g / den and
//      dden = -(g·O_l) / den (0 where the linear branch is off), dnum stored in the element type;
//   4. all keys: dH = Σ φ(q)ᵀ·dnum and dZ = Σ dden·φ(q) per group; then dW = Σ dOᵀ·O_l and
//      db = Σ dO over every group (sla_key_state.cu with other operands);
//   5. the linear branch's dq, dk, dv (sla_linear_bwd.cu), through φ's Jacobian, written. All keys:
//      from the totals. Marginal blocks, a chunk of groups at a time: the forward's per-query-block
//      states H_i, Z_i recomputed (per-key-block rows, then the state GEMM over the row indices)
//      for dq, then per-query-block rows [φ(Q_i)ᵀdnum_i, Σ dden·φ(Q_i)] and the state GEMM over the
//      column indices for each key block's dH_j, dZ_j, for dk and dv (sla_state_gemm.cu);
//   6. the critical blocks' FlashAttention-2 backward (sla_sparse_bwd.cu): dq per query block over
//      its row, dk and dv per key block over its column, added to what step 5 wrote.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../attention/attention_params.h"

namespace mi::sla {

using RowStrides = attention::AttentionFwdParams::RowStrides;

// Columns of a row index: col_ptr [groups * blocks + 1], values ascending query blocks.
struct ColumnParams {
  CsrIndex rows;     // the forward's index (rows [groups * blocks])
  int blocks;
  int64_t groups;
  int64_t* counts;   // [groups * blocks] (count pass), then col_ptr [groups * blocks + 1] (scan)
  int64_t* col_ptr;
  int32_t* values;   // capacity: rows.value_count
};

struct PrepParams {
  const void* d_o;
  const void* o_sparse;
  const void* o_linear;
  RowStrides do_strides, s_strides, l_strides;
  const float* inv_den;  // [groups, n]
  const void* w_hi;      // Proj W [D, D] split, element type
  const void* w_lo;
  int heads;
  int n;
  float* delta;          // [groups, n]: dO·O_s
  float* dden;           // [groups, n]
  void* dnum;            // [groups, n, D] element type, contiguous
};

// The linear branch's state as the step-5 kernels read it: the group's totals (state_cols 0:
// hi / lo [groups, D, D] and z [groups, D] fp32) or, per block, a row of a state GEMM's output
// ([H, Z] as hi + lo halves, state_cols long, for the launch's groups). The kernels use
// H·h_scale and Z·z_scale.
struct StateRef {
  const void* hi;
  const void* lo;
  const float* z;
  int64_t state_cols;
  float h_scale;
  float z_scale;
  const uint32_t* any;  // state rows: the GEMM's row flags (StateGemmParams::any); a block whose flag
                        // is 0 has a zero state, so zero linear gradients, and reads nothing
};

// One linear-branch or sparse backward launch; the kernels read the fields their step needs.
struct BackwardParams {
  const void* q;
  const void* k;
  const void* v;
  const void* d_o;
  RowStrides q_strides, k_strides, v_strides, do_strides;
  void* d_q;
  void* d_k;
  void* d_v;
  RowStrides dq_strides, dk_strides, dv_strides;
  const float* lse;     // [groups, n], natural log
  const float* delta;   // [groups, n]
  const void* dnum;     // [groups, n, D] contiguous
  const float* dden;    // [groups, n]
  StateRef row_state;     // H, Z for dq (the forward's: H / n)
  StateRef column_state;  // dH, dZ for dk and dv (unscaled)
  int64_t group_offset;   // step 5: blockIdx.y + group_offset is the group
  CsrIndex critical_rows;
  CsrIndex critical_cols;
  int heads;
  int n;
  int blocks;
  int feature_map;
  bool causal;          // the diagonal block masks keys past the query (step 6)
  float scale;
  float scale_log2;
  int blocks_per_cta;   // step 5, set by its launch: the blocks of a CTA's run
};

cudaError_t run_count_columns(const ColumnParams& params, cudaStream_t stream);
cudaError_t run_scan_columns(const ColumnParams& params, cudaStream_t stream);
cudaError_t run_fill_columns(const ColumnParams& params, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_backward_prep(const PrepParams& params, int64_t groups, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_dq(const BackwardParams& params, int64_t groups, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_dkv(const BackwardParams& params, int64_t groups, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_sparse_bwd(const BackwardParams& params, int batch, cudaStream_t stream);

}  // namespace mi::sla
