// Warp-level products of the SLA kernels on m16n8k16 MMAs (fp32 accumulators), each for one warp's
// 16 rows. Operand tiles are the swizzled [rows][head_dim] shared tiles of SlaTileTraits; an
// accumulator tile is the MMA's C layout: acc[t][e] holds row lane / 4 + 8·(e / 2), column
// 8t + 2·(lane % 4) + e % 2.
//
//   mma_nt:        acc (16 x N) += A·Bᵀ, A = 16 rows of a tile, B = N rows of a tile (K = head_dim):
//                  S = Q·Kᵀ, dP = dO·Vᵀ, Sᵀ = K·Qᵀ, and X·Wᵀ with W stored [out][in].
//   mma_nn:        acc (16 x kCols) += A·B, A = 16 rows of a tile, B columns [col0, col0 + kCols)
//                  of a [K][D] tile read transposed (ldmatrix.trans), K = head_dim: X·H with H
//                  stored [in][out] (kCols = D, or a warp's share of the columns).
//   mma_regs_nn:   acc (16 x D) += P·B, P a 16 x 64 accumulator tile in registers (its C
//                  layout is the A layout of four k16 steps), B a [64][D] tile read transposed: P·V,
//                  dS·K, Pᵀ·dO.
#pragma once

#include "../common/device_primitives.cuh"
#include "sla_tiles.cuh"

namespace mi::sla {

template <int kRows, int kCols>
__device__ __forceinline__ void zero_acc(float (&acc)[kCols / 8][4]) {
#pragma unroll
  for (int t = 0; t < kCols / 8; ++t)
#pragma unroll
    for (int e = 0; e < 4; ++e) acc[t][e] = 0.f;
}

template <typename Traits, int kNRows>
__device__ __forceinline__ void mma_nt(float (&acc)[kNRows / 8][4], uint32_t a_addr, int a_row0, uint32_t b_addr) {
  using Mma = device::Mma16816<typename Traits::Element>;
  const int lane = threadIdx.x % 32;
#pragma unroll
  for (int ks = 0; ks < Traits::kHeadDim / 16; ++ks) {
    uint32_t a[4];
    device::ldmatrix_x4(a, a_addr + 2 * Traits::swizzle(a_row0 + (lane % 16), ks * 2 + lane / 16));
#pragma unroll
    for (int np = 0; np < kNRows / 16; ++np) {
      uint32_t b[4];
      device::ldmatrix_x4(b, b_addr + 2 * Traits::swizzle(np * 16 + (lane % 8) + (lane / 16) * 8, ks * 2 + (lane / 8) % 2));
      Mma::run(acc[2 * np], a, b[0], b[1]);
      Mma::run(acc[2 * np + 1], a, b[2], b[3]);
    }
  }
}

template <typename Traits, int kCols = Traits::kHeadDim>
__device__ __forceinline__ void mma_nn(float (&acc)[kCols / 8][4], uint32_t a_addr, int a_row0, uint32_t b_addr, int col0 = 0) {
  using Mma = device::Mma16816<typename Traits::Element>;
  static_assert(kCols % 16 == 0, "whole 16-column steps of B");
  const int lane = threadIdx.x % 32;
#pragma unroll
  for (int ks = 0; ks < Traits::kHeadDim / 16; ++ks) {
    uint32_t a[4];
    device::ldmatrix_x4(a, a_addr + 2 * Traits::swizzle(a_row0 + (lane % 16), ks * 2 + lane / 16));
#pragma unroll
    for (int dp = 0; dp < kCols / 16; ++dp) {
      uint32_t b[4];
      device::ldmatrix_x4_trans(b, b_addr + 2 * Traits::swizzle(ks * 16 + (lane % 8) + ((lane / 8) % 2) * 8, col0 / 8 + dp * 2 + lane / 16));
      Mma::run(acc[2 * dp], a, b[0], b[1]);
      Mma::run(acc[2 * dp + 1], a, b[2], b[3]);
    }
  }
}

// P's k16 step kk as an A fragment.
template <typename Element>
__device__ __forceinline__ void a_fragment(uint32_t (&a)[4], const float (&p)[8][4], int kk) {
#pragma unroll
  for (int r = 0; r < 4; ++r)
    a[r] = device::pack2<Element>(p[2 * kk + r / 2][(r % 2) * 2], p[2 * kk + r / 2][(r % 2) * 2 + 1]);
}

template <typename Traits>
__device__ __forceinline__ void mma_regs_nn(float (&acc)[Traits::kHeadDim / 8][4], const float (&p)[8][4],
                                            uint32_t b_addr) {
  using Element = typename Traits::Element;
  using Mma = device::Mma16816<Element>;
  const int lane = threadIdx.x % 32;
#pragma unroll
  for (int kk = 0; kk < 4; ++kk) {
    uint32_t a[4];
    a_fragment<Element>(a, p, kk);
#pragma unroll
    for (int dp = 0; dp < Traits::kHeadDim / 16; ++dp) {
      uint32_t b[4];
      device::ldmatrix_x4_trans(b, b_addr + 2 * Traits::swizzle(kk * 16 + (lane % 8) + ((lane / 8) % 2) * 8, dp * 2 + lane / 16));
      Mma::run(acc[2 * dp], a, b[0], b[1]);
      Mma::run(acc[2 * dp + 1], a, b[2], b[3]);
    }
  }
}

// Σ over a row's values of an accumulator tile, for rows lane / 4 (h = 0) and lane / 4 + 8 (h = 1),
// of f(value, column); the quad's four lanes hold a row's columns, so two shuffles finish it.
template <int kCols, typename F>
__device__ __forceinline__ void row_sums(const float (&acc)[kCols / 8][4], float (&sum)[2], F f) {
  const int lane = threadIdx.x % 32;
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    float s = 0.f;
#pragma unroll
    for (int t = 0; t < kCols / 8; ++t)
#pragma unroll
      for (int e = 0; e < 2; ++e) s += f(acc[t][2 * h + e], t * 8 + 2 * (lane % 4) + e, h);
    s += __shfl_xor_sync(0xffffffffu, s, 1);
    s += __shfl_xor_sync(0xffffffffu, s, 2);
    sum[h] = s;
  }
}

