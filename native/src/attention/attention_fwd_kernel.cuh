// Attention forward mainloop, FlashAttention-2 style: one CTA per (128-query tile, head, batch);
// the Q tile stays in shared memory, K and V tiles stream through shared memory with cp.async,
// S = Q·Kᵀ and O += P·V run on m16n8k16 tensor-core MMAs with fp32 accumulation, and an online
// softmax in base 2 rescales O as new row maxima appear. O and the fp32 log-sum-exp are written
// once at the end.
//
// Patterns differ only in which key tiles a query tile visits and which entries inside them are
// visible: that is the `Tiles` policy (dense_policy.cuh, ashape_policy.cuh, ...). A policy is
// built per CTA from the parameters and the query tile, and provides
//   count()               number of key tiles visited (>= 1),
//   tile(i)               the i-th KeyTile (tiles that need masking should come first),
//   needs_mask(tile)      whether the tile has entries some row of the query tile must not see,
//   visible(tile, row, c) whether query row `row` (absolute) sees the tile's c-th key,
//   head(params, y)       the query head of grid row y,
//   runs(params, b, h, H) whether this launch computes (batch b, head h) (device route codes),
//   kLongestFirst         whether query tiles run in reverse order (their cost grows with the index),
//   kGathers              whether tile(i) may return gathered key lists,
//   kReadsAhead           (gathering policies) whether tile i + 1's block and list entries are read
//                         while tile i's scores are computed (permuted heads, where every tile is
//                         gathered: measured faster) or right before each copy (vertical-slash,
//                         where most tiles are contiguous: the extra live registers measured slower),
//   kSm90a                whether the sm_90a mainloop (native/src/hopper/) runs the policy,
//   kPermutesRows         whether the query tile's rows are permuted slots (grid heads): then
//                         query_rows() lists the original rows of slots [m0, m0 + rows),
//                         query_row_count(kBlockM) how many exist, and output_row(slot) the
//                         original row its O and log-sum-exp go to (-1: none).
#pragma once

#include <cuda_runtime.h>

#include <cmath>

#include "../common/device_primitives.cuh"
#include "attention_params.h"
#include "attention_traits.cuh"

namespace mi::attention {

// kBlockN keys of one step: contiguous columns [first, first + kBlockN), or, when count > 0,
// the `count` gathered columns list[0..count).
struct KeyTile {
  int first;
  int count;
  const int32_t* list;

