// SLA backward, step 3 (sla_backward_params.h): per row of dO, what every later step reads.
//   D    = dO·O_s                      (the critical branch's FlashAttention-2 delta)
//   g    = dO·W                        (dO_l: Proj's input gradient; W stored [out][in])
//   dnum = g / den,  dden = -dnum·O_l         (the linear branch's numerator and denominator
//                                       gradients; den from the forward, 0 where its branch is off)
// One CTA of 4 warps per (64-row block, group); warp w owns rows [16w, 16w + 16). g comes from
// tensor cores with W as hi + lo halves; dnum is stored in the element type (it feeds MMAs only).
#include <cuda_runtime.h>

#include <cstdint>

#include "../attention/attention_fwd_kernel.cuh"
#include "mi_instantiations.h"
#include "sla_backward_params.h"
#include "sla_warp_mma.cuh"

namespace mi::sla {
namespace {

constexpr int kBlock = 64;

template <typename Traits>
__global__ void __launch_bounds__(Traits::kThreads) backward_prep_kernel(const __grid_constant__ PrepParams p) {
  using Element = typename Traits::Element;
  constexpr int kHeadDim = Traits::kHeadDim;
  constexpr int kTileElems = kBlock * kHeadDim;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_do = reinterpret_cast<Element*>(smem_raw);
  Element* s_os = s_do + kTileElems;
  Element* s_ol = s_os + kTileElems;
  Element* s_whi = s_ol + kTileElems;
  Element* s_wlo = s_whi + kHeadDim * kHeadDim;

  const int64_t group = blockIdx.y;
  const int64_t batch = group / p.heads;
  const int head = static_cast<int>(group % p.heads);
  const int m0 = blockIdx.x * kBlock;
  const int lane = threadIdx.x % 32;
  const int row0 = (threadIdx.x / 32) * 16;
  const auto* d_o = static_cast<const Element*>(p.d_o) + batch * p.do_strides.batch + head * p.do_strides.head;
  const auto* o_s = static_cast<const Element*>(p.o_sparse) + batch * p.s_strides.batch + head * p.s_strides.head;
  const auto* o_l = static_cast<const Element*>(p.o_linear) + batch * p.l_strides.batch + head * p.l_strides.head;
  attention::detail::load_tile_async<Traits, kBlock>(s_do, d_o, p.do_strides.row, m0, p.n);
  attention::detail::load_tile_async<Traits, kBlock>(s_os, o_s, p.s_strides.row, m0, p.n);
  attention::detail::load_tile_async<Traits, kBlock>(s_ol, o_l, p.l_strides.row, m0, p.n);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_whi, static_cast<const Element*>(p.w_hi), kHeadDim, 0, kHeadDim);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_wlo, static_cast<const Element*>(p.w_lo), kHeadDim, 0, kHeadDim);
  device::cp_async_commit();
  device::cp_async_wait<0>();
  __syncthreads();

  float g[kHeadDim / 8][4];
  zero_acc<16, kHeadDim>(g);
  const uint32_t s_do_addr = device::smem_address(s_do);
  mma_nn<Traits>(g, s_do_addr, row0, device::smem_address(s_whi));
  mma_nn<Traits>(g, s_do_addr, row0, device::smem_address(s_wlo));

  float inv_den[2];
  float g_dot_ol[2];
  float delta[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const int row = m0 + row0 + lane / 4 + 8 * h;
    inv_den[h] = row < p.n ? p.inv_den[group * p.n + row] : 0.f;
  }
  // dden from dnum as the MMAs will read it (rounded to the element type), not from g: the two
  // terms dnum·v_j and dden cancel where O_l ≈ v_j (a row whose linear set is one key, or keys
  // alike), and rounding only one of them left its rounding error, divided by a small den, in
  // dQ and dK (measured 3 % rel-L2 in bf16 at N = 65 with relu).
  row_sums<kHeadDim>(g, g_dot_ol, [&](float x, int c, int h) {
    const float rounded_dnum = to_float(from_float<Element>(x * inv_den[h]));
    return rounded_dnum * tile_at<Traits>(s_ol, row0 + lane / 4 + 8 * h, c);
  });
  // D = dO·O_s from the tiles, the quad's lanes splitting the columns as the accumulators do.
  row_sums<kHeadDim>(g, delta, [&](float, int c, int h) {
    const int r = row0 + lane / 4 + 8 * h;
    return tile_at<Traits>(s_do, r, c) * tile_at<Traits>(s_os, r, c);
  });

  auto* dnum = static_cast<Element*>(p.dnum) + group * p.n * int64_t(kHeadDim);
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const int row = m0 + row0 + lane / 4 + 8 * h;
    if (row >= p.n) continue;
#pragma unroll
    for (int t = 0; t < kHeadDim / 8; ++t) {
      const int c = t * 8 + 2 * (lane % 4);
      *reinterpret_cast<uint32_t*>(dnum + int64_t(row) * kHeadDim + c) =
          device::pack2<Element>(g[t][2 * h] * inv_den[h], g[t][2 * h + 1] * inv_den[h]);
    }
    if (lane % 4 == 0) {
      p.delta[group * p.n + row] = delta[h];
      p.dden[group * p.n + row] = -g_dot_ol[h];
    }
  }
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_backward_prep(const PrepParams& p, int64_t groups, cudaStream_t stream) {
  using Traits = SlaTileTraits<kHeadDim, kElement, 4>;
  using Element = typename Traits::Element;
  constexpr int kSmem = (3 * kBlock * kHeadDim + 2 * kHeadDim * kHeadDim) * int(sizeof(Element));
  cudaError_t err = cudaFuncSetAttribute(backward_prep_kernel<Traits>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  backward_prep_kernel<Traits><<<dim3((p.n + kBlock - 1) / kBlock, static_cast<unsigned>(groups)), Traits::kThreads, kSmem, stream>>>(p);
  return cudaGetLastError();
}

#define MI_INSTANTIATE_BACKWARD_PREP(D)                                                                           \
  template cudaError_t run_backward_prep<D, attention::ElementType::kFloat16>(const PrepParams&, int64_t, cudaStream_t); \
  template cudaError_t run_backward_prep<D, attention::ElementType::kBFloat16>(const PrepParams&, int64_t, cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_BACKWARD_PREP)

}  // namespace mi::sla
