// SLA backward, step 6 on Hopper (sla_backward_params.h; the sm_80 kernels are sla_sparse_bwd.cu,
// whose math and determinism this keeps): FlashAttention-2's backward over the critical blocks on
// warpgroup MMAs, dQ per query block over its row of the critical index, dK and dV per key block
// over its column, added to what the linear branch wrote.
//
// A CTA is a producer warpgroup and two consumer warpgroups, each consumer owning one 64-row
// block (its "fixed" tiles: Q and dO for dQ, K and V for dK/dV) and a two-stage ring of the
// 64-row tiles its list streams (K and V for dQ; Q, dO and their log-sum-exp and D for dK/dV),
// filled by its half of the producer warpgroup and signalled on mbarriers. The streamed tiles come
// by TMA where the operands allow it (head_dim 64 or 128, 16-byte aligned strides): one thread
// issues a stage's boxes, where copying them with cp.async took as many issue slots as the
// consumers' elementwise work; otherwise by cp.async. Per streamed tile:
//   dQ:     S = Q·Kᵀ, dP = dO·Vᵀ (both operands in shared memory), dS = P ⊙ (dP − D) in
//           registers, dQ += dS·K (dS as the register operand, K read N-major);
//   dK, dV: Sᵀ = K·Qᵀ, dPᵀ = V·dOᵀ, Pᵀ and dSᵀ in registers, dV += Pᵀ·dO and dK += dSᵀ·Q.
// No atomics: each output row is one consumer's, written once (scaled, added) at the end.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <type_traits>

#include <cuda.h>

#include "../common/csr_rows.cuh"
#include "../common/device_primitives.cuh"
#include "../sla/sla_backward_params.h"
#include "../sla/sla_rows.cuh"
#include "sla_sparse_bwd_sm90.h"
#include "sm90_primitives.cuh"
#include "tma_maps.h"

