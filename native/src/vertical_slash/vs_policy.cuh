// Vertical-Slash tile policy: each 64-row query block first visits its runs of 64-key blocks
// (the merged slash diagonals; start columns need not be multiples of 64), from the last down so
// the diagonal comes first, then its gathered vertical columns, 64 at a time. Columns are left of
// the query block by construction (the index keeps diagonal 0), so they need no causal mask; only
// a partial last chunk is masked.
#pragma once

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/csr_rows.cuh"
#include "vs_launch.h"

namespace mi::vertical_slash {

class VerticalSlashTiles {
 public:
  using Params = VerticalSlashArgs;

  static constexpr bool kLongestFirst = true;  // verticals accumulate towards the end
  static constexpr bool kGathers = true;
  static constexpr bool kSm90a = true;  // Hopper runs its tiles on the sm_90a mainloop
  static constexpr bool kReadsAhead = false;  // most tiles are contiguous slash ranges: read each list before its copy
  static constexpr bool kPermutesRows = false;

  __device__ static int head(const Params& params, int grid_y) { return params.heads.ids[grid_y]; }
  __device__ static bool runs(const Params& params, int batch, int head, int q_heads) {
    return params.heads.runs(batch, head, q_heads);
  }

  __device__ VerticalSlashTiles(const attention::AttentionFwdParams& p, const Params& params,
                                int m0, int block_m, int block_n)
      : params_(params),
        kv_len_(p.kv_len),
        causal_offset_(p.kv_len - p.q_len),
        m0_(m0),
        block_n_(block_n) {
    const int64_t row =
        csr_row_of_this_cta(m0 / block_m, params.q_blocks, params.heads.count);
    blocks_ = CsrRow::read(params.blocks, row);
    columns_ = CsrRow::read(params.columns, row);
    column_tiles_ = (columns_.size() + block_n - 1) / block_n;
  }

  // An empty row still takes one step, over a tile that is entirely invisible: O = 0.
  __device__ int count() const { return max(blocks_.size() + column_tiles_, 1); }

  __device__ attention::KeyTile tile(int i) const {
    if (i < blocks_.size()) {
      const int first = __ldg(params_.blocks.values + blocks_.end - 1 - i);
      // Clamped so the column arithmetic cannot overflow; out-of-range rows load nothing.
      return attention::KeyTile::contiguous(min(max(first, -block_n_), kv_len_));
    }
    const int chunk = i - blocks_.size();
    if (chunk >= column_tiles_) return attention::KeyTile::contiguous(kv_len_);  // empty row
    const int64_t first = columns_.begin + int64_t{chunk} * block_n_;
    return attention::KeyTile::gathered(params_.columns.values + first,
                                        static_cast<int>(min(int64_t{block_n_}, columns_.end - first)));
  }

  __device__ bool needs_mask(const attention::KeyTile& tile) const {
    if (tile.is_gathered()) return tile.count < block_n_;
    const int n_last = tile.first + block_n_ - 1;
    return tile.first < 0 || n_last >= kv_len_ || n_last > m0_ + causal_offset_;
  }

  __device__ bool visible(const attention::KeyTile& tile, int row, int c) const {
    if (tile.is_gathered()) return c < tile.count;
    const int col = tile.first + c;
    return col >= 0 && col < kv_len_ && col <= row + causal_offset_;
  }

 private:
  const Params& params_;
  int kv_len_;
  int causal_offset_;
  int m0_;
  int block_n_;
  CsrRow blocks_;
  CsrRow columns_;
  int column_tiles_;
};

}  // namespace mi::vertical_slash
