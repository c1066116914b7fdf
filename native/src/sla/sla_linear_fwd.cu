// SLA forward, step 4 (sla_forward_params.h): per 64-row query block, the linear branch
// O_l = φ(q)·H / φ(q)·Z and the combination O = O_s + O_l·Wᵀ + b.
//
// H and Z are the group's all-keys totals (the released branch) or the query block's marginal
// state from the GEMM of step 2 (the paper's: H_i and Z_i sum exactly the row's marginal blocks).
// Either way this step is two small products per row block: no key is visited here.
//
// Precision: H and W enter as hi + lo 16-bit halves (two MMAs each), stored / n so that fp16 holds
// them; accumulators and denominators are fp32. φ(q) is rounded to the element type once. A row
// with no marginal token (its Z_i is exactly 0), or whose denominator is not positive (relu), gets
// O_l = 0, as the reference.
//
// One CTA of 4 warps per (query block, group); warp w owns rows [16w, 16w + 16). Shared memory:
// the φ(Q) tile (later O_l's staging, each warp its own rows) and two D x D element tiles that hold
// H hi/lo, then W hi/lo.
#include <cuda_runtime.h>

#include <cstdint>

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/device_primitives.cuh"
#include "mi_instantiations.h"
#include "sla_forward_params.h"
#include "sla_warp_mma.cuh"

namespace mi::sla {
namespace {

constexpr int kBlock = 64;
constexpr int kWarps = 4;

template <typename Traits>
struct LinearSmem {
  using Element = typename Traits::Element;
  static constexpr int kTileElems = kBlock * Traits::kHeadDim;
  static constexpr int kStateElems = Traits::kHeadDim * Traits::kHeadDim;
  static constexpr int kBytes = (kTileElems + 2 * kStateElems) * int(sizeof(Element)) +
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
  Element* s_hi = s_q + Smem::kTileElems;
  Element* s_lo = s_hi + Smem::kStateElems;
  float* s_z = reinterpret_cast<float*>(s_lo + Smem::kStateElems);
  float* s_bias = s_z + kHeadDim;

  const int qb = blockIdx.x;
  const int64_t local_group = blockIdx.y;
  const int64_t group = local_group + p.group_offset;
  const int64_t batch = group / p.heads;
  const int head = static_cast<int>(group % p.heads);
  const int m0 = qb * kBlock;
  const int rows = min(kBlock, p.n - m0);
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int warp_row0 = warp * 16;

  const auto* q = static_cast<const Element*>(p.q) + batch * p.q_strides.batch + head * p.q_strides.head;
  attention::detail::load_tile_async<Traits, kBlock>(s_q, q, p.q_strides.row, m0, p.n);
  // The state: the group's totals, or this block's row of the GEMM's output ([H, Z] / n), which a
  // block without marginal blocks does not have (its state is 0: O_l = 0, as the GEMM would give).
  const bool has_state = p.all_keys || p.any[local_group * p.blocks + qb] != 0u;
  const index_t state = p.all_keys ? group * kHeadDim * kHeadDim : (local_group * p.blocks + qb) * p.state_cols;
  const auto* h_hi = static_cast<const Element*>(p.h_hi) + state;
  const auto* h_lo = static_cast<const Element*>(p.h_lo) + state;
  if (has_state) {
    attention::detail::load_tile_async<Traits, kHeadDim>(s_hi, h_hi, kHeadDim, 0, kHeadDim);
    attention::detail::load_tile_async<Traits, kHeadDim>(s_lo, h_lo, kHeadDim, 0, kHeadDim);
  }
  device::cp_async_commit();
  for (int i = threadIdx.x; i < kHeadDim; i += Traits::kThreads) {
    s_z[i] = !has_state ? 0.f
             : p.all_keys ? p.z[group * kHeadDim + i]
                          : to_float(h_hi[kHeadDim * kHeadDim + i]) + to_float(h_lo[kHeadDim * kHeadDim + i]);
    s_bias[i] = p.bias[i];
  }
  device::cp_async_wait<0>();
  __syncthreads();
  apply_feature_map<Traits, kBlock>(s_q, rows, p.feature_map);
  __syncthreads();

  // den = φ(q)·Z per row (lanes l and l + 16 each take half of row warp_row0 + l % 16) and
  // num = φ(q)·H; both states are stored / n (the totals' Z is not), which the ratio cancels.
  const uint32_t s_q_addr = device::smem_address(s_q);
  float den[2];
  {
    const int row = warp_row0 + lane % 16;
    const int a0 = (lane / 16) * (kHeadDim / 2);
    float dot = 0.f;
#pragma unroll 8
    for (int a = a0; a < a0 + kHeadDim / 2; ++a) dot = fmaf(to_float(s_q[Traits::swizzle(row, a / 8) + a % 8]), s_z[a], dot);
    dot += __shfl_xor_sync(0xffffffffu, dot, 16);
    den[0] = __shfl_sync(0xffffffffu, dot, lane / 4);
    den[1] = __shfl_sync(0xffffffffu, dot, lane / 4 + 8);
  }
  float num[kOTiles][4];
  zero_acc<16, kHeadDim>(num);
  if (has_state) {
    mma_nn<Traits>(num, s_q_addr, warp_row0, device::smem_address(s_hi));
    mma_nn<Traits>(num, s_q_addr, warp_row0, device::smem_address(s_lo));
  }
  __syncthreads();  // every warp is done with H: W takes its place
  attention::detail::load_tile_async<Traits, kHeadDim>(s_hi, static_cast<const Element*>(p.w_hi), kHeadDim, 0, kHeadDim);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_lo, static_cast<const Element*>(p.w_lo), kHeadDim, 0, kHeadDim);
  device::cp_async_commit();

  // 1 / den of the unscaled sums: the totals' num is scaled back by n and its Z is unscaled; the
  // marginal state has both / n.
  const float num_scale = float(p.n);
  float inv_den[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    if (p.all_keys) {
      inv_den[h] = 1.f / (den[h] + 1e-5f);
    } else {
      const float full = den[h] * float(p.n);
      inv_den[h] = full > 0.f ? 1.f / full : 0.f;
    }
  }
#pragma unroll
  for (int t = 0; t < kOTiles; ++t)
#pragma unroll
    for (int e = 0; e < 4; ++e) num[t][e] *= num_scale;
  if (p.inv_den != nullptr && lane % 4 == 0)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = m0 + warp_row0 + lane / 4 + 8 * h;
      if (row < p.n) p.inv_den[group * p.n + row] = inv_den[h];
    }
  // O_l per row; staged (rounded) in the warp's own rows of the φ(Q) tile for the Proj MMA.
  __syncwarp();  // the warp's reads of its φ(Q) rows are done (den, num)
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
cudaError_t run_linear_fwd(const LinearParams& p, int64_t groups, cudaStream_t stream) {
  using Traits = SlaTileTraits<kHeadDim, kElement, kWarps>;
  return launch_over_blocks(linear_fwd_kernel<Traits>, p, p.blocks, groups, Traits::kThreads, LinearSmem<Traits>::kBytes, stream);
}

#define MI_INSTANTIATE_LINEAR_FWD(D)                                                                     \
  template cudaError_t run_linear_fwd<D, attention::ElementType::kFloat16>(const LinearParams&, int64_t,   \
                                                                           cudaStream_t);                  \
  template cudaError_t run_linear_fwd<D, attention::ElementType::kBFloat16>(const LinearParams&, int64_t,  \
                                                                            cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_LINEAR_FWD)

}  // namespace mi::sla
