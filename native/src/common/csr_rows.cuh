// The per-query-block lists of the index-driven patterns: CSR rows flattened over
// [batch, listed head, 64-row query block], read defensively so that a malformed index (from a
// caller of the public ABI) can yield wrong numbers but never an out-of-bounds access.
#pragma once

#include <cstdint>

#include "csr_index.h"

namespace mi {

// [begin, end) of one row, clamped to [0, value_count].
struct CsrRow {
  int64_t begin;
  int64_t end;

  __device__ static CsrRow read(const CsrIndex& index, int64_t row) {
    const int64_t begin = min(max(__ldg(index.row_ptr + row), int64_t{0}), index.value_count);
    const int64_t end = min(max(__ldg(index.row_ptr + row + 1), begin), index.value_count);
    return {begin, end};
  }

  __device__ int size() const { return static_cast<int>(end - begin); }
};

// Row of the CTA (blockIdx: x = query block, y = slot in the head list, z = batch).
__device__ inline int64_t csr_row_of_this_cta(int query_block, int q_blocks, int head_count) {
  return (static_cast<int64_t>(blockIdx.z) * head_count + blockIdx.y) * q_blocks + query_block;
}

}  // namespace mi
