// Tile shapes and shared-memory layout of the attention forward mainloop, one specialisation per
// (head_dim, element type). Everything derived from the tile choice lives here.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "../common/swizzle.cuh"
#include "attention_params.h"

namespace mi::attention {

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

// Tile choice per head dim, measured with the dense policy on H100 80GB HBM3 (CUDA 13.0, bf16,
// 32K tokens, 32 heads; bench/compare_torch.py):
//   hd 64:  4 warps x 32 rows, 128x64 tile, 2 CTAs/SM: 324 TFLOP/s causal, 317 full. A 128x128
//           tile ran 307/322 and kept a few words in local memory at the 255-register cap;
//           3 CTAs/SM (170-register cap) ran 292/301; 8 warps x 16 rows ran 272.
//   hd 128: 8 warps x 16 rows, 128x128 tile, 1 CTA/SM at 224 registers, no spills: 320 causal.
//           4 warps x 32 rows (128x64) ran 332 but spilled 12-64 bytes on sm_90a; 128x32 ran 326;
//           64-row CTAs (4 warps x 16 rows, 2-3 CTAs/SM) ran 273-297. A two-stage K/V ring (one
//           barrier per tile) ran 3 % slower: the loop is bound by shared-memory bandwidth.
//   hd 96:  hd 128's shape (8 warps x 16 rows, 128x128, 1 CTA/SM). hd 64's shape (4 warps x 32
//           rows) spilled 4-48 bytes at the 255-register cap (96 O + 64 S accumulators); 64-row
//           block tiles spill 4 bytes at 3 CTAs/SM (170 registers), so they run 2 like hd 128.
//   hd 256 is not built: at 4 warps x 16 rows (64x64, the largest tile two CTAs fit) its 128 O
//           accumulators a thread spill 144-168 bytes at 255 registers. It needs O split across
//           warps (or warpgroups, as a wgmma mainloop does).
// Rows per warp trade shared-memory traffic (a K/V fragment feeds one MMA per m16 atom) against
// registers (S and O accumulators grow with them).
struct TileConfig {
  int block_m;
  int block_n;
  int warps;
  int min_blocks_per_sm;
};

// Index-driven patterns (block-sparse, vertical-slash) work on MInference's 64x64 blocks: one
// 64-row query block per CTA, one 64-key block (or 64 gathered keys) per step; 4 warps x 16 rows.
enum class TileFamily { kDense, kBlocks64 };

constexpr TileConfig tile_config(int head_dim, TileFamily family) {
  if (family == TileFamily::kBlocks64) return TileConfig{64, 64, 4, head_dim == 64 ? 3 : 2};
  return head_dim == 64 ? TileConfig{128, 64, 4, 2} : TileConfig{128, 128, 8, 1};
}

template <int kHeadDim_, ElementType kElement_, TileFamily kFamily_ = TileFamily::kDense>
struct AttentionFwdTraits {
  using Element = typename ElementOf<kElement_>::type;
  static constexpr int kHeadDim = kHeadDim_;
  static constexpr TileConfig kConfig = tile_config(kHeadDim, kFamily_);

  static constexpr int kBlockM = kConfig.block_m;
  static constexpr int kBlockN = kConfig.block_n;
  static constexpr int kWarps = kConfig.warps;
  static constexpr int kThreads = kWarps * 32;
  static constexpr int kWarpRows = kBlockM / kWarps;
  static constexpr int kMAtoms = kWarpRows / 16;
  static constexpr int kSTiles = kBlockN / 8;  // n8 tiles of S per m16 atom
  static constexpr int kOTiles = kHeadDim / 8;  // n8 tiles of O per m16 atom

  // Rows are kHeadDim elements of 16-byte chunks, swizzled (common/swizzle.cuh) so that the eight
  // row addresses of one ldmatrix (same logical chunk, 8 consecutive rows) hit 8 distinct
  // 16-byte bank groups.
  static constexpr int kChunkElems = 8;
  static constexpr int kChunksPerRow = kHeadDim / kChunkElems;

  static constexpr int kQElems = kBlockM * kHeadDim;
  static constexpr int kKVElems = kBlockN * kHeadDim;
  static constexpr int kSmemBytes = (kQElems + 2 * kKVElems) * int(sizeof(Element));

  static constexpr int kMinBlocksPerSm = kConfig.min_blocks_per_sm;

  static_assert(kHeadDim % 32 == 0 && kHeadDim >= 64, "head_dim must be a multiple of 32 from 64 on (x4 ldmatrix over pairs of chunks)");
  static_assert(kWarpRows % 16 == 0, "each warp owns whole m16 atoms");
  static_assert(kBlockN % 16 == 0, "key tile must be a multiple of the MMA k extent");
  static_assert((kBlockM * kChunksPerRow) % kThreads == 0, "Q tile loads evenly");
  static_assert((kBlockN * kChunksPerRow) % kThreads == 0, "K/V tile loads evenly");
  static_assert(kSmemBytes * kMinBlocksPerSm <= 227 * 1024, "CTAs must fit one SM");

  // Element offset of (row, chunk) in a swizzled tile.
  __device__ __forceinline__ static int swizzle(int row, int chunk) {
    return row * kHeadDim + device::swizzle_chunk<kChunksPerRow>(row, chunk) * kChunkElems;
  }
};

}  // namespace mi::attention
