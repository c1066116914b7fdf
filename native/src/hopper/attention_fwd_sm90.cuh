// The Hopper (sm_90a) attention forward mainloop: the same tile policies as the sm_80 mainloop
// (attention_fwd_kernel.cuh: count, tile, needs_mask, visible), on warpgroup MMAs.
//
// A CTA is three warpgroups over a 128-row query tile:
//   - warpgroup 0, the producer, copies Q and K/V tiles of 128 keys into a two-stage ring and
//     signals each stage on an mbarrier: by TMA where the tiles are contiguous and the operands
//     fit its rules (one thread issues, the barrier counts the bytes), else by cp.async from all
//     128 threads (gathered tiles), fenced for the async proxy before the signal; it gives its
//     registers away (setmaxnreg) since it holds no accumulators;
//   - warpgroups 1 and 2, the consumers, own 64 query rows each: S = Q·Kᵀ as wgmma m64n128k16
//     with both operands in shared memory, the online softmax in registers (base 2, per-thread
//     partial row sums reduced once at the end, as on sm_80), then O += P·V as wgmma m64nDk16 with
//     P straight from the S accumulators as the register A operand and V read N-major; each frees
//     a stage (an arrive on its "empty" barrier) as soon as its MMAs on it have completed.
// Shared memory holds every tile as 128-byte swizzled rows (sm90_primitives.cuh), the layout the
// wgmma descriptors name, so no tile is re-laid out.
//
// The two consumers take turns issuing Q·Kᵀ (kPingPong); kOverlap keeps tile i's Q·Kᵀ and tile
// i − 1's P·V in flight together. The index-driven patterns run split (Sm90Traits::kSplit): each
// consumer its own 64-row query block, 64-key tiles and ring; permuted heads (grid, boundary)
// gather each block's query rows through the head's order and write O and the log-sum-exp back at
// the original rows. A persistent schedule (Sm90Schedule::kPersistent) runs one CTA per SM over
// many query tiles, its ring and barriers carried from one tile to the next and Q double-buffered
// (a Q buffer is refilled once both consumers' Q·Kᵀ MMAs on it are done: the q_empty barrier).
// Not yet here (issue #12's later steps): head_dim 256.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../attention/attention_fwd_kernel.cuh"
#include "../attention/attention_params.h"
#include "../common/device_primitives.cuh"
#include "sm90_primitives.cuh"
#include "tma_maps.h"

