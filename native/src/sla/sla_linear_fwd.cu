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
// A CTA of 8 warps per (run of query blocks, group); warp w owns rows [16(w % 4), +16) and the
// column half w / 4 of each block (of num and of O), so each scheduler has two warps (4 warps, one
// CTA per SM under the 178 KB below, took 8.6 µs a block on the H100, 8 take 8.0). The den dot is
// over all of a row's features, so both warps of a row form it.
// At D = 96 a D x D tile is not a whole number of 256-thread copy passes: 4 warps, whole rows.
// Where the device's shared memory holds them (178 KB at D = 128: Hopper), W's halves stay
// resident for the run, and so does H when it is the group's (the released branch); the next
// block's φ(Q) tile and (the paper's branch) H_i are fetched, and this block's O_s tile, while this
// block's Proj runs, and O_l and O leave through their tiles in whole 16-byte row chunks. A run
// spans as many blocks as fill the device in one wave. Elsewhere (A100: 164 KB, Ada: 99 KB) a CTA
// takes one block, and W is loaded into H's place once H is spent.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/device_info.h"
#include "../common/device_primitives.cuh"
#include "mi_instantiations.h"
#include "sla_forward_params.h"
#include "sla_warp_mma.cuh"

namespace mi::sla {
namespace {

constexpr int kBlock = 64;
// 8 warps where the D x D tiles load in whole passes of 256 threads, else 4 (D = 96).
template <int kHeadDim>
constexpr int kLinearWarps = (kHeadDim * kHeadDim / 8) % 256 == 0 ? 8 : 4;

// kResident: W in its own tiles and separate O_l staging and O_s tiles (the pipelined run);
// otherwise one block per CTA, O_l staged over φ(Q) and O_s read from global memory.
template <typename Traits, bool kResident>
struct LinearSmem {
  using Element = typename Traits::Element;
  static constexpr int kTileElems = kBlock * Traits::kHeadDim;
  static constexpr int kStateElems = Traits::kHeadDim * Traits::kHeadDim;
  static constexpr int kTiles = kResident ? 3 : 1;   // φ(Q); O_l staging and O_s
  static constexpr int kStates = kResident ? 4 : 2;  // H hi, lo; W hi, lo
  static constexpr int kBytes = (kTiles * kTileElems + kStates * kStateElems + 2 * Traits::kHeadDim) * int(sizeof(Element)) +
                                2 * Traits::kHeadDim * int(sizeof(float));
};

template <typename Traits, bool kResident>
__global__ void __launch_bounds__(Traits::kThreads) linear_fwd_kernel(const __grid_constant__ LinearParams p) {
  using Element = typename Traits::Element;
  using index_t = int64_t;
  using Smem = LinearSmem<Traits, kResident>;
  constexpr int kHeadDim = Traits::kHeadDim;
  constexpr int kCols = kHeadDim / (Traits::kWarps / 4);  // a warp's columns of num, O_l and O
  constexpr int kColTiles = kCols / 8;

  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_q = reinterpret_cast<Element*>(smem_raw);
  Element* s_stage = kResident ? s_q + Smem::kTileElems : s_q;  // O_l, each warp its own rows
  Element* s_os = s_q + 2 * Smem::kTileElems;                    // O_s (kResident)
  Element* s_hi = s_q + Smem::kTiles * Smem::kTileElems;
  Element* s_lo = s_hi + Smem::kStateElems;
  Element* s_w_hi = kResident ? s_lo + Smem::kStateElems : s_hi;
  Element* s_w_lo = kResident ? s_w_hi + Smem::kStateElems : s_lo;
  Element* s_z_rows = s_hi + Smem::kStates * Smem::kStateElems;  // a state row's Z (hi, lo halves)
  float* s_z = reinterpret_cast<float*>(s_z_rows + 2 * kHeadDim);
  float* s_bias = s_z + kHeadDim;

  const int64_t local_group = blockIdx.y;
  const int64_t group = local_group + p.group_offset;
  const int64_t batch = group / p.heads;
  const int head = static_cast<int>(group % p.heads);
  const int first = blockIdx.x * p.blocks_per_cta;
  const int last = min(first + p.blocks_per_cta, p.blocks);
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int warp_row0 = (warp % 4) * 16;
  const int col0 = (warp / 4) * kCols;

  const auto* q = static_cast<const Element*>(p.q) + batch * p.q_strides.batch + head * p.q_strides.head;
  const auto* o_sparse = static_cast<const Element*>(p.o_sparse) + batch * p.s_strides.batch + head * p.s_strides.head;
  auto* o = static_cast<Element*>(p.o) + batch * p.o_strides.batch + head * p.o_strides.head;
  auto* o_linear = static_cast<Element*>(p.o_linear);
  if (o_linear != nullptr) o_linear += batch * p.l_strides.batch + head * p.l_strides.head;

  // The state: the group's totals, or block qb's row of the GEMM's output ([H, Z] / n), which a
  // block without marginal blocks does not have (its state is 0: O_l = 0, as the GEMM would give).
  auto has_state = [&](int qb) { return p.all_keys || p.any[local_group * p.blocks + qb] != 0u; };
  auto load_state = [&](int qb) {
    const index_t at = p.all_keys ? group * kHeadDim * kHeadDim : (local_group * p.blocks + qb) * p.state_cols;
    const auto* h_hi = static_cast<const Element*>(p.h_hi) + at;
    const auto* h_lo = static_cast<const Element*>(p.h_lo) + at;
    attention::detail::load_tile_async<Traits, kHeadDim>(s_hi, h_hi, kHeadDim, 0, kHeadDim);
    attention::detail::load_tile_async<Traits, kHeadDim>(s_lo, h_lo, kHeadDim, 0, kHeadDim);
    if (!p.all_keys) {  // Z follows H in the row: 16-byte chunks of both halves
      constexpr int kChunks = kHeadDim / 8;
      for (int i = threadIdx.x; i < 2 * kChunks; i += Traits::kThreads)
        device::cp_async_16(device::smem_address(s_z_rows + 8 * i),
                            (i < kChunks ? h_hi : h_lo) + kHeadDim * kHeadDim + 8 * (i % kChunks), true);
    }
  };
  // A block's rows [m0, min(m0 + 64, n)) of a swizzled tile out in whole 16-byte chunks, each row's
  // 128..256 bytes by consecutive threads (the per-thread MMA layout writes 4 bytes a row, so a
  // warp's store touched 8 rows; stop 29, the resident path).
  auto store_tile = [&](const Element* tile, Element* dst, index_t row_stride, int m0) {
    for (int i = threadIdx.x; i < kBlock * Traits::kChunksPerRow; i += Traits::kThreads) {
      const int r = i / Traits::kChunksPerRow;
      const int chunk = i % Traits::kChunksPerRow;
      if (m0 + r < p.n)
        *reinterpret_cast<uint4*>(dst + index_t(m0 + r) * row_stride + chunk * Traits::kChunkElems) =
            *reinterpret_cast<const uint4*>(tile + Traits::swizzle(r, chunk));
    }
  };
  auto load_w = [&] {
    attention::detail::load_tile_async<Traits, kHeadDim>(s_w_hi, static_cast<const Element*>(p.w_hi), kHeadDim, 0, kHeadDim);
    attention::detail::load_tile_async<Traits, kHeadDim>(s_w_lo, static_cast<const Element*>(p.w_lo), kHeadDim, 0, kHeadDim);
  };

  attention::detail::load_tile_async<Traits, kBlock>(s_q, q, p.q_strides.row, first * kBlock, p.n);
  if (has_state(first)) load_state(first);
  if constexpr (kResident) load_w();
  device::cp_async_commit();
  for (int i = threadIdx.x; i < kHeadDim; i += Traits::kThreads) {
    if (p.all_keys) s_z[i] = p.z[group * kHeadDim + i];
    s_bias[i] = p.bias[i];
  }

  const uint32_t s_q_addr = device::smem_address(s_q);
  const uint32_t s_stage_addr = device::smem_address(s_stage);
  for (int qb = first; qb < last; ++qb) {
    const int m0 = qb * kBlock;
    const bool state = has_state(qb);
    device::cp_async_wait<0>();
    __syncthreads();  // this block's tiles (and the resident ones) landed; the last block is done
    if (!p.all_keys)
      for (int i = threadIdx.x; i < kHeadDim; i += Traits::kThreads)
        s_z[i] = state ? to_float(s_z_rows[i]) + to_float(s_z_rows[kHeadDim + i]) : 0.f;
    apply_feature_map<Traits, kBlock>(s_q, min(kBlock, p.n - m0), p.feature_map);
    __syncthreads();

    // den = φ(q)·Z per row (lanes l and l + 16 each take half of row warp_row0 + l % 16) and
    // num = φ(q)·H; both states are stored / n (the totals' Z is not), which the ratio cancels.
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
    float num[kColTiles][4];
    zero_acc<16, kCols>(num);
    if (state) {
      mma_nn<Traits, kCols>(num, s_q_addr, warp_row0, device::smem_address(s_hi), col0);
      mma_nn<Traits, kCols>(num, s_q_addr, warp_row0, device::smem_address(s_lo), col0);
    }
    __syncthreads();  // every warp is done with φ(Q), H and Z: the next block's (or W) take their place
    if constexpr (kResident) {
      // Two groups, oldest first: this block's O_s (waited for before the epilogue), then the
      // next block's φ(Q) and state (waited for at the top of the next iteration).
      attention::detail::load_tile_async<Traits, kBlock>(s_os, o_sparse, p.s_strides.row, m0, p.n);
      device::cp_async_commit();
      if (qb + 1 < last) {
        attention::detail::load_tile_async<Traits, kBlock>(s_q, q, p.q_strides.row, m0 + kBlock, p.n);
        if (!p.all_keys && has_state(qb + 1)) load_state(qb + 1);
      }
    } else {
      load_w();
    }
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
    for (int t = 0; t < kColTiles; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) num[t][e] *= num_scale;
    if (p.inv_den != nullptr && col0 == 0 && lane % 4 == 0)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int row = m0 + warp_row0 + lane / 4 + 8 * h;
        if (row < p.n) p.inv_den[group * p.n + row] = inv_den[h];
      }
    // O_l per row; staged (rounded) in the warp's rows and columns for the Proj MMA.
#pragma unroll
    for (int t = 0; t < kColTiles; ++t)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int local = warp_row0 + lane / 4 + 8 * h;
        const int c = col0 + t * 8 + 2 * (lane % 4);
        const uint32_t packed = device::pack2<Element>(num[t][2 * h] * inv_den[h], num[t][2 * h + 1] * inv_den[h]);
        *reinterpret_cast<uint32_t*>(s_stage + Traits::swizzle(local, col0 / 8 + t) + 2 * (lane % 4)) = packed;
        if (!kResident && o_linear != nullptr && m0 + local < p.n)
          *reinterpret_cast<uint32_t*>(o_linear + index_t(m0 + local) * p.l_strides.row + c) = packed;
      }
    if constexpr (kResident) {
      __syncthreads();  // both halves of every row's O_l are staged (W resident since the first block)
    } else {
      device::cp_async_wait<0>();
      __syncthreads();  // W landed; every warp's O_l rows are staged
    }

