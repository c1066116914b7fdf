// SLA forward, step 4 (sla_forward_params.h): per 64-row query block, the linear branch
// O_l = φ(q)·H / φ(q)·Z and the combination O = O_s + O_l·Wᵀ + b.
//
// The marginal-blocks semantics sums H and Z over a row's marginal key blocks. Rather than storing
// a D x D state per key block (O((N / 64)·D²) memory, the released code's out-of-memory problem),
// the kernel visits blocks the way attention does, S = φ(Q_i)·φ(K_j)ᵀ on tensor cores, then
// num ± S·V_j and den ± rowsum(S), over the cheaper of two walks (sla_block_walk.cuh): the marginal
// blocks directly, or the all-keys totals minus the critical and negligible blocks (15 % of a row
// by default: the work of attention over 15 % of the blocks, without the softmax). Memory stays
// O(N·D + D²).
//
// Precision: the totals H (stored / N, so fp16 holds them) and W enter as hi + lo 16-bit halves
// (two MMAs), accumulators and denominators are fp32, and a subtracting walk's S enters as hi + lo
// too: a subtraction happens only where what remains holds at least half the tokens, but a few
// tokens can outweigh many (sla_warp_mma.cuh, mma_regs_nn_split). φ(q) and φ(k) are
// rounded to the element type once and enter totals and visited blocks identically. A row with no
// marginal token, or whose denominator is not positive (relu), gets O_l = 0, as the reference.
//
// One CTA of 4 warps per (query block, head, batch); warp w owns rows [16w, 16w + 16). Shared
// memory: the φ(Q) tile (later O_l's staging, each warp its own rows), one K and one V tile, and
// two D x D element tiles that hold H hi/lo, then W hi/lo (loaded while the excluded blocks run).
#include <cuda_runtime.h>

#include <cstdint>

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/csr_rows.cuh"
#include "../common/device_primitives.cuh"
#include "mi_instantiations.h"
#include "sla_forward_params.h"
#include "sla_block_walk.cuh"
#include "sla_warp_mma.cuh"

namespace mi::sla {
namespace {

constexpr int kBlock = 64;
constexpr int kWarps = 4;
constexpr int kSTiles = kBlock / 8;

template <typename Traits>
struct LinearSmem {
  using Element = typename Traits::Element;
  static constexpr int kTileElems = kBlock * Traits::kHeadDim;
  static constexpr int kStateElems = Traits::kHeadDim * Traits::kHeadDim;
  static constexpr int kBytes = (3 * kTileElems + 2 * kStateElems) * int(sizeof(Element)) +
                                2 * Traits::kHeadDim * int(sizeof(float));
};

template <typename Traits>
__global__ void __launch_bounds__(Traits::kThreads) linear_fwd_kernel(const __grid_constant__ LinearParams p) {
  using Element = typename Traits::Element;
  using index_t = int64_t;
  using Smem = LinearSmem<Traits>;
  constexpr int kHeadDim = Traits::kHeadDim;
  constexpr int kOTiles = Traits::kOTiles;

  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_q = reinterpret_cast<Element*>(smem_raw);
  Element* s_k = s_q + Smem::kTileElems;
  Element* s_v = s_k + Smem::kTileElems;
  Element* s_hi = s_v + Smem::kTileElems;
  Element* s_lo = s_hi + Smem::kStateElems;
  float* s_z = reinterpret_cast<float*>(s_lo + Smem::kStateElems);
  float* s_bias = s_z + kHeadDim;

  const int qb = blockIdx.x;
  const int head = blockIdx.y;
  const int batch = blockIdx.z;
  const int64_t group = int64_t(batch) * p.heads + head;
  const int m0 = qb * kBlock;
  const int rows = min(kBlock, p.n - m0);
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int warp_row0 = warp * 16;

  const auto* q = static_cast<const Element*>(p.q) + batch * p.q_strides.batch + head * p.q_strides.head;
  const auto* k = static_cast<const Element*>(p.k) + batch * p.k_strides.batch + head * p.k_strides.head;
  const auto* v = static_cast<const Element*>(p.v) + batch * p.v_strides.batch + head * p.v_strides.head;
  attention::detail::load_tile_async<Traits, kBlock>(s_q, q, p.q_strides.row, m0, p.n);
  const auto* h_hi = static_cast<const Element*>(p.h_hi) + group * kHeadDim * kHeadDim;
  const auto* h_lo = static_cast<const Element*>(p.h_lo) + group * kHeadDim * kHeadDim;
  attention::detail::load_tile_async<Traits, kHeadDim>(s_hi, h_hi, kHeadDim, 0, kHeadDim);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_lo, h_lo, kHeadDim, 0, kHeadDim);
  device::cp_async_commit();
  for (int i = threadIdx.x; i < kHeadDim; i += Traits::kThreads) {
    s_z[i] = p.z[group * kHeadDim + i];
    s_bias[i] = p.bias[i];
  }
  device::cp_async_wait<0>();
  __syncthreads();
  apply_feature_map<Traits, kBlock>(s_q, rows, p.feature_map);
  __syncthreads();