namespace mi::hopper {

// The schedule of a CTA's key-tile walk, chosen per head_dim by measurement (bench/sm90a_tune.cu
// times the alternatives; H100, dense bf16, 32 heads, 8K and 32K, 2026-12-06):
//   - ping-pong: the two consumers take turns issuing Q·Kᵀ (named barriers), so one's softmax
//     runs while the other's MMAs hold the tensor cores;
//   - overlap: within a consumer, S of tile i and P·V of tile i − 1 are in flight together, and
//     tile i's softmax runs while P·V still holds the tensor cores.
// head_dim 128: overlap alone 655/626 TFLOP/s non-causal at 8K/32K, ping-pong alone 630/601, both
// 606/570 (the turns then serialize what the overlap would hide); causal within 1 % of each other.
// head_dim 64 at 128 keys a stage: ping-pong alone 428/441 non-causal, 385/445 causal; adding the
// overlap lost 5-10 % (its P·V is short and the extra live registers cost more than they hide); 3
// or 4 stages gained nothing. head_dim 96: ping-pong 375/393 non-causal, overlap 364/383.
// Wider stages (2026-12-07, same harness, each row beside the then-default in one run): head_dim
// 128 with overlap at 176 keys 681/655 non-causal, 597/613 causal (128 keys: 653/629, 588/608);
// head_dim 64 with overlap at 192 keys 462/481 non-causal, 405/455 causal (ping-pong at 128 keys:
// 418/445, 388/435; ping-pong at 192: 430/451, 403/454): a longer P·V gives the overlap something
// to hide, so head_dim 64 takes the overlap at 192 keys. head_dim 128 stays at 128 keys: at 176
// the library's kernels (with the LSE, batch and head strides the timing harness leaves out) spill
// 16-24 bytes, for 1-4 %. Persistent CTAs lost 10-25 % at both head_dims (the longest-first grid
// order already balances causal tiles, and a persistent CTA's next Q load competes with its ring),
// and moving a quarter of the exponentials to the FMA pipe lost 1-8 %. Split consumers (64-row
// blocks walking lists of different lengths) cannot take turns and keep the index's 64-key blocks.
template <int kHeadDim, bool kSplit>
struct Sm90Schedule {
  // Keys per stage of the unsplit walk (wgmma's N: a multiple of 16 up to 256).
  static constexpr int kBlockN = kHeadDim == 64 ? 192 : 128;
  static constexpr int kStages = 2;
  static constexpr bool kPingPong = !kSplit && kHeadDim == 96;
  static constexpr bool kOverlap = !kSplit && kHeadDim != 96;  // split: not yet measured
  // Persistent CTAs (one per SM, each walking every gridDim.x-th query tile, the next tile's Q
  // loaded while the current one runs): measured slower, off.
  static constexpr bool kPersistent = false;
  // Of every 4 n8 column blocks of S, how many take their exponentials on the FMA pipe
  // (exp2_on_fma) instead of the MUFU unit: measured slower at head_dim 64, 0.
  static constexpr int kFmaExpPerFour = 0;
};

// kSplit false (dense, A-shape: 128-row query tiles): both consumers walk the CTA's one list of
// 128-key tiles from one K/V ring. kSplit true (the index-driven patterns' 64-row query blocks,
// TileFamily::kBlocks64): each consumer owns one 64-row block with its own list of 64-key tiles
// and its own ring, filled by its own half of the producer warpgroup; the two blocks of a CTA
// share nothing but Q's copy, so uneven index rows never make one consumer wait for the other.
template <int kHeadDim_, typename Element_, bool kSplit_ = false, typename Schedule = Sm90Schedule<kHeadDim_, kSplit_>>
struct Sm90Traits {
  using Element = Element_;
  static constexpr int kHeadDim = kHeadDim_;
  static constexpr bool kSplit = kSplit_;
  static constexpr int kBlockM = 128;                 // two consumer warpgroups of 64 rows
  static constexpr int kRings = kSplit ? 2 : 1;       // K/V rings, one per independent query block
  static constexpr int kRingRows = kBlockM / kRings;  // query rows a ring's key tiles serve
  static constexpr int kBlockN = kSplit ? 64 : Schedule::kBlockN;  // keys per stage (split: the index's 64-key blocks)
  static constexpr int kStages = Schedule::kStages;
  static constexpr int kThreads = 384;                // producer + 2 consumers
  static constexpr int kChunksPerRow = kHeadDim / 8;
  // Tiles are stored in 64-column blocks of 128-byte rows; head_dim 96's second block is half
  // used (its rows keep the 128-byte pitch the swizzle and the descriptors assume).
  static constexpr int kColumnBlocks = (kHeadDim + 63) / 64;
  static constexpr int kQBytes = kBlockM * kColumnBlocks * 128;
  static constexpr int kKVBytes = kBlockN * kColumnBlocks * 128;
  // TMA boxes are whole 128-byte rows: head_dim 96 takes the cp.async producer.
  static constexpr bool kTmaCopies = kHeadDim % 64 == 0;
  static constexpr bool kPingPong = Schedule::kPingPong && !kSplit;
  static constexpr bool kOverlap = Schedule::kOverlap;
  // Persistent CTAs take query tiles by index alone: the split policies read their index rows by
  // blockIdx, so they keep one CTA per pair of query blocks.
  static constexpr bool kPersistent = Schedule::kPersistent && !kSplit;
  static constexpr int kFmaExpPerFour = Schedule::kFmaExpPerFour;
  static_assert(kFmaExpPerFour >= 0 && kFmaExpPerFour <= 4, "kFmaExpPerFour counts n8 blocks out of 4");
  // Q, K stages, V stages, the mbarriers; +1024 to align the tiles to the swizzle's 1024 bytes.
  // A persistent CTA double-buffers Q where shared memory allows (the next query tile's Q then
  // lands while the current one runs).
  static constexpr int kRingBytes = 2 * kRings * kStages * kKVBytes;
  static constexpr int kQBuffers = kPersistent && 2 * kQBytes + kRingBytes + 64 + 1024 <= 227 * 1024 ? 2 : 1;
  static constexpr int kBarriers = 2 * kQBuffers + 4 * kRings * kStages;  // Q full/empty, then per ring K/V full/empty
  static constexpr int kSmemBytes = kQBuffers * kQBytes + kRingBytes + kBarriers * 8 + 1024;
  // The producer's code is compiled within its count: the split policies' index walks (gathered
  // lists, CSR rows, two rings) spill at 40, the dense walk does not.
  static constexpr int kProducerRegisters = kSplit ? 80 : 40;
  static constexpr int kConsumerRegisters = kSplit ? 208 : 232;  // 128·80 + 256·208 = 63,488; 128·40 + 256·232 = 64,512
  // setmaxnreg only moves registers within the CTA's allocation: 384 threads under
  // __launch_bounds__(384, 1) hold 168 each (65,536 / 384 rounded down to the allocation's 8), and
  // a setmaxnreg.inc that asks for more than the decreases freed waits forever (a hang, not an error).
  static_assert(128 * kProducerRegisters + 256 * kConsumerRegisters <= kThreads * 168,
                "the warpgroups' register counts must fit the CTA's 384 x 168 registers");

