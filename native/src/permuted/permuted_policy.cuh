// Permuted-block tile policy (MMInference's grid and boundary heads): the query tile and every key
// tile are 64 consecutive slots of the head's token order (grid heads: tokens grouped by phase
// class; boundary heads: by modality — TokenOrder in the C# layer), so grid lines and modality
// sub-blocks are contiguous and the index lists them as whole blocks. Nothing is permuted in
// memory: the Q tile and each K/V tile are gathered through the order array (the key gather path
// the vertical-slash columns use), O and the log-sum-exp are written to the original rows, and
// causality is evaluated on original positions — after the permutation it is not a triangle, so a
// tile is masked unless every key in it comes before every query of the tile (then the per-element
// test, two gathered loads per score, is skipped): for a grid head that is most kept tiles, the
// earlier slots of any class.
#pragma once

#include <climits>

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/csr_rows.cuh"
#include "permuted_launch.h"

namespace mi::permuted {

class PermutedBlockTiles {
 public:
  using Params = PermutedArgs;

  static constexpr bool kLongestFirst = false;  // row costs do not grow with the permuted index
  static constexpr bool kGathers = true;
  static constexpr bool kSm90a = true;  // Hopper runs its tiles on the sm_90a mainloop (split, rows gathered)
  static constexpr bool kPermutesRows = true;
  static constexpr bool kReadsAhead = true;  // every tile is gathered through the order

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
        block_n_(block_n),
        full_query_tile_(m0 + block_m <= p.q_len),
        first_query_(full_query_tile_ ? warp_min(order_ + m0, block_m) : 0) {}

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

  // Every warp reaches this together (the mainloop asks once per tile, uniformly), so each reduces
  // the tile's latest key position itself: one or two loads a lane and five shuffles.
  __device__ bool needs_mask(const attention::KeyTile& tile) const {
    if (!full_query_tile_ || !tile.is_gathered() || tile.count < block_n_) return true;
    return warp_max(tile.list, tile.count) > first_query_;
  }

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
  // The least / greatest of list[0 .. count) over a warp (every lane gets it). Entries outside
  // [0, N) (a malformed order) only make tiles masked, as visible() then decides.
  __device__ static int warp_min(const int32_t* list, int count) {
    int value = INT_MAX;
    for (int c = threadIdx.x % 32; c < count; c += 32) value = min(value, __ldg(list + c));
#pragma unroll
    for (int offset = 16; offset > 0; offset /= 2) value = min(value, __shfl_xor_sync(0xffffffffu, value, offset));
    return value;
  }
  __device__ static int warp_max(const int32_t* list, int count) {
    int value = INT_MIN;
    for (int c = threadIdx.x % 32; c < count; c += 32) value = max(value, __ldg(list + c));
#pragma unroll
    for (int offset = 16; offset > 0; offset /= 2) value = max(value, __shfl_xor_sync(0xffffffffu, value, offset));
    return value;
  }

  const Params& params_;
  CsrRow row_;
  const int32_t* order_;
  int seq_;
  int m0_;
  int block_n_;
  bool full_query_tile_;  // all block_m query slots exist
  int first_query_;       // the earliest original position among them (when full)
};

}  // namespace mi::permuted
