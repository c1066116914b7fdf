// Parameters, workspace layout and index arithmetic of the block-sparse estimation, shared by the
// host entry points (block_sparse_estimate_api.cpp) and the three kernels (pool, score, select).
// Host-safe: no device types; the arithmetic helpers are also compiled for the device.
//
// The pipeline for B batch elements and S listed heads over N tokens (QB = ceil(N / 64) blocks):
//   pool:   Q and K mean-pooled per 64-token block, fp32: pooled_q [B, S, QB, D] (listed heads) and
//           pooled_k [B, Hkv, QB, D] (each kv head a listed head reads, pooled once under GQA);
//   score:  pooled scores in 64 x 64 tiles (query blocks x key blocks), causal tiles only, fp32;
//   select: one CTA per (batch, slot, query block) row: radix select of the row's best key blocks,
//           written ascending into the CSR index.
// A "unit" is one (batch, slot, query tile of 64 blocks) and owns i + 1 score tiles (key tiles
// 0..i, i its query tile): units are numbered group-major (group = batch * S + slot), and the
// score buffer holds a contiguous range of them (a "chunk"); long inputs run several chunks, each
// a score launch then a select launch, so the score buffer stays bounded (kMaxChunkTiles).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../attention/attention_params.h"

#ifdef __CUDACC__
#define MI_BS_HOST_DEVICE __host__ __device__
#else
#define MI_BS_HOST_DEVICE
#endif

namespace mi::blocksparse::estimate {

constexpr int kBlock = 64;                    // tokens per block (MInference's block size)
constexpr int kTile = 64;                     // blocks per side of a score tile
constexpr int kTileScores = kTile * kTile;    // fp32 scores per tile (16 KB)
// The score buffer holds at most this many tiles (256 MiB): 128K tokens x 8 heads (4224 tiles)
// fit in one chunk, 1M tokens x 1 head (32896 tiles) take three.
constexpr int64_t kMaxChunkTiles = 16384;
// Units per chunk at most: the score grid's y (<= 65535) and the select grid's x (units x 64).
constexpr int64_t kMaxChunkUnits = 16384;

// One pooling launch: mean of each 64-row block of the listed heads of `src`, in fp32.
struct PoolParams {
  const void* src;
  attention::AttentionFwdParams::RowStrides strides;
  int n;         // tokens
  int q_blocks;  // ceil(n / 64)
  // The heads to pool (grid.y); output head index: the list position (by_id false) or the head id.
  attention::HeadList heads;
  bool by_id;
  int out_heads;  // heads per batch element in `out`
  float* out;     // [batch, out_heads, q_blocks, head_dim]
  // Optional token order (grid selection): block qb pools the rows order[qb * 64 .. qb * 64 + 63]
  // of its output head (the list position; by_id false) instead of rows qb * 64 ..; nullptr: none.
  const int32_t* order;  // [batch, out_heads, n]
  // Optional (with order), per output block: the smallest and the largest original position of its
  // rows, which decide causal reachability in permuted space; nullptr: not written.
  int32_t* block_min;    // [batch, out_heads, q_blocks]
  int32_t* block_max;
};

// Score and select launches of one chunk.
struct EstimateParams {
  int q_blocks;
  int tiles;  // query (and key) tiles per (batch, slot): ceil(q_blocks / 64)
  int top_k;  // effective: max(top_k, 2)
  int q_heads_per_kv_head;
  int kv_heads;
  int64_t groups;  // batch * heads.count
  attention::HeadList heads;
  const float* pooled_q;  // [batch, heads.count, q_blocks, head_dim]
  const float* pooled_k;  // [batch, kv_heads, q_blocks, head_dim]
  // Permuted (grid selection): every tile of the square is scored (causality is decided later, on
  // original positions) and pooled_k is laid out like pooled_q, per (batch, slot).
  bool square;
  float* scores;          // this chunk's tiles
  int64_t first_unit;     // the chunk's units: [first_unit, first_unit + units)
  int64_t units;
  int64_t* row_ptr;  // [groups * q_blocks + 1]
  int32_t* blocks;
};

// Block 0 and the diagonal are always kept, so a row holds at least two blocks (one for the first
// query block) even when top_k is 1: the effective k is max(top_k, 2).
inline int64_t effective_top_k(int64_t top_k) { return top_k > 2 ? top_k : 2; }

// Entries of the rows before query block qb of one (batch, slot): sum over j < qb of min(k, j + 1).
MI_BS_HOST_DEVICE inline int64_t entries_before(int64_t qb, int64_t k) {
  return qb <= k ? qb * (qb + 1) / 2 : k * (k + 1) / 2 + (qb - k) * k;
}

// Score tiles of the units before `unit` (each (batch, slot) owns tiles * (tiles + 1) / 2, or
// tiles * tiles when the whole square is scored).
MI_BS_HOST_DEVICE inline int64_t tiles_before(int64_t unit, int64_t tiles, bool square = false) {
  if (square) return unit * tiles;
  const int64_t group = unit / tiles;
  const int64_t i = unit % tiles;
  return group * (tiles * (tiles + 1) / 2) + i * (i + 1) / 2;
}

// A row keeps min(k, qb + 1) blocks; only rows that keep some but not all of the candidates
// between the forced block 0 and the diagonal need scores: k > 2 and qb + 1 > k.
MI_BS_HOST_DEVICE inline bool row_needs_scores(int64_t qb, int64_t k) { return k > 2 && qb + 1 > k; }

// Launchers (block_sparse_pool.cu, block_sparse_score.cu, block_sparse_select.cu): enqueue on
// `stream`, return the launch status, never synchronise.
template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_pool(const PoolParams& params, int batch, cudaStream_t stream);
template <int kHeadDim>
cudaError_t run_score(const EstimateParams& params, cudaStream_t stream);
cudaError_t run_select(const EstimateParams& params, cudaStream_t stream);

}  // namespace mi::blocksparse::estimate
