// Which blocks a row (or a column) of the linear branch visits, and in which mode.
//
// The linear branch of a row sums over its marginal blocks, everything the critical and negligible
// lists (E) do not name. Either sum is exact in real arithmetic: directly over the marginal blocks,
// or as the all-keys total minus E's blocks. The kernels take the cheaper one, and that choice is
// also the accurate one: subtracting only when E holds at most as many tokens as the marginal
// blocks keeps the total within twice what remains, so a rounding of the subtracted products is
// never amplified more than twofold (subtracting 98 % of a sum from its total would amplify it
// fifty-fold; then the 2 % are summed directly).
#pragma once

#include <cstdint>

#include "../common/csr_rows.cuh"

namespace mi::sla {

class BlockWalk {
 public:
  // E = rows `critical` and `negligible` (ascending, from the forward's indices or their columns);
  // `tokens` the sequence length: block j holds min(64, tokens - 64j) tokens.
  __device__ BlockWalk(const CsrIndex& critical_index, const CsrRow& critical, const CsrIndex& negligible_index,
                       const CsrRow& negligible, int blocks, int tokens)
      : critical_(critical_index.values), c_(critical.begin), c_end_(critical.end),
        negligible_(negligible_index.values), g_(negligible.begin), g_end_(negligible.end), blocks_(blocks) {
    int excluded = 0;
    for (int64_t i = critical.begin; i < critical.end; ++i) excluded += tokens_of(__ldg(critical_ + i), tokens);
    for (int64_t i = negligible.begin; i < negligible.end; ++i) excluded += tokens_of(__ldg(negligible_ + i), tokens);
    direct_ = tokens - excluded < excluded;
    empty_ = excluded >= tokens;
  }

  // True: visit the marginal blocks and add; false: visit E's blocks and subtract from the totals.
  __device__ bool direct() const { return direct_; }
  // No marginal token at all: the branch is off for this row.
  __device__ bool empty() const { return empty_; }

  // The next block to visit, or -1 when done (out-of-range entries of a malformed list are skipped).
  __device__ int next() {
    if (!direct_) {
      while (c_ < c_end_ || g_ < g_end_) {
        const int32_t block = c_ < c_end_ ? __ldg(critical_ + c_++) : __ldg(negligible_ + g_++);
        if (block >= 0 && block < blocks_) return block;
      }
      return -1;
    }
    while (j_ < blocks_) {
      while (c_ < c_end_ && __ldg(critical_ + c_) < j_) ++c_;
      while (g_ < g_end_ && __ldg(negligible_ + g_) < j_) ++g_;
      const bool listed = (c_ < c_end_ && __ldg(critical_ + c_) == j_) || (g_ < g_end_ && __ldg(negligible_ + g_) == j_);
      const int block = j_++;
      if (!listed) return block;
    }
    return -1;
  }

 private:
  __device__ static int tokens_of(int32_t block, int tokens) {
    return block >= 0 && int64_t(block) * 64 < tokens ? min(64, tokens - block * 64) : 0;
  }

  const int32_t* critical_;
  int64_t c_, c_end_;
  const int32_t* negligible_;
  int64_t g_, g_end_;
  int blocks_;
  int j_ = 0;
  bool direct_ = false;
  bool empty_ = false;
};

}  // namespace mi::sla
