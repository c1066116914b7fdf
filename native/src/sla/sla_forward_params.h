// Parameters of SLA's forward on the device (mi_sla_forward), shared by the host entry
// (sla_forward_api.cpp) and the linear-branch kernels. Host-safe: no device types.
//
// The forward for G = batch x heads groups:
//   1. the critical blocks: the block-sparse attention kernel, bidirectional, with the LSE,
//      writing O_s (into o_sparse, or into o, which step 4 then updates in place);
//   2. key state: per (group, chunk of tokens) partial H = Σ φ(k)ᵀv (D x D) and Z = Σ φ(k) (D),
//      fp32, on tensor cores (sla_key_state.cu);
//   3. the partials summed in a fixed order (deterministic), H scaled by 1/N (so that fp16 holds
//      it) and split into hi + lo 16-bit halves, Z kept fp32; Proj's W split the same way;
//   4. per 64-row query block (sla_linear_fwd.cu): O_l = φ(q)·H / φ(q)·Z, where the marginal-blocks
//      semantics subtracts the critical and negligible blocks' (φ(q)·φ(K_j)ᵀ)·V_j and row sums from
//      the all-keys totals; then O = O_s + O_l·Wᵀ + b.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../attention/attention_params.h"

namespace mi::sla {

struct KeyStateParams {
  const void* k;
  const void* v;
  attention::AttentionFwdParams::RowStrides k_strides, v_strides;
  int heads;
  int n;
  int feature_map;
  int chunk_tokens;  // tokens per CTA, a multiple of 64
  int chunks;        // ceil(n / chunk_tokens)
  float* partial_h;  // [groups, chunks, D, D]
  float* partial_z;  // [groups, chunks, D]
};

struct ReduceParams {
  const float* partial_h;
  const float* partial_z;
  int chunks;
  int n;
  void* h_hi;   // [groups, D, D], element type: H / n, rounded
  void* h_lo;   // [groups, D, D]: H / n - h_hi, rounded
  float* z;     // [groups, D]
  const float* weight;  // Proj W [D, D] fp32
  void* w_hi;   // [D, D], element type
  void* w_lo;
  int64_t groups;
};

struct LinearParams {
  const void* q;
  const void* k;
  const void* v;
  const void* o_sparse;  // O_s (o itself when no separate buffer: read then written per element)
  void* o;
  void* o_linear;        // optional
  attention::AttentionFwdParams::RowStrides q_strides, k_strides, v_strides, s_strides, o_strides, l_strides;
  int heads;
  int n;
  int blocks;
  int feature_map;
  bool all_keys;         // the released main branch's semantics: no exclusion, denominator + 1e-5
  CsrIndex critical;     // excluded blocks (marginal-blocks semantics)
  CsrIndex negligible;
  const void* h_hi;
  const void* h_lo;
  const float* z;
  const void* w_hi;
  const void* w_lo;
  const float* bias;
};

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_key_state(const KeyStateParams& params, int64_t groups, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_reduce_key_state(const ReduceParams& params, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_fwd(const LinearParams& params, int batch, cudaStream_t stream);

}  // namespace mi::sla
