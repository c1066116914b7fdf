// Permuted-block tile policy (MMInference's grid and boundary heads): the query tile and every key
// tile are 64 consecutive slots of the head's token order (grid heads: tokens grouped by phase
// class; boundary heads: by modality — TokenOrder in the C# layer), so grid lines and modality
// sub-blocks are contiguous and the index lists them as whole blocks. Nothing is permuted in
// memory: the Q tile and each K/V tile are gathered through the order array (the key gather path
// the vertical-slash columns use), O and the log-sum-exp are written to the original rows, and
// causality is evaluated on original positions — after the permutation it is not a triangle, so
// every tile is masked.
#pragma once

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/csr_rows.cuh"
#include "permuted_launch.h"

namespace mi::permuted {

class PermutedBlockTiles {
 public:
  using Params = PermutedArgs;

  static constexpr bool kLongestFirst = false;  // row costs do not grow with the permuted index
  static constexpr bool kGathers = true;
  static constexpr bool kPermutesRows = true;

  __device__ static int head(const Params& params, int grid_y) { return params.heads.ids[grid_y]; }
  __device__ static bool runs(const Params& params, int batch, int head, int q_heads) {
    return params.heads.runs(batch, head, q_heads);
  }

  __device__ PermutedBlockTiles(const attention::AttentionFwdParams& p, const Params& params, int m0,
                       int block_m, int block_n)
      : params_(params),
        row_(CsrRow::read(params.blocks,
                          csr_row_of_this_cta(m0 / block_m, params.q_blocks, params.heads.count))),
        order_(params.order +
               (static_cast<int64_t>(blockIdx.z) * params.heads.count + blockIdx.y) * p.q_len),
        seq_(p.q_len),
        m0_(m0),
        block_n_(block_n) {}

  // An empty row still takes one step, over a tile that is entirely invisible: O = 0.
  __device__ int count() const { return max(row_.size(), 1); }

  __device__ attention::KeyTile tile(int i) const {
    if (row_.size() == 0) return attention::KeyTile::contiguous(seq_);
    const int block = __ldg(params_.blocks.values + row_.end - 1 - i);
    // A block outside [0, ceil(N / 64)) (a malformed index) gathers nothing and is fully masked.
    if (block < 0 || int64_t{block} * block_n_ >= seq_) return attention::KeyTile::contiguous(seq_);
    const int first = block * block_n_;
    return attention::KeyTile::gathered(order_ + first, min(block_n_, seq_ - first));
  }

  __device__ bool needs_mask(const attention::KeyTile&) const { return true; }

  // Slot `row` of the query tile sees gathered key c when its original position is not later.
  __device__ bool visible(const attention::KeyTile& tile, int row, int c) const {
    if (!tile.is_gathered() || c >= tile.count || row >= seq_) return false;
    return __ldg(tile.list + c) <= __ldg(order_ + row);
  }

  // The original positions of the query tile's slots [m0, m0 + rows), and how many exist.
  __device__ const int32_t* query_rows() const { return order_ + m0_; }
  __device__ int query_row_count(int block_m) const { return min(block_m, seq_ - m0_); }

  // The original row a permuted slot's output belongs to (-1 when the order array is malformed).
  __device__ int output_row(int slot) const {
    const int row = __ldg(order_ + slot);
    return row >= 0 && row < seq_ ? row : -1;
  }

 private:
  const Params& params_;
  CsrRow row_;
  const int32_t* order_;
  int seq_;
  int m0_;
  int block_n_;
};

}  // namespace mi::permuted
