// SLA backward, step 5 (sla_backward_params.h): the linear branch's dq, dk and dv, written (the
// critical blocks' gradients are added by step 6).
//
// With A_ts = φ(q_t)·φ(k_s) over the keys s of row t's linear branch, num_t = Σ A_ts v_s and
// den_t = Σ A_ts, the gradient of A is dA_ts = dnum_t·v_s + dden_t, and
//   dφ(q_t) = Σ_s dA_ts φ(k_s) = dnum_t·Hᵀ + dden_t·Z,   H = Σ_s φ(k_s)ᵀv_s,  Z = Σ_s φ(k_s),
//   dφ(k_s) = Σ_t dA_ts φ(q_t) = v_s·dHᵀ + dZ,  dv_s = Σ_t A_ts dnum_t = φ(k_s)·dH,
//   with dH = Σ_t φ(q_t)ᵀdnum_t and dZ = Σ_t dden_t φ(q_t),
// the sums over what the row's (or the column's) linear branch holds: every key (or query) for the
// released branch, the group's totals; the marginal blocks for the paper's, the query block's H_i,
// Z_i and the key block's dH_j, dZ_j from the state GEMMs (sla_state_gemm.cu). Either way two small
// products per block: no block pair is visited. A key block that every query block excludes has
// dH_j = 0 and dZ_j = 0, so its linear gradient is exactly 0.
//
// Two kernels of 4 warps x 16 rows: per query block (dq) and per key block (dk, dv), for the
// launch's groups (blockIdx.y + group_offset). With the group's totals (the released branch) a dq
// CTA takes a run of blocks and loads the state once (launch_dq); otherwise a CTA is one block. A
// block whose state row is absent (no marginal block: StateRef::any) stores zeros and reads nothing.
#include <cuda_runtime.h>

#include <cstdint>

#include "../attention/attention_fwd_kernel.cuh"
#include "mi_instantiations.h"
#include "sla_backward_params.h"
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
  // Two tiles, a D x D state (hi, lo), and per feature and per row fp32 vectors.
  static constexpr int kBytes = (2 * kTile + 2 * kState) * int(sizeof(typename Traits::Element)) +
                                (Traits::kHeadDim + kBlock) * int(sizeof(float));
};

// The state a block reads: the group's totals (released branch: [groups, D, D] hi + lo and an fp32
// vector) or the block's row of a state GEMM's output ([H, Z] as hi + lo halves); loads the matrix
// into s_hi / s_lo (committed by the caller) and the vector times z_scale into s_z.
template <typename Traits>
__device__ __forceinline__ void load_state(const StateRef& ref, int64_t group, int64_t local_group, int block, int blocks,
                                           typename Traits::Element* s_hi, typename Traits::Element* s_lo, float* s_z) {
  using Element = typename Traits::Element;
  constexpr int kHeadDim = Traits::kHeadDim;
  const int64_t at = ref.state_cols == 0 ? group * kHeadDim * kHeadDim : (local_group * blocks + block) * ref.state_cols;
  const auto* hi = static_cast<const Element*>(ref.hi) + at;
  const auto* lo = static_cast<const Element*>(ref.lo) + at;
  attention::detail::load_tile_async<Traits, kHeadDim>(s_hi, hi, kHeadDim, 0, kHeadDim);
  attention::detail::load_tile_async<Traits, kHeadDim>(s_lo, lo, kHeadDim, 0, kHeadDim);
  for (int i = threadIdx.x; i < kHeadDim; i += Traits::kThreads)
    s_z[i] = ref.z_scale * (ref.state_cols == 0 ? ref.z[group * kHeadDim + i]
                                                 : to_float(hi[kHeadDim * kHeadDim + i]) + to_float(lo[kHeadDim * kHeadDim + i]));
}

// Whether block `block`'s state is zero (a state GEMM row without marginal blocks): then its linear
// gradients are 0, and each warp stores its 16 rows of zeros (written: step 6 adds to them).
template <typename Traits>
__device__ __forceinline__ bool store_zeros_if_stateless(const StateRef& ref, int64_t local_group, int block, int blocks,
                                                         void* out, const RowStrides& strides, int64_t batch, int head,
                                                         int first_row, int n) {
  if (ref.any == nullptr || ref.any[local_group * blocks + block] != 0u) return false;
  float zeros[Traits::kHeadDim / 8][4];
  zero_acc<16, Traits::kHeadDim>(zeros);
  store_rows<Traits>(zeros, out, strides, batch, head, first_row, n, 1.f, false);
  return true;
}

