// Which blocks a row (or a column) of the linear branch visits, and in which mode.
//
// The linear branch of a row sums over its marginal blocks, everything the critical and negligible
// lists (E) do not name. Either sum is exact in real arithmetic: directly over the marginal blocks,
// or as the all-keys total minus E's blocks. The kernels take the cheaper one, and that choice is
// also the accurate one: subtracting only when E holds at most as many tokens as the marginal
// blocks keeps the total within twice what remains, so a rounding of the subtracted products is
// never amplified more than twofold (subtracting 98 % of a sum from its total would amplify it
// fifty-fold; then the 2 % are summed directly). Causal SLA walks directly over a row's past blocks
// (below its always-critical diagonal, so no block needs a per-token mask) or, for dK and dV, over a
// column's later rows: the totals would include what the row cannot see.
#pragma once

#include <cstdint>

#include "../common/csr_rows.cuh"

namespace mi::sla {

class BlockWalk {
 public:
  // E = rows `critical` and `negligible` (ascending, from the forward's indices or their columns);
  // the candidates are blocks [first, last) (every block, or causally a row's past blocks or a
  // column's later rows); `tokens` the sequence length: block j holds min(64, tokens - 64j) tokens.
  // `direct_only` (causal): the all-keys totals span blocks outside the range, so the subtracting
  // walk is not available.
  __device__ BlockWalk(const CsrIndex& critical_index, const CsrRow& critical, const CsrIndex& negligible_index,
                       const CsrRow& negligible, int first, int last, int tokens, bool direct_only)
      : critical_(critical_index.values), c_(critical.begin), c_end_(critical.end),
        negligible_(negligible_index.values), g_(negligible.begin), g_end_(negligible.end), first_(first),
        last_(last), j_(first) {
    int excluded = 0;
    for (int64_t i = critical.begin; i < critical.end; ++i) excluded += tokens_in_range(__ldg(critical_ + i), tokens);
    for (int64_t i = negligible.begin; i < negligible.end; ++i) excluded += tokens_in_range(__ldg(negligible_ + i), tokens);
    const int candidates = first < last ? min(tokens, last * 64) - first * 64 : 0;
    direct_ = direct_only || candidates - excluded < excluded;
    empty_ = excluded >= candidates;
  }

  // True: visit the marginal blocks and add; false: visit E's blocks and subtract from the totals.
  __device__ bool direct() const { return direct_; }
  // No marginal token at all: the branch is off for this row.
  __device__ bool empty() const { return empty_; }

  // The next block to visit, or -1 when done (entries outside the range, such as a causal row's
  // diagonal or those of a malformed list, are skipped).
  __device__ int next() {
    if (!direct_) {
      while (c_ < c_end_ || g_ < g_end_) {
        const int32_t block = c_ < c_end_ ? __ldg(critical_ + c_++) : __ldg(negligible_ + g_++);
        if (block >= first_ && block < last_) return block;
      }
      return -1;
    }
    while (j_ < last_) {
      while (c_ < c_end_ && __ldg(critical_ + c_) < j_) ++c_;
      while (g_ < g_end_ && __ldg(negligible_ + g_) < j_) ++g_;
      const bool listed = (c_ < c_end_ && __ldg(critical_ + c_) == j_) || (g_ < g_end_ && __ldg(negligible_ + g_) == j_);
      const int block = j_++;
      if (!listed) return block;
    }
    return -1;
  }

 private:
  __device__ int tokens_in_range(int32_t block, int tokens) const {
    return block >= first_ && block < last_ && int64_t(block) * 64 < tokens ? min(64, tokens - block * 64) : 0;
  }

  const int32_t* critical_;
  int64_t c_, c_end_;
  const int32_t* negligible_;
  int64_t g_, g_end_;
  int first_, last_;
  int j_;
  bool direct_ = false;
  bool empty_ = false;
};

}  // namespace mi::sla
