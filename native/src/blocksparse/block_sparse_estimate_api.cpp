// mi_block_sparse_index_size / mi_block_sparse_estimate_workspace_size / mi_block_sparse_estimate:
// validation, the workspace layout and the launch sequence (pool, then score and select per chunk
// of the score buffer). Everything is enqueued on the caller's stream: no allocation, no
// synchronisation, so the call can be captured into a CUDA graph.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "../common/dispatch.h"
#include "../common/workspace.h"
#include "../attention/attention_validation.h"
#include "../common/status.h"
#include "block_sparse_estimate_params.h"
#include "minference.h"

namespace {

namespace est = mi::blocksparse::estimate;

constexpr int64_t kMaxSeqLen = int64_t{1} << 21;  // 32768 key blocks: 128 KB of keys per select CTA
constexpr int64_t aligned(int64_t bytes) { return mi::workspace_aligned(bytes); }

int64_t q_blocks_of(int64_t n) { return (n + est::kBlock - 1) / est::kBlock; }
int64_t tiles_of(int64_t q_blocks) { return (q_blocks + est::kTile - 1) / est::kTile; }

// Workspace: pooled Q of the listed heads, pooled K of every kv head (only those the listed heads
// read are written), and the score buffer of one chunk (none when no row ranks candidates).
struct Layout {
  int64_t pooled_k;     // byte offsets; pooled Q starts at 0
  int64_t scores;
  int64_t score_tiles;  // capacity of the score buffer, in tiles
  int64_t total;
};

Layout layout_of(const mi_block_sparse_estimate_args& a, int64_t head_count) {
  const int64_t q_blocks = q_blocks_of(a.seq_len);
  const int64_t tiles = tiles_of(q_blocks);
  // kv_heads is validated by the estimate call; a size query with a value out of [1, q_heads]
  // still gets a well-defined size.
  const int64_t kv_heads = std::clamp<int64_t>(a.kv_heads, 1, a.q_heads);
  const int64_t vector = a.head_dim * int64_t{sizeof(float)};
  const bool ranked = est::row_needs_scores(q_blocks - 1, est::effective_top_k(a.top_k));
  Layout w{};
  w.pooled_k = aligned(a.batch * head_count * q_blocks * vector);
  w.scores = w.pooled_k + aligned(a.batch * kv_heads * q_blocks * vector);
  w.score_tiles =
      ranked ? std::min(a.batch * head_count * (tiles * (tiles + 1) / 2), est::kMaxChunkTiles) : 0;
  w.total = w.scores + w.score_tiles * est::kTileScores * int64_t{sizeof(float)};
  return w;
}

// The end of the chunk starting at unit `first`: as many units as the score buffer and the grid
// limits allow (each unit's tiles, at most 512, fit in any non-empty buffer).
int64_t chunk_end(int64_t first, int64_t units, int64_t tiles, int64_t score_tiles) {
  int64_t lo = first + 1;
  int64_t hi = std::min(units, first + est::kMaxChunkUnits);
  if (score_tiles == 0) return hi;
  const int64_t base = est::tiles_before(first, tiles);
  while (lo < hi) {  // largest end in [lo, hi] whose tiles fit
    const int64_t mid = hi - (hi - lo) / 2;
    if (est::tiles_before(mid, tiles) - base <= score_tiles)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

void require_shape(const mi_block_sparse_estimate_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  if (a->seq_len < 1 || a->seq_len > kMaxSeqLen)
    mi::invalid("seq_len=" + std::to_string(a->seq_len) + " must be in [1, 2^21]");
  if (a->top_k < 1 || a->top_k > q_blocks_of(a->seq_len))
    mi::invalid("top_k=" + std::to_string(a->top_k) + " must be in [1, " +
                std::to_string(q_blocks_of(a->seq_len)) + "] (the number of key blocks)");
  if (a->batch < 1 || a->q_heads < 1) mi::invalid("batch and q_heads must be >= 1");
}

// The distinct kv heads the listed heads read, in first-use order: the K pooling launch's list.
mi::attention::HeadList kv_heads_read(const mi::attention::HeadList& heads, int group_size,
                                      int64_t kv_heads) {
  mi::attention::HeadList kv{};
  std::vector<bool> listed(static_cast<size_t>(kv_heads), false);
  for (int s = 0; s < heads.count; ++s) {
    const int head = heads.ids[s] / group_size;
    if (listed[head]) continue;
    listed[head] = true;
    kv.ids[kv.count++] = static_cast<int16_t>(head);
  }
  return kv;
}

}  // namespace

extern "C" MI_API mi_status mi_block_sparse_index_size(int64_t batch, int64_t head_count,
                                                       int64_t seq_len, int64_t top_k,
                                                       int64_t* entries) {
  return mi::guarded([&] {
    if (entries == nullptr) mi::invalid("entries must not be NULL");
    if (batch < 1 || head_count < 1 || seq_len < 1 || top_k < 1)
      mi::invalid("batch, head_count, seq_len and top_k must be >= 1");
    *entries = batch * head_count *
               est::entries_before(q_blocks_of(seq_len), est::effective_top_k(top_k));
  });
}

extern "C" MI_API mi_status mi_block_sparse_estimate_workspace_size(
    const mi_block_sparse_estimate_args* args, int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto heads = mi::attention::validate_head_list(args->heads, args->head_count,
                                                         args->q_heads);
    *bytes = layout_of(*args, heads.count).total;
  });
}