namespace mi::hopper {
namespace {

using index_t = int64_t;
constexpr int kBlock = 64;  // SLA's blocks: every tile is 64 rows
constexpr float kLog2e = 1.4426950408889634f;

template <int kHeadDim_, typename Element_>
struct SlaBwdTraits {
  using Element = Element_;
  static constexpr int kHeadDim = kHeadDim_;
  static constexpr int kStages = 2;
  static constexpr int kThreads = 384;  // producer + 2 consumers
  static constexpr int kChunksPerRow = kHeadDim / 8;
  static constexpr int kColumnBlocks = (kHeadDim + 63) / 64;
  static constexpr int kTileBytes = kBlock * kColumnBlocks * 128;  // one 64-row tile, 128-byte swizzled rows
  // A streamed block's LSE and D (dK/dV): 512 bytes, padded to 1024 so that every tile after them
  // starts on the 1024-byte boundary the swizzle and the descriptors assume.
  static constexpr int kVectorBytes = 1024;
  static constexpr int kStageBytes = 2 * kTileBytes + kVectorBytes;
  static constexpr int kConsumerBytes = 2 * kTileBytes + kStages * kStageBytes;
  static_assert(2 * kBlock * int(sizeof(float)) <= kVectorBytes && kStageBytes % 1024 == 0 && kConsumerBytes % 1024 == 0,
                "every tile starts on a 1024-byte boundary");
  // fixed tiles landed (all 128 producer threads), then per consumer: full[stage], empty[stage]
  static constexpr int kBarriers = 1 + 2 * 2 * kStages;
  static constexpr int kSmemBytes = 2 * kConsumerBytes + kBarriers * 8 + 1024;
  // Registers per thread of the producer and the consumers (setmaxnreg moves them within the
  // CTA's 384 x 168 only: asking for more hangs). A cp.async producer walks the list and copies
  // 64-row tiles (it spills at 40); a TMA producer issues a stage's boxes from one thread and fits
  // in 40 (dK/dV's writes the LSE and D rows too; at 24 it spills), which leaves the consumers 232:
  // enough for dK/dV's staged products at head_dim 96 and 128 (at 224 they spill).
  template <bool kTma>
  static constexpr int kProducerRegisters = kTma ? 40 : 56;
  template <bool kTma>
  static constexpr int kConsumerRegisters = kTma ? 232 : 224;
  static_assert(128 * kProducerRegisters<true> + 256 * kConsumerRegisters<true> <= 384 * 168 &&
                    128 * kProducerRegisters<false> + 256 * kConsumerRegisters<false> <= 384 * 168,
                "register counts exceed the CTA's allocation");
  static_assert(kSmemBytes <= 227 * 1024, "one CTA must fit an SM");
};

// Copies 64 rows starting at `first` of a [*, D] matrix into a swizzled tile with 64 threads
// (`thread` in [0, 64)); rows at or past n are zero-filled.
template <typename Traits>
__device__ __forceinline__ void copy_tile(uint32_t smem, const typename Traits::Element* gmem, index_t row_stride, int first,
                                          int n, int thread) {
  constexpr int kChunks = kBlock * Traits::kChunksPerRow;
#pragma unroll 4
  for (int i = thread; i < kChunks; i += 64) {
    const int r = i / Traits::kChunksPerRow;
    const int c = i % Traits::kChunksPerRow;
    const bool valid = first + r < n;
    device::cp_async_16(smem + swizzled_offset(kBlock, r, c), gmem + static_cast<index_t>(valid ? first + r : 0) * row_stride + c * 8,
                        valid);
  }
}

// The first row of list entry `block` (n, an empty tile, for an entry outside [0, blocks)).
__device__ __forceinline__ int block_first(int32_t block, const sla::BackwardParams& p) {
  return block >= 0 && block < p.blocks ? block * kBlock : p.n;
}

// One k16 slice's descriptor of a K-major tile (the reduction dimension is the head dimension).
__device__ __forceinline__ uint64_t k_major(uint32_t tile, int kk) {
  return descriptor(tile + (kk / 4) * (kBlock * 128) + (kk % 4) * 32, 16, 1024);
}

// A fixed 64-row tile's register A operand (the m64k16 fragments of every k16 step of the head
// dimension; warp w of the warpgroup holds rows 16w..16w + 15, as mma.sync's A): held for the
// whole list, so the products that read it take only their B operand from shared memory. With
// both operands there, a 64 x 64 product over k16 reads 4 KB per 131 kFLOP, which at the tensor
// cores' rate is all of shared memory's 128 bytes a clock, before the ring's own fills.
template <typename Traits>
using Fragments = uint32_t[Traits::kHeadDim / 16][4];

template <typename Traits>
__device__ __forceinline__ void load_fragments(Fragments<Traits>& frag, uint32_t tile, int thread) {
  const int lane = thread % 32;
  const int row = (thread / 32) * 16 + lane % 16;
#pragma unroll
  for (int kk = 0; kk < Traits::kHeadDim / 16; ++kk)
    device::ldmatrix_x4(frag[kk], tile + swizzled_offset(kBlock, row, kk * 2 + lane / 16));
}

// acc (+)= A·Bᵀ over the head dimension, A a 64-row tile (in shared memory or as fragments) and B
// kRows rows of one (from `b`, a multiple of 8 rows into its tile) in shared memory: S = Q·Kᵀ,
// dP = dO·Vᵀ, their transposes.
template <typename Traits, int kRows>
__device__ __forceinline__ void mma_rows(float (&acc)[kRows / 2], uint32_t a, uint32_t b) {
#pragma unroll
  for (int kk = 0; kk < Traits::kHeadDim / 16; ++kk)
    Wgmma<kRows, typename Traits::Element>::ss(acc, k_major(a, kk), k_major(b, kk), kk > 0 ? 1 : 0);
}

template <typename Traits, int kRows>
__device__ __forceinline__ void mma_rows(float (&acc)[kRows / 2], const Fragments<Traits>& a, uint32_t b) {
#pragma unroll
  for (int kk = 0; kk < Traits::kHeadDim / 16; ++kk)
    Wgmma<kRows, typename Traits::Element>::rs_k(acc, a[kk], k_major(b, kk), kk > 0 ? 1 : 0);
}

// The two products of a streamed tile, issued together and awaited: s = A·Bᵀ and dp = C·Dᵀ
// (dQ: S = Q·Kᵀ, dP = dO·Vᵀ; dK/dV: Sᵀ = K·Qᵀ, dPᵀ = V·dOᵀ), A and C as fragments or tiles.
template <typename Traits, int kRows, typename A, typename C>
__device__ __forceinline__ void scores_and_gradients(float (&s)[kRows / 2], const A& a, uint32_t b, float (&dp)[kRows / 2], const C& c,
                                                     uint32_t d) {
  wgmma_fence();
  mma_rows<Traits, kRows>(s, a, b);
  mma_rows<Traits, kRows>(dp, c, d);
  wgmma_commit();
  wgmma_wait<0>();
  pin(s);
  pin(dp);
}

// acc += P·B with P (64 x kRows, packed registers) and B kRows rows of a tile read N-major (its
// rows are the reduction dimension): dQ += dS·K, dV += Pᵀ·dO, dK += dSᵀ·Q.
template <typename Traits, int kRows>
__device__ __forceinline__ void mma_into(float (&acc)[Traits::kHeadDim / 2], const uint32_t (&p)[kRows / 16][4], uint32_t b) {
#pragma unroll
  for (int kk = 0; kk < kRows / 16; ++kk)
    Wgmma<Traits::kHeadDim, typename Traits::Element>::rs(acc, p[kk], descriptor(b + kk * 16 * 128, kBlock * 128, 1024));
}

// The accumulator layout of two adjacent n8 blocks is the register A layout of one k16 step.
template <typename Element, int kCols>
__device__ __forceinline__ void pack(const float (&acc)[kCols / 2], uint32_t (&frag)[kCols / 16][4]) {
#pragma unroll
  for (int kk = 0; kk < kCols / 16; ++kk)
#pragma unroll
    for (int r = 0; r < 4; ++r) frag[kk][r] = device::pack2<Element>(acc[8 * kk + 2 * r], acc[8 * kk + 2 * r + 1]);
}

template <int kCount>
__device__ __forceinline__ void zero(float (&acc)[kCount]) {
#pragma unroll
  for (int i = 0; i < kCount; ++i) acc[i] = 0.f;
}

// Scales and adds a consumer's 64 x D accumulator into rows [first, first + 64) of the tensor.
template <typename Traits>
__device__ __forceinline__ void add_rows(float (&acc)[Traits::kHeadDim / 2], void* base, const sla::RowStrides& s, int64_t batch, int head,
                                         int first, int n, float scale) {
  // wgmma's accumulator rows per warp are mma.sync's (row lane / 4 and + 8 of the warp's 16; acc[4j + e]
  // is n8 block j), the layout store_rows takes.
  auto& rows = reinterpret_cast<float(&)[Traits::kHeadDim / 8][4]>(acc);
  sla::store_rows<Traits>(rows, base, s, batch, head, first + (threadIdx.x % 128) / 32 * 16, n, scale, true);
}

// The four operands' TMA maps (tma_maps.h), boxes of 64 columns x 64 rows.
struct SlaBwdMaps {  // CUtensorMap carries its own 64-byte alignment
  CUtensorMap q, k, v, d_o;
};

struct Roles {
  int consumer;  // 0 or 1 (the producer: the ring it fills)
  int thread;    // within the warpgroup
  int block;     // this ring's 64-row block; past the block count when the CTA's second block is absent
  bool active;
};

__device__ __forceinline__ Roles roles(const sla::BackwardParams& p) {
  const int warpgroup = threadIdx.x / 128;
  const int thread = threadIdx.x % 128;
  const int consumer = warpgroup == 0 ? thread / 64 : warpgroup - 1;
  const int block = 2 * blockIdx.x + consumer;
  return {consumer, thread, block, block < p.blocks};
}

template <typename Traits, bool kKeyBlocks, bool kTma>
__global__ void __launch_bounds__(Traits::kThreads, 1)
    sla_sparse_bwd_sm90_kernel(const __grid_constant__ sla::BackwardParams p, const __grid_constant__ SlaBwdMaps maps) {
  using Element = typename Traits::Element;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  unsigned char* smem = reinterpret_cast<unsigned char*>((reinterpret_cast<uintptr_t>(smem_raw) + 1023) & ~uintptr_t{1023});
  uint64_t* fixed_full = reinterpret_cast<uint64_t*>(smem + 2 * Traits::kConsumerBytes);

  const int head = blockIdx.y, batch = blockIdx.z;
  const int64_t group = int64_t(batch) * p.heads + head;
  const Roles role = roles(p);
  unsigned char* mine = smem + role.consumer * Traits::kConsumerBytes;  // fixed tiles, then the ring's stages
  uint64_t* full = fixed_full + 1 + role.consumer * 2 * Traits::kStages;
  uint64_t* empty = full + Traits::kStages;
  const auto stage = [&](int s) { return mine + 2 * Traits::kTileBytes + s * Traits::kStageBytes; };

  if (threadIdx.x == 0) {
    barrier_init(fixed_full, 128);
    for (int c = 0; c < 2; ++c)
      for (int s = 0; s < Traits::kStages; ++s) {
        barrier_init(fixed_full + 1 + c * 2 * Traits::kStages + s, 64);                     // full: the ring's producers
        barrier_init(fixed_full + 1 + c * 2 * Traits::kStages + Traits::kStages + s, 128);  // empty: its consumer
      }
    fence_barrier_init();
  }
  __syncthreads();

  // dQ: the fixed block's row of the critical index lists key blocks; dK/dV: its column lists
  // query blocks.
  const CsrIndex& index = kKeyBlocks ? p.critical_cols : p.critical_rows;
  const CsrRow list = role.active ? CsrRow::read(index, group * p.blocks + role.block) : CsrRow{0, 0};
  const int count = list.size();
  // Fixed and streamed operands: dQ keeps Q, dO and streams K, V; dK/dV keeps K, V and streams Q, dO.
  const void* fixed_a = kKeyBlocks ? p.k : p.q;
  const void* fixed_b = kKeyBlocks ? p.v : p.d_o;
  const sla::RowStrides& fixed_a_s = kKeyBlocks ? p.k_strides : p.q_strides;
  const sla::RowStrides& fixed_b_s = kKeyBlocks ? p.v_strides : p.do_strides;
  const void* stream_a = kKeyBlocks ? p.q : p.k;
  const void* stream_b = kKeyBlocks ? p.d_o : p.v;
  const sla::RowStrides& stream_a_s = kKeyBlocks ? p.q_strides : p.k_strides;
  const sla::RowStrides& stream_b_s = kKeyBlocks ? p.do_strides : p.v_strides;

  if (threadIdx.x < 128) {
    // ---- producer: each half fills its consumer's fixed tiles, then its ring ----
    release_registers<Traits::template kProducerRegisters<kTma>>();
    const int copier = role.thread % 64;
    const int first = role.active ? role.block * kBlock : p.n;
    copy_tile<Traits>(smem_u32(mine), sla::head_rows<Element>(fixed_a, fixed_a_s, batch, head), fixed_a_s.row, first, p.n, copier);
    copy_tile<Traits>(smem_u32(mine + Traits::kTileBytes), sla::head_rows<Element>(fixed_b, fixed_b_s, batch, head), fixed_b_s.row, first,
                      p.n, copier);
    device::cp_async_commit();
    device::cp_async_wait<0>();
    fence_async_shared();
    barrier_arrive(fixed_full);
    const auto* a = sla::head_rows<Element>(stream_a, stream_a_s, batch, head);
    const auto* b = sla::head_rows<Element>(stream_b, stream_b_s, batch, head);
    const CUtensorMap* map_a = kKeyBlocks ? &maps.q : &maps.k;
    const CUtensorMap* map_b = kKeyBlocks ? &maps.d_o : &maps.v;
    for (int i = 0; i < count; ++i) {
      const int s = i % Traits::kStages;
      const uint32_t parity = (i / Traits::kStages) & 1;
      const int row0 = block_first(__ldg(index.values + list.begin + i), p);
      barrier_wait(empty + s, parity ^ 1);
      if constexpr (kTma) {
        // One thread announces the stage's bytes (rows past n come as zeros, and count) and issues
        // the boxes; its arrival is that announcement, the other 63 arrive below.
        if (copier == 0) {
          barrier_arrive_expect(full + s, 2 * Traits::kTileBytes);
          for (int box = 0; box < Traits::kColumnBlocks; ++box) {
            tma_load_4d(smem_u32(stage(s)) + box * kBlock * 128, map_a, box * 64, row0, head, batch, full + s);
            tma_load_4d(smem_u32(stage(s) + Traits::kTileBytes) + box * kBlock * 128, map_b, box * 64, row0, head, batch, full + s);
          }
        }
      } else {
        copy_tile<Traits>(smem_u32(stage(s)), a, stream_a_s.row, row0, p.n, copier);
        copy_tile<Traits>(smem_u32(stage(s) + Traits::kTileBytes), b, stream_b_s.row, row0, p.n, copier);
      }
      if constexpr (kKeyBlocks) {
        // The streamed query rows' log-sum-exp (times log2 e, the exponent's base) and D, read by
        // the consumers' threads, not by the MMAs: plain stores, ordered by the barrier's release;
        // rows past n: 0, masked there. With TMA, thread 0's arrival (the bytes' announcement)
        // comes before this point and releases nothing after it, so its row is the last thread's.
        float* vectors = reinterpret_cast<float*>(stage(s) + 2 * Traits::kTileBytes);
        auto write_row = [&](int r) {
          const bool valid = row0 + r < p.n;
          vectors[r] = valid ? p.lse[group * p.n + row0 + r] * kLog2e : 0.f;
          vectors[kBlock + r] = valid ? p.delta[group * p.n + row0 + r] : 0.f;
        };
        if (!kTma || copier != 0) write_row(copier);
        if (kTma && copier == 63) write_row(0);
      }
      if constexpr (kTma) {
        if (copier != 0) barrier_arrive(full + s);
      } else {
        device::cp_async_commit();
        device::cp_async_wait<0>();
        fence_async_shared();
        barrier_arrive(full + s);
      }
    }
    return;
  }

  // ---- consumers ----
  claim_registers<Traits::template kConsumerRegisters<kTma>>();
  constexpr int kORegs = Traits::kHeadDim / 2;
  const int lane = role.thread % 32;
  const int warp_row = (role.thread / 32) * 16 + lane / 4;  // and + 8: this thread's accumulator rows
  const uint32_t fixed_a_tile = smem_u32(mine);
  const uint32_t fixed_b_tile = smem_u32(mine + Traits::kTileBytes);
  barrier_wait(fixed_full, 0);

  if constexpr (!kKeyBlocks) {
    // dQ of query block role.block: rows warp_row, warp_row + 8 carry their LSE and D.
    float lse[2], delta[2];
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = role.block * kBlock + warp_row + 8 * h;
      lse[h] = role.active && row < p.n ? p.lse[group * p.n + row] * kLog2e : INFINITY;
      delta[h] = role.active && row < p.n ? p.delta[group * p.n + row] : 0.f;
    }
    // Q and dO, the score products' A operands, in registers for the whole list at head_dim 96 and
    // 128. (At 64 that form gave wrong dQ on the H100 for lists of two or more blocks, dQ rel-L2
    // 0.5-1.0, where 96 and 128 pass: cause not found, so 64 reads both operands from shared
    // memory as before. dK/dV keeps K and V there: beside its two D-wide accumulators, K's
    // fragments spill at head_dim 128.)
    constexpr bool kFragments = Traits::kHeadDim >= 96;
    Fragments<Traits> a_fragments, b_fragments;
    if constexpr (kFragments) {
      load_fragments<Traits>(a_fragments, fixed_a_tile, role.thread);
      load_fragments<Traits>(b_fragments, fixed_b_tile, role.thread);
    }
    float dq[kORegs];
    zero(dq);
    for (int i = 0; i < count; ++i) {
      const int s = i % Traits::kStages;
      const int key0 = block_first(__ldg(index.values + list.begin + i), p);
      barrier_wait(full + s, (i / Traits::kStages) & 1);
      const uint32_t k_tile = smem_u32(stage(s)), v_tile = smem_u32(stage(s) + Traits::kTileBytes);
      float sc[32], dp[32];
      if constexpr (kFragments)
        scores_and_gradients<Traits, kBlock>(sc, a_fragments, k_tile, dp, b_fragments, v_tile);
      else
        scores_and_gradients<Traits, kBlock>(sc, fixed_a_tile, k_tile, dp, fixed_b_tile, v_tile);
      // Only a tile past the sequence end or, causal, the diagonal one holds keys to mask (the
      // index lists no later block): the others skip the per-element tests.
      const bool masked = key0 + kBlock > p.n || (p.causal && key0 + kBlock - 1 > role.block * kBlock);
      auto gradient = [&](auto with_mask) {
#pragma unroll
        for (int j = 0; j < 8; ++j)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int key = key0 + 8 * j + 2 * (lane % 4) + e % 2;
            const bool valid = !with_mask || (key < p.n && (!p.causal || key <= role.block * kBlock + warp_row + 8 * (e / 2)));
            const float prob = valid ? device::fast_exp2(sc[4 * j + e] * p.scale_log2 - lse[e / 2]) : 0.f;
            sc[4 * j + e] = prob * (dp[4 * j + e] - delta[e / 2]);  // dS
          }
      };
      if (masked)
        gradient(std::true_type{});
      else
        gradient(std::false_type{});
      uint32_t ds[4][4];
      pack<Element, kBlock>(sc, ds);
      wgmma_fence();
      mma_into<Traits, kBlock>(dq, ds, k_tile);
      wgmma_commit();
      wgmma_wait<0>();
      pin(dq);
      pin(ds);
      barrier_arrive(empty + s);
    }
    if (role.active) add_rows<Traits>(dq, p.d_q, p.dq_strides, batch, head, role.block * kBlock, p.n, p.scale);
  } else {
    // dK, dV of key block role.block: the accumulators' rows are keys, their columns queries.
    constexpr bool kStaged = Traits::kHeadDim > 64 && kTma;  // needs the TMA split's registers
    constexpr int kSlice = Traits::kHeadDim > 64 ? 32 : 64;
    float dk[kORegs], dv[kORegs];
    zero(dk);
    zero(dv);
    for (int i = 0; i < count; ++i) {
      const int s = i % Traits::kStages;
      const int query0 = block_first(__ldg(index.values + list.begin + i), p);
      barrier_wait(full + s, (i / Traits::kStages) & 1);
      const uint32_t q_tile = smem_u32(stage(s)), do_tile = smem_u32(stage(s) + Traits::kTileBytes);
      const float* s_lse = reinterpret_cast<const float*>(stage(s) + 2 * Traits::kTileBytes);  // times log2 e
      const float* s_delta = s_lse + kBlock;
      // As for dQ: only a tile past the sequence end or the causal diagonal masks queries.
      const bool masked = query0 + kBlock > p.n || (p.causal && query0 < (role.block + 1) * kBlock);
      if constexpr (kStaged) {
        // Sᵀ first; then dV += Pᵀ·dO beside dPᵀ = V·dOᵀ, Pᵀ (fp32) kept for dSᵀ; then dK += dSᵀ·Q.
        // Four 64-column accumulators are never live at once (dPᵀ is formed after Pᵀ is packed),
        // so the products run 64 queries wide: two 32-query slices read K and V twice from shared
        // memory, the ring's bandwidth limit.
        float st[32], dpt[32];
        wgmma_fence();
        mma_rows<Traits, kBlock>(st, fixed_a_tile, q_tile);
        wgmma_commit();
        wgmma_wait<0>();
        pin(st);
        auto probabilities = [&](auto with_mask) {
#pragma unroll
          for (int j = 0; j < 8; ++j)
#pragma unroll
            for (int e = 0; e < 4; ++e) {
              const int c = 8 * j + 2 * (lane % 4) + e % 2;
              const bool valid =
                  !with_mask || (query0 + c < p.n && (!p.causal || role.block * kBlock + warp_row + 8 * (e / 2) <= query0 + c));
              st[4 * j + e] = valid ? device::fast_exp2(st[4 * j + e] * p.scale_log2 - s_lse[c]) : 0.f;  // Pᵀ
            }
        };
        if (masked)
          probabilities(std::true_type{});
        else
          probabilities(std::false_type{});
        uint32_t pt[4][4];
        pack<Element, kBlock>(st, pt);
        wgmma_fence();
        mma_into<Traits, kBlock>(dv, pt, do_tile);
        mma_rows<Traits, kBlock>(dpt, fixed_b_tile, do_tile);
        wgmma_commit();
        wgmma_wait<0>();
        pin(dv);
        pin(pt);
        pin(dpt);
#pragma unroll
        for (int j = 0; j < 8; ++j)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int c = 8 * j + 2 * (lane % 4) + e % 2;
            dpt[4 * j + e] = st[4 * j + e] * (dpt[4 * j + e] - s_delta[c]);  // dSᵀ (Pᵀ = 0 where masked)
          }
        uint32_t dst[4][4];
        pack<Element, kBlock>(dpt, dst);
        wgmma_fence();
        mma_into<Traits, kBlock>(dk, dst, q_tile);
        wgmma_commit();
        wgmma_wait<0>();
        pin(dk);
        pin(dst);
      } else {
        // Otherwise both products per slice of kSlice queries: at head_dim 64 four 64-column
        // accumulators fit; at 96 and 128 (cp.async producer) two 32-query slices do.
#pragma unroll 1
        for (int slice = 0; slice < kBlock / kSlice; ++slice) {
          const uint32_t q_rows = q_tile + slice * kSlice * 128, do_rows = do_tile + slice * kSlice * 128;
          float st[kSlice / 2], dpt[kSlice / 2];
          scores_and_gradients<Traits, kSlice>(st, fixed_a_tile, q_rows, dpt, fixed_b_tile, do_rows);
          auto gradient = [&](auto with_mask) {
#pragma unroll
            for (int j = 0; j < kSlice / 8; ++j)
#pragma unroll
              for (int e = 0; e < 4; ++e) {
                const int c = slice * kSlice + 8 * j + 2 * (lane % 4) + e % 2;
                const bool valid =
                    !with_mask || (query0 + c < p.n && (!p.causal || role.block * kBlock + warp_row + 8 * (e / 2) <= query0 + c));
                const float prob = valid ? device::fast_exp2(st[4 * j + e] * p.scale_log2 - s_lse[c]) : 0.f;
                st[4 * j + e] = prob;                                    // Pᵀ
                dpt[4 * j + e] = prob * (dpt[4 * j + e] - s_delta[c]);  // dSᵀ
              }
          };
          if (masked)
            gradient(std::true_type{});
          else
            gradient(std::false_type{});
          uint32_t pt[kSlice / 16][4], dst[kSlice / 16][4];
          pack<Element, kSlice>(st, pt);
          pack<Element, kSlice>(dpt, dst);
          wgmma_fence();
          mma_into<Traits, kSlice>(dv, pt, do_rows);
          mma_into<Traits, kSlice>(dk, dst, q_rows);
          wgmma_commit();
          wgmma_wait<0>();
          pin(dv);
          pin(dk);
          pin(pt);
          pin(dst);
        }
      }
      barrier_arrive(empty + s);
    }
    if (role.active) {
      add_rows<Traits>(dk, p.d_k, p.dk_strides, batch, head, role.block * kBlock, p.n, p.scale);
      add_rows<Traits>(dv, p.d_v, p.dv_strides, batch, head, role.block * kBlock, p.n, 1.f);
    }
  }
}

