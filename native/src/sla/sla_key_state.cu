// Sums over the tokens of a (batch, head): H = Σ φ(x)ᵀ·y and Z = Σ w·φ(x) (KeyStateParams), then
// their deterministic reduction (ReduceParams). The all-keys state (x = K, y = V), the backward's
// dH, dZ (x = Q, y = dO_l / den, w = dden) and dW, db (x = dO, y = O_l) are all this shape. With
// state rows (the paper's branch), each 64-token block's sums are a row of the state GEMM's input
// (sla_state_gemm.cu) instead of a partial.
//
// One CTA per (chunk of tokens, group), D / 16 warps; warp w owns rows [16w, 16w + 16) of H
// (feature index a) and every column (y's dim c). Per 64-token tile: x and y land in swizzled
// shared memory (two stages: the next tile lands during this one, since at D = 128 the registers
// allow one CTA per SM), φ is applied to x in place, Z takes the weighted column sums of φ(x) (one
// thread per feature), and H += φ(x)ᵀ·y on m16n8k16 MMAs: φ(x)ᵀ's fragments come from the
// [token][feature] tile through ldmatrix.trans (the same instruction that reads V as the B operand
// of P·V).
#include <cuda_runtime.h>

#include <cstdint>

#include "../attention/attention_fwd_kernel.cuh"
#include "../common/device_primitives.cuh"
#include "mi_instantiations.h"
#include "sla_forward_params.h"
#include "sla_tiles.cuh"