  static_assert(kHeadDim == 64 || kHeadDim == 96 || kHeadDim == 128, "the sm_90a mainloop covers head_dim 64, 96 and 128 so far");
  static_assert(kSmemBytes <= 227 * 1024, "one CTA must fit an SM");
};

// One query tile of a launch: its 128-row block, grid row (the policy's head) and batch.
struct WorkTile {
  int m_block, grid_y, batch;
};

// Where a query tile stands in its CTA's walk (attention_fwd_sm90_kernel): its head, batch and
// first row, whether the thread's ring has rows there and how many key tiles it walks, the Q
// buffer and the parity of that buffer's barriers, and the key tiles the ring walked before it
// (its stages and their parities continue from there).
struct QueryTile {
  int head, batch, m0;
  bool ring_active;
  int tile_count;
  int q_buffer;
  uint32_t q_parity;
  int walked;
};

// The launch grid: a CTA per query tile (x: query blocks, y: grid rows, z: batch), or for a
// persistent schedule at most one CTA per multiprocessor.
template <typename Traits>
dim3 sm90_grid(const attention::AttentionFwdParams& p, int grid_heads, int multiprocessors) {
  const int m_blocks = (p.q_len + Traits::kBlockM - 1) / Traits::kBlockM;
  if constexpr (Traits::kPersistent) {
    const int64_t work = int64_t{m_blocks} * grid_heads * p.batch;
    return dim3(static_cast<unsigned>(work < multiprocessors ? work : multiprocessors));
  } else {
    return dim3(m_blocks, grid_heads, p.batch);
  }
}

namespace detail {

using index_t = attention::AttentionFwdParams::index_t;

// Copies rows [first, first + kRows) (or the gathered `list`) of a [*, kHeadDim] matrix into rows
// [row0, row0 + kRows) of a swizzled tile of kTileRows rows with kCopiers producer threads; rows
// past the limit are zero-filled. row0 is a multiple of 8, so the swizzle phase of a row is its own.
template <typename Traits, int kRows, int kCopiers, int kTileRows = kRows>
__device__ __forceinline__ void copy_rows(uint32_t smem, const typename Traits::Element* gmem, index_t row_stride,
                                          const attention::KeyTile& tile, int row_limit, int thread, int row0 = 0) {
  constexpr int kChunks = kRows * Traits::kChunksPerRow;
#pragma unroll 4
  for (int i = thread; i < kChunks; i += kCopiers) {
    const int r = i / Traits::kChunksPerRow;
    const int c = i % Traits::kChunksPerRow;
    int source = tile.is_gathered() ? (r < tile.count ? __ldg(tile.list + r) : -1) : tile.first + r;
    const bool valid = source >= 0 && source < row_limit;
    const auto* src = gmem + static_cast<index_t>(valid ? source : 0) * row_stride + c * 8;
    device::cp_async_16(smem + swizzled_offset(kTileRows, row0 + r, c), src, valid);
  }
}

}  // namespace detail

// kTma: Q and the (contiguous) K/V tiles come by TMA, one producer thread issuing the copies and
// announcing their bytes on the stage's barrier; otherwise the producer warpgroup copies with
// cp.async (gathered tiles, or operands TMA cannot describe) and signals once its copies landed.
template <typename Traits, typename Tiles, bool kTma>
__global__ void __launch_bounds__(Traits::kThreads, 1)
    attention_fwd_sm90_kernel(const __grid_constant__ attention::AttentionFwdParams p,
                              const __grid_constant__ typename Tiles::Params tiles_params,
                              const __grid_constant__ TmaMaps maps, const int grid_heads) {
  static_assert(!kTma || (!Tiles::kGathers && Traits::kTmaCopies), "TMA copies contiguous tiles of whole 128-byte rows only");
  static_assert(!Tiles::kPermutesRows || Traits::kSplit, "permuted query rows come in the index's 64-row blocks");
  using Element = typename Traits::Element;
  using detail::index_t;
  constexpr int kBlockM = Traits::kBlockM;
  constexpr int kBlockN = Traits::kBlockN;
  constexpr int kHeadDim = Traits::kHeadDim;
  constexpr int kStages = Traits::kStages;
  constexpr int kRings = Traits::kRings;

  extern __shared__ __align__(128) unsigned char smem_raw[];
  // The swizzle pattern repeats every 1024 bytes and the descriptors assume it starts there.
  unsigned char* smem = reinterpret_cast<unsigned char*>((reinterpret_cast<uintptr_t>(smem_raw) + 1023) & ~uintptr_t{1023});
  unsigned char* s_q_buffers = smem;                                            // [Q buffer]
  unsigned char* s_k_rings = s_q_buffers + Traits::kQBuffers * Traits::kQBytes;  // [ring][stage]
  unsigned char* s_v_rings = s_k_rings + kRings * kStages * Traits::kKVBytes;
  uint64_t* q_full = reinterpret_cast<uint64_t*>(s_v_rings + kRings * kStages * Traits::kKVBytes);
  uint64_t* q_empty = q_full + Traits::kQBuffers;
  uint64_t* ring_bars = q_empty + Traits::kQBuffers;  // per ring: K full, V full, K empty, V empty

  const int warpgroup = threadIdx.x / 128;
  const int thread = threadIdx.x % 128;
  constexpr int kRingCopiers = 128 / kRings;    // producer threads filling one ring (cp.async)
  constexpr int kRingConsumers = 256 / kRings;  // consumer threads draining one ring

  if (threadIdx.x == 0) {
    for (int b = 0; b < Traits::kQBuffers; ++b) {
      barrier_init(q_full + b, kTma ? 1 : 128);
      barrier_init(q_empty + b, 256);  // every consumer thread, once its Q·Kᵀ MMAs are done
    }
    for (int b = 0; b < 4 * kRings * kStages; ++b) {
      const bool fills = b / kStages % 4 < 2;  // per ring: K full, V full, K empty, V empty
      barrier_init(ring_bars + b, fills ? (kTma ? 1 : kRingCopiers) : kRingConsumers);
    }
    // The barriers' initial state made visible to the async proxy (TMA's complete_tx) before any
    // copy can signal them, as CUTLASS's pipelines do after init.
    fence_barrier_init();
  }
  __syncthreads();

  // This thread's ring: the producer's half (split) or the consumer's own; its stages and barriers.
  const int ring = kRings == 1 ? 0 : (warpgroup == 0 ? thread / kRingCopiers : warpgroup - 1);
  unsigned char* s_k = s_k_rings + ring * kStages * Traits::kKVBytes;
  unsigned char* s_v = s_v_rings + ring * kStages * Traits::kKVBytes;
  uint64_t* k_full = ring_bars + ring * 4 * kStages;
  uint64_t* v_full = k_full + kStages;
  uint64_t* k_empty = v_full + kStages;
  uint64_t* v_empty = k_empty + kStages;

  // The CTA's query tiles: its own (blockIdx), or, persistent, every gridDim.x-th of all of them
  // in the order a non-persistent grid would start them (longest first where the policy asks).
  // Producer and consumers walk the same list and skip the same tiles, so the running counts
  // below (tiles run, key tiles walked) agree between them: they give the Q buffer and the ring
  // stage with their barrier parities.
  const int m_blocks = (p.q_len + kBlockM - 1) / kBlockM;
  const int64_t work_count = Traits::kPersistent ? int64_t{m_blocks} * grid_heads * p.batch : 1;
  const auto work_tile = [&](int64_t w) {
    if constexpr (Traits::kPersistent) {
      const int64_t per_block = int64_t{grid_heads} * p.batch;
      const int r = static_cast<int>(w / per_block);
      const int rest = static_cast<int>(w % per_block);
      return WorkTile{Tiles::kLongestFirst ? m_blocks - 1 - r : r, rest % grid_heads, rest / grid_heads};
    } else {
      return WorkTile{Tiles::kLongestFirst ? int(gridDim.x) - 1 - int(blockIdx.x) : int(blockIdx.x), int(blockIdx.y),
                      int(blockIdx.z)};
    }
  };

  // Calls visit(tile, tiles) for each query tile of this CTA that the policy runs, with the
  // thread's ring's policy (tiles) and where the tile stands in the CTA's walk (QueryTile).
  const auto for_each_query_tile = [&](auto&& visit) {
    int ran = 0, walked = 0;
    for (int64_t w = Traits::kPersistent ? blockIdx.x : 0; w < work_count; w += Traits::kPersistent ? gridDim.x : 1) {
      const WorkTile work = work_tile(w);
      const int head = Tiles::head(tiles_params, work.grid_y);
      if (!Tiles::runs(tiles_params, work.batch, head, p.q_heads)) continue;
      const int m0 = work.m_block * kBlockM;
      // The ring's query rows; a split CTA's second block may lie past the sequence (odd block
      // count): it then walks no tiles, and its policy is built on the first block's rows so that
      // it reads no index row out of range.
      const int ring_m0 = m0 + ring * Traits::kRingRows;
      const bool ring_active = ring_m0 < p.q_len;
      const Tiles tiles(p, tiles_params, ring_active ? ring_m0 : m0, Traits::kRingRows, kBlockN);
      const int tile_count = ring_active ? tiles.count() : 0;
      visit(QueryTile{head, work.batch, m0, ring_active, tile_count, ran % Traits::kQBuffers,
                      static_cast<uint32_t>((ran / Traits::kQBuffers) & 1), walked},
            tiles);
      ++ran;
      walked += tile_count;
    }
  };

  if (warpgroup == 0) {
    // ---- producer ----
    release_registers<Traits::kProducerRegisters>();
    if constexpr (kTma)
      if (thread % kRingCopiers != 0) return;  // one issuing thread per ring
    for_each_query_tile([&](const QueryTile& t, const Tiles& tiles) {
      const int head = t.head, batch = t.batch, m0 = t.m0, tile_count = t.tile_count, walked = t.walked;
      const int kv_head = head / p.q_heads_per_kv_head;
      const int q_buffer = t.q_buffer;
      const uint32_t q_parity = t.q_parity;
      unsigned char* s_q = s_q_buffers + q_buffer * Traits::kQBytes;

      if constexpr (kTma) {
        constexpr int kBlocks = kHeadDim / 64;  // 64-column boxes per tile
        if (thread == 0) {
          barrier_wait(q_empty + q_buffer, q_parity ^ 1);
          barrier_arrive_expect(q_full + q_buffer, Traits::kQBytes);
          for (int b = 0; b < kBlocks; ++b)
            tma_load_4d(smem_u32(s_q) + b * kBlockM * 128, &maps.q, b * 64, m0, head, batch, q_full + q_buffer);
        }
        for (int i = 0; i < tile_count; ++i) {
          const int s = (walked + i) % kStages;
          const uint32_t parity = ((walked + i) / kStages) & 1;
          const int first = tiles.tile(i).first;
          barrier_wait(k_empty + s, parity ^ 1);
          barrier_arrive_expect(k_full + s, Traits::kKVBytes);
          for (int b = 0; b < kBlocks; ++b)
            tma_load_4d(smem_u32(s_k + s * Traits::kKVBytes) + b * kBlockN * 128, &maps.k, b * 64, first, kv_head, batch, k_full + s);
          barrier_wait(v_empty + s, parity ^ 1);
          barrier_arrive_expect(v_full + s, Traits::kKVBytes);
          for (int b = 0; b < kBlocks; ++b)
            tma_load_4d(smem_u32(s_v + s * Traits::kKVBytes) + b * kBlockN * 128, &maps.v, b * 64, first, kv_head, batch, v_full + s);
        }
      } else {
        const auto* q = static_cast<const Element*>(p.q) + batch * p.q_strides.batch + head * p.q_strides.head;
        const auto* k = static_cast<const Element*>(p.k) + batch * p.k_strides.batch + kv_head * p.k_strides.head;
        const auto* v = static_cast<const Element*>(p.v) + batch * p.v_strides.batch + kv_head * p.v_strides.head;
        barrier_wait(q_empty + q_buffer, q_parity ^ 1);
        if constexpr (Tiles::kPermutesRows) {
          // Each half gathers its ring's 64 query slots through the head's order (an inactive
          // ring's rows are zero-filled: its consumer walks no tiles and writes nothing).
          const attention::KeyTile rows = t.ring_active ? attention::KeyTile::gathered(tiles.query_rows(), tiles.query_row_count(Traits::kRingRows))
                                                      : attention::KeyTile::contiguous(p.q_len);
          detail::copy_rows<Traits, Traits::kRingRows, kRingCopiers, kBlockM>(smem_u32(s_q), q, p.q_strides.row, rows, p.q_len,
                                                                              thread % kRingCopiers, ring * Traits::kRingRows);
        } else {
          detail::copy_rows<Traits, kBlockM, 128>(smem_u32(s_q), q, p.q_strides.row, attention::KeyTile::contiguous(m0), p.q_len, thread);
        }
        device::cp_async_commit();
        device::cp_async_wait<0>();
        fence_async_shared();
        barrier_arrive(q_full + q_buffer);
        const int copier = thread % kRingCopiers;
        for (int i = 0; i < tile_count; ++i) {
          const int s = (walked + i) % kStages;
          const uint32_t parity = ((walked + i) / kStages) & 1;
          const attention::KeyTile tile = tiles.tile(i);
          barrier_wait(k_empty + s, parity ^ 1);
          detail::copy_rows<Traits, kBlockN, kRingCopiers>(smem_u32(s_k + s * Traits::kKVBytes), k, p.k_strides.row, tile, p.kv_len, copier);
          device::cp_async_commit();
          barrier_wait(v_empty + s, parity ^ 1);
          detail::copy_rows<Traits, kBlockN, kRingCopiers>(smem_u32(s_v + s * Traits::kKVBytes), v, p.v_strides.row, tile, p.kv_len, copier);
          device::cp_async_commit();
          device::cp_async_wait<1>();
          fence_async_shared();
          barrier_arrive(k_full + s);
          device::cp_async_wait<0>();
          fence_async_shared();
          barrier_arrive(v_full + s);
        }
      }
    });
    return;
  }

  // ---- consumers ----
  claim_registers<Traits::kConsumerRegisters>();
  const int consumer = warpgroup - 1;  // rows [64 · consumer, 64 · consumer + 64) of the tile
  const int warp = thread / 32, lane = thread % 32;
  const int row_in_tile = consumer * 64 + warp * 16 + lane / 4;  // and + 8
  constexpr int kSRegs = kBlockN / 2;   // m64nN: N / 2 floats a thread
  constexpr int kORegs = kHeadDim / 2;  // m64nD
  using MmaS = Wgmma<kBlockN, Element>;
  using MmaO = Wgmma<kHeadDim, Element>;
  constexpr uint32_t kTileColumnBlock = kBlockN * 128;  // bytes of one 64-column block of a K/V tile
  // Consumer c issues its Q·Kᵀ after passing named barrier 1 + c, which the other consumer
  // arrives on once it has issued its own: consumer 0 goes first (consumer 1's opening arrival),
  // and consumer 1 skips its last arrival, so every arrival of a query tile is matched by a sync
  // of the same tile (both consumers walk the same key tiles: ping-pong is never split).
  constexpr int kTurnThreads = 256;

  float acc_o[kORegs];
  float acc_s[kSRegs];
  uint32_t p_frag[kBlockN / 16][4];
  float correction[2];
  for_each_query_tile([&](const QueryTile& t, const Tiles& tiles) {
    const int head = t.head, batch = t.batch, m0 = t.m0, tile_count = t.tile_count, walked = t.walked;
    const int q_buffer = t.q_buffer;

#pragma unroll
    for (int r = 0; r < kORegs; ++r) acc_o[r] = 0.f;
    float row_max[2] = {-INFINITY, -INFINITY};
    float row_sum[2] = {0.f, 0.f};

    barrier_wait(q_full + q_buffer, t.q_parity);
    const uint32_t q_base = smem_u32(s_q_buffers + q_buffer * Traits::kQBytes) + consumer * 64 * 128;
    // (No tiles, no turns: an opening arrival nobody syncs on would be left pending.)
    if constexpr (Traits::kPingPong)
      if (consumer == 1 && tile_count > 0) named_barrier_arrive<1, kTurnThreads>();

    // The steps of one key tile (i: its index in this query tile's walk), shared by the two
    // schedules below; stages and parities continue from the earlier query tiles' walks.
    const auto stage = [&](int i) { return (walked + i) % kStages; };
    const auto parity = [&](int i) { return static_cast<uint32_t>(((walked + i) / kStages) & 1); };
    const auto k_base = [&](int i) { return smem_u32(s_k + stage(i) * Traits::kKVBytes); };
    const auto v_base = [&](int i) { return smem_u32(s_v + stage(i) * Traits::kKVBytes); };
    // S = Q·K_iᵀ, issued (not awaited) in this consumer's turn.
    const auto issue_qk = [&](float (&acc)[kSRegs], int i) {
      if constexpr (Traits::kPingPong) {
        if (consumer == 0) named_barrier_sync<1, kTurnThreads>();
        else named_barrier_sync<2, kTurnThreads>();
      }
      wgmma_fence();
#pragma unroll
      for (int kk = 0; kk < kHeadDim / 16; ++kk) {
        const uint32_t column = (kk % 4) * 32;  // the k16 slice within its 128-byte row
        const uint64_t a = descriptor(q_base + (kk / 4) * (kBlockM * 128) + column, 16, 1024);
        const uint64_t b = descriptor(k_base(i) + (kk / 4) * kTileColumnBlock + column, 16, 1024);
        MmaS::ss(acc, a, b, kk > 0 ? 1 : 0);
      }
      wgmma_commit();
      if constexpr (Traits::kPingPong) {
        if (consumer == 0) named_barrier_arrive<2, kTurnThreads>();
        else if (i + 1 < tile_count) named_barrier_arrive<1, kTurnThreads>();
      }
    };
    // O += P·V_i, issued (not awaited).
    const auto issue_pv = [&](const uint32_t (&frag)[kBlockN / 16][4], int i) {
      wgmma_fence();
#pragma unroll
      for (int kk = 0; kk < kBlockN / 16; ++kk) MmaO::rs(acc_o, frag[kk], descriptor(v_base(i) + kk * 16 * 128, kTileColumnBlock, 1024));
      wgmma_commit();
    };
    // Mask, then the online softmax of a finished S: probabilities in place, row maxima and
    // partial sums updated, and the factor O must be rescaled by (applied by the caller once O is
    // its own). acc[4j + e]: row row_in_tile + 8 (e / 2), key 8j + 2 (lane % 4) + e % 2 of the tile.
    const auto softmax = [&](float (&acc)[kSRegs], int i, float (&factor)[2]) {
      const attention::KeyTile tile = tiles.tile(i);
      if (tiles.needs_mask(tile)) {
#pragma unroll
        for (int j = 0; j < kBlockN / 8; ++j)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int row = m0 + row_in_tile + (e / 2) * 8;
            const int c = j * 8 + (lane % 4) * 2 + (e % 2);
            if (!tiles.visible(tile, row, c)) acc[4 * j + e] = -INFINITY;
          }
      }
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        float tile_max = row_max[h];
#pragma unroll
        for (int j = 0; j < kBlockN / 8; ++j) tile_max = fmaxf(tile_max, fmaxf(acc[4 * j + 2 * h], acc[4 * j + 2 * h + 1]));
        tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 1));
        tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 2));
        // A row that has seen only masked keys keeps max −inf; subtracting 0 keeps exp2(−inf) = 0.
        const float base = tile_max == -INFINITY ? 0.f : tile_max * p.scale_log2;
        factor[h] = device::fast_exp2(row_max[h] * p.scale_log2 - base);
        row_max[h] = tile_max;
        row_sum[h] *= factor[h];
