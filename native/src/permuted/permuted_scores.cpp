// The shared pooling and scoring of permuted block selection (permuted_scores.h).
#include "permuted_scores.h"

#include <algorithm>

#include "../common/dispatch.h"
#include "../common/status.h"
#include "../common/workspace.h"

namespace mi::permuted {

namespace est = blocksparse::estimate;

namespace {
int64_t blocks_of(int64_t n) { return (n + est::kBlock - 1) / est::kBlock; }
int64_t tiles_of(int64_t blocks) { return (blocks + est::kTile - 1) / est::kTile; }
}  // namespace

ScoreWorkspace score_workspace(int64_t groups, int64_t seq_len, int64_t head_dim, bool scored) {
  const int64_t blocks = blocks_of(seq_len);
  const int64_t tiles = tiles_of(blocks);
  const int64_t pooled = mi::workspace_aligned(groups * blocks * head_dim * int64_t{sizeof(float)});
  const int64_t positions = mi::workspace_aligned(groups * blocks * int64_t{sizeof(int32_t)});
  ScoreWorkspace w{};
  w.pooled_k = pooled;
  w.block_min = w.pooled_k + pooled;
  w.block_max = w.block_min + positions;
  w.scores = w.block_max + positions;
  w.score_tiles = scored ? std::min(groups * tiles * tiles, est::kMaxChunkTiles) : 0;
  w.total = w.scores + w.score_tiles * est::kTileScores * int64_t{sizeof(float)};
  return w;
}

void pool_score_select(mi_dtype dtype, int64_t head_dim, const attention::AttentionFwdParams& operands,
                       const attention::HeadList& heads, int64_t batch, int64_t kv_heads,
                       const int32_t* order, void* workspace, const ScoreWorkspace& w,
                       int64_t* row_ptr, int32_t* blocks, cudaStream_t s, const SelectLaunch& select,
                       const PooledKeysLaunch& after_pool) {
  auto* base = static_cast<char*>(workspace);
  const int block_count = static_cast<int>(blocks_of(operands.q_len));

  // Q of the listed heads and K of the kv head each reads, both through the slot's order; the Q
  // launch records the blocks' position ranges (the order is the same for K).
  est::PoolParams pool_q{};
  pool_q.src = operands.q;
  pool_q.strides = operands.q_strides;
  pool_q.n = operands.q_len;
  pool_q.q_blocks = block_count;
  pool_q.heads = heads;
  pool_q.by_id = false;
  pool_q.out_heads = heads.count;
  pool_q.out = reinterpret_cast<float*>(base);
  pool_q.order = order;
  pool_q.block_min = reinterpret_cast<int32_t*>(base + w.block_min);
  pool_q.block_max = reinterpret_cast<int32_t*>(base + w.block_max);
  est::PoolParams pool_k = pool_q;
  pool_k.src = operands.k;
  pool_k.strides = operands.k_strides;
  for (int slot = 0; slot < heads.count; ++slot)
    pool_k.heads.ids[slot] = static_cast<int16_t>(heads.ids[slot] / operands.q_heads_per_kv_head);
  pool_k.out = reinterpret_cast<float*>(base + w.pooled_k);
  pool_k.block_min = pool_k.block_max = nullptr;
  const int batch_count = static_cast<int>(batch);
  MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(dtype, head_dim, [&](auto hd, auto element) {
    cudaError_t err = est::run_pool<hd(), element()>(pool_q, batch_count, s);
    return err == cudaSuccess ? est::run_pool<hd(), element()>(pool_k, batch_count, s) : err;
  }));
  if (after_pool) MI_CUDA_CHECK(after_pool(pool_k.out));

  est::EstimateParams e{};
  e.q_blocks = block_count;
  e.tiles = static_cast<int>(tiles_of(block_count));
  e.q_heads_per_kv_head = operands.q_heads_per_kv_head;
  e.kv_heads = static_cast<int>(kv_heads);
  e.groups = batch * heads.count;
  e.heads = heads;
  e.pooled_q = pool_q.out;
  e.pooled_k = pool_k.out;
  e.square = true;
  e.scores = w.score_tiles > 0 ? reinterpret_cast<float*>(base + w.scores) : nullptr;
  e.row_ptr = row_ptr;
  e.blocks = blocks;
  // Each unit (batch, slot, query tile) owns a row of `tiles` score tiles; a chunk holds as many
  // units as the buffer and the grid limits allow (at least one: tiles <= 512 < the buffer).
  const int64_t units = e.groups * e.tiles;
  const int64_t per_chunk =
      w.score_tiles > 0 ? std::min(w.score_tiles / e.tiles, est::kMaxChunkUnits) : est::kMaxChunkUnits;
  for (int64_t first = 0; first < units; first += per_chunk) {
    e.first_unit = first;
    e.units = std::min(per_chunk, units - first);
    if (w.score_tiles > 0)
      MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
          dtype, head_dim, [&](auto hd, auto) { return est::run_score<hd()>(e, s); }));
    MI_CUDA_CHECK(select(e, pool_q.block_min, pool_q.block_max));
  }
}

}  // namespace mi::permuted
