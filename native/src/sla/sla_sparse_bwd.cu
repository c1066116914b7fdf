// SLA backward, step 6 (sla_backward_params.h): FlashAttention-2's backward over the critical
// blocks, bidirectional or causal (the diagonal block masks keys past the query), added to the
// linear branch's gradients that step 5 wrote.
//   P = exp(scale·Q·Kᵀ - LSE), dP = dO·Vᵀ, dS = P ⊙ (dP - D) with D = dO·O_s per row;
//   dQ = scale·dS·K, dK = scale·dSᵀ·Q, dV = Pᵀ·dO.
// Deterministic, without atomics or an fp32 dQ buffer (which would be twice Q's size): dQ per query
// block over its row of the critical index, dK and dV per key block over its column (step 1). The
// score and dP products are recomputed in both kernels, the price of the determinism and memory.
// Entries past the sequence end: key columns are masked to P = 0, query rows carry LSE = +inf.
// On Hopper with the sm_90a mainloop, hopper/sla_sparse_bwd_sm90.cu runs this step instead.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../attention/attention_fwd_kernel.cuh"
#include "../attention/mainloop_select.h"
#include "../common/csr_rows.cuh"
#include "../hopper/sla_sparse_bwd_sm90.h"
#include "mi_instantiations.h"
#include "sla_backward_params.h"
#include "sla_rows.cuh"
#include "sla_warp_mma.cuh"

