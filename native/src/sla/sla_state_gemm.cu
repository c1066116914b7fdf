// SLA forward, step 2 for the marginal-blocks semantics (sla_forward_params.h): per query block i
// the marginal state [H_i, Z_i] = Σ_{j marginal for i} [h_j, z_j], as a GEMM per group of the 0/1
// marginal matrix C (query blocks x key blocks) with the stacked per-key-block state rows X; for the
// backward also per key block j [dH_j, dZ_j] = Σ_{i: j marginal for i} [dh_i, dz_i], the same GEMM
// with Cᵀ, whose rows come from the column indices.
//
// Why a GEMM: visiting a row's excluded blocks as attention does costs 2·64·64·D·2 products per
// (row, block) pair for 15 % of the pairs; C·X costs 2·(D² + D) per pair (x2 for the hi + lo
// halves) for every pair, about 7 x less at D = 128, on the same tensor cores. And it sums the
// marginal blocks themselves: no difference of large totals, so no rounding amplified.
//
// C exists only as bits: marginal_mask_kernel writes each row's (one CTA per row of C and group:
// the candidate range set, then the bits of the row's critical and negligible entries cleared in
// shared memory, which leaves the same bits in any order), 32 key blocks a word, blocks² / 8 bytes
// a group. state_gemm_kernel: 128 x 128 tiles of Y, 8 warps (4 along M x 2 along N, 32 x 64 each),
// K in 64-column steps over a four-stage ring (X's hi and lo tiles by cp.async; C's tile expanded
// from one word per thread, two threads a row); each step multiplies C's tile by both halves
// (m16n8k16, fp32 accumulators); the epilogue scales and splits Y into hi + lo halves and stores
// them through shared memory in whole 16-byte chunks. Causal rows skip the K tiles past their row
// tile, causal columns those before it.
//
// Rows without a marginal block (every block critical or negligible: k_h = 100 % for the dense
// fallback, or k_h + k_l = 100 %) are flagged beside the bits: a tile of such rows writes nothing,
// the state rows of a group with no marginal block at all are not formed (sla_key_state.cu), and
// the linear kernels take such a block's state as zero without reading it.
#include <cuda_runtime.h>

#include <cstdint>

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/csr_rows.cuh"
#include "../common/device_info.h"
#include "../common/device_primitives.cuh"
#include "sla_forward_params.h"
#include "sla_tiles.cuh"

