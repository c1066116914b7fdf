// Block-sparse tile policy: each 64-row query block visits the 64-key blocks its index row lists
// (ascending in the index, visited from the last down so the diagonal block, the only one that
// needs the causal mask, comes first). Bidirectional (params.causal false, SLA's critical blocks):
// only the sequence's tail block is masked.
#pragma once

#include <climits>

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/csr_rows.cuh"
#include "block_sparse_launch.h"

namespace mi::blocksparse {

class BlockSparseTiles {
 public:
  using Params = BlockSparseArgs;

  static constexpr bool kLongestFirst = true;  // later query blocks may list more key blocks
  static constexpr bool kGathers = false;
  static constexpr bool kSm90a = true;  // Hopper runs its tiles on the sm_90a mainloop
  static constexpr bool kReadsAhead = false;
  static constexpr bool kPermutesRows = false;

  __device__ static int head(const Params& params, int grid_y) { return params.heads.ids[grid_y]; }
  __device__ static bool runs(const Params& params, int batch, int head, int q_heads) {
    return params.heads.runs(batch, head, q_heads);
  }

  __device__ BlockSparseTiles(const attention::AttentionFwdParams& p, const Params& params, int m0,
                              int block_m, int block_n)
      : params_(params),
        row_(CsrRow::read(
            params.blocks, csr_row_of_this_cta(m0 / block_m, params.q_blocks,
                                                         params.heads.count))),
        kv_len_(p.kv_len),
        kv_blocks_((p.kv_len + block_n - 1) / block_n),
        causal_offset_(params.causal ? p.kv_len - p.q_len : INT_MAX / 2),
        m0_(m0),
        block_n_(block_n) {}

  // An empty row still takes one step, over a tile that is entirely invisible: O = 0.
  __device__ int count() const { return max(row_.size(), 1); }

  __device__ attention::KeyTile tile(int i) const {
    if (row_.size() == 0) return attention::KeyTile::contiguous(kv_len_);
    const int block = __ldg(params_.blocks.values + row_.end - 1 - i);
    // Clamped so the column arithmetic cannot overflow; out-of-range blocks load nothing.
    return attention::KeyTile::contiguous(min(max(block, -1), kv_blocks_) * block_n_);
  }

  __device__ bool needs_mask(const attention::KeyTile& tile) const {
    const int n_last = tile.first + block_n_ - 1;
    return tile.first < 0 || n_last >= kv_len_ || n_last > m0_ + causal_offset_;
  }

  __device__ bool visible(const attention::KeyTile& tile, int row, int c) const {
    const int col = tile.first + c;
    return col >= 0 && col < kv_len_ && col <= row + causal_offset_;
  }

 private:
  const Params& params_;
  CsrRow row_;
  int kv_len_;
  int kv_blocks_;
  int causal_offset_;
  int m0_;
  int block_n_;
};

}  // namespace mi::blocksparse
