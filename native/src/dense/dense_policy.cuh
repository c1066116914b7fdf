// Dense tile policy: a query tile visits every key tile up to the causal diagonal (all of them
// when not causal), from the last one down, so the tiles that need a mask (kv_len tail, diagonal)
// come first and the rest run mask-free.
#pragma once

#include <type_traits>

#include "../attention/attention_fwd_kernel.cuh"

namespace mi::dense {

// kListed: grid rows are the heads of a head list (with optional route codes) rather than every
// query head; a sparse layer's dense heads then run on the dense kernel's tiles.
struct NoHeadList {};
struct ListedHeads {
  HeadList heads;
};

template <bool kCausal, bool kListed = false>
class DenseTiles {
 public:
  using Params = std::conditional_t<kListed, ListedHeads, NoHeadList>;

  // Causal query tiles cost more the later they are.
  static constexpr bool kLongestFirst = kCausal;
  static constexpr bool kGathers = false;
  static constexpr bool kSm90a = true;  // Hopper runs its tiles on the sm_90a mainloop
  static constexpr bool kReadsAhead = false;
  static constexpr bool kPermutesRows = false;

  __device__ static int head(const Params& params, int grid_y) {
    if constexpr (kListed) return params.heads.ids[grid_y];
    else return grid_y;
  }
  __device__ static bool runs(const Params& params, int batch, int head, int q_heads) {
    if constexpr (kListed) return params.heads.runs(batch, head, q_heads);
    else return true;
  }

  __device__ DenseTiles(const attention::AttentionFwdParams& p, const Params&, int m0, int block_m,
                        int block_n)
      : kv_len_(p.kv_len), causal_offset_(p.kv_len - p.q_len), m0_(m0), block_n_(block_n) {
    const int total = (p.kv_len + block_n - 1) / block_n;
    // Bottom-right aligned causal mask: query row i sees key j iff j <= i + causal_offset.
    end_ = kCausal ? min(total, (min(m0 + block_m, p.q_len) + causal_offset_ + block_n - 1) /
                                    block_n)
                   : total;
  }

  __device__ int count() const { return end_; }
  __device__ attention::KeyTile tile(int i) const {
    return attention::KeyTile::contiguous((end_ - 1 - i) * block_n_);
  }

  __device__ bool needs_mask(const attention::KeyTile& tile) const {
    const int n_last = tile.first + block_n_ - 1;
    return n_last >= kv_len_ || (kCausal && n_last > m0_ + causal_offset_);
  }

  __device__ bool visible(const attention::KeyTile& tile, int row, int c) const {
    const int col = tile.first + c;
    return col < kv_len_ && (!kCausal || col <= row + causal_offset_);
  }

 private:
  int kv_len_;
  int causal_offset_;
  int m0_;
  int block_n_;
  int end_;
};

}  // namespace mi::dense