  // The walk over the linear branch's blocks: the marginal ones directly, or (subtract) every key
  // minus the critical and negligible ones (sla_block_walk.cuh). Without exclusions (all keys),
  // nothing is walked.
  const int64_t csr_row = group * p.blocks + qb;
  const CsrIndex none{nullptr, nullptr, 0};
  BlockWalk walk(p.all_keys ? none : p.critical, p.all_keys ? CsrRow{0, 0} : CsrRow::read(p.critical, csr_row),
                 p.all_keys ? none : p.negligible, p.all_keys ? CsrRow{0, 0} : CsrRow::read(p.negligible, csr_row),
                 0, p.causal ? qb : p.blocks, p.n, p.causal);
  const bool direct = walk.direct();
  const float sign = direct ? 1.f : -1.f;

  // The all-keys terms (subtract mode): φ(q)·Z per row (lanes l and l + 16 each take half of row
  // warp_row0 + l % 16), and num = φ(q)·H (H stored / N: scaled back).
  const uint32_t s_q_addr = device::smem_address(s_q);
  float total_den[2] = {0.f, 0.f};
  float num[kOTiles][4];
  zero_acc<16, kHeadDim>(num);
  if (!direct) {
    const int row = warp_row0 + lane % 16;
    const int a0 = (lane / 16) * (kHeadDim / 2);
    float dot = 0.f;
#pragma unroll 8
    for (int a = a0; a < a0 + kHeadDim / 2; ++a) dot = fmaf(to_float(s_q[Traits::swizzle(row, a / 8) + a % 8]), s_z[a], dot);
    dot += __shfl_xor_sync(0xffffffffu, dot, 16);
    total_den[0] = __shfl_sync(0xffffffffu, dot, lane / 4);
    total_den[1] = __shfl_sync(0xffffffffu, dot, lane / 4 + 8);
    mma_nn<Traits>(num, s_q_addr, warp_row0, device::smem_address(s_hi));
    mma_nn<Traits>(num, s_q_addr, warp_row0, device::smem_address(s_lo));
#pragma unroll
    for (int t = 0; t < kOTiles; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) num[t][e] *= float(p.n);
  }
  __syncthreads();  // every warp is done with H: W takes its place, in flight during the walk
  attention::detail::load_tile_async<Traits, kHeadDim>(s_hi, static_cast<const Element*>(p.w_hi), kHeadDim, 0, kHeadDim);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_lo, static_cast<const Element*>(p.w_lo), kHeadDim, 0, kHeadDim);
  device::cp_async_commit();

  float walked_den[2] = {0.f, 0.f};  // this thread's partial row sums of the walked S
  const uint32_t s_k_addr = device::smem_address(s_k);
  const uint32_t s_v_addr = device::smem_address(s_v);
  for (int block = walk.next(); block >= 0 && !walk.empty(); block = walk.next()) {
    const int first = block * kBlock;
    __syncthreads();  // every warp finished reading the previous K and V
    attention::detail::load_tile_async<Traits, kBlock>(s_k, k, p.k_strides.row, first, p.n);
    attention::detail::load_tile_async<Traits, kBlock>(s_v, v, p.v_strides.row, first, p.n);
    device::cp_async_commit();
    device::cp_async_wait<0>();
    __syncthreads();
    apply_feature_map<Traits, kBlock>(s_k, min(kBlock, p.n - first), p.feature_map);
    __syncthreads();
    float s[kSTiles][4];
    zero_acc<16, kBlock>(s);
    mma_nt<Traits, kBlock>(s, s_q_addr, warp_row0, s_k_addr);
    // S enters num = S·V rounded to the element type (the MMA's A operand). A direct walk sums the
    // whole linear set, so den sums the same rounded values: O_l is then a true weighted mean of the
    // walked v. Summing the unrounded S made O_l = v·(1 ± 2⁻⁹) where one key is the whole linear set,
    // and the backward's dnum·v + dden, exactly 0 there, kept that error divided by a small den (dQ
    // 1.06e-2 rel-L2, relu, N = 65, bf16). A subtracting walk keeps S to the totals' precision (H
    // from two 16-bit halves, Z in fp32): S enters num as hi + lo halves and den unrounded; rounding
    // the subtracted part alone made dK 2.6e-2 in that same case (H100, 2026-12-07).
#pragma unroll
    for (int t = 0; t < kSTiles; ++t) {
      if (direct)
#pragma unroll
        for (int e = 0; e < 4; ++e) s[t][e] = to_float(from_float<Element>(s[t][e]));
      walked_den[0] += s[t][0] + s[t][1];
      walked_den[1] += s[t][2] + s[t][3];
    }
    if (direct)
      mma_regs_nn<Traits>(num, s, sign, s_v_addr);  // num + S·V
    else
      mma_regs_nn_split<Traits>(num, s, sign, s_v_addr);  // num - S·V, S to the totals' precision
  }