  __device__ static KeyTile contiguous(int first) { return {first, 0, nullptr}; }
  __device__ static KeyTile gathered(const int32_t* list, int count) { return {0, count, list}; }
  __device__ bool is_gathered() const { return count > 0; }
};

namespace detail {

using index_t = AttentionFwdParams::index_t;

// Whether a CTA loads whole rows per pass with a fixed swizzle phase: every thread then owns one
// chunk column (kThreads a multiple of the chunks per row, and the rows of a pass a multiple of 8).
// head_dim 96 (12 chunks a row) and 256 at 4 warps (4 rows a pass) take the general path instead.
template <typename Traits>
constexpr bool kLoadsFixedColumns =
    Traits::kThreads % Traits::kChunksPerRow == 0 &&
    (Traits::kThreads / Traits::kChunksPerRow) % 8 == 0;

// Copies rows [row0, row0 + kRows) of a [rows, kHeadDim] matrix into a swizzled shared tile.
// Rows at or past row_limit are zero-filled: a zero K row scores 0 (then masked) and a zero V row
// contributes nothing, so ragged tails never inject garbage or NaN.
// Fixed columns: every thread owns one 16-byte chunk column and steps down the rows, so the
// swizzle term and the global column offset are loop-invariant: the loop costs one pointer and no
// divisions, which matters in a kernel that lives at the register limit. Otherwise each pass
// covers kThreads consecutive chunks of the tile, and a thread's (row, chunk) is recomputed per
// pass (division by a constant: a multiply and a shift).
template <typename Traits, int kRows>
__device__ __forceinline__ void load_tile_async(typename Traits::Element* smem,
                                                const typename Traits::Element* gmem,
                                                index_t row_stride, int row0, int row_limit) {
  if constexpr (kLoadsFixedColumns<Traits>) {
    constexpr int kRowsPerPass = Traits::kThreads / Traits::kChunksPerRow;
    static_assert(kRows % kRowsPerPass == 0, "tile rows load in whole passes");
    const int chunk = threadIdx.x % Traits::kChunksPerRow;
    const int first_row = threadIdx.x / Traits::kChunksPerRow;
    const uint32_t smem_dst = device::smem_address(smem + Traits::swizzle(first_row, chunk));
    const auto* src = gmem + static_cast<index_t>(row0 + first_row) * row_stride +
                      chunk * Traits::kChunkElems;
    const index_t src_step = row_stride * kRowsPerPass;
#pragma unroll
    for (int pass = 0; pass < kRows / kRowsPerPass; ++pass) {
      const int row = row0 + first_row + pass * kRowsPerPass;
      const bool valid = row >= 0 && row < row_limit;
      device::cp_async_16(smem_dst + pass * kRowsPerPass * Traits::kHeadDim * 2,
                          valid ? src + pass * src_step : gmem, valid);
    }
  } else {
    constexpr int kChunks = kRows * Traits::kChunksPerRow;
    static_assert(kChunks % Traits::kThreads == 0, "tile chunks load in whole passes");
#pragma unroll
    for (int pass = 0; pass < kChunks / Traits::kThreads; ++pass) {
      const int i = pass * Traits::kThreads + threadIdx.x;
      const int r = i / Traits::kChunksPerRow;
      const int chunk = i % Traits::kChunksPerRow;
      const int row = row0 + r;
      const bool valid = row >= 0 && row < row_limit;
      const auto* src = gmem + static_cast<index_t>(valid ? row : 0) * row_stride +
                        chunk * Traits::kChunkElems;
      device::cp_async_16(device::smem_address(smem + Traits::swizzle(r, chunk)),
                          valid ? src : gmem, valid);
    }
  }
}

// The source rows one thread copies of a gathered tile, read from the list ahead of the copy. A
// gathered copy is two dependent loads (the list entry, then the row it names), so the mainloop
// reads the next tile's entries a whole QK^T earlier than it copies their rows: the list's latency
// then hides behind the tensor cores instead of stalling the warp that issues the copy.
template <typename Traits, int kRows>
struct GatheredRows {
  static constexpr bool kFixed = kLoadsFixedColumns<Traits>;
  static constexpr int kRowsPerPass = Traits::kThreads / Traits::kChunksPerRow;  // fixed columns
  static constexpr int kPasses = kFixed ? kRows / kRowsPerPass : kRows * Traits::kChunksPerRow / Traits::kThreads;
  static_assert(kFixed ? kRows % kRowsPerPass == 0 : kRows * Traits::kChunksPerRow % Traits::kThreads == 0,
                "tile rows load in whole passes");

  int columns[kPasses];

  __device__ __forceinline__ static int row_of(int pass) {
    return kFixed ? int(threadIdx.x) / Traits::kChunksPerRow + pass * kRowsPerPass
                  : (pass * Traits::kThreads + int(threadIdx.x)) / Traits::kChunksPerRow;
  }

  // Entries list[0..count) this thread copies (-1 past count); all loads in flight at once.
  __device__ __forceinline__ void read(const int32_t* list, int count) {
#pragma unroll
    for (int pass = 0; pass < kPasses; ++pass) {
      const int row = row_of(pass);
      columns[pass] = row < count ? __ldg(list + row) : -1;
    }
  }

