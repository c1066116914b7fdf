// Parameters of SLA's forward on the device (mi_sla_forward), shared by the host entry
// (sla_forward_api.cpp) and the linear-branch kernels. Host-safe: no device types.
//
// The forward for G = batch x heads groups:
//   1. the critical blocks: the block-sparse attention kernel, bidirectional or causal, with the
//      LSE, writing O_s (into o_sparse, or into o, which step 4 then updates in place);
//   2. the linear branch's state, on tensor cores (sla_key_state.cu). All keys (the released
//      branch): per (group, chunk of tokens) partial H = Σ φ(k)ᵀv (D x D) and Z = Σ φ(k) (D), fp32,
//      summed in a fixed order (deterministic), H scaled by 1/N (so that fp16 holds it) and split
//      into hi + lo 16-bit halves, Z kept fp32. Marginal blocks (the paper's), a few groups at a
//      time (a chunk whose states fit the workspace): per key block j the state row
//      x_j = [h_j, z_j] / 64 as hi + lo halves, then per query block i the marginal state
//      [H_i, Z_i] = Σ_{j marginal for i} x_j as one GEMM per group of the rows' 0/1 marginal matrix
//      (formed tile by tile from the indices, never stored) with the stacked x_j (sla_state_gemm.cu): about D² / (64·D·2·0.15) ≈ 7 x fewer products than
//      visiting the excluded blocks as attention does, and no difference of large sums;
//   3. Proj's W split into hi + lo halves;
//   4. per 64-row query block (sla_linear_fwd.cu): O_l = φ(q)·H / φ(q)·Z with the group's totals or
//      the block's marginal state; then O = O_s + O_l·Wᵀ + b.
#pragma once

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>

#include "../attention/attention_params.h"
#include "../common/workspace.h"