  // O_l per row; staged (rounded) in the warp's own rows of the φ(Q) tile for the Proj MMA.
  float inv_den[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    float walked = walked_den[h];
    walked += __shfl_xor_sync(0xffffffffu, walked, 1);
    walked += __shfl_xor_sync(0xffffffffu, walked, 2);
    if (p.all_keys) {
      inv_den[h] = 1.f / (total_den[h] + 1e-5f);
    } else {
      const float den = direct ? walked : total_den[h] - walked;
      inv_den[h] = !walk.empty() && den > 0.f ? 1.f / den : 0.f;
    }
  }
  if (p.inv_den != nullptr && lane % 4 == 0)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = m0 + warp_row0 + lane / 4 + 8 * h;
      if (row < p.n) p.inv_den[group * p.n + row] = inv_den[h];
    }
  __syncwarp();  // the warp's reads of its φ(Q) rows are done
  auto* o_linear = static_cast<Element*>(p.o_linear);
  if (o_linear != nullptr) o_linear += batch * p.l_strides.batch + head * p.l_strides.head;
#pragma unroll
  for (int t = 0; t < kOTiles; ++t)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int local = warp_row0 + lane / 4 + 8 * h;
      const int c = t * 8 + 2 * (lane % 4);
      const uint32_t packed = device::pack2<Element>(num[t][2 * h] * inv_den[h], num[t][2 * h + 1] * inv_den[h]);
      *reinterpret_cast<uint32_t*>(s_q + Traits::swizzle(local, t) + 2 * (lane % 4)) = packed;
      if (o_linear != nullptr && m0 + local < p.n)
        *reinterpret_cast<uint32_t*>(o_linear + index_t(m0 + local) * p.l_strides.row + c) = packed;
    }
  device::cp_async_wait<0>();
  __syncthreads();  // W landed; every warp's O_l rows are staged

  // O = O_s + O_l·Wᵀ + b: W stored [out][in] is Wᵀ's N x K layout (as K in Q·Kᵀ).
  float y[kOTiles][4];
#pragma unroll
  for (int t = 0; t < kOTiles; ++t)
#pragma unroll
    for (int e = 0; e < 4; ++e) y[t][e] = 0.f;
  mma_nt<Traits, kHeadDim>(y, s_q_addr, warp_row0, device::smem_address(s_hi));
  mma_nt<Traits, kHeadDim>(y, s_q_addr, warp_row0, device::smem_address(s_lo));
  const auto* o_sparse = static_cast<const Element*>(p.o_sparse) + batch * p.s_strides.batch + head * p.s_strides.head;
  auto* o = static_cast<Element*>(p.o) + batch * p.o_strides.batch + head * p.o_strides.head;
#pragma unroll
  for (int t = 0; t < kOTiles; ++t)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = m0 + warp_row0 + lane / 4 + 8 * h;
      if (row >= p.n) continue;
      const int c = t * 8 + 2 * (lane % 4);
      const uint32_t sparse_bits = *reinterpret_cast<const uint32_t*>(o_sparse + index_t(row) * p.s_strides.row + c);
      const Element* sparse = reinterpret_cast<const Element*>(&sparse_bits);
      *reinterpret_cast<uint32_t*>(o + index_t(row) * p.o_strides.row + c) =
          device::pack2<Element>(to_float(sparse[0]) + y[t][2 * h] + s_bias[c], to_float(sparse[1]) + y[t][2 * h + 1] + s_bias[c + 1]);
    }
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_fwd(const LinearParams& p, int batch, cudaStream_t stream) {
  using Traits = SlaTileTraits<kHeadDim, kElement, kWarps>;
  constexpr int kSmem = LinearSmem<Traits>::kBytes;
  const auto kernel = linear_fwd_kernel<Traits>;
  cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  kernel<<<dim3(p.blocks, p.heads, batch), Traits::kThreads, kSmem, stream>>>(p);
  return cudaGetLastError();
}

#define MI_INSTANTIATE_LINEAR_FWD(D)                                                                     \
  template cudaError_t run_linear_fwd<D, attention::ElementType::kFloat16>(const LinearParams&, int,       \
                                                                           cudaStream_t);                  \
  template cudaError_t run_linear_fwd<D, attention::ElementType::kBFloat16>(const LinearParams&, int,      \
                                                                            cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_LINEAR_FWD)

}  // namespace mi::sla