// The element at (row, column) of a swizzled tile, as fp32.
template <typename Traits>
__device__ __forceinline__ float tile_at(const typename Traits::Element* tile, int row, int column) {
  return to_float(tile[Traits::swizzle(row, column / 8) + column % 8]);
}

// dx = J_φ(x)ᵀ·dy for a warp's rows of accumulator dy (16 x D), with y = φ(x) in `features` (a
// tile, the warp's rows from row0): softmax y ⊙ (dy - y·dy); elu+1: dy where y > 1 (x > 0), else
// dy·y; relu: dy where y > 0. Every case needs only y, so x is never kept.
template <typename Traits>
__device__ __forceinline__ void feature_map_backward(float (&dy)[Traits::kHeadDim / 8][4],
                                                     const typename Traits::Element* features, int row0, int feature_map) {
  const int lane = threadIdx.x % 32;
  float dot[2] = {0.f, 0.f};
  if (feature_map == kSoftmax)
    row_sums<Traits::kHeadDim>(dy, dot, [&](float g, int c, int h) {
      return g * tile_at<Traits>(features, row0 + lane / 4 + 8 * h, c);
    });
#pragma unroll
  for (int t = 0; t < Traits::kHeadDim / 8; ++t)
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      const float y = tile_at<Traits>(features, row0 + lane / 4 + 8 * (e / 2), t * 8 + 2 * (lane % 4) + e % 2);
      float& g = dy[t][e];
      g = feature_map == kSoftmax    ? y * (g - dot[e / 2])
          : feature_map == kEluPlusOne ? (y > 1.f ? g : g * y)
          : feature_map == kRelu       ? (y > 0.f ? g : 0.f)
                                       : g;
    }
}

}  // namespace mi::sla