    // O = O_s + O_l·Wᵀ + b: W stored [out][in] is Wᵀ's N x K layout (as K in Q·Kᵀ); the warp's
    // output columns are W's rows from col0, a multiple of 16, where the swizzle repeats (it
    // depends on row bits 0-2), so they start col0 whole rows on.
    float y[kColTiles][4];
    zero_acc<16, kCols>(y);
    const uint32_t w_rows = 2 * col0 * kHeadDim;
    mma_nt<Traits, kCols>(y, s_stage_addr, warp_row0, device::smem_address(s_w_hi) + w_rows);
    mma_nt<Traits, kCols>(y, s_stage_addr, warp_row0, device::smem_address(s_w_lo) + w_rows);
    if constexpr (kResident) {
      if (o_linear != nullptr) store_tile(s_stage, o_linear, p.l_strides.row, m0);
      device::cp_async_wait<1>();
      __syncthreads();  // this block's O_s tile landed (each thread copied rows of every warp)
    }
#pragma unroll
    for (int t = 0; t < kColTiles; ++t)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int local = warp_row0 + lane / 4 + 8 * h;
        const int row = m0 + local;
        if (row >= p.n) continue;
        const int c = col0 + t * 8 + 2 * (lane % 4);
        // O_s from its tile, or (one block per CTA) from global memory: the same element pair.
        const uint32_t sparse_bits = kResident ? *reinterpret_cast<const uint32_t*>(s_os + Traits::swizzle(local, col0 / 8 + t) + 2 * (lane % 4))
                                               : *reinterpret_cast<const uint32_t*>(o_sparse + index_t(row) * p.s_strides.row + c);
        const Element* sparse = reinterpret_cast<const Element*>(&sparse_bits);
        const uint32_t out = device::pack2<Element>(to_float(sparse[0]) + y[t][2 * h] + s_bias[c], to_float(sparse[1]) + y[t][2 * h + 1] + s_bias[c + 1]);
        if constexpr (kResident)  // over the O_s pair it was formed from: the thread's own elements
          *reinterpret_cast<uint32_t*>(s_os + Traits::swizzle(local, col0 / 8 + t) + 2 * (lane % 4)) = out;
        else
          *reinterpret_cast<uint32_t*>(o + index_t(row) * p.o_strides.row + c) = out;
      }
    if constexpr (kResident) {
      __syncthreads();  // every warp's O is in the tile
      store_tile(s_os, o, p.o_strides.row, m0);
    }
  }
}

