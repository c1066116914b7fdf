// mi_grid_select_index_size / mi_grid_select_workspace_size / mi_grid_select: validation, the
// workspace layout and the launch sequence (pool Q and K through the order, then score and
// select per chunk of the score buffer), all enqueued on the caller's stream.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/dispatch.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "../common/workspace.h"
#include "grid_select_params.h"
#include "minference.h"

namespace {

namespace est = mi::blocksparse::estimate;

constexpr int64_t kMaxSeqLen = int64_t{1} << 21;  // 32768 key blocks: 128 KB of keys per select CTA

int64_t blocks_of(int64_t n) { return (n + est::kBlock - 1) / est::kBlock; }
int64_t tiles_of(int64_t blocks) { return (blocks + est::kTile - 1) / est::kTile; }

// Workspace: pooled Q and pooled K per (batch, slot) (each slot pools its kv head through its own
// order), each block's smallest and largest original position, and one chunk of score tiles
// (none when every row keeps every block).
struct Layout {
  int64_t pooled_k;  // byte offsets; pooled Q starts at 0
  int64_t block_min;
  int64_t block_max;
  int64_t scores;
  int64_t score_tiles;
  int64_t total;
};

Layout layout_of(const mi_grid_select_args& a, int64_t head_count) {
  const int64_t blocks = blocks_of(a.seq_len);
  const int64_t tiles = tiles_of(blocks);
  const int64_t groups = a.batch * head_count;
  const int64_t pooled = mi::workspace_aligned(groups * blocks * a.head_dim * int64_t{sizeof(float)});
  const int64_t positions = mi::workspace_aligned(groups * blocks * int64_t{sizeof(int32_t)});
  Layout w{};
  w.pooled_k = pooled;
  w.block_min = w.pooled_k + pooled;
  w.block_max = w.block_min + positions;
  w.scores = w.block_max + positions;
  w.score_tiles = a.keep >= blocks ? 0 : std::min(groups * tiles * tiles, est::kMaxChunkTiles);
  w.total = w.scores + w.score_tiles * est::kTileScores * int64_t{sizeof(float)};
  return w;
}

void require_shape(const mi_grid_select_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  if (a->seq_len < 1 || a->seq_len > kMaxSeqLen)
    mi::invalid("seq_len=" + std::to_string(a->seq_len) + " must be in [1, 2^21]");
  if (a->keep < 1) mi::invalid("keep=" + std::to_string(a->keep) + " must be >= 1");
  if (a->batch < 1 || a->q_heads < 1) mi::invalid("batch and q_heads must be >= 1");
}

}  // namespace

extern "C" MI_API mi_status mi_grid_select_index_size(int64_t batch, int64_t head_count,
                                                      int64_t seq_len, int64_t keep,
                                                      int64_t* entries) {
  return mi::guarded([&] {
    if (entries == nullptr) mi::invalid("entries must not be NULL");
    if (batch < 1 || head_count < 1 || seq_len < 1 || keep < 1)
      mi::invalid("batch, head_count, seq_len and keep must be >= 1");
    const int64_t blocks = blocks_of(seq_len);
    *entries = batch * head_count * blocks * std::min(keep, blocks);
  });
}

extern "C" MI_API mi_status mi_grid_select_workspace_size(const mi_grid_select_args* args,
                                                          int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    *bytes = layout_of(*args, heads.count).total;
  });
}

extern "C" MI_API mi_status mi_grid_select(const mi_grid_select_args* args, void* workspace,
                                           int64_t workspace_bytes, mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    const auto heads = mi::validate_head_list(args->heads, args->head_count, args->q_heads);
    const auto operands = mi::attention::validate_estimator_inputs(*args);
    if (args->row_ptr == nullptr || args->blocks == nullptr)
      mi::invalid("row_ptr and blocks must not be NULL");
    for (const auto& [name, pointer] : {std::pair{"strides", static_cast<const void*>(args->strides)},
                                        std::pair{"phases", static_cast<const void*>(args->phases)},
                                        std::pair{"order", static_cast<const void*>(args->order)}}) {
      if (pointer == nullptr) mi::invalid(std::string(name) + " must not be NULL");
      mi::require_aligned(pointer, 4, name);
      mi::check_device_pointer(name, pointer);
    }
    const Layout w = layout_of(*args, heads.count);
    mi::require_workspace(workspace, workspace_bytes, w.total, "mi_grid_select_workspace_size");
    auto* base = static_cast<char*>(workspace);
    const int blocks = static_cast<int>(blocks_of(args->seq_len));
    const auto s = reinterpret_cast<cudaStream_t>(stream);

    // Q of the listed heads and K of the kv head each reads, both through the slot's order; the
    // Q launch records the blocks' position ranges (the order is the same for K).
    est::PoolParams pool_q{};
    pool_q.src = operands.q;
    pool_q.strides = operands.q_strides;
    pool_q.n = operands.q_len;
    pool_q.q_blocks = blocks;
    pool_q.heads = heads;
    pool_q.by_id = false;
    pool_q.out_heads = heads.count;
    pool_q.out = reinterpret_cast<float*>(base);
    pool_q.order = args->order;
    pool_q.block_min = reinterpret_cast<int32_t*>(base + w.block_min);
    pool_q.block_max = reinterpret_cast<int32_t*>(base + w.block_max);
    est::PoolParams pool_k = pool_q;
    pool_k.src = operands.k;
    pool_k.strides = operands.k_strides;
    for (int slot = 0; slot < heads.count; ++slot)
      pool_k.heads.ids[slot] = static_cast<int16_t>(heads.ids[slot] / operands.q_heads_per_kv_head);
    pool_k.out = reinterpret_cast<float*>(base + w.pooled_k);
    pool_k.block_min = pool_k.block_max = nullptr;
    const int batch = static_cast<int>(args->batch);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto head_dim, auto element) {
          cudaError_t err = est::run_pool<head_dim(), element()>(pool_q, batch, s);
          return err == cudaSuccess ? est::run_pool<head_dim(), element()>(pool_k, batch, s) : err;
        }));

    mi::grid::GridSelectParams p{};
    est::EstimateParams& e = p.scores;
    e.q_blocks = blocks;
    e.tiles = static_cast<int>(tiles_of(blocks));
    e.q_heads_per_kv_head = operands.q_heads_per_kv_head;
    e.kv_heads = static_cast<int>(args->kv_heads);
    e.groups = args->batch * heads.count;
    e.heads = heads;
    e.pooled_q = pool_q.out;
    e.pooled_k = pool_k.out;
    e.square = true;
    e.scores = w.score_tiles > 0 ? reinterpret_cast<float*>(base + w.scores) : nullptr;
    e.row_ptr = args->row_ptr;
    e.blocks = args->blocks;
    p.n = static_cast<int>(args->seq_len);
    p.keep = static_cast<int>(std::min<int64_t>(args->keep, blocks));
    p.strides = args->strides;
    p.phases = args->phases;
    p.block_min = pool_q.block_min;
    p.block_max = pool_q.block_max;
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
            args->dtype, args->head_dim,
            [&](auto head_dim, auto) { return est::run_score<head_dim()>(e, s); }));
      MI_CUDA_CHECK(mi::grid::run_grid_select(p, s));
    }
  });
}
