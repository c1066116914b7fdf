// Shared-memory tiles of the SLA linear-branch kernels: a traits type the attention loaders
// (attention_fwd_kernel.cuh: load_tile_async) accept, for any warp count, and φ — the linear
// branch's feature map — applied in place to the rows of a tile.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "../attention/attention_traits.cuh"
#include "../common/device_info.h"
#include "sla_forward_params.h"

namespace mi::sla {


// Rows of kHeadDim 16-bit elements in 16-byte chunks, swizzled as the attention tiles are (so the
// same ldmatrix addressing reads them without bank conflicts), loaded by kWarps warps.
template <int kHeadDim_, attention::ElementType kElement, int kWarps_>
struct SlaTileTraits {
  using Element = typename attention::ElementOf<kElement>::type;
  static constexpr int kHeadDim = kHeadDim_;
  static constexpr int kWarps = kWarps_;
  static constexpr int kThreads = kWarps * 32;
  static constexpr int kChunkElems = 8;
  static constexpr int kChunksPerRow = kHeadDim / kChunkElems;
  static constexpr int kOTiles = kHeadDim / 8;  // n8 tiles across a row of head_dim columns

  __device__ __forceinline__ static int swizzle(int row, int chunk) {
    return row * kHeadDim + device::swizzle_chunk<kChunksPerRow>(row, chunk) * kChunkElems;
  }
};

__device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }
__device__ __forceinline__ float to_float(__half x) { return __half2float(x); }
template <typename Element>
__device__ __forceinline__ Element from_float(float x);
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }
template <>
__device__ __forceinline__ __half from_float<__half>(float x) { return __float2half_rn(x); }

// φ on rows [0, kRows) of a swizzled tile, in fp32, rounded back to the element type; rows at or
// past `valid_rows` become zero (the loaders zero-fill them, but φ(0) is not 0 for softmax and
// elu+1, and a padded key must contribute nothing). Four lanes share a row (kHeadDim / 4 elements
// each, whole chunks), so a warp covers 8 rows a pass and the softmax reductions are two shuffles.
// Every thread of the CTA calls it; the caller synchronises before and after.
template <typename Traits, int kRows>
__device__ __forceinline__ void apply_feature_map(typename Traits::Element* tile, int valid_rows, int feature_map) {
  using Element = typename Traits::Element;
  if (feature_map == kIdentity) return;  // the loaders zero-filled the rows past valid_rows
  constexpr int kChunksPerLane = Traits::kChunksPerRow / 4;
  static_assert(Traits::kChunksPerRow % 4 == 0, "four lanes share a row in whole chunks");
  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  const int quarter = lane % 4;
  for (int row = warp * 8 + lane / 4; row < kRows; row += Traits::kWarps * 8) {
    float x[kChunksPerLane][8];
#pragma unroll
    for (int c = 0; c < kChunksPerLane; ++c) {
      const uint4 packed = *reinterpret_cast<const uint4*>(tile + Traits::swizzle(row, quarter * kChunksPerLane + c));
      const Element* e = reinterpret_cast<const Element*>(&packed);
#pragma unroll
      for (int i = 0; i < 8; ++i) x[c][i] = to_float(e[i]);
    }
    const bool valid = row < valid_rows;
    if (feature_map == kSoftmax) {
      float m = -INFINITY;
#pragma unroll
      for (int c = 0; c < kChunksPerLane; ++c)
#pragma unroll
        for (int i = 0; i < 8; ++i) m = fmaxf(m, x[c][i]);
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 1));
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 2));
      float sum = 0.f;
#pragma unroll
      for (int c = 0; c < kChunksPerLane; ++c)
#pragma unroll
        for (int i = 0; i < 8; ++i) {
          x[c][i] = __expf(x[c][i] - m);
          sum += x[c][i];
        }
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      sum += __shfl_xor_sync(0xffffffffu, sum, 2);
      const float inv = 1.f / sum;
#pragma unroll
      for (int c = 0; c < kChunksPerLane; ++c)
#pragma unroll
        for (int i = 0; i < 8; ++i) x[c][i] *= inv;
    } else {
#pragma unroll
      for (int c = 0; c < kChunksPerLane; ++c)
#pragma unroll
        for (int i = 0; i < 8; ++i)
          x[c][i] = feature_map == kEluPlusOne ? (x[c][i] > 0.f ? x[c][i] + 1.f : __expf(x[c][i])) : fmaxf(x[c][i], 0.f);
    }
#pragma unroll
    for (int c = 0; c < kChunksPerLane; ++c) {
      uint4 packed;
      Element* e = reinterpret_cast<Element*>(&packed);
#pragma unroll
      for (int i = 0; i < 8; ++i) e[i] = from_float<Element>(valid ? x[c][i] : 0.f);
      *reinterpret_cast<uint4*>(tile + Traits::swizzle(row, quarter * kChunksPerLane + c)) = packed;
    }
  }
}

// Launches `kernel` over (blocks, groups) CTAs of `threads` with `smem` bytes of dynamic shared
// memory, raising the kernel's limit first (the linear-branch kernels take more than 48 KB).
template <typename Params>
inline cudaError_t launch_over_blocks(void (*kernel)(Params), const Params& p, int blocks, int64_t groups, int threads,
                                      int smem, cudaStream_t stream) {
  const cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
  if (err != cudaSuccess) return err;
  kernel<<<dim3(blocks, static_cast<unsigned>(groups)), threads, smem, stream>>>(p);
  return cudaGetLastError();
}

// Launches `kernel` over runs of blocks that fill the device once: the occupancy's CTA slots
// shared among the groups, each CTA taking p.blocks_per_cta consecutive blocks (set here), so a
// run loads what its blocks share once.
template <typename Params>
inline cudaError_t launch_in_runs(void (*kernel)(Params), Params p, int blocks, int64_t groups, int threads, int smem,
                                  cudaStream_t stream) {
  int per_sm = 1;
  cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
  if (err == cudaSuccess) err = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, threads, smem);
  if (err != cudaSuccess) return err;
  const int64_t slots = std::max<int64_t>(1, int64_t(current_device_sms()) * per_sm);
  const int64_t runs_per_group = std::clamp<int64_t>(slots / std::max<int64_t>(1, groups), 1, blocks);
  p.blocks_per_cta = static_cast<int>((blocks + runs_per_group - 1) / runs_per_group);
  const int runs = (blocks + p.blocks_per_cta - 1) / p.blocks_per_cta;
  kernel<<<dim3(static_cast<unsigned>(runs), static_cast<unsigned>(groups)), threads, smem, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace mi::sla