// False when MINFERENCE_SLA_LINEAR_RUNS=0: one block per CTA even where the runs fit (bring-up,
// and the A100 / Ada path on a Hopper: both flows must give the same results); read once.
bool linear_runs_enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("MINFERENCE_SLA_LINEAR_RUNS");
    return value == nullptr || std::strcmp(value, "0") != 0;
  }();
  return enabled;
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_linear_fwd(const LinearParams& params, int64_t groups, cudaStream_t stream) {
  using Traits = SlaTileTraits<kHeadDim, kElement, kLinearWarps<kHeadDim>>;
  using Resident = LinearSmem<Traits, true>;
  int device = 0, max_smem = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err == cudaSuccess) err = max_shared_memory_optin(device, &max_smem);
  if (err != cudaSuccess) return err;
  if (max_smem < Resident::kBytes || !linear_runs_enabled()) {
    LinearParams p = params;
    p.blocks_per_cta = 1;
    return launch_over_blocks(linear_fwd_kernel<Traits, false>, p, p.blocks, groups, Traits::kThreads,
                              LinearSmem<Traits, false>::kBytes, stream);
  }
  return launch_in_runs(linear_fwd_kernel<Traits, true>, params, params.blocks, groups, Traits::kThreads, Resident::kBytes,
                        stream);
}

#define MI_INSTANTIATE_LINEAR_FWD(D)                                                                     \
  template cudaError_t run_linear_fwd<D, attention::ElementType::kFloat16>(const LinearParams&, int64_t,   \
                                                                           cudaStream_t);                  \
  template cudaError_t run_linear_fwd<D, attention::ElementType::kBFloat16>(const LinearParams&, int64_t,  \
                                                                            cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_LINEAR_FWD)

}  // namespace mi::sla
