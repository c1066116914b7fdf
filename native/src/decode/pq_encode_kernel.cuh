// Product-quantization encode: each head_dim / M sub-vector of a 16-bit token vector becomes the
// index of its nearest centroid (squared Euclidean distance in fp32 over the sub-vector's 2-4
// elements, a strict "less than" scan in index order: ties go to the lowest index, as the CPU
// reference PqEncoder does).
//
// One CTA per (token tile range, kv head, sequence). It loads the head's whole codebook
// (M x 256 x head_dim/M fp32 = head_dim KB) into shared memory once, then walks 64-token tiles:
// the tile is staged in shared memory as fp32, and warp w encodes subspaces w, w + 16, ... for the
// tile's 64 tokens, two tokens per lane (lane and lane + 32). All lanes of a warp read the same
// centroid at each step (a broadcast, no bank conflict), and each centroid read serves both
// tokens. The scan over the 256 centroids is unrolled, uses selects rather than a branch per
// centroid, and keeps four independent running minima per token (merged at the end, lowest index
// on ties): with a few warps per scheduler, a single compare-select chain per token left the
// kernel waiting on its own latency (measured 1.2x from the selects alone on the H100).
//
// Short CTAs on purpose: a CTA encodes 128 tokens (under 0.1 ms at head_dim 128), so when the
// encode runs on a low-priority stream beside decode, an SM frees up for the decode kernel's
// high-priority CTAs within that time rather than after a long range; the codebook reload per
// CTA (head_dim KB from L2) stays about 2 % of its work.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "../attention/attention_traits.cuh"
#include "decode_elements.cuh"
#include "pq_encode_params.h"

namespace mi::decode {

constexpr int kEncodeThreads = 512;  // 16 warps: one CTA fills an SM (the codebook takes its shared memory)
constexpr int kEncodeTile = 64;  // tokens per tile: two per lane
constexpr int kCentroids = 256;
constexpr int kChains = 4;  // running minima per token (pq_encode_kernel says why)

template <int kHeadDim>
constexpr int encode_smem_bytes() {
  return (kHeadDim * kCentroids + kEncodeTile * kHeadDim) * int(sizeof(float));
}

namespace detail {

// One token's running nearest centroid: fp32 squared distance summed in element order, as the
// CPU reference's near-tie tolerance assumes; a strict "less than" keeps the lowest index.
struct Nearest {
  float distance = INFINITY;
  int code = 0;

  template <int kSubDim>
  __device__ __forceinline__ void consider(const float (&x)[kSubDim], const float (&c)[kSubDim], int index) {
    float d = 0.f;
#pragma unroll
    for (int j = 0; j < kSubDim; ++j) {
      const float difference = x[j] - c[j];
      d = fmaf(difference, difference, d);
    }
    const bool closer = d < distance;
    distance = closer ? d : distance;
    code = closer ? index : code;
  }

  // Joins another chain's minimum: the smaller distance, on a tie the lower index, which is what
  // one scan in index order would have kept.
  __device__ __forceinline__ void merge(const Nearest& other) {
    const bool take = other.distance < distance || (other.distance == distance && other.code < code);
    distance = take ? other.distance : distance;
    code = take ? other.code : code;
  }
};

}  // namespace detail

// grid (tile ranges, kv_heads, batch), kEncodeThreads threads, encode_smem_bytes<kHeadDim>().
template <int kHeadDim, typename Element, int kSubDim>
__global__ void __launch_bounds__(kEncodeThreads)
    pq_encode_kernel(const __grid_constant__ PqEncodeParams p) {
  constexpr int kSubspaces = kHeadDim / kSubDim;
  extern __shared__ float smem[];
  float* s_centroids = smem;                           // [M, C, kSubDim]
  float* s_tile = smem + kHeadDim * kCentroids;        // [kEncodeTile, kHeadDim]

  const int head = blockIdx.y;
  const int batch = blockIdx.z;
  // A count past max_tokens (a caller's bug on the device) reads no row past the input.
  const int count = p.counts != nullptr ? min(p.counts[batch], p.max_tokens) : p.max_tokens;
  const int offset = p.offsets != nullptr ? p.offsets[batch] : 0;
  const int tiles = (count + kEncodeTile - 1) / kEncodeTile;
  const int tile_begin = blockIdx.x * p.tiles_per_cta;
  const int tile_end = min(tiles, tile_begin + p.tiles_per_cta);
  if (tile_begin >= tile_end) return;  // the whole CTA: no barrier reached yet

  const float* centroids = p.centroids + int64_t(head) * p.centroid_head_stride;
  for (int i = threadIdx.x; i < kHeadDim * kCentroids; i += kEncodeThreads) s_centroids[i] = centroids[i];

  const auto* input = static_cast<const Element*>(p.input) + batch * p.input_strides.batch +
                      int64_t(head) * p.input_strides.head;
  uint8_t* codes = p.codes + batch * p.code_strides.batch + int64_t(head) * p.code_strides.head;
  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  for (int tile = tile_begin; tile < tile_end; ++tile) {
    const int first = tile * kEncodeTile;
    __syncthreads();  // the codebook landed (first tile); every warp is done with the last tile
    for (int i = threadIdx.x; i < kEncodeTile * kHeadDim; i += kEncodeThreads) {
      const int t = i / kHeadDim;
      const int d = i % kHeadDim;
      s_tile[i] = first + t < count ? detail::widen(input[int64_t(first + t) * p.input_strides.row + d]) : 0.f;
    }
    __syncthreads();
    for (int m = warp; m < kSubspaces; m += kEncodeThreads / 32) {
      float x0[kSubDim], x1[kSubDim];
#pragma unroll
      for (int j = 0; j < kSubDim; ++j) {
        x0[j] = s_tile[lane * kHeadDim + m * kSubDim + j];
        x1[j] = s_tile[(lane + 32) * kHeadDim + m * kSubDim + j];
      }
      const float* book = s_centroids + m * kCentroids * kSubDim;
      // kChains independent running minima per token (centroids ≡ chain mod kChains): one chain's
      // compare-select is a serial dependency, and two warps per scheduler cannot hide it.
      detail::Nearest near0[kChains], near1[kChains];
#pragma unroll 2
      for (int code = 0; code < kCentroids; code += kChains) {
#pragma unroll
        for (int chain = 0; chain < kChains; ++chain) {
          float c[kSubDim];
#pragma unroll
          for (int j = 0; j < kSubDim; ++j) c[j] = book[(code + chain) * kSubDim + j];
          near0[chain].consider<kSubDim>(x0, c, code + chain);
          near1[chain].consider<kSubDim>(x1, c, code + chain);
        }
      }
#pragma unroll
      for (int chain = 1; chain < kChains; ++chain) {
        near0[0].merge(near0[chain]);
        near1[0].merge(near1[chain]);
      }
      // A row outside [0, capacity) (offsets or counts the caller got wrong on the device) is
      // dropped rather than written past the cache.
#pragma unroll
      for (int half = 0; half < 2; ++half) {
        const int token = first + lane + 32 * half;
        const int64_t row = int64_t(offset) + token;
        if (token < count && row >= 0 && row < p.capacity)
          codes[row * p.code_strides.token + m] = static_cast<uint8_t>(half == 0 ? near0[0].code : near1[0].code);
      }
    }
  }
}

}  // namespace mi::decode
