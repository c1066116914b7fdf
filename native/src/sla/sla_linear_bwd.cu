// SLA backward, step 5 (sla_backward_params.h): the linear branch's dq, dk and dv, written (the
// critical blocks' gradients are added by step 6).
//
// With A_ts = φ(q_t)·φ(k_s) over the keys s of row t's linear branch, num_t = Σ A_ts v_s and
// den_t = Σ A_ts, the gradient of A is dA_ts = dnum_t·v_s + dden_t, and
//   dφ(q_t) = Σ_s dA_ts φ(k_s),   dφ(k_s) = Σ_t dA_ts φ(q_t),   dv_s = Σ_t A_ts dnum_t.
// As in the forward, each row (or column) takes the cheaper walk (sla_block_walk.cuh): its
// linear-branch blocks directly, or every key (or query) minus the excluded blocks, with all-keys
// terms dφ(Q) = dnum·Hᵀ + dden·Zᵀ per query row and dφ(K) = V·dHᵀ + dZ, dV = φ(K)·dH per key row,
// with H = Σ φ(k)ᵀv, Z = Σ φ(k), dH = Σ φ(q)ᵀdnum, dZ = Σ dden·φ(q)
// (steps 2 and 4); a visited block pair costs attention-like tile products. A key block that every
// query block excludes gets exactly 0 (not a difference that rounds to noise).
//
// Two kernels of 4 warps x 16 rows: per query block (dq) and per key block (dk, dv), over the rows of
// the forward's indices or the columns of step 1.
#include <cuda_runtime.h>

#include <cstdint>
#include <type_traits>

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/csr_rows.cuh"
#include "mi_instantiations.h"
#include "sla_backward_params.h"
#include "sla_block_walk.cuh"
#include "sla_rows.cuh"
#include "sla_warp_mma.cuh"

namespace mi::sla {
namespace {

constexpr int kBlock = 64;
constexpr int kWarps = 4;

template <typename Traits>
struct LinearBwdSmem {
  static constexpr int kTile = kBlock * Traits::kHeadDim;
  static constexpr int kState = Traits::kHeadDim * Traits::kHeadDim;
  // Four tiles, two D x D states (hi, lo), and per row or per feature fp32 vectors.
  static constexpr int kBytes = (4 * kTile + 2 * kState) * int(sizeof(typename Traits::Element)) +
                                (Traits::kHeadDim + 2 * kBlock) * int(sizeof(float));
};

// Per query block: dq = J_φᵀ(dnum·Hᵀ·n + dden·Zᵀ - Σ_excluded j (dnum·V_jᵀ + dden)·φ(K_j)).
template <typename Traits>
__global__ void __launch_bounds__(Traits::kThreads) linear_dq_kernel(const __grid_constant__ BackwardParams p) {
  using Element = typename Traits::Element;
  using Smem = LinearBwdSmem<Traits>;
  constexpr int kHeadDim = Traits::kHeadDim;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_fq = reinterpret_cast<Element*>(smem_raw);  // φ(Q_i)
  Element* s_dn = s_fq + Smem::kTile;                      // dnum_i
  Element* s_fk = s_dn + Smem::kTile;                      // φ(K_j)
  Element* s_v = s_fk + Smem::kTile;                       // V_j
  Element* s_hi = s_v + Smem::kTile;
  Element* s_lo = s_hi + Smem::kState;
  float* s_z = reinterpret_cast<float*>(s_lo + Smem::kState);
  float* s_dden = s_z + kHeadDim;

  const int qb = blockIdx.x, head = blockIdx.y, batch = blockIdx.z;
  const int64_t group = int64_t(batch) * p.heads + head;
  const int m0 = qb * kBlock;
  const int lane = threadIdx.x % 32;
  const int row0 = (threadIdx.x / 32) * 16;
  attention::detail::load_tile_async<Traits, kBlock>(s_fq, head_rows<Element>(p.q, p.q_strides, batch, head), p.q_strides.row, m0, p.n);
  attention::detail::load_tile_async<Traits, kBlock>(s_dn, static_cast<const Element*>(p.dnum) + group * p.n * int64_t(kHeadDim), kHeadDim, m0, p.n);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_hi, static_cast<const Element*>(p.h_hi) + group * Smem::kState, kHeadDim, 0, kHeadDim);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_lo, static_cast<const Element*>(p.h_lo) + group * Smem::kState, kHeadDim, 0, kHeadDim);
  device::cp_async_commit();
  for (int i = threadIdx.x; i < kHeadDim; i += Traits::kThreads) s_z[i] = p.z[group * kHeadDim + i];
  for (int r = threadIdx.x; r < kBlock; r += Traits::kThreads) s_dden[r] = m0 + r < p.n ? p.dden[group * p.n + m0 + r] : 0.f;
  device::cp_async_wait<0>();
  __syncthreads();
  apply_feature_map<Traits, kBlock>(s_fq, min(kBlock, p.n - m0), p.feature_map);
  __syncthreads();

