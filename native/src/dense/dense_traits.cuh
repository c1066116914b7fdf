// Tile shapes and shared-memory layout of the dense forward kernel, one specialisation per
// (head_dim, element type). Everything derived from the tile choice lives here.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "dense_params.h"

namespace mi::dense {

template <ElementType kElement>
struct ElementOf;
template <>
struct ElementOf<ElementType::kFloat16> {
  using type = __half;
};
template <>
struct ElementOf<ElementType::kBFloat16> {
  using type = __nv_bfloat16;
};

template <int kHeadDim_, ElementType kElement_>
struct DenseFwdTraits {
  using Element = typename ElementOf<kElement_>::type;
  static constexpr int kHeadDim = kHeadDim_;

  // 128 query rows per CTA over 4 warps: each warp owns 32 rows (two m16 atoms), so every K/V
  // fragment read from shared memory feeds two MMAs, halving shared-memory traffic per FLOP
  // against 16 rows per warp. The key tile is as wide as the register file allows without
  // spilling: S (kBlockN) and O (kHeadDim) accumulators together stay at 192 fp32 per thread.
#ifndef MI_EXP_WARPS
#define MI_EXP_WARPS 4
#define MI_EXP_BN64 128
#define MI_EXP_BN128 64
#define MI_EXP_MINB 2
#endif
  static constexpr int kBlockM = 128;
  static constexpr int kBlockN = kHeadDim == 64 ? MI_EXP_BN64 : MI_EXP_BN128;
  static constexpr int kWarps = MI_EXP_WARPS;
  static constexpr int kThreads = kWarps * 32;
  static constexpr int kWarpRows = kBlockM / kWarps;
  static constexpr int kMAtoms = kWarpRows / 16;
  static constexpr int kSTiles = kBlockN / 8;  // n8 tiles of S per m16 atom
  static constexpr int kOTiles = kHeadDim / 8;  // n8 tiles of O per m16 atom

  // Rows are kHeadDim elements; 16-byte chunks are XOR-swizzled by (row % 8) so that the eight
  // row addresses of one ldmatrix (same logical chunk, 8 consecutive rows) hit 8 distinct
  // 128-byte bank groups.
  static constexpr int kChunkElems = 8;
  static constexpr int kChunksPerRow = kHeadDim / kChunkElems;

  static constexpr int kQElems = kBlockM * kHeadDim;
  static constexpr int kKVElems = kBlockN * kHeadDim;
  static constexpr int kSmemBytes = (kQElems + 2 * kKVElems) * int(sizeof(Element));

  // Two CTAs per SM: 2 × 128 threads × 255 registers fits the 64K-register file.
  static constexpr int kMinBlocksPerSm = MI_EXP_MINB;

  static_assert(kHeadDim == 64 || kHeadDim == 128, "head_dim must be 64 or 128");
  static_assert(kWarpRows % 16 == 0, "each warp owns whole m16 atoms");
  static_assert(kBlockN % 16 == 0, "key tile must be a multiple of the MMA k extent");
  static_assert(kChunksPerRow >= 8, "the swizzle permutes 8 chunks per row");
  static_assert((kBlockM * kChunksPerRow) % kThreads == 0, "Q tile loads evenly");
  static_assert((kBlockN * kChunksPerRow) % kThreads == 0, "K/V tile loads evenly");
  static_assert(kSmemBytes * kMinBlocksPerSm <= 227 * 1024, "CTAs must fit one SM");

  // Element offset of (row, chunk) in a swizzled tile.
  __device__ __forceinline__ static int swizzle(int row, int chunk) {
    return row * kHeadDim + ((chunk ^ (row & 7)) * kChunkElems);
  }
};

}  // namespace mi::dense