extern "C" MI_API mi_status mi_block_sparse_estimate(const mi_block_sparse_estimate_args* args,
                                                     void* workspace, int64_t workspace_bytes,
                                                     mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    const auto heads = mi::attention::validate_head_list(args->heads, args->head_count,
                                                         args->q_heads);
    const auto operands = mi::attention::validate_estimator_inputs(*args);
    if (args->row_ptr == nullptr || args->blocks == nullptr)
      mi::invalid("row_ptr and blocks must not be NULL");
    const Layout w = layout_of(*args, heads.count);
    mi::require_workspace(workspace, workspace_bytes, w.total,
                          "mi_block_sparse_estimate_workspace_size");
    auto* base = static_cast<char*>(workspace);
    const int q_blocks = static_cast<int>(q_blocks_of(args->seq_len));
    const auto s = reinterpret_cast<cudaStream_t>(stream);

    est::PoolParams pool_q{};
    pool_q.src = operands.q;
    pool_q.strides = operands.q_strides;
    pool_q.n = operands.q_len;
    pool_q.q_blocks = q_blocks;
    pool_q.heads = heads;
    pool_q.by_id = false;
    pool_q.out_heads = heads.count;
    pool_q.out = reinterpret_cast<float*>(base);
    est::PoolParams pool_k = pool_q;
    pool_k.src = operands.k;
    pool_k.strides = operands.k_strides;
    pool_k.heads = kv_heads_read(heads, operands.q_heads_per_kv_head, args->kv_heads);
    pool_k.by_id = true;
    pool_k.out_heads = static_cast<int>(args->kv_heads);
    pool_k.out = reinterpret_cast<float*>(base + w.pooled_k);
    const int batch = static_cast<int>(args->batch);
    // The estimation kernels are instantiated for every attention head_dim (block_sparse_pool.cu).
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto head_dim, auto element) {
          cudaError_t err = est::run_pool<head_dim(), element()>(pool_q, batch, s);
          return err == cudaSuccess ? est::run_pool<head_dim(), element()>(pool_k, batch, s) : err;
        }));

    est::EstimateParams p{};
    p.q_blocks = q_blocks;
    p.tiles = static_cast<int>(tiles_of(q_blocks));
    p.top_k = static_cast<int>(est::effective_top_k(args->top_k));
    p.q_heads_per_kv_head = operands.q_heads_per_kv_head;
    p.kv_heads = static_cast<int>(args->kv_heads);
    p.groups = args->batch * heads.count;
    p.heads = heads;
    p.pooled_q = pool_q.out;
    p.pooled_k = pool_k.out;
    p.scores = w.score_tiles > 0 ? reinterpret_cast<float*>(base + w.scores) : nullptr;
    p.row_ptr = args->row_ptr;
    p.blocks = args->blocks;
    const int64_t units = p.groups * p.tiles;
    for (int64_t first = 0; first < units;) {
      const int64_t end = chunk_end(first, units, p.tiles, w.score_tiles);
      p.first_unit = first;
      p.units = end - first;
      if (w.score_tiles > 0)
        MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
            args->dtype, args->head_dim,
            [&](auto head_dim, auto) { return est::run_score<head_dim()>(p, s); }));
      MI_CUDA_CHECK(est::run_select(p, s));
      first = end;
    }
  });
}