namespace mi::sla {
namespace {

constexpr int kBlock = 64;
constexpr int kWarps = 4;
constexpr float kLog2e = 1.4426950408889634f;

template <typename Traits>
constexpr int sparse_bwd_smem() {
  return 4 * kBlock * Traits::kHeadDim * int(sizeof(typename Traits::Element)) + 2 * kBlock * int(sizeof(float));
}

template <typename Traits>
__global__ void __launch_bounds__(Traits::kThreads) sparse_dq_kernel(const __grid_constant__ BackwardParams p) {
  using Element = typename Traits::Element;
  constexpr int kHeadDim = Traits::kHeadDim;
  constexpr int kTile = kBlock * kHeadDim;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_q = reinterpret_cast<Element*>(smem_raw);
  Element* s_do = s_q + kTile;
  Element* s_k = s_do + kTile;
  Element* s_v = s_k + kTile;

  const int qb = blockIdx.x, head = blockIdx.y, batch = blockIdx.z;
  const int64_t group = int64_t(batch) * p.heads + head;
  const int m0 = qb * kBlock;
  const int lane = threadIdx.x % 32;
  const int row0 = (threadIdx.x / 32) * 16;
  attention::detail::load_tile_async<Traits, kBlock>(s_q, head_rows<Element>(p.q, p.q_strides, batch, head), p.q_strides.row, m0, p.n);
  attention::detail::load_tile_async<Traits, kBlock>(s_do, head_rows<Element>(p.d_o, p.do_strides, batch, head), p.do_strides.row, m0, p.n);
  device::cp_async_commit();
  float lse[2], delta[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const int row = m0 + row0 + lane / 4 + 8 * h;
    lse[h] = row < p.n ? p.lse[group * p.n + row] * kLog2e : INFINITY;
    delta[h] = row < p.n ? p.delta[group * p.n + row] : 0.f;
  }
  const CsrRow critical = CsrRow::read(p.critical_rows, group * p.blocks + qb);
  const auto* k = head_rows<Element>(p.k, p.k_strides, batch, head);
  const auto* v = head_rows<Element>(p.v, p.v_strides, batch, head);
  const uint32_t s_q_addr = device::smem_address(s_q), s_do_addr = device::smem_address(s_do);
  const uint32_t s_k_addr = device::smem_address(s_k), s_v_addr = device::smem_address(s_v);
  float dq[kHeadDim / 8][4];
  zero_acc<16, kHeadDim>(dq);
  for (int i = 0; i < critical.size(); ++i) {
    const int32_t block = __ldg(p.critical_rows.values + critical.begin + i);
    const int first = block >= 0 && block < p.blocks ? block * kBlock : p.n;
    __syncthreads();
    attention::detail::load_tile_async<Traits, kBlock>(s_k, k, p.k_strides.row, first, p.n);
    attention::detail::load_tile_async<Traits, kBlock>(s_v, v, p.v_strides.row, first, p.n);
    device::cp_async_commit();
    device::cp_async_wait<0>();
    __syncthreads();
    float s[kBlock / 8][4], dp[kBlock / 8][4];
    zero_acc<16, kBlock>(s);
    zero_acc<16, kBlock>(dp);
    mma_nt<Traits, kBlock>(s, s_q_addr, row0, s_k_addr);
    mma_nt<Traits, kBlock>(dp, s_do_addr, row0, s_v_addr);
#pragma unroll
    for (int t = 0; t < kBlock / 8; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int key = first + t * 8 + 2 * (lane % 4) + e % 2;
        // Causal: only the diagonal block holds keys past a query (the index lists no later one).
        const bool valid = key < p.n && (!p.causal || key <= m0 + row0 + lane / 4 + 8 * (e / 2));
        const float prob = valid ? device::fast_exp2(s[t][e] * p.scale_log2 - lse[e / 2]) : 0.f;
        s[t][e] = prob * (dp[t][e] - delta[e / 2]);  // dS
      }
    mma_regs_nn<Traits>(dq, s, s_k_addr);
  }
  store_rows<Traits>(dq, p.d_q, p.dq_strides, batch, head, m0 + row0, p.n, p.scale, true);
}

template <typename Traits>
__global__ void __launch_bounds__(Traits::kThreads) sparse_dkv_kernel(const __grid_constant__ BackwardParams p) {
  using Element = typename Traits::Element;
  constexpr int kHeadDim = Traits::kHeadDim;
  constexpr int kTile = kBlock * kHeadDim;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_k = reinterpret_cast<Element*>(smem_raw);
  Element* s_v = s_k + kTile;
  Element* s_q = s_v + kTile;
  Element* s_do = s_q + kTile;
  float* s_lse = reinterpret_cast<float*>(s_do + kTile);
  float* s_delta = s_lse + kBlock;

  const int kb = blockIdx.x, head = blockIdx.y, batch = blockIdx.z;
  const int64_t group = int64_t(batch) * p.heads + head;
  const int n0 = kb * kBlock;
  const int lane = threadIdx.x % 32;
  const int row0 = (threadIdx.x / 32) * 16;
  attention::detail::load_tile_async<Traits, kBlock>(s_k, head_rows<Element>(p.k, p.k_strides, batch, head), p.k_strides.row, n0, p.n);
  attention::detail::load_tile_async<Traits, kBlock>(s_v, head_rows<Element>(p.v, p.v_strides, batch, head), p.v_strides.row, n0, p.n);
  device::cp_async_commit();
  const CsrRow critical = CsrRow::read(p.critical_cols, group * p.blocks + kb);
  const auto* q = head_rows<Element>(p.q, p.q_strides, batch, head);
  const auto* d_o = head_rows<Element>(p.d_o, p.do_strides, batch, head);
  const uint32_t s_q_addr = device::smem_address(s_q), s_do_addr = device::smem_address(s_do);
  const uint32_t s_k_addr = device::smem_address(s_k), s_v_addr = device::smem_address(s_v);
  float dk[kHeadDim / 8][4], dv[kHeadDim / 8][4];
  zero_acc<16, kHeadDim>(dk);
  zero_acc<16, kHeadDim>(dv);
  for (int i = 0; i < critical.size(); ++i) {
    const int32_t block = __ldg(p.critical_cols.values + critical.begin + i);
    const int first = block >= 0 && block < p.blocks ? block * kBlock : p.n;
    __syncthreads();
    attention::detail::load_tile_async<Traits, kBlock>(s_q, q, p.q_strides.row, first, p.n);
    attention::detail::load_tile_async<Traits, kBlock>(s_do, d_o, p.do_strides.row, first, p.n);
    device::cp_async_commit();
    for (int r = threadIdx.x; r < kBlock; r += Traits::kThreads) {
      const bool valid = first + r < p.n;
      s_lse[r] = valid ? p.lse[group * p.n + first + r] * kLog2e : INFINITY;
      s_delta[r] = valid ? p.delta[group * p.n + first + r] : 0.f;
    }
    device::cp_async_wait<0>();
    __syncthreads();
    float st[kBlock / 8][4], dpt[kBlock / 8][4];  // Sᵀ, dPᵀ: this warp's 16 keys x 64 queries
    zero_acc<16, kBlock>(st);
    zero_acc<16, kBlock>(dpt);
    mma_nt<Traits, kBlock>(st, s_k_addr, row0, s_q_addr);
    mma_nt<Traits, kBlock>(dpt, s_v_addr, row0, s_do_addr);
#pragma unroll
    for (int t = 0; t < kBlock / 8; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int c = t * 8 + 2 * (lane % 4) + e % 2;
        const bool visible = !p.causal || n0 + row0 + lane / 4 + 8 * (e / 2) <= first + c;
        const float prob = visible ? device::fast_exp2(st[t][e] * p.scale_log2 - s_lse[c]) : 0.f;
        st[t][e] = prob;                                // Pᵀ
        dpt[t][e] = prob * (dpt[t][e] - s_delta[c]);    // dSᵀ
      }
    mma_regs_nn<Traits>(dv, st, s_do_addr);
    mma_regs_nn<Traits>(dk, dpt, s_q_addr);
  }
  store_rows<Traits>(dk, p.d_k, p.dk_strides, batch, head, n0 + row0, p.n, p.scale, true);
  store_rows<Traits>(dv, p.d_v, p.dv_strides, batch, head, n0 + row0, p.n, 1.f, true);
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_sparse_bwd(const BackwardParams& p, int batch, cudaStream_t stream) {
#ifdef MI_HAS_SM90A
  // Where the attention forward runs on the sm_90a mainloop, so does this step (warpgroup MMAs).
  int device = 0;
  cudaError_t status = cudaGetDevice(&device);
  if (status != cudaSuccess) return status;
  attention::MainloopKind kind = attention::MainloopKind::kSm80;
  status = attention::mainloop_for_device(device, &kind);
  if (status != cudaSuccess) return status;
  if (kind == attention::MainloopKind::kSm90a) return hopper::run_sla_sparse_bwd_sm90<kHeadDim, kElement>(p, batch, stream);
#endif
  using Traits = SlaTileTraits<kHeadDim, kElement, kWarps>;
  constexpr int kSmem = sparse_bwd_smem<Traits>();
  const dim3 grid(p.blocks, p.heads, batch);
  cudaError_t err = cudaFuncSetAttribute(sparse_dq_kernel<Traits>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  err = cudaFuncSetAttribute(sparse_dkv_kernel<Traits>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  sparse_dq_kernel<Traits><<<grid, Traits::kThreads, kSmem, stream>>>(p);
  err = cudaGetLastError();
  if (err != cudaSuccess) return err;
  sparse_dkv_kernel<Traits><<<grid, Traits::kThreads, kSmem, stream>>>(p);
  return cudaGetLastError();
}

#define MI_INSTANTIATE_SPARSE_BWD(D)                                                                          \
  template cudaError_t run_sparse_bwd<D, attention::ElementType::kFloat16>(const BackwardParams&, int, cudaStream_t); \
  template cudaError_t run_sparse_bwd<D, attention::ElementType::kBFloat16>(const BackwardParams&, int, cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_SPARSE_BWD)

}  // namespace mi::sla
