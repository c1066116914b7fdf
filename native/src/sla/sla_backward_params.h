// Parameters of SLA's backward on the device (mi_sla_backward), shared by the host entry
// (sla_backward_api.cpp) and its kernels. Host-safe: no device types.
//
// For G = batch x heads groups, with the forward's row indices E(i) = critical(i) ∪ negligible(i):
//   1. column indices (sla_columns.cu): per key block, the query blocks whose row lists it, for the
//      critical and the negligible index, ascending (count, scan, fill: deterministic);
//   2. the forward's all-keys state H, Z again (sla_key_state.cu, as the forward);
//   3. prep (sla_backward_prep.cu), per row: D = dO·O_s, g = dO·W (dO_l), dnum = g / den and
//      dden = -(g·O_l) / den (0 where the linear branch is off), dnum stored in the element type;
//   4. dH = Σ φ(q)ᵀ·dnum and dZ = Σ dden·φ(q) per group, dW = Σ dOᵀ·O_l and db = Σ dO over every
//      group (sla_key_state.cu with other operands);
//   5. the linear branch's dq, dk, dv (sla_linear_bwd.cu): all-keys terms minus the excluded blocks,
//      through φ's Jacobian, written;
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
  const void* h_hi;     // [groups, D, D]: H / n (forward state), element hi + lo
  const void* h_lo;
  const float* z;       // [groups, D]
  const void* dh_hi;    // [groups, D, D]: dH (unscaled), element hi + lo
  const void* dh_lo;
  const float* dz;      // [groups, D]
  CsrIndex critical_rows, negligible_rows;
  CsrIndex critical_cols, negligible_cols;
  int heads;
  int n;
  int blocks;
  int feature_map;
  bool all_keys;
  bool causal;          // the diagonal block masks keys past the query; the linear walks run direct
  float scale;
  float scale_log2;
};

cudaError_t run_count_columns(const ColumnParams& params, cudaStream_t stream);
cudaError_t run_scan_columns(const ColumnParams& params, cudaStream_t stream);
cudaError_t run_fill_columns(const ColumnParams& params, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_backward_prep(const PrepParams& params, int64_t groups, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_bwd(const BackwardParams& params, int batch, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_sparse_bwd(const BackwardParams& params, int batch, cudaStream_t stream);

}  // namespace mi::sla