#pragma unroll
        for (int j = 0; j < kBlockN / 8; ++j)
#pragma unroll
          for (int e = 2 * h; e < 2 * h + 2; ++e) {
            const float x = fmaf(acc[4 * j + e], p.scale_log2, -base);
            const float prob = j % 4 < Traits::kFmaExpPerFour ? exp2_on_fma(x) : device::fast_exp2(x);
            acc[4 * j + e] = prob;
            row_sum[h] += prob;
          }
      }
    };
    const auto rescale_o = [&](const float (&factor)[2]) {
#pragma unroll
      for (int j = 0; j < kHeadDim / 8; ++j)
#pragma unroll
        for (int e = 0; e < 4; ++e) acc_o[4 * j + e] *= factor[e / 2];
    };
    // The accumulator layout of two adjacent n8 blocks is the register A layout of one k16 step.
    const auto pack = [&](const float (&acc)[kSRegs], uint32_t (&frag)[kBlockN / 16][4]) {
#pragma unroll
      for (int kk = 0; kk < kBlockN / 16; ++kk) {
        frag[kk][0] = device::pack2<Element>(acc[8 * kk + 0], acc[8 * kk + 1]);
        frag[kk][1] = device::pack2<Element>(acc[8 * kk + 2], acc[8 * kk + 3]);
        frag[kk][2] = device::pack2<Element>(acc[8 * kk + 4], acc[8 * kk + 5]);
        frag[kk][3] = device::pack2<Element>(acc[8 * kk + 6], acc[8 * kk + 7]);
      }
    };

    if constexpr (!Traits::kOverlap) {
      // One tile at a time: S, softmax, P·V, each awaited before the next.
      for (int i = 0; i < tile_count; ++i) {
        barrier_wait(k_full + stage(i), parity(i));
        issue_qk(acc_s, i);
        wgmma_wait<0>();
        pin(acc_s);
        barrier_arrive(k_empty + stage(i));
        softmax(acc_s, i, correction);
        rescale_o(correction);
        pack(acc_s, p_frag);
        barrier_wait(v_full + stage(i), parity(i));
        issue_pv(p_frag, i);
        wgmma_wait<0>();
        pin(acc_o);
        pin(p_frag);
        barrier_arrive(v_empty + stage(i));
      }
    } else if (tile_count > 0) {
      // Intra-warpgroup overlap: S of tile i and P·V of tile i − 1 are in flight together, and
      // the softmax of tile i runs while P·V still holds the tensor cores; O is rescaled only
      // once that P·V has completed (its accumulators are the MMA's until then).
      barrier_wait(k_full + stage(0), parity(0));
      issue_qk(acc_s, 0);
      wgmma_wait<0>();
      pin(acc_s);
      barrier_arrive(k_empty + stage(0));
      softmax(acc_s, 0, correction);
      pack(acc_s, p_frag);
      for (int i = 1; i < tile_count; ++i) {
        barrier_wait(k_full + stage(i), parity(i));
        issue_qk(acc_s, i);
        barrier_wait(v_full + stage(i - 1), parity(i - 1));
        issue_pv(p_frag, i - 1);
        wgmma_wait<1>();  // groups complete in order: S of tile i is done
        pin(acc_s);
        barrier_arrive(k_empty + stage(i));
        softmax(acc_s, i, correction);
        wgmma_wait<0>();
        pin(acc_o);
        pin(p_frag);
        barrier_arrive(v_empty + stage(i - 1));
        rescale_o(correction);
        pack(acc_s, p_frag);
      }
      barrier_wait(v_full + stage(tile_count - 1), parity(tile_count - 1));
      issue_pv(p_frag, tile_count - 1);
      wgmma_wait<0>();
      pin(acc_o);
      pin(p_frag);
      barrier_arrive(v_empty + stage(tile_count - 1));
    }
    // Every Q·Kᵀ of this query tile has completed: the producer may refill its Q buffer.
    barrier_arrive(q_empty + q_buffer);

    // ---- epilogue: O and the log-sum-exp straight from the accumulators ----
    auto* o = static_cast<Element*>(p.o) + batch * p.o_strides.batch + head * p.o_strides.head;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      float sum = row_sum[h];
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      sum += __shfl_xor_sync(0xffffffffu, sum, 2);
      const float inv_sum = sum > 0.f ? 1.f / sum : 0.f;
      const int slot = m0 + row_in_tile + 8 * h;
      if (slot >= p.q_len) continue;
      // Permuted heads write each slot's row at its original position (-1: a malformed order).
      int q_row = slot;
      if constexpr (Tiles::kPermutesRows) q_row = tiles.output_row(slot);
      if (q_row < 0) continue;
      if (p.lse != nullptr && lane % 4 == 0)
        p.lse[(static_cast<index_t>(batch) * p.q_heads + head) * p.q_len + q_row] =
            sum > 0.f ? fmaf(row_max[h], p.scale, logf(sum)) : -INFINITY;
#pragma unroll
      for (int j = 0; j < kHeadDim / 8; ++j) {
        const uint32_t packed = device::pack2<Element>(acc_o[4 * j + 2 * h] * inv_sum, acc_o[4 * j + 2 * h + 1] * inv_sum);
        *reinterpret_cast<uint32_t*>(o + static_cast<index_t>(q_row) * p.o_strides.row + j * 8 + (lane % 4) * 2) = packed;
      }
    }
  });
}

}  // namespace mi::hopper