  // The walk over the row's linear-branch key blocks (sla_block_walk.cuh): direct, or the all-keys
  // terms dnum·Hᵀ (H stored [a][c] is Hᵀ's N x K layout; times n, H is stored / n) + dden·Z minus
  // the critical and negligible blocks.
  const int64_t row = group * p.blocks + qb;
  const CsrIndex none{nullptr, nullptr, 0};
  BlockWalk walk(p.all_keys ? none : p.critical_rows, p.all_keys ? CsrRow{0, 0} : CsrRow::read(p.critical_rows, row),
                 p.all_keys ? none : p.negligible_rows, p.all_keys ? CsrRow{0, 0} : CsrRow::read(p.negligible_rows, row),
                 0, p.causal ? qb : p.blocks, p.n, p.causal);
  float dfq[kHeadDim / 8][4];
  zero_acc<16, kHeadDim>(dfq);
  const uint32_t s_dn_addr = device::smem_address(s_dn);
  float dden[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) dden[h] = s_dden[row0 + lane / 4 + 8 * h];
  if (!walk.direct()) {
    mma_nt<Traits, kHeadDim>(dfq, s_dn_addr, row0, device::smem_address(s_hi));
    mma_nt<Traits, kHeadDim>(dfq, s_dn_addr, row0, device::smem_address(s_lo));
#pragma unroll
    for (int t = 0; t < kHeadDim / 8; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) dfq[t][e] = dfq[t][e] * float(p.n) + dden[e / 2] * s_z[t * 8 + 2 * (lane % 4) + e % 2];
  }
  const float sign = walk.direct() ? 1.f : -1.f;
  const auto* k = head_rows<Element>(p.k, p.k_strides, batch, head);
  const auto* v = head_rows<Element>(p.v, p.v_strides, batch, head);
  // One loop per walk, so that neither carries the other's registers: a subtracting walk's
  // products enter at the totals' precision (mma_regs_nn_split).
  const auto visit = [&](auto split) {
    for (int block = walk.next(); block >= 0 && !walk.empty(); block = walk.next()) {
      const int first = block * kBlock;
      __syncthreads();
      attention::detail::load_tile_async<Traits, kBlock>(s_fk, k, p.k_strides.row, first, p.n);
      attention::detail::load_tile_async<Traits, kBlock>(s_v, v, p.v_strides.row, first, p.n);
      device::cp_async_commit();
      device::cp_async_wait<0>();
      __syncthreads();
      apply_feature_map<Traits, kBlock>(s_fk, min(kBlock, p.n - first), p.feature_map);
      __syncthreads();
      // dA = dnum·V_jᵀ + dden (zero φ(K) rows past n make their columns contribute nothing).
      float da[kBlock / 8][4];
      zero_acc<16, kBlock>(da);
      mma_nt<Traits, kBlock>(da, s_dn_addr, row0, device::smem_address(s_v));
#pragma unroll
      for (int t = 0; t < kBlock / 8; ++t)
#pragma unroll
        for (int e = 0; e < 4; ++e) da[t][e] += dden[e / 2];
      if constexpr (decltype(split)::value)
        mma_regs_nn_split<Traits>(dfq, da, sign, device::smem_address(s_fk));
      else
        mma_regs_nn<Traits>(dfq, da, sign, device::smem_address(s_fk));
    }
  };
  if (walk.direct())
    visit(std::false_type{});
  else
    visit(std::true_type{});
  if (walk.empty()) zero_acc<16, kHeadDim>(dfq);  // no marginal key: the branch is off
  feature_map_backward<Traits>(dfq, s_fq, row0, p.feature_map);
  store_rows<Traits>(dfq, p.d_q, p.dq_strides, batch, head, m0 + row0, p.n, 1.f, false);
}