template <typename Traits, bool kKeyBlocks, bool kTma>
cudaError_t launch(const sla::BackwardParams& p, const SlaBwdMaps& maps, int batch, cudaStream_t stream) {
  const auto kernel = sla_sparse_bwd_sm90_kernel<Traits, kKeyBlocks, kTma>;
  // (cudaFuncSetAttribute on every call: the SLA backward is not a per-token hot path, and the
  // sm_80 kernels it replaces do the same.)
  cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Traits::kSmemBytes);
  if (err != cudaSuccess) return err;
  const dim3 grid((p.blocks + 1) / 2, p.heads, batch);
  kernel<<<grid, Traits::kThreads, Traits::kSmemBytes, stream>>>(p, maps);
  return cudaGetLastError();
}

// The maps of q, k, v and d_o; false where an operand breaks TMA's rules (or it is switched off).
template <typename Traits>
bool make_maps(const sla::BackwardParams& p, int batch, SlaBwdMaps* maps) {
  constexpr bool kBFloat16 = std::is_same_v<typename Traits::Element, __nv_bfloat16>;
  auto map = [&](const void* base, const sla::RowStrides& strides, CUtensorMap* out) {
    return make_tma_map(base, kBFloat16, Traits::kHeadDim, p.n, p.heads, batch, strides, kBlock, out);
  };
  return tma_enabled() && map(p.q, p.q_strides, &maps->q) && map(p.k, p.k_strides, &maps->k) && map(p.v, p.v_strides, &maps->v) &&
         map(p.d_o, p.do_strides, &maps->d_o);
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_sla_sparse_bwd_sm90(const sla::BackwardParams& p, int batch, cudaStream_t stream) {
  using Element = std::conditional_t<kElement == attention::ElementType::kBFloat16, __nv_bfloat16, __half>;
  using Traits = SlaBwdTraits<kHeadDim, Element>;
  SlaBwdMaps maps{};
  // TMA boxes are whole 64-column blocks: head_dim 96 keeps the cp.async producer.
  if constexpr (kHeadDim % 64 == 0) {
    if (make_maps<Traits>(p, batch, &maps)) {
      const cudaError_t err = launch<Traits, false, true>(p, maps, batch, stream);
      if (err != cudaSuccess) return err;
      return launch<Traits, true, true>(p, maps, batch, stream);
    }
  }
  const cudaError_t err = launch<Traits, false, false>(p, maps, batch, stream);
  if (err != cudaSuccess) return err;
  return launch<Traits, true, false>(p, maps, batch, stream);
}

#define MI_INSTANTIATE_SLA_SPARSE_BWD_SM90(D)                                                                                    \
  template cudaError_t run_sla_sparse_bwd_sm90<D, attention::ElementType::kFloat16>(const sla::BackwardParams&, int, cudaStream_t); \
  template cudaError_t run_sla_sparse_bwd_sm90<D, attention::ElementType::kBFloat16>(const sla::BackwardParams&, int, cudaStream_t);
MI_INSTANTIATE_SLA_SPARSE_BWD_SM90(64)
MI_INSTANTIATE_SLA_SPARSE_BWD_SM90(96)
MI_INSTANTIATE_SLA_SPARSE_BWD_SM90(128)
#undef MI_INSTANTIATE_SLA_SPARSE_BWD_SM90

}  // namespace mi::hopper