  // Copies the rows read into a shared tile (rows past `count`, and entries outside [0, row_limit)
  // from a malformed index, are zero-filled rather than read).
  __device__ __forceinline__ void copy(typename Traits::Element* smem, const typename Traits::Element* gmem,
                                       index_t row_stride, int row_limit) const {
    if constexpr (kFixed) {
      // One chunk column per thread: the swizzle phase repeats every 8 rows, and a pass is a
      // multiple of 8 rows, so the destination advances by whole rows.
      const int chunk = threadIdx.x % Traits::kChunksPerRow;
      const uint32_t smem_dst = device::smem_address(smem + Traits::swizzle(row_of(0), chunk));
#pragma unroll
      for (int pass = 0; pass < kPasses; ++pass) {
        const bool valid = columns[pass] >= 0 && columns[pass] < row_limit;
        const auto* src = gmem + static_cast<index_t>(valid ? columns[pass] : 0) * row_stride +
                          chunk * Traits::kChunkElems;
        device::cp_async_16(smem_dst + pass * kRowsPerPass * Traits::kHeadDim * 2, src, valid);
      }
    } else {
#pragma unroll
      for (int pass = 0; pass < kPasses; ++pass) {
        const int i = pass * Traits::kThreads + threadIdx.x;
        const int chunk = i % Traits::kChunksPerRow;
        const bool valid = columns[pass] >= 0 && columns[pass] < row_limit;
        const auto* src = gmem + static_cast<index_t>(valid ? columns[pass] : 0) * row_stride +
                          chunk * Traits::kChunkElems;
        device::cp_async_16(device::smem_address(smem + Traits::swizzle(i / Traits::kChunksPerRow, chunk)), src, valid);
      }
    }
  }
};

// Gathers rows list[0..count) into a shared tile (the query tile of a permuted policy).
template <typename Traits, int kRows>
__device__ __forceinline__ void gather_tile_async(typename Traits::Element* smem,
                                                  const typename Traits::Element* gmem,
                                                  index_t row_stride, const int32_t* list, int count,
                                                  int row_limit) {
  GatheredRows<Traits, kRows> rows;
  rows.read(list, count);
  rows.copy(smem, gmem, row_stride, row_limit);
}

// Copies a key tile: its contiguous rows, or (gathering policies) the rows `rows` read for it.
template <typename Traits, typename Tiles, int kRows>
__device__ __forceinline__ void copy_key_tile_async(typename Traits::Element* smem,
                                                    const typename Traits::Element* gmem,
                                                    index_t row_stride, const KeyTile& tile,
                                                    const GatheredRows<Traits, kRows>& rows,
                                                    int row_limit) {
  if constexpr (Tiles::kGathers) {
    if (tile.is_gathered()) {
      rows.copy(smem, gmem, row_stride, row_limit);
      return;
    }
  }
  load_tile_async<Traits, kRows>(smem, gmem, row_stride, tile.first, row_limit);
}

// Copies a key tile, reading a gathered tile's list right before the copy.
template <typename Traits, typename Tiles, int kRows>
__device__ __forceinline__ void load_key_tile_async(typename Traits::Element* smem,
                                                    const typename Traits::Element* gmem,
                                                    index_t row_stride, const KeyTile& tile,
                                                    int row_limit) {
  if (Tiles::kGathers && tile.is_gathered())
    gather_tile_async<Traits, kRows>(smem, gmem, row_stride, tile.list, tile.count, row_limit);
  else
    load_tile_async<Traits, kRows>(smem, gmem, row_stride, tile.first, row_limit);
}

template <int kAtoms, int kTiles>
__device__ __forceinline__ void zero(float (&acc)[kAtoms][kTiles][4]) {
#pragma unroll
  for (int a = 0; a < kAtoms; ++a)
#pragma unroll
    for (int t = 0; t < kTiles; ++t)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[a][t][e] = 0.f;
}

}  // namespace detail

template <typename Traits, typename Tiles>
__global__ void __launch_bounds__(Traits::kThreads, Traits::kMinBlocksPerSm)
    attention_fwd_kernel(const __grid_constant__ AttentionFwdParams p,
                         const __grid_constant__ typename Tiles::Params tiles_params) {
  using Element = typename Traits::Element;
  using Mma = device::Mma16816<Element>;
  using detail::index_t;
  constexpr int kBlockM = Traits::kBlockM;
  constexpr int kBlockN = Traits::kBlockN;
  constexpr int kMAtoms = Traits::kMAtoms;
  constexpr int kSTiles = Traits::kSTiles;
  constexpr int kOTiles = Traits::kOTiles;
  constexpr int kHeadDim = Traits::kHeadDim;

  extern __shared__ __align__(128) unsigned char smem_raw[];
  Element* s_q = reinterpret_cast<Element*>(smem_raw);  // (kBlockM, kHeadDim)
  Element* s_k = s_q + Traits::kQElems;                  // (kBlockN, kHeadDim)
  Element* s_v = s_k + Traits::kKVElems;                 // (kBlockN, kHeadDim)

  // Where tiles differ in cost, launching the longest rows first shortens the tail.
  const int m_block =
      Tiles::kLongestFirst ? int(gridDim.x) - 1 - int(blockIdx.x) : int(blockIdx.x);
  const int head = Tiles::head(tiles_params, blockIdx.y);
  const int batch = blockIdx.z;
  // The whole CTA leaves before any barrier: another launch of the layer computes this head.
  if (!Tiles::runs(tiles_params, batch, head, p.q_heads)) return;
  const int kv_head = head / p.q_heads_per_kv_head;
  const int m0 = m_block * kBlockM;

  const auto* q = static_cast<const Element*>(p.q) + batch * p.q_strides.batch +
                  head * p.q_strides.head;
  const auto* k = static_cast<const Element*>(p.k) + batch * p.k_strides.batch +
                  kv_head * p.k_strides.head;
  const auto* v = static_cast<const Element*>(p.v) + batch * p.v_strides.batch +
                  kv_head * p.v_strides.head;

  const Tiles tiles(p, tiles_params, m0, kBlockM, kBlockN);
  const int tile_count = tiles.count();

  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int group = lane / 4;   // row within an m16 atom's half
  const int quad_lane = lane % 4;
  const int warp_row0 = warp * Traits::kWarpRows;

  if constexpr (Tiles::kPermutesRows)
    detail::gather_tile_async<Traits, kBlockM>(s_q, q, p.q_strides.row, tiles.query_rows(),
                                               tiles.query_row_count(kBlockM), p.q_len);
  else
    detail::load_tile_async<Traits, kBlockM>(s_q, q, p.q_strides.row, m0, p.q_len);
  // Read-ahead policies (kReadsAhead) name tiles one step before their copy is issued and read a
  // gathered tile's list entries a whole QK^T before (detail::GatheredRows): both dependent loads
  // of a gathered copy then overlap the tensor cores; `ahead` holds the entries of the tile copied
  // next, `current`/`next` the tiles. Other policies read each tile and list right before its copy.
  constexpr bool kReadsAhead = Tiles::kGathers && Tiles::kReadsAhead;
  KeyTile current = tiles.tile(0);
  detail::GatheredRows<Traits, kBlockN> ahead;
  if constexpr (kReadsAhead) {
    if (current.is_gathered()) ahead.read(current.list, current.count);
    detail::copy_key_tile_async<Traits, Tiles, kBlockN>(s_k, k, p.k_strides.row, current, ahead, p.kv_len);
  } else {
    detail::load_key_tile_async<Traits, Tiles, kBlockN>(s_k, k, p.k_strides.row, current, p.kv_len);
  }
  device::cp_async_commit();
  KeyTile next = kReadsAhead && tile_count > 1 ? tiles.tile(1) : current;

  float acc_o[kMAtoms][kOTiles][4];  // (kWarpRows, kHeadDim) per warp
  detail::zero(acc_o);

  // Per thread: rows (atom a, half h) → index 2a + h; row max of raw scores and an unreduced
  // partial row sum (reduced across the quad once, at the end).
  float row_max[2 * kMAtoms];
  float row_sum[2 * kMAtoms];
#pragma unroll
  for (int r = 0; r < 2 * kMAtoms; ++r) {
    row_max[r] = -INFINITY;
    row_sum[r] = 0.f;
  }

  const uint32_t s_q_addr = device::smem_address(s_q);
  const uint32_t s_k_addr = device::smem_address(s_k);
  const uint32_t s_v_addr = device::smem_address(s_v);

  for (int i = 0; i < tile_count; ++i) {
    const KeyTile tile = kReadsAhead ? current : tiles.tile(i);

    device::cp_async_wait<0>();
    __syncthreads();  // K[n] (and Q) landed; every warp finished reading V[n+1].
    KeyTile after = next;
    if constexpr (kReadsAhead) {
      detail::copy_key_tile_async<Traits, Tiles, kBlockN>(s_v, v, p.v_strides.row, tile, ahead, p.kv_len);
      device::cp_async_commit();
      if (i + 1 < tile_count && next.is_gathered()) ahead.read(next.list, next.count);
      if (i + 2 < tile_count) after = tiles.tile(i + 2);
    } else {
      detail::load_key_tile_async<Traits, Tiles, kBlockN>(s_v, v, p.v_strides.row, tile, p.kv_len);
      device::cp_async_commit();
    }

    float acc_s[kMAtoms][kSTiles][4];  // (kWarpRows, kBlockN) per warp
    detail::zero(acc_s);

#pragma unroll
    for (int ks = 0; ks < kHeadDim / 16; ++ks) {
      uint32_t q_frag[kMAtoms][4];
#pragma unroll
      for (int a = 0; a < kMAtoms; ++a) {
        const int row = warp_row0 + a * 16 + (lane % 16);
        device::ldmatrix_x4(q_frag[a],
                            s_q_addr + 2 * Traits::swizzle(row, ks * 2 + lane / 16));
      }
#pragma unroll
      for (int np = 0; np < kSTiles / 2; ++np) {
        uint32_t k_frag[4];
        const int row = np * 16 + (lane % 8) + (lane / 16) * 8;
        device::ldmatrix_x4(k_frag, s_k_addr + 2 * Traits::swizzle(row, ks * 2 + (lane / 8) % 2));
#pragma unroll
        for (int a = 0; a < kMAtoms; ++a) {
          Mma::run(acc_s[a][2 * np], q_frag[a], k_frag[0], k_frag[1]);
          Mma::run(acc_s[a][2 * np + 1], q_frag[a], k_frag[2], k_frag[3]);
        }
      }
    }

    if (tiles.needs_mask(tile)) {
#pragma unroll
      for (int a = 0; a < kMAtoms; ++a)
#pragma unroll
        for (int t = 0; t < kSTiles; ++t)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int row = m0 + warp_row0 + a * 16 + group + (e / 2) * 8;
            const int c = t * 8 + quad_lane * 2 + (e % 2);
            if (!tiles.visible(tile, row, c)) acc_s[a][t][e] = -INFINITY;
          }
    }

    device::cp_async_wait<0>();
    __syncthreads();  // V[n] landed; every warp finished reading K[n].
    if (i + 1 < tile_count) {
      if constexpr (kReadsAhead)
        detail::copy_key_tile_async<Traits, Tiles, kBlockN>(s_k, k, p.k_strides.row, next, ahead, p.kv_len);
      else
        detail::load_key_tile_async<Traits, Tiles, kBlockN>(s_k, k, p.k_strides.row, tiles.tile(i + 1), p.kv_len);
      device::cp_async_commit();
    }

    // Online softmax on this tile, overlapping the K prefetch.
#pragma unroll
    for (int a = 0; a < kMAtoms; ++a)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int r = 2 * a + h;
        float tile_max = row_max[r];
#pragma unroll
        for (int t = 0; t < kSTiles; ++t)
          tile_max = fmaxf(tile_max, fmaxf(acc_s[a][t][2 * h], acc_s[a][t][2 * h + 1]));
        tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 1));
        tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 2));
        // A row that has seen only masked keys keeps max −inf; subtracting 0 instead keeps
        // exp2(−inf − base) = 0 rather than NaN.
        const float base = tile_max == -INFINITY ? 0.f : tile_max * p.scale_log2;
        const float correction = device::fast_exp2(row_max[r] * p.scale_log2 - base);
        row_max[r] = tile_max;
        row_sum[r] *= correction;
