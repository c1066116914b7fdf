// A-shape tile policy (MInference "stream_llm"): a query tile visits the key tiles of its local
// band, from the diagonal down, then the sink tiles at the start of the sequence that the band
// does not already cover. Everything else is skipped without being loaded.
#pragma once

#include "../attention/attention_fwd_kernel.cuh"
#include "ashape_launch.h"

namespace mi::ashape {

class AShapeTiles {
 public:
  using Params = AShapeArgs;

  // Every query tile visits about the same number of keys.
  static constexpr bool kLongestFirst = false;
  static constexpr bool kGathers = false;
  static constexpr bool kSm90a = true;  // Hopper runs its tiles on the sm_90a mainloop
  static constexpr bool kReadsAhead = false;
  static constexpr bool kPermutesRows = false;

  __device__ static int head(const Params& params, int grid_y) { return params.heads.ids[grid_y]; }
  __device__ static bool runs(const Params& params, int batch, int head, int q_heads) {
    return params.heads.runs(batch, head, q_heads);
  }

  __device__ AShapeTiles(const attention::AttentionFwdParams& p, const Params& params, int m0,
                         int block_m, int block_n)
      : kv_len_(p.kv_len),
        causal_offset_(p.kv_len - p.q_len),
        sink_tokens_(params.sink_tokens),
        local_window_(params.local_window),
        m0_(m0),
        block_m_(block_m),
        block_n_(block_n) {
    // Band of the tile's rows, in key columns: from the first row's band start to the last
    // row's diagonal.
    const int first_col = max(0, m0 + causal_offset_ - local_window_ + 1);
    const int last_col = min(m0 + block_m, p.q_len) - 1 + causal_offset_;
    band_begin_ = first_col / block_n;
    band_end_ = last_col / block_n + 1;
    sink_end_ = min((sink_tokens_ + block_n - 1) / block_n, band_begin_);
  }

  __device__ int count() const { return (band_end_ - band_begin_) + sink_end_; }

  __device__ attention::KeyTile tile(int i) const {
    const int band_tiles = band_end_ - band_begin_;
    const int index = i < band_tiles ? band_end_ - 1 - i : sink_end_ - 1 - (i - band_tiles);
    return attention::KeyTile::contiguous(index * block_n_);
  }

  // A tile needs no mask only if every row of the query tile sees all of it: inside the sequence,
  // at or left of the first row's diagonal, and either all sinks or right of the last row's band
  // start.
  __device__ bool needs_mask(const attention::KeyTile& tile) const {
    const int n0 = tile.first;
    const int n_last = n0 + block_n_ - 1;
    const bool in_sequence = n_last < kv_len_;
    const bool causal_for_all = n_last <= m0_ + causal_offset_;
    const bool all_sinks = n_last < sink_tokens_;
    const bool in_every_band = n0 > m0_ + block_m_ - 1 + causal_offset_ - local_window_;
    return !(in_sequence && causal_for_all && (all_sinks || in_every_band));
  }

  __device__ bool visible(const attention::KeyTile& tile, int row, int c) const {
    const int col = tile.first + c;
    const int diagonal = row + causal_offset_;
    return col < kv_len_ && col <= diagonal &&
           (col < sink_tokens_ || col > diagonal - local_window_);
  }

 private:
  int kv_len_;
  int causal_offset_;
  int sink_tokens_;
  int local_window_;
  int m0_;
  int block_m_;
  int block_n_;
  int band_begin_;
  int band_end_;
  int sink_end_;
};

}  // namespace mi::ashape