// Per key block: dk = J_φᵀ(V·dHᵀ + dZ - Σ_excluded i dAᵀ·φ(Q_i)), dv = φ(K)·dH - Σ Aᵀ·dnum_i,
// with Aᵀ = φ(K)·φ(Q_i)ᵀ and dAᵀ = V·dnum_iᵀ + dden_i (per column).
template <typename Traits>
__global__ void __launch_bounds__(Traits::kThreads) linear_dkv_kernel(const __grid_constant__ BackwardParams p) {
  using Element = typename Traits::Element;
  using Smem = LinearBwdSmem<Traits>;
  constexpr int kHeadDim = Traits::kHeadDim;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_fk = reinterpret_cast<Element*>(smem_raw);  // φ(K_j)
  Element* s_v = s_fk + Smem::kTile;                       // V_j
  Element* s_fq = s_v + Smem::kTile;                       // φ(Q_i)
  Element* s_dn = s_fq + Smem::kTile;                      // dnum_i
  Element* s_hi = s_dn + Smem::kTile;                      // dH (hi, lo)
  Element* s_lo = s_hi + Smem::kState;
  float* s_dz = reinterpret_cast<float*>(s_lo + Smem::kState);
  float* s_dden = s_dz + kHeadDim;

  const int kb = blockIdx.x, head = blockIdx.y, batch = blockIdx.z;
  const int64_t group = int64_t(batch) * p.heads + head;
  const int n0 = kb * kBlock;
  const int lane = threadIdx.x % 32;
  const int row0 = (threadIdx.x / 32) * 16;
  attention::detail::load_tile_async<Traits, kBlock>(s_fk, head_rows<Element>(p.k, p.k_strides, batch, head), p.k_strides.row, n0, p.n);
  attention::detail::load_tile_async<Traits, kBlock>(s_v, head_rows<Element>(p.v, p.v_strides, batch, head), p.v_strides.row, n0, p.n);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_hi, static_cast<const Element*>(p.dh_hi) + group * Smem::kState, kHeadDim, 0, kHeadDim);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_lo, static_cast<const Element*>(p.dh_lo) + group * Smem::kState, kHeadDim, 0, kHeadDim);
  device::cp_async_commit();
  for (int i = threadIdx.x; i < kHeadDim; i += Traits::kThreads) s_dz[i] = p.dz[group * kHeadDim + i];
  device::cp_async_wait<0>();
  __syncthreads();
  apply_feature_map<Traits, kBlock>(s_fk, min(kBlock, p.n - n0), p.feature_map);
  __syncthreads();

  const uint32_t s_fk_addr = device::smem_address(s_fk);
  const uint32_t s_v_addr = device::smem_address(s_v);
  // The walk over the query blocks whose linear branch holds this key block (its column of the
  // indices, sla_block_walk.cuh): direct, or the all-keys terms V·dHᵀ + dZ and φ(K)·dH (dH stored
  // [a][c] is dHᵀ's N x K layout, φ(K)·dH reads it transposed) minus the excluding query blocks.
  const int64_t column = group * p.blocks + kb;
  const CsrIndex none{nullptr, nullptr, 0};
  BlockWalk walk(p.all_keys ? none : p.critical_cols, p.all_keys ? CsrRow{0, 0} : CsrRow::read(p.critical_cols, column),
                 p.all_keys ? none : p.negligible_cols, p.all_keys ? CsrRow{0, 0} : CsrRow::read(p.negligible_cols, column),
                 p.causal ? kb + 1 : 0, p.blocks, p.n, p.causal);
  float dfk[kHeadDim / 8][4];
  float dv[kHeadDim / 8][4];
  zero_acc<16, kHeadDim>(dfk);
  zero_acc<16, kHeadDim>(dv);
  if (!walk.direct()) {
    mma_nt<Traits, kHeadDim>(dfk, s_v_addr, row0, device::smem_address(s_hi));
    mma_nt<Traits, kHeadDim>(dfk, s_v_addr, row0, device::smem_address(s_lo));
    mma_nn<Traits>(dv, s_fk_addr, row0, device::smem_address(s_hi));
    mma_nn<Traits>(dv, s_fk_addr, row0, device::smem_address(s_lo));
#pragma unroll
    for (int t = 0; t < kHeadDim / 8; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) dfk[t][e] += s_dz[t * 8 + 2 * (lane % 4) + e % 2];
  }
  const float sign = walk.direct() ? 1.f : -1.f;
  const auto* q = head_rows<Element>(p.q, p.q_strides, batch, head);
  const auto* dnum = static_cast<const Element*>(p.dnum) + group * p.n * int64_t(kHeadDim);
  for (int block = walk.next(); block >= 0 && !walk.empty(); block = walk.next()) {
    const int first = block * kBlock;
    __syncthreads();
    attention::detail::load_tile_async<Traits, kBlock>(s_fq, q, p.q_strides.row, first, p.n);
    attention::detail::load_tile_async<Traits, kBlock>(s_dn, dnum, kHeadDim, first, p.n);
    device::cp_async_commit();
    for (int r = threadIdx.x; r < kBlock; r += Traits::kThreads)
      s_dden[r] = first + r < p.n ? p.dden[group * p.n + first + r] : 0.f;
    device::cp_async_wait<0>();
    __syncthreads();
    apply_feature_map<Traits, kBlock>(s_fq, min(kBlock, p.n - first), p.feature_map);
    __syncthreads();
    // dAᵀ = V·dnum_iᵀ + dden_i into dφ(K) first, then Aᵀ = φ(K)·φ(Q_i)ᵀ into dV: one 64-column
    // tile live at a time (with both accumulators the kernel is at its register limit). A
    // subtracting walk's products enter at the totals' precision (mma_regs_nn_split).
    {
      float dat[kBlock / 8][4];
      zero_acc<16, kBlock>(dat);
      mma_nt<Traits, kBlock>(dat, s_v_addr, row0, device::smem_address(s_dn));
#pragma unroll
      for (int t = 0; t < kBlock / 8; ++t)
#pragma unroll
        for (int e = 0; e < 4; ++e) dat[t][e] += s_dden[t * 8 + 2 * (lane % 4) + e % 2];
      if (walk.direct())
        mma_regs_nn<Traits>(dfk, dat, sign, device::smem_address(s_fq));
      else
        mma_regs_nn_split<Traits>(dfk, dat, sign, device::smem_address(s_fq));
    }
    float at[kBlock / 8][4];
    zero_acc<16, kBlock>(at);
    mma_nt<Traits, kBlock>(at, s_fk_addr, row0, device::smem_address(s_fq));
    if (walk.direct())
      mma_regs_nn<Traits>(dv, at, sign, device::smem_address(s_dn));
    else
      mma_regs_nn_split<Traits>(dv, at, sign, device::smem_address(s_dn));
  }
  if (walk.empty()) {  // every query block excludes this key block: no linear gradient
    zero_acc<16, kHeadDim>(dfk);
    zero_acc<16, kHeadDim>(dv);
  }
  feature_map_backward<Traits>(dfk, s_fk, row0, p.feature_map);
  store_rows<Traits>(dfk, p.d_k, p.dk_strides, batch, head, n0 + row0, p.n, 1.f, false);
  store_rows<Traits>(dv, p.d_v, p.dv_strides, batch, head, n0 + row0, p.n, 1.f, false);
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_bwd(const BackwardParams& p, int batch, cudaStream_t stream) {
  using Traits = SlaTileTraits<kHeadDim, kElement, kWarps>;
  constexpr int kSmem = LinearBwdSmem<Traits>::kBytes;
  const dim3 grid(p.blocks, p.heads, batch);
  const auto dq = linear_dq_kernel<Traits>;
  const auto dkv = linear_dkv_kernel<Traits>;
  cudaError_t err = cudaFuncSetAttribute(dq, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  err = cudaFuncSetAttribute(dkv, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  dq<<<grid, Traits::kThreads, kSmem, stream>>>(p);
  err = cudaGetLastError();
  if (err != cudaSuccess) return err;
  dkv<<<grid, Traits::kThreads, kSmem, stream>>>(p);
  return cudaGetLastError();
}

#define MI_INSTANTIATE_LINEAR_BWD(D)                                                                          \
  template cudaError_t run_linear_bwd<D, attention::ElementType::kFloat16>(const BackwardParams&, int, cudaStream_t); \
  template cudaError_t run_linear_bwd<D, attention::ElementType::kBFloat16>(const BackwardParams&, int, cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_LINEAR_BWD)

}  // namespace mi::sla