#pragma unroll
        for (int t = 0; t < kOTiles; ++t) {
          acc_o[a][t][2 * h] *= correction;
          acc_o[a][t][2 * h + 1] *= correction;
        }
#pragma unroll
        for (int t = 0; t < kSTiles; ++t)
#pragma unroll
          for (int e = 2 * h; e < 2 * h + 2; ++e) {
            const float prob = device::fast_exp2(fmaf(acc_s[a][t][e], p.scale_log2, -base));
            acc_s[a][t][e] = prob;
            row_sum[r] += prob;
          }
      }

    // O += P·V with P straight from the S accumulators: the m16n8 C layout of two adjacent n8
    // tiles is exactly the m16k16 A layout, so P never touches shared memory.
#pragma unroll
    for (int kk = 0; kk < kBlockN / 16; ++kk) {
      uint32_t p_frag[kMAtoms][4];
#pragma unroll
      for (int a = 0; a < kMAtoms; ++a) {
        p_frag[a][0] = device::pack2<Element>(acc_s[a][2 * kk][0], acc_s[a][2 * kk][1]);
        p_frag[a][1] = device::pack2<Element>(acc_s[a][2 * kk][2], acc_s[a][2 * kk][3]);
        p_frag[a][2] = device::pack2<Element>(acc_s[a][2 * kk + 1][0], acc_s[a][2 * kk + 1][1]);
        p_frag[a][3] = device::pack2<Element>(acc_s[a][2 * kk + 1][2], acc_s[a][2 * kk + 1][3]);
      }
#pragma unroll
      for (int dp = 0; dp < kOTiles / 2; ++dp) {
        uint32_t v_frag[4];
        const int row = kk * 16 + (lane % 8) + ((lane / 8) % 2) * 8;
        device::ldmatrix_x4_trans(v_frag, s_v_addr + 2 * Traits::swizzle(row, dp * 2 + lane / 16));
#pragma unroll
        for (int a = 0; a < kMAtoms; ++a) {
          Mma::run(acc_o[a][2 * dp], p_frag[a], v_frag[0], v_frag[1]);
          Mma::run(acc_o[a][2 * dp + 1], p_frag[a], v_frag[2], v_frag[3]);
        }
      }
    }
    if constexpr (kReadsAhead) {
      current = next;
      next = after;
    }
  }

  // Epilogue. Each warp stages its own 32 rows of O in its own rows of the Q tile (which only it
  // ever read), then writes them out as coalesced 16-byte rows.