namespace mi::sla {
namespace {

constexpr int kTile = 64;

// One block's state as a row of the state matrix: H at a·D + c, Z at D² + a, then zeros to
// state_cols (the GEMM reads whole 128-column tiles; 2·D threads cover Z and the padding, at most
// 128 columns past D²). H·scale goes out as hi, then lo, each staged in the CTA's two tiles (rows
// a < 64 in `low_rows`, the rest in `high_rows`, swizzled as they are) and copied out in 16-byte
// chunks: H's D² elements are contiguous in the row. The caller has synchronised after its last
// read of the tiles.
template <typename Traits>
__device__ __forceinline__ void write_state_row(const KeyStateParams& p, const float (&acc)[Traits::kOTiles][4], float z,
                                                int64_t row, typename Traits::Element* low_rows,
                                                typename Traits::Element* high_rows) {
  using Element = typename Traits::Element;
  constexpr int kHeadDim = Traits::kHeadDim;
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  for (int pass = 0; pass < 2; ++pass) {
#pragma unroll
    for (int t = 0; t < Traits::kOTiles; ++t)
#pragma unroll
      for (int half = 0; half < 2; ++half) {
        const int a = warp * 16 + lane / 4 + 8 * half;
        const float x0 = acc[t][2 * half] * p.state_scale;
        const float x1 = acc[t][2 * half + 1] * p.state_scale;
        uint32_t bits = device::pack2<Element>(x0, x1);
        if (pass == 1) {
          const Element* h = reinterpret_cast<const Element*>(&bits);
          bits = device::pack2<Element>(x0 - to_float(h[0]), x1 - to_float(h[1]));
        }
        Element* tile = a < 64 ? low_rows : high_rows;
        *reinterpret_cast<uint32_t*>(tile + Traits::swizzle(a % 64, t) + 2 * (lane % 4)) = bits;
      }
    __syncthreads();
    auto* out = static_cast<Element*>(pass == 0 ? p.state_hi : p.state_lo) + row;
    for (int i = threadIdx.x; i < kHeadDim * Traits::kChunksPerRow; i += Traits::kThreads) {
      const int a = i / Traits::kChunksPerRow;
      const int chunk = i % Traits::kChunksPerRow;
      const Element* tile = a < 64 ? low_rows : high_rows;
      *reinterpret_cast<uint4*>(out + a * kHeadDim + chunk * 8) = *reinterpret_cast<const uint4*>(tile + Traits::swizzle(a % 64, chunk));
    }
    __syncthreads();  // the tiles are read before the next pass writes them
  }
  static_assert(Traits::kThreads >= 128, "the threads cover Z and the padding");
  const int column = kHeadDim * kHeadDim + threadIdx.x;
  if (column < p.state_cols) {
    const float x = threadIdx.x < kHeadDim ? z * p.state_scale : 0.f;
    const Element hi = from_float<Element>(x);
    static_cast<Element*>(p.state_hi)[row + column] = hi;
    static_cast<Element*>(p.state_lo)[row + column] = from_float<Element>(x - to_float(hi));
  }
}

// Two stages of (φ(x), y) tiles: the next tile lands while this one is summed.
template <typename Traits>
struct KeyStateSmem {
  static constexpr int kTileElems = kTile * Traits::kHeadDim;
  static constexpr int kBytes = 2 * (2 * kTileElems * int(sizeof(typename Traits::Element)) + kTile * int(sizeof(float)));
};

template <typename Traits>
__global__ void __launch_bounds__(Traits::kThreads) key_state_kernel(const __grid_constant__ KeyStateParams p) {
  using Element = typename Traits::Element;
  using Mma = device::Mma16816<Element>;
  using Smem = KeyStateSmem<Traits>;
  constexpr int kHeadDim = Traits::kHeadDim;
  constexpr int kOTiles = Traits::kOTiles;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  // Stage s: φ(x) at s_k + s·kTileElems, y at s_v + s·kTileElems, the row weights at s_w + s·kTile.
  Element* s_k = reinterpret_cast<Element*>(smem_raw);
  Element* s_v = s_k + 2 * Smem::kTileElems;
  float* s_w = reinterpret_cast<float*>(s_v + 2 * Smem::kTileElems);

  if (p.needed != nullptr) {
    // State rows nobody reads: a group none of whose GEMM rows has a marginal block.
    int any = 0;
    for (int r = threadIdx.x; r < p.chunks; r += Traits::kThreads) any |= p.needed[int64_t(blockIdx.y) * p.chunks + r] != 0u;
    if (!__syncthreads_or(any)) return;
  }
  const int64_t group = blockIdx.y + p.group_offset;
  const int64_t batch = group / p.heads;
  const int head = static_cast<int>(group % p.heads);
  const int first = blockIdx.x * p.chunk_tokens;
  const int end = min(first + p.chunk_tokens, p.n);
  const auto* k = static_cast<const Element*>(p.x) + batch * p.x_strides.batch + head * p.x_strides.head;
  const auto* v = static_cast<const Element*>(p.y) + batch * p.y_strides.batch + head * p.y_strides.head;
  const float* weight = p.row_weight != nullptr ? p.row_weight + group * p.n : nullptr;
  auto load = [&](int t0, int stage) {
    attention::detail::load_tile_async<Traits, kTile>(s_k + stage * Smem::kTileElems, k, p.x_strides.row, t0, end);
    attention::detail::load_tile_async<Traits, kTile>(s_v + stage * Smem::kTileElems, v, p.y_strides.row, t0, end);
    device::cp_async_commit();
    for (int r = threadIdx.x; r < kTile; r += Traits::kThreads)
      s_w[stage * kTile + r] = t0 + r >= end ? 0.f : weight != nullptr ? weight[t0 + r] : 1.f;
  };

  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  float acc[kOTiles][4];
#pragma unroll
  for (int t = 0; t < kOTiles; ++t)
#pragma unroll
    for (int e = 0; e < 4; ++e) acc[t][e] = 0.f;
  float z = 0.f;  // feature threadIdx.x (threads >= D: unused)

  load(first, 0);
  int stage = 0;
  for (int t0 = first; t0 < end; t0 += kTile, stage ^= 1) {
    __syncthreads();  // every warp finished reading the previous tile, whose stage the next takes
    if (t0 + kTile < end) {
      load(t0 + kTile, stage ^ 1);
      device::cp_async_wait<1>();
    } else {
      device::cp_async_wait<0>();
    }
    __syncthreads();
    Element* tile_k = s_k + stage * Smem::kTileElems;
    const float* tile_w = s_w + stage * kTile;
    apply_feature_map<Traits, kTile>(tile_k, end - t0, p.feature_map);
    __syncthreads();
    if (threadIdx.x < kHeadDim) {
      const int a = threadIdx.x;
#pragma unroll 8
      for (int row = 0; row < kTile; ++row) z = fmaf(tile_w[row], to_float(tile_k[Traits::swizzle(row, a / 8) + a % 8]), z);
    }
    const uint32_t s_k_addr = device::smem_address(tile_k);
    const uint32_t s_v_addr = device::smem_address(s_v + stage * Smem::kTileElems);
#pragma unroll
    for (int kk = 0; kk < kTile / 16; ++kk) {
      uint32_t a_frag[4];
      device::ldmatrix_x4_trans(a_frag, s_k_addr + 2 * Traits::swizzle(kk * 16 + (lane % 8) + (lane / 16) * 8,
                                                                       warp * 2 + (lane / 8) % 2));
#pragma unroll
      for (int dp = 0; dp < kOTiles / 2; ++dp) {
        uint32_t v_frag[4];
        device::ldmatrix_x4_trans(v_frag, s_v_addr + 2 * Traits::swizzle(kk * 16 + (lane % 8) + ((lane / 8) % 2) * 8,
                                                                         dp * 2 + lane / 16));
        Mma::run(acc[2 * dp], a_frag, v_frag[0], v_frag[1]);
        Mma::run(acc[2 * dp + 1], a_frag, v_frag[2], v_frag[3]);
      }
    }
  }

  if (p.state_hi != nullptr) {
    __syncthreads();  // every warp is done with the tiles, which stage the row
    write_state_row<Traits>(p, acc, z, (int64_t(blockIdx.y) * p.chunks + blockIdx.x) * p.state_cols, s_k, s_v);
    return;
  }
  // Accumulator (t, e): row 16·warp + lane / 4 + 8·(e / 2), column 8t + 2·(lane % 4) + e % 2.
  float* h = p.partial_h + (group * p.chunks + blockIdx.x) * int64_t(kHeadDim) * kHeadDim;
#pragma unroll
  for (int t = 0; t < kOTiles; ++t)
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int a = warp * 16 + lane / 4 + 8 * half;
      const int c = t * 8 + 2 * (lane % 4);
      *reinterpret_cast<float2*>(h + a * kHeadDim + c) = make_float2(acc[t][2 * half], acc[t][2 * half + 1]);
    }
  if (threadIdx.x < kHeadDim) p.partial_z[(group * p.chunks + blockIdx.x) * kHeadDim + threadIdx.x] = z;
}

constexpr int kReduceThreads = 256;

// grid (ceil(D·D / 256), groups + 1), or (ceil(D·D / 256), 1) with sum_groups: each thread one
// entry (a, c), summed over the partials in (group, chunk) order. Without sum_groups the last y
// splits Proj's weights. hi = round(x), lo = round(x - hi): hi + lo carries about 16 significant
// bits, so products with it on tensor cores keep fp32-like accuracy where a difference of large
// sums (all keys minus excluded blocks) would amplify a single rounding.
template <int kHeadDim, typename Element>
__global__ void __launch_bounds__(kReduceThreads) reduce_key_state_kernel(const __grid_constant__ ReduceParams p) {
  const int i = blockIdx.x * kReduceThreads + threadIdx.x;
  if (i >= kHeadDim * kHeadDim) return;
  constexpr int64_t kState = int64_t(kHeadDim) * kHeadDim;
  if (p.sum_groups) {
    float h = 0.f, z = 0.f;
    for (int64_t g = 0; g < p.groups; ++g)
      for (int c = 0; c < p.chunks; ++c) {
        h += p.partial_h[(g * p.chunks + c) * kState + i];
        if (i < kHeadDim) z += p.partial_z[(g * p.chunks + c) * kHeadDim + i];
      }
    p.h_total[i] = h;
    if (i < kHeadDim) p.z_total[i] = z;
    return;
  }
  const int64_t group = blockIdx.y;
  float x;
  Element* hi;
  Element* lo;
  if (group == p.groups) {
    if (p.weight == nullptr) return;
    x = p.weight[i];
    hi = static_cast<Element*>(p.w_hi) + i;
    lo = static_cast<Element*>(p.w_lo) + i;
  } else {
    const float* partial = p.partial_h + group * p.chunks * kState + i;
    float sum = 0.f;
    for (int c = 0; c < p.chunks; ++c) sum += partial[c * kState];
    x = sum * p.scale;
    hi = static_cast<Element*>(p.h_hi) + group * kState + i;
    lo = static_cast<Element*>(p.h_lo) + group * kState + i;
    if (i < kHeadDim) {
      const float* partial_z = p.partial_z + group * p.chunks * kHeadDim + i;
      float z = 0.f;
      for (int c = 0; c < p.chunks; ++c) z += partial_z[c * kHeadDim];
      p.z[group * kHeadDim + i] = z;
    }
  }
  const Element h = from_float<Element>(x);
  *hi = h;
  *lo = from_float<Element>(x - to_float(h));
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_key_state(const KeyStateParams& p, int64_t groups, cudaStream_t stream) {
  using Traits = SlaTileTraits<kHeadDim, kElement, kHeadDim / 16>;
  constexpr int kSmem = KeyStateSmem<Traits>::kBytes;
  const cudaError_t err = cudaFuncSetAttribute(key_state_kernel<Traits>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  key_state_kernel<Traits><<<dim3(p.chunks, static_cast<unsigned>(groups)), Traits::kThreads, kSmem, stream>>>(p);
  return cudaGetLastError();
}

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_reduce_key_state(const ReduceParams& p, cudaStream_t stream) {
  using Element = typename attention::ElementOf<kElement>::type;
  const dim3 grid((kHeadDim * kHeadDim + kReduceThreads - 1) / kReduceThreads,
                  p.sum_groups ? 1u : static_cast<unsigned>(p.groups + 1));
  reduce_key_state_kernel<kHeadDim, Element><<<grid, kReduceThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

#define MI_INSTANTIATE_KEY_STATE(D)                                                                       \
  template cudaError_t run_key_state<D, attention::ElementType::kFloat16>(const KeyStateParams&, int64_t,    \
                                                                          cudaStream_t);                     \
  template cudaError_t run_key_state<D, attention::ElementType::kBFloat16>(const KeyStateParams&, int64_t,   \
                                                                           cudaStream_t);                    \
  template cudaError_t run_reduce_key_state<D, attention::ElementType::kFloat16>(const ReduceParams&,        \
                                                                                 cudaStream_t);              \
  template cudaError_t run_reduce_key_state<D, attention::ElementType::kBFloat16>(const ReduceParams&,       \
                                                                                  cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_KEY_STATE)

}  // namespace mi::sla