// Per query block: dq = J_φᵀ(dnum·Hᵀ·h_scale + dden·Z). With kRuns (the group's totals, the
// released branch) the CTA takes blocks [blockIdx.x * blocks_per_cta, +blocks_per_cta) and loads
// the state once; else one block with its own state row. Measured on the H100 (stop 29): runs
// cut the released dq 0.256 -> 0.239 ms, while the same loop over per-block state rows cost the
// paper's dq 6 % and runs of dk/dv cost 7 % (fewer CTAs to hide the tile loads, 255 registers),
// so the paper's dq and every dk/dv keep one block per CTA.
template <typename Traits, bool kRuns>
__global__ void __launch_bounds__(Traits::kThreads) linear_dq_kernel(const __grid_constant__ BackwardParams p) {
  using Element = typename Traits::Element;
  using Smem = LinearBwdSmem<Traits>;
  constexpr int kHeadDim = Traits::kHeadDim;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_fq = reinterpret_cast<Element*>(smem_raw);  // φ(Q_i)
  Element* s_dn = s_fq + Smem::kTile;                      // dnum_i
  Element* s_hi = s_dn + Smem::kTile;
  Element* s_lo = s_hi + Smem::kState;
  float* s_z = reinterpret_cast<float*>(s_lo + Smem::kState);
  float* s_dden = s_z + kHeadDim;

  const int64_t local_group = blockIdx.y;
  const int64_t group = local_group + p.group_offset;
  const int64_t batch = group / p.heads;
  const int head = static_cast<int>(group % p.heads);
  const int lane = threadIdx.x % 32;
  const int row0 = (threadIdx.x / 32) * 16;
  const int first = kRuns ? blockIdx.x * p.blocks_per_cta : blockIdx.x;
  const int last = kRuns ? min(first + p.blocks_per_cta, p.blocks) : first + 1;
  if constexpr (kRuns) load_state<Traits>(p.row_state, group, local_group, first, p.blocks, s_hi, s_lo, s_z);
#pragma unroll 1
  for (int qb = first; qb < last; ++qb) {
    const int m0 = qb * kBlock;
    if constexpr (!kRuns) {
      if (store_zeros_if_stateless<Traits>(p.row_state, local_group, qb, p.blocks, p.d_q, p.dq_strides, batch, head, m0 + row0, p.n))
        return;
    } else if (qb != first) {
      __syncthreads();  // every warp is done with the last block's tiles
    }
    attention::detail::load_tile_async<Traits, kBlock>(s_fq, head_rows<Element>(p.q, p.q_strides, batch, head), p.q_strides.row, m0, p.n);
    attention::detail::load_tile_async<Traits, kBlock>(s_dn, static_cast<const Element*>(p.dnum) + group * p.n * int64_t(kHeadDim), kHeadDim, m0, p.n);
    if constexpr (!kRuns) load_state<Traits>(p.row_state, group, local_group, qb, p.blocks, s_hi, s_lo, s_z);
    device::cp_async_commit();
    for (int r = threadIdx.x; r < kBlock; r += Traits::kThreads) s_dden[r] = m0 + r < p.n ? p.dden[group * p.n + m0 + r] : 0.f;
    device::cp_async_wait<0>();
    __syncthreads();
    apply_feature_map<Traits, kBlock>(s_fq, min(kBlock, p.n - m0), p.feature_map);
    __syncthreads();

    // H stored [a][c] is Hᵀ's N x K layout.
    float dfq[kHeadDim / 8][4];
    zero_acc<16, kHeadDim>(dfq);
    const uint32_t s_dn_addr = device::smem_address(s_dn);
    mma_nt<Traits, kHeadDim>(dfq, s_dn_addr, row0, device::smem_address(s_hi));
    mma_nt<Traits, kHeadDim>(dfq, s_dn_addr, row0, device::smem_address(s_lo));
    float dden[2];
#pragma unroll
    for (int h = 0; h < 2; ++h) dden[h] = s_dden[row0 + lane / 4 + 8 * h];
#pragma unroll
    for (int t = 0; t < kHeadDim / 8; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e)
        dfq[t][e] = dfq[t][e] * p.row_state.h_scale + dden[e / 2] * s_z[t * 8 + 2 * (lane % 4) + e % 2];
    feature_map_backward<Traits>(dfq, s_fq, row0, p.feature_map);
    store_rows<Traits>(dfq, p.d_q, p.dq_strides, batch, head, m0 + row0, p.n, 1.f, false);
  }
}