#pragma unroll
  for (int a = 0; a < kMAtoms; ++a)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int r = 2 * a + h;
      float sum = row_sum[r];
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      sum += __shfl_xor_sync(0xffffffffu, sum, 2);
      const float inv_sum = sum > 0.f ? 1.f / sum : 0.f;
      const int local_row = warp_row0 + a * 16 + group + h * 8;
#pragma unroll
      for (int t = 0; t < kOTiles; ++t) {
        const uint32_t packed = device::pack2<Element>(acc_o[a][t][2 * h] * inv_sum,
                                                       acc_o[a][t][2 * h + 1] * inv_sum);
        *reinterpret_cast<uint32_t*>(s_q + Traits::swizzle(local_row, t) + quad_lane * 2) = packed;
      }
      const int q_row = m0 + local_row;
      if (p.lse != nullptr && quad_lane == 0 && q_row < p.q_len) {
        int out_row = q_row;
        if constexpr (Tiles::kPermutesRows) out_row = tiles.output_row(q_row);
        const index_t lse_index =
            (static_cast<index_t>(batch) * p.q_heads + head) * p.q_len + out_row;
        if (out_row >= 0) p.lse[lse_index] = sum > 0.f ? fmaf(row_max[r], p.scale, logf(sum)) : -INFINITY;
      }
    }
  __syncwarp();

  auto* o = static_cast<Element*>(p.o) + batch * p.o_strides.batch + head * p.o_strides.head;
  constexpr int kWarpChunks = Traits::kWarpRows * Traits::kChunksPerRow;
#pragma unroll
  for (int i = lane; i < kWarpChunks; i += 32) {
    const int local_row = warp_row0 + i / Traits::kChunksPerRow;
    const int chunk = i % Traits::kChunksPerRow;
    const int q_row = m0 + local_row;
    if (q_row < p.q_len) {
      int out_row = q_row;
      if constexpr (Tiles::kPermutesRows) out_row = tiles.output_row(q_row);
      if (out_row < 0) continue;  // a malformed order array: nothing is written for this slot
      const uint4 value = *reinterpret_cast<const uint4*>(s_q + Traits::swizzle(local_row, chunk));
      *reinterpret_cast<uint4*>(o + static_cast<index_t>(out_row) * p.o_strides.row +
                                chunk * Traits::kChunkElems) = value;
    }
  }
}

}  // namespace mi::attention
