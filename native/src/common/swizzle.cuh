// The shared-memory swizzle of every tile whose rows are head_dim 16-bit elements (attention
// mainloop, vertical-slash estimation): which physical 16-byte chunk holds logical chunk `chunk`
// of row `row`. ldmatrix reads one logical chunk from 8 consecutive rows at once; the swizzle puts
// those 8 addresses in 8 distinct 16-byte bank groups of a 128-byte line, so the read is
// conflict-free.
#pragma once

namespace mi::device {

// kChunks = head_dim / 8 chunks per row.
//  - kChunks a multiple of 8 (head_dim 64, 128, 256): rows are whole 128-byte lines; XOR the chunk
//    with row % 8.
//  - kChunks = 8k + 4 (head_dim 96): a row is k lines and a half, so row r starts at bank group
//    4·(r % 2). The first 8k chunks still XOR with row % 8 (x ↦ x ^ r then + 4·(r % 2) is a
//    permutation of the 8 groups over 8 rows). The last 4 chunks of a row cover only one half of a
//    line, the even rows one half and the odd rows the other, so they XOR with (row / 2) % 4: the
//    4 even (and the 4 odd) rows of an ldmatrix land on 4 distinct groups of their half.
template <int kChunks>
__device__ __forceinline__ int swizzle_chunk(int row, int chunk) {
  static_assert(kChunks % 8 == 0 || (kChunks % 8 == 4 && kChunks > 4),
                "rows must be 8k or 8k + 4 chunks (head_dim a multiple of 64, or 96, 160, ...)");
  if constexpr (kChunks % 8 == 0) {
    return chunk ^ (row & 7);
  } else {
    return chunk < kChunks - 4 ? chunk ^ (row & 7) : chunk ^ ((row >> 1) & 3);
  }
}

}  // namespace mi::device