// Per key block: dk = J_φᵀ(V·dHᵀ·h_scale + dZ), dv = φ(K)·dH·h_scale.
template <typename Traits>
__global__ void __launch_bounds__(Traits::kThreads) linear_dkv_kernel(const __grid_constant__ BackwardParams p) {
  using Element = typename Traits::Element;
  using Smem = LinearBwdSmem<Traits>;
  constexpr int kHeadDim = Traits::kHeadDim;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_fk = reinterpret_cast<Element*>(smem_raw);  // φ(K_j)
  Element* s_v = s_fk + Smem::kTile;                       // V_j
  Element* s_hi = s_v + Smem::kTile;                       // dH (hi, lo)
  Element* s_lo = s_hi + Smem::kState;
  float* s_dz = reinterpret_cast<float*>(s_lo + Smem::kState);

  const int kb = blockIdx.x;
  const int64_t local_group = blockIdx.y;
  const int64_t group = local_group + p.group_offset;
  const int64_t batch = group / p.heads;
  const int head = static_cast<int>(group % p.heads);
  const int n0 = kb * kBlock;
  const int lane = threadIdx.x % 32;
  const int row0 = (threadIdx.x / 32) * 16;
  if (store_zeros_if_stateless<Traits>(p.column_state, local_group, kb, p.blocks, p.d_k, p.dk_strides, batch, head, n0 + row0, p.n)) {
    store_zeros_if_stateless<Traits>(p.column_state, local_group, kb, p.blocks, p.d_v, p.dv_strides, batch, head, n0 + row0, p.n);
    return;
  }
  attention::detail::load_tile_async<Traits, kBlock>(s_fk, head_rows<Element>(p.k, p.k_strides, batch, head), p.k_strides.row, n0, p.n);
  attention::detail::load_tile_async<Traits, kBlock>(s_v, head_rows<Element>(p.v, p.v_strides, batch, head), p.v_strides.row, n0, p.n);
  load_state<Traits>(p.column_state, group, local_group, kb, p.blocks, s_hi, s_lo, s_dz);
  device::cp_async_commit();
  device::cp_async_wait<0>();
  __syncthreads();
  apply_feature_map<Traits, kBlock>(s_fk, min(kBlock, p.n - n0), p.feature_map);
  __syncthreads();

  // dH stored [a][c] is dHᵀ's N x K layout; φ(K)·dH reads it transposed. One accumulator at a
  // time: dk is stored before dv is formed.
  const float h_scale = p.column_state.h_scale;
  {
    float dfk[kHeadDim / 8][4];
    zero_acc<16, kHeadDim>(dfk);
    const uint32_t s_v_addr = device::smem_address(s_v);
    mma_nt<Traits, kHeadDim>(dfk, s_v_addr, row0, device::smem_address(s_hi));
    mma_nt<Traits, kHeadDim>(dfk, s_v_addr, row0, device::smem_address(s_lo));
#pragma unroll
    for (int t = 0; t < kHeadDim / 8; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) dfk[t][e] = dfk[t][e] * h_scale + s_dz[t * 8 + 2 * (lane % 4) + e % 2];
    feature_map_backward<Traits>(dfk, s_fk, row0, p.feature_map);
    store_rows<Traits>(dfk, p.d_k, p.dk_strides, batch, head, n0 + row0, p.n, 1.f, false);
  }
  float dv[kHeadDim / 8][4];
  zero_acc<16, kHeadDim>(dv);
  const uint32_t s_fk_addr = device::smem_address(s_fk);
  mma_nn<Traits>(dv, s_fk_addr, row0, device::smem_address(s_hi));
  mma_nn<Traits>(dv, s_fk_addr, row0, device::smem_address(s_lo));
  store_rows<Traits>(dv, p.d_v, p.dv_strides, batch, head, n0 + row0, p.n, h_scale, false);
}

// The released branch's dq in runs (the state loaded once per run); the paper's a block per CTA.
template <typename Traits>
cudaError_t launch_dq(const BackwardParams& p, int64_t groups, cudaStream_t stream) {
  constexpr int kSmem = LinearBwdSmem<Traits>::kBytes;
  if (p.row_state.state_cols != 0)
    return launch_over_blocks(linear_dq_kernel<Traits, false>, p, p.blocks, groups, Traits::kThreads, kSmem, stream);
  return launch_in_runs(linear_dq_kernel<Traits, true>, p, p.blocks, groups, Traits::kThreads, kSmem, stream);
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_dq(const BackwardParams& p, int64_t groups, cudaStream_t stream) {
  using Traits = SlaTileTraits<kHeadDim, kElement, kWarps>;
  return launch_dq<Traits>(p, groups, stream);
}

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_dkv(const BackwardParams& p, int64_t groups, cudaStream_t stream) {
  using Traits = SlaTileTraits<kHeadDim, kElement, kWarps>;
  return launch_over_blocks(linear_dkv_kernel<Traits>, p, p.blocks, groups, Traits::kThreads, LinearBwdSmem<Traits>::kBytes, stream);
}

#define MI_INSTANTIATE_LINEAR_BWD(D)                                                                                        \
  template cudaError_t run_linear_dq<D, attention::ElementType::kFloat16>(const BackwardParams&, int64_t, cudaStream_t);  \
  template cudaError_t run_linear_dq<D, attention::ElementType::kBFloat16>(const BackwardParams&, int64_t, cudaStream_t); \
  template cudaError_t run_linear_dkv<D, attention::ElementType::kFloat16>(const BackwardParams&, int64_t, cudaStream_t); \
  template cudaError_t run_linear_dkv<D, attention::ElementType::kBFloat16>(const BackwardParams&, int64_t, cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_LINEAR_BWD)

}  // namespace mi::sla