namespace mi::sla {
namespace {

constexpr int kTileM = 128;
constexpr int kTileN = 128;
constexpr int kTileK = 64;
constexpr int kWarps = 8;
// The ring's depth: with one CTA (8 warps) per SM, the loads in flight hide L2's latency. Two
// stages left the SM waiting on them (82 us per Wan group, a third of the issue slots busy); four
// take 192 KB, which Hopper has, three A100's 163 KB, and two any other GPU's 99 KB.
constexpr int kMaxStages = 4;

constexpr int kMaskThreads = 128;

// Row `row` of C (or Cᵀ) as bits: the candidates [first, last) set, the listed blocks cleared.
__global__ void __launch_bounds__(kMaskThreads) marginal_mask_kernel(const __grid_constant__ StateGemmParams p) {
  __shared__ uint32_t s_words[kMaxMaskWords];
  const int row = blockIdx.x;
  const int64_t local_group = blockIdx.y;
  const int64_t csr_row = (local_group + p.group_offset) * p.blocks + row;
  // Causal rows (query blocks) see the blocks before their diagonal; causal columns (key blocks)
  // are seen by the query blocks after it.
  const int first = p.causal && p.columns ? row + 1 : 0;
  const int last = p.causal && !p.columns ? row : p.blocks;
  for (int w = threadIdx.x; w < p.mask_words; w += kMaskThreads) {
    uint32_t bits = 0;
    for (int b = 0; b < 32; ++b) bits |= uint32_t(w * 32 + b >= first && w * 32 + b < last) << b;
    s_words[w] = bits;
  }
  __syncthreads();
  for (int list = 0; list < 2; ++list) {
    const CsrIndex& index = list == 0 ? p.critical : p.negligible;
    const CsrRow listed = CsrRow::read(index, csr_row);
    for (int64_t e = listed.begin + threadIdx.x; e < listed.end; e += kMaskThreads) {
      const int32_t j = __ldg(index.values + e);
      if (j >= 0 && j < p.mask_words * 32) atomicAnd(&s_words[j / 32], ~(1u << (j % 32)));
    }
  }
  __syncthreads();
  uint32_t* out = p.mask + (local_group * p.blocks + row) * p.mask_words;
  int any = 0;
  for (int w = threadIdx.x; w < p.mask_words; w += kMaskThreads) {
    out[w] = s_words[w];
    any |= s_words[w] != 0u;
  }
  any = __syncthreads_or(any);
  if (threadIdx.x == 0) p.any[local_group * p.blocks + row] = any != 0 ? 1u : 0u;
}

template <typename Element, int kStages>
struct GemmSmem {
  static constexpr int kA = kTileM * kTileK;  // elements of C's tile
  static constexpr int kB = kTileK * kTileN;  // of one X half's tile
  static constexpr int kStage = kA + 2 * kB;
  static constexpr int kBytes = kStages * kStage * int(sizeof(Element));
  static_assert(kStages * kStage >= 2 * kTileM * kTileN, "the ring holds the epilogue's hi and lo tiles");
  static_assert(kBytes <= 227 * 1024, "one CTA fits an SM");
};

// One CTA of 8 warps per SM: about 130-160 registers a thread (capped at 128 for two CTAs, it spills).
template <attention::ElementType kElement, int kStages>
__global__ void __launch_bounds__(kWarps * 32, 1) state_gemm_kernel(const __grid_constant__ StateGemmParams p) {
  using TA = SlaTileTraits<kTileK, kElement, kWarps>;  // C's tile: 128 rows of 64
  using TB = SlaTileTraits<kTileN, kElement, kWarps>;  // X's tiles: 64 rows of 128
  using Element = typename TA::Element;
  using Mma = device::Mma16816<Element>;
  using Smem = GemmSmem<Element, kStages>;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* smem = reinterpret_cast<Element*>(smem_raw);

  const int i0 = blockIdx.x * kTileM;
  const int col0 = blockIdx.y * kTileN;
  const int64_t local_group = blockIdx.z;
  // A tile of rows without a marginal block writes nothing: no kernel reads those rows' states.
  {
    const int row = i0 + static_cast<int>(threadIdx.x);
    const bool any = threadIdx.x < kTileM && row < p.blocks && p.any[local_group * p.blocks + row] != 0u;
    if (!__syncthreads_or(any)) return;
  }
  const int64_t x_offset = local_group * p.blocks * int64_t(p.cols) + col0;
  const auto* x_hi = static_cast<const Element*>(p.x_hi) + x_offset;
  const auto* x_lo = static_cast<const Element*>(p.x_lo) + x_offset;
  // Causal: rows below i0 + 128 use key blocks below it only.
  // Causal: rows below i0 + 128 use blocks below it only; columns from i0 use blocks after i0 only.
  const int k_pad = (p.blocks + kTileK - 1) / kTileK * kTileK;  // X's rows past blocks load as zeros
  const int k_begin = p.causal && p.columns ? i0 / kTileK : 0;
  const int k_end = p.causal && !p.columns ? min(k_pad, i0 + kTileM) : k_pad;
  const int k_tiles = k_end / kTileK - k_begin;

  // Two threads per row of C's tile, 32 of its 64 columns each (one mask word, four 8-element
  // chunks); rows past the blocks are zero.
  const int c_row = threadIdx.x / 2;
  const int c_half = threadIdx.x % 2;
  const uint32_t* mask_row = i0 + c_row < p.blocks ? p.mask + (local_group * p.blocks + i0 + c_row) * p.mask_words : nullptr;
  const Element one = from_float<Element>(1.f);
  const Element zero = from_float<Element>(0.f);
  auto load = [&](int stage, int kt) {
    Element* s = smem + stage * Smem::kStage;
    const int k0 = (k_begin + kt) * kTileK;
    attention::detail::load_tile_async<TB, kTileK>(s + Smem::kA, x_hi, p.cols, k0, p.blocks);
    attention::detail::load_tile_async<TB, kTileK>(s + Smem::kA + Smem::kB, x_lo, p.cols, k0, p.blocks);
    device::cp_async_commit();
    const uint32_t bits = mask_row != nullptr ? __ldg(mask_row + k0 / 32 + c_half) : 0u;
#pragma unroll
    for (int chunk = 0; chunk < 4; ++chunk) {
      uint4 packed;
      Element* e = reinterpret_cast<Element*>(&packed);
#pragma unroll
      for (int x = 0; x < 8; ++x) e[x] = (bits >> (chunk * 8 + x)) & 1u ? one : zero;
      *reinterpret_cast<uint4*>(s + TA::swizzle(c_row, c_half * 4 + chunk)) = packed;
    }
  };

  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int wm = warp % 4;  // rows 32·wm
  const int wn = warp / 4;  // columns 64·wn
  float acc[2][8][4];
#pragma unroll
  for (int mi = 0; mi < 2; ++mi)
#pragma unroll
    for (int t = 0; t < 8; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[mi][t][e] = 0.f;

  // Tiles kt + 1 .. kt + kStages - 1 in flight while tile kt is multiplied: one commit group per
  // step (empty past the last tile), so tile kt has landed once at most kStages - 2 are pending.
#pragma unroll
  for (int t = 0; t < kStages - 1; ++t) {
    if (t < k_tiles) load(t, t);
    else device::cp_async_commit();
  }
  for (int kt = 0; kt < k_tiles; ++kt) {
    device::cp_async_wait<kStages - 2>();
    // Tile kt (cp.async and C's stores) is visible to every warp, and every warp is done with the
    // stage of tile kt - 1, which tile kt + kStages - 1 now refills.
    __syncthreads();
    if (kt + kStages - 1 < k_tiles) load((kt + kStages - 1) % kStages, kt + kStages - 1);
    else device::cp_async_commit();
    const Element* s = smem + (kt % kStages) * Smem::kStage;
    const uint32_t a_addr = device::smem_address(s);
    const uint32_t hi_addr = device::smem_address(s + Smem::kA);
    const uint32_t lo_addr = device::smem_address(s + Smem::kA + Smem::kB);
#pragma unroll
    for (int ks = 0; ks < kTileK / 16; ++ks) {
      uint32_t a[2][4];
#pragma unroll
      for (int mi = 0; mi < 2; ++mi)
        device::ldmatrix_x4(a[mi], a_addr + 2 * TA::swizzle(wm * 32 + mi * 16 + lane % 16, ks * 2 + lane / 16));
#pragma unroll
      for (int np = 0; np < 4; ++np) {
        const int b_offset = 2 * TB::swizzle(ks * 16 + lane % 8 + ((lane / 8) % 2) * 8, (wn * 4 + np) * 2 + lane / 16);
        uint32_t bh[4], bl[4];
        device::ldmatrix_x4_trans(bh, hi_addr + b_offset);
        device::ldmatrix_x4_trans(bl, lo_addr + b_offset);
#pragma unroll
        for (int mi = 0; mi < 2; ++mi) {
          Mma::run(acc[mi][2 * np], a[mi], bh[0], bh[1]);
          Mma::run(acc[mi][2 * np + 1], a[mi], bh[2], bh[3]);
          Mma::run(acc[mi][2 * np], a[mi], bl[0], bl[1]);
          Mma::run(acc[mi][2 * np + 1], a[mi], bl[2], bl[3]);
        }
      }
    }
  }
  device::cp_async_wait<0>();
  __syncthreads();  // every warp is done with the ring, which stages the epilogue

  // Y = scale · acc as hi + lo halves, staged in the ring's memory (every warp is past its last
  // read: the loop ends on a barrier) as two swizzled [128][128] tiles, then copied out in 16-byte
  // chunks, whole rows at a time. Accumulator (t, e) holds row lane / 4 + 8·(e / 2), column
  // 8t + 2·(lane % 4) + e % 2 of the warp's 16-row slab mi.
  Element* stage_hi = smem;
  Element* stage_lo = smem + kTileM * kTileN;
#pragma unroll
  for (int mi = 0; mi < 2; ++mi)
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int row = wm * 32 + mi * 16 + lane / 4 + 8 * half;
#pragma unroll
      for (int t = 0; t < 8; ++t) {
        const float x0 = acc[mi][t][2 * half] * p.scale;
        const float x1 = acc[mi][t][2 * half + 1] * p.scale;
        const uint32_t hi = device::pack2<Element>(x0, x1);
        const Element* h = reinterpret_cast<const Element*>(&hi);
        const int at = TB::swizzle(row, wn * 8 + t) + 2 * (lane % 4);
        *reinterpret_cast<uint32_t*>(stage_hi + at) = hi;
        *reinterpret_cast<uint32_t*>(stage_lo + at) = device::pack2<Element>(x0 - to_float(h[0]), x1 - to_float(h[1]));
      }
    }
  __syncthreads();
  auto* y_hi = static_cast<Element*>(p.y_hi) + local_group * p.blocks * int64_t(p.cols) + col0;
  auto* y_lo = static_cast<Element*>(p.y_lo) + local_group * p.blocks * int64_t(p.cols) + col0;
  constexpr int kChunks = kTileN / 8;
  for (int i = threadIdx.x; i < kTileM * kChunks; i += kWarps * 32) {
    const int row = i / kChunks;
    const int chunk = i % kChunks;
    if (i0 + row >= p.blocks) break;  // rows ascend with i
    const int64_t at = int64_t(i0 + row) * p.cols + chunk * 8;
    *reinterpret_cast<uint4*>(y_hi + at) = *reinterpret_cast<const uint4*>(stage_hi + TB::swizzle(row, chunk));
    *reinterpret_cast<uint4*>(y_lo + at) = *reinterpret_cast<const uint4*>(stage_lo + TB::swizzle(row, chunk));
  }
}

}  // namespace

cudaError_t run_marginal_mask(const StateGemmParams& p, int64_t groups, cudaStream_t stream) {
  if (p.mask_words > kMaxMaskWords || p.mask_words * 32 < p.blocks) return cudaErrorInvalidValue;
  marginal_mask_kernel<<<dim3(p.blocks, static_cast<unsigned>(groups)), kMaskThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

template <attention::ElementType kElement, int kStages>
cudaError_t launch_state_gemm(const StateGemmParams& p, int64_t groups, int max_smem, cudaStream_t stream) {
  using Element = typename attention::ElementOf<kElement>::type;
  constexpr int kSmem = GemmSmem<Element, kStages>::kBytes;
  if constexpr (kStages > 2) {
    if (kSmem > max_smem) return launch_state_gemm<kElement, kStages - 1>(p, groups, max_smem, stream);
  }
  const auto kernel = state_gemm_kernel<kElement, kStages>;
  const cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  const unsigned row_tiles = static_cast<unsigned>((p.blocks + kTileM - 1) / kTileM);
  kernel<<<dim3(row_tiles, p.cols / kTileN, static_cast<unsigned>(groups)), kWarps * 32, kSmem, stream>>>(p);
  return cudaGetLastError();
}

template <attention::ElementType kElement>
cudaError_t run_state_gemm(const StateGemmParams& p, int64_t groups, cudaStream_t stream) {
  // The deepest ring the device's shared memory per block takes (queried once per device).
  int device = 0, max_smem = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err == cudaSuccess) err = max_shared_memory_optin(device, &max_smem);
  if (err != cudaSuccess) return err;
  return launch_state_gemm<kElement, kMaxStages>(p, groups, max_smem, stream);
}

template cudaError_t run_state_gemm<attention::ElementType::kFloat16>(const StateGemmParams&, int64_t, cudaStream_t);
template cudaError_t run_state_gemm<attention::ElementType::kBFloat16>(const StateGemmParams&, int64_t, cudaStream_t);

}  // namespace mi::sla
