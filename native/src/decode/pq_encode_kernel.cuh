// Product-quantization encode: each head_dim / M sub-vector of a 16-bit token vector becomes the
// index of its nearest centroid (squared Euclidean distance in fp32 over the sub-vector's 2-4
// elements, a strict "less than" scan in index order: ties go to the lowest index, as the CPU
// reference PqEncoder does).
//
// One CTA per (token tile range, kv head, sequence). It loads the head's whole codebook
// (M x 256 x head_dim/M fp32 = head_dim KB) into shared memory once, then walks 32-token tiles:
// the tile is staged in shared memory as fp32, and warp w encodes subspaces w, w + 8, ... for the
// tile's 32 tokens, one token per lane. All lanes of a warp read the same centroid at each step
// (a broadcast, no bank conflict); the distances of one lane are independent of the others.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "../attention/attention_traits.cuh"
#include "decode_elements.cuh"
#include "pq_encode_params.h"

namespace mi::decode {

constexpr int kEncodeThreads = 256;
constexpr int kEncodeTile = 32;  // tokens per tile: one per lane
constexpr int kCentroids = 256;

template <int kHeadDim>
constexpr int encode_smem_bytes() {
  return (kHeadDim * kCentroids + kEncodeTile * kHeadDim) * int(sizeof(float));
}



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
  const int tile_begin = static_cast<int>(int64_t(tiles) * blockIdx.x / gridDim.x);
  const int tile_end = static_cast<int>(int64_t(tiles) * (blockIdx.x + 1) / gridDim.x);
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
    const int token = first + lane;
    for (int m = warp; m < kSubspaces; m += kEncodeThreads / 32) {
      float x[kSubDim];
#pragma unroll
      for (int j = 0; j < kSubDim; ++j) x[j] = s_tile[lane * kHeadDim + m * kSubDim + j];
      const float* c = s_centroids + m * kCentroids * kSubDim;
      float best = INFINITY;
      int best_code = 0;
      for (int code = 0; code < kCentroids; ++code) {
        float distance = 0.f;
#pragma unroll
        for (int j = 0; j < kSubDim; ++j) {
          const float difference = x[j] - c[code * kSubDim + j];
          distance = fmaf(difference, difference, distance);
        }
        if (distance < best) {
          best = distance;
          best_code = code;
        }
      }
      // A row outside [0, capacity) (offsets or counts the caller got wrong on the device) is
      // dropped rather than written past the cache.
      const int64_t row = int64_t(offset) + token;
      if (token < count && row >= 0 && row < p.capacity)
        codes[row * p.code_strides.token + m] = static_cast<uint8_t>(best_code);
    }
  }
}

}  // namespace mi::decode