namespace mi::sla {

// The ABI's φ (mi_sla_feature_map), plus the identity for the backward's plain sums (dW = Σ dOᵀ·O_l).
enum FeatureMap : int { kSoftmax = 0, kEluPlusOne = 1, kRelu = 2, kIdentity = 3 };

// Key-state CTAs per (batch, head): one per 1024 tokens, at most 32 (enough to fill an H100 at a
// dozen heads); each writes a D x D fp32 partial, summed in chunk order, so the result never
// depends on scheduling and the partials stay a quarter of Q's size or less.
constexpr int64_t kKeyStateChunks = 32;
constexpr int64_t kKeyStateTokens = 1024;

// Tokens per key-state CTA (whole 64-token tiles) and the chunks of n tokens.
inline int64_t key_state_chunk_tokens(int64_t n) {
  const int64_t chunks = std::min(kKeyStateChunks, std::max<int64_t>(1, (n + kKeyStateTokens - 1) / kKeyStateTokens));
  const int64_t tokens = (n + chunks - 1) / chunks;
  return (tokens + 63) / 64 * 64;
}
inline int64_t key_state_chunks(int64_t n) {
  return (n + key_state_chunk_tokens(n) - 1) / key_state_chunk_tokens(n);
}

// Per (group, chunk of tokens): partial H = Σ φ(x)ᵀ·y (D x D) and Z = Σ w·φ(x) (D), fp32. The
// forward passes x = K, y = V, w = 1; the backward x = Q, y = dO·Wᵀ / den, w = its dden, and
// x = dO (identity), y = O_l for dW, db.
struct KeyStateParams {
  const void* x;
  const void* y;
  attention::AttentionFwdParams::RowStrides x_strides, y_strides;
  const float* row_weight;  // optional [groups, n]: w per row (nullptr: 1)
  int heads;
  int n;
  int feature_map;   // FeatureMap (sla_tiles.cuh), kIdentity included
  int chunk_tokens;  // tokens per CTA, a multiple of 64
  int chunks;        // ceil(n / chunk_tokens)
  float* partial_h;  // [groups, chunks, D, D]
  float* partial_z;  // [groups, chunks, D]
  // Per-block rows instead of partials (chunk_tokens = 64, the marginal-blocks state): when
  // state_hi is set, CTA (block j, group g) writes row g·chunks + j of a [rows][state_cols] matrix,
  // [H (a·D + c), Z (D² + a), zeros up to state_cols] times state_scale, as hi + lo halves.
  void* state_hi = nullptr;
  void* state_lo = nullptr;
  int state_cols = 0;
  float state_scale = 1.f;
  // Optional with state rows: the GEMM's row flags ([groups][chunks], StateGemmParams::any). A group
  // none of whose rows has a marginal block writes no rows: no tile of its GEMM reads them.
  const uint32_t* needed = nullptr;
  int64_t group_offset = 0;  // blockIdx.y + group_offset is the group read
};

// The marginal-blocks state per query block (sla_state_gemm.cu), for `groups` groups from
// group_offset: Y[g][i] = scale · Σ_j C[g][i][j]·X[g][j] over hi + lo halves of X, written as hi + lo
// halves, where C[g][i][j] = 1 if key block j is marginal for query block i (a candidate, j < blocks
// or causally j < i, listed by neither index), else 0; or the same with Cᵀ (columns).
struct StateGemmParams {
  CsrIndex critical;
  CsrIndex negligible;
  int blocks;             // query and key blocks
  int cols;               // state columns, a multiple of 128
  bool causal;            // row i's candidates are j < i (its diagonal is critical), so the GEMM
                          // skips K tiles past each row tile's end
  bool columns;           // Cᵀ (the backward's dH): rows are key blocks, the indices are the column
                          // lists, and causal candidates are the query blocks after the row's
  int64_t group_offset;   // the first group's index into the CSR rows
  uint32_t* mask;         // [groups][blocks][mask_words]: C's rows as bits (key block j: bit j % 32
  int mask_words;         // of word j / 32), written by run_marginal_mask
  uint32_t* any;          // [groups][blocks]: 1 where C's row has a bit set, written beside the bits.
                          // A row without one has a zero state, which no kernel reads (a GEMM tile
                          // of such rows writes nothing, the linear kernels take the state as 0):
                          // with every block critical (k_h = 100 %, the dense fallback) the
                          // branch costs a mask and some zero stores.
  const void* x_hi;       // [groups][blocks][cols]
  const void* x_lo;
  float scale;
  void* y_hi;             // [groups][blocks][cols]
  void* y_lo;
};

// The partials summed in (group, chunk) order. Per group (sum_groups false): H·scale split into
// 16-bit hi + lo halves (so that fp16 holds it and tensor-core products stay near fp32), Z in fp32;
// with a weight to split, it goes the same way. Over every group (sum_groups true, dW and db):
// fp32 totals into h_total and z_total.
struct ReduceParams {
  const float* partial_h;
  const float* partial_z;
  int chunks;
  float scale;  // H is stored times this: 1 / n for the forward's H (its entries grow with n, and
                // fp16 must hold them), 1 for dH (its entries do not: dnum carries 1 / den)
  int64_t groups;
  bool sum_groups;
  void* h_hi;   // [groups, D, D], element type
  void* h_lo;
  float* z;     // [groups, D]
  const float* weight;  // optional Proj W [D, D] fp32, split into w_hi / w_lo
  void* w_hi;
  void* w_lo;
  float* h_total;  // sum_groups: [D, D]
  float* z_total;  // sum_groups: [D]
};

struct LinearParams {
  const void* q;
  const void* o_sparse;  // O_s (o itself when no separate buffer: read then written per element)
  void* o;
  void* o_linear;        // optional
  attention::AttentionFwdParams::RowStrides q_strides, s_strides, o_strides, l_strides;
  int heads;
  int n;
  int blocks;
  int feature_map;
  bool all_keys;         // the released main branch's semantics: no exclusion, denominator + 1e-5
  int64_t group_offset;  // blockIdx.y + group_offset is the group (batch · heads + head)
  // All keys: the group's H (hi + lo, stored / n) and Z (fp32). Marginal blocks: the query block's
  // row of the GEMM's output, [H, Z] / n as hi + lo halves, for the groups of this launch.
  const void* h_hi;
  const void* h_lo;
  const float* z;
  int64_t state_cols;    // marginal blocks: the row length of the GEMM's output
  const uint32_t* any;   // marginal blocks: the GEMM's row flags (StateGemmParams::any); 0: no state
  const void* w_hi;
  const void* w_lo;
  const float* bias;
  float* inv_den;        // optional [groups, n]: 1 / (φ(q)·Z) per row, 0 where the branch is off
  int blocks_per_cta;    // set by run_linear_fwd: the query blocks of a CTA's run
};

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_key_state(const KeyStateParams& params, int64_t groups, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_reduce_key_state(const ReduceParams& params, cudaStream_t stream);
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_fwd(const LinearParams& params, int64_t groups, cudaStream_t stream);
// C's bit rows and row flags for `groups` groups (before the state rows: they read the flags).
cudaError_t run_marginal_mask(const StateGemmParams& params, int64_t groups, cudaStream_t stream);
template <attention::ElementType kElement>
cudaError_t run_state_gemm(const StateGemmParams& params, int64_t groups, cudaStream_t stream);

// The marginal-blocks state's row: [H, Z] padded to whole 128-column tiles; C's bit rows: whole
// 64-block K steps (2^21 tokens: 32,768 blocks, 1,024 words).
inline int64_t state_cols_of(int64_t head_dim) { return (head_dim * head_dim + head_dim + 127) / 128 * 128; }
constexpr int kMaxMaskWords = 1024;
inline int64_t mask_words_of(int64_t blocks) { return (blocks + 63) / 64 * 2; }

// The marginal-blocks state's workspace for a chunk of groups (byte offsets): C's bits, the state
// rows X and the GEMM's states Y, each of X and Y as hi + lo halves of blocks x state_cols.
struct StateBuffers {
  int64_t state_cols = 0;
  int64_t chunk_groups = 0;
  int64_t mask = 0, any = 0, x_hi = 0, x_lo = 0, y_hi = 0, y_lo = 0;
};

// Takes them from `layout` for as many groups as fit in `room` bytes: at least one, at most `groups`.
inline StateBuffers take_state_buffers(WorkspaceLayout& layout, int64_t blocks, int64_t head_dim, int64_t groups,
                                       int64_t room) {
  StateBuffers b;
  b.state_cols = state_cols_of(head_dim);
  const int64_t half = blocks * b.state_cols * 2;             // one group's X (or Y) hi (or lo)
  const int64_t mask = blocks * mask_words_of(blocks) * 4;    // one group's bits of C
  const int64_t any = blocks * 4;                             // and its row flags
  b.chunk_groups = std::clamp<int64_t>(room / (4 * half + mask + any), 1, groups);
  b.mask = layout.take(b.chunk_groups * mask);
  b.any = layout.take(b.chunk_groups * any);
  b.x_hi = layout.take(b.chunk_groups * half);
  b.x_lo = layout.take(b.chunk_groups * half);
  b.y_hi = layout.take(b.chunk_groups * half);
  b.y_lo = layout.take(b.chunk_groups * half);
  return b;
}

// `sums` switched to state rows (one per 64-token block, [h, z] / 64 as hi + lo halves) into the
// buffers' X, which lies in the workspace at `base`.
inline KeyStateParams as_state_rows(KeyStateParams sums, char* base, const StateBuffers& b, int blocks) {
  sums.chunk_tokens = 64;
  sums.chunks = blocks;
  sums.state_hi = base + b.x_hi;
  sums.state_lo = base + b.x_lo;
  sums.state_cols = static_cast<int>(b.state_cols);
  sums.state_scale = 1.f / 64.f;
  sums.needed = reinterpret_cast<const uint32_t*>(base + b.any);
  return sums;
}

// The state GEMM over the buffers (X in, C's bits, Y out); the caller sets the indices, `columns`
// and the scale (64 / n over rows stored / 64 for H_i, 64 for dH_j).
inline StateGemmParams state_gemm_over(char* base, const StateBuffers& b, int blocks, bool causal) {
  StateGemmParams g{};
  g.blocks = blocks;
  g.cols = static_cast<int>(b.state_cols);
  g.causal = causal;
  g.mask = reinterpret_cast<uint32_t*>(base + b.mask);
  g.mask_words = static_cast<int>(mask_words_of(blocks));
  g.any = reinterpret_cast<uint32_t*>(base + b.any);
  g.x_hi = base + b.x_hi;
  g.x_lo = base + b.x_lo;
  g.y_hi = base + b.y_hi;
  g.y_lo = base + b.y_lo;
  return g;
}

}  // namespace mi::sla
