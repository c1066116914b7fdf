// Block-sparse estimation, step 2: pooled scores, one 64 x 64 tile (query blocks x key blocks) per
// CTA, causal tiles only (key tile <= query tile), into the chunk's score buffer.
//
// Arithmetic (the index's ranking depends on it, keep it fixed): each score is one fp32 fmaf chain
// over the dims in order, dot = fmaf(q[d], k[d], dot) from dot = +0, as the first GPU version
// computed it; with the pool step's fixed order this reproduces its scores bit for bit, so the
// indices agree exactly with it, ties included. Against the CPU reference (doubles) the scores
// differ by fp32 rounding only: the GPU tests accept differences confined to near-ties (1e-4
// relative), which is far above the fp32 error of a 128-term dot product of block means.
//
// Cost: 64 x 64 x D FMAs per tile on CUDA cores; tensor cores (TF32) would round the operands.
// Each thread owns a 4 x 4 register tile (query rows tq + 16m, key rows tk + 16n) and reads its
// operands as float4 over 4 dims from shared memory: 8 loads per 64 FMAs. Rows are padded to
// D + 4 floats, so the 16 key rows a warp reads for one float4 fall into distinct bank groups
// (two wavefronts, the minimum for 256 bytes) and the two query rows are broadcasts.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../common/device_primitives.cuh"
#include "block_sparse_estimate_params.h"
#include "mi_instantiations.h"

namespace mi::blocksparse::estimate {
namespace {

constexpr int kScoreThreads = 256;
constexpr int kSide = 16;  // threads per side of the CTA's 16 x 16 thread grid (4 x 4 each)

template <int kHeadDim>
struct ScoreShape {
  static constexpr int kPitch = kHeadDim + 4;  // floats per shared-memory row
  static constexpr int kSmemBytes = 2 * kTile * kPitch * int(sizeof(float));
};

// Copies rows [0, rows) of a [64, kHeadDim] fp32 tile into shared memory (pitch kPitch); rows
// past `rows` (past the last block) are zero-filled and never read from global memory.
template <int kHeadDim, int kThreads = kScoreThreads>
__device__ __forceinline__ void load_tile(float* dst, const float* src, int rows) {
  constexpr int kVectors = kHeadDim / 4;
  for (int v = threadIdx.x; v < kTile * kVectors; v += kThreads) {
    const int row = v / kVectors;
    const int col = (v % kVectors) * 4;
    const bool valid = row < rows;
    device::cp_async_16(device::smem_address(dst + row * ScoreShape<kHeadDim>::kPitch + col),
                        src + (valid ? row : 0) * kHeadDim + col, valid);
  }
}

// grid (tiles, units of the chunk): x = key tile j, y = unit (batch, slot, query tile i).
template <int kHeadDim>
__global__ void __launch_bounds__(kScoreThreads)
    score_kernel(const __grid_constant__ EstimateParams p) {
  constexpr int kPitch = ScoreShape<kHeadDim>::kPitch;
  const int64_t unit = p.first_unit + blockIdx.y;
  const int64_t group = unit / p.tiles;
  const int i = static_cast<int>(unit % p.tiles);
  const int j = blockIdx.x;
  if (j > i) return;  // above the diagonal: never read
  // The unit's last row needs scores only if every earlier row does (the condition grows with qb).
  if (!row_needs_scores(min(i * kTile + kTile - 1, p.q_blocks - 1), p.top_k)) return;

  extern __shared__ float4 smem[];
  float* qs = reinterpret_cast<float*>(smem);
  float* ks = qs + kTile * kPitch;
  const int64_t batch = group / p.heads.count;
  const int slot = static_cast<int>(group % p.heads.count);
  // Keys pooled per kv head, shared by its query heads.
  const int64_t key_group = batch * p.kv_heads + p.heads.ids[slot] / p.q_heads_per_kv_head;
  load_tile<kHeadDim>(qs, p.pooled_q + (group * p.q_blocks + int64_t(i) * kTile) * kHeadDim,
                      min(kTile, p.q_blocks - i * kTile));
  load_tile<kHeadDim>(ks, p.pooled_k + (key_group * p.q_blocks + int64_t(j) * kTile) * kHeadDim,
                      min(kTile, p.q_blocks - j * kTile));
  device::cp_async_commit();
  device::cp_async_wait<0>();
  __syncthreads();

  const int tq = threadIdx.x / kSide;
  const int tk = threadIdx.x % kSide;
  float acc[4][4];
#pragma unroll
  for (int m = 0; m < 4; ++m)
#pragma unroll
    for (int n = 0; n < 4; ++n) acc[m][n] = 0.f;
#pragma unroll 2
  for (int d = 0; d < kHeadDim; d += 4) {
    float4 a[4], b[4];
#pragma unroll
    for (int m = 0; m < 4; ++m)
      a[m] = *reinterpret_cast<const float4*>(qs + (tq + kSide * m) * kPitch + d);
#pragma unroll
    for (int n = 0; n < 4; ++n)
      b[n] = *reinterpret_cast<const float4*>(ks + (tk + kSide * n) * kPitch + d);
    // Dims d, d+1, d+2, d+3 in that order for every accumulator.
#pragma unroll
    for (int m = 0; m < 4; ++m)
#pragma unroll
      for (int n = 0; n < 4; ++n) acc[m][n] = fmaf(a[m].x, b[n].x, acc[m][n]);
#pragma unroll
    for (int m = 0; m < 4; ++m)
#pragma unroll
      for (int n = 0; n < 4; ++n) acc[m][n] = fmaf(a[m].y, b[n].y, acc[m][n]);
#pragma unroll
    for (int m = 0; m < 4; ++m)
#pragma unroll
      for (int n = 0; n < 4; ++n) acc[m][n] = fmaf(a[m].z, b[n].z, acc[m][n]);
#pragma unroll
    for (int m = 0; m < 4; ++m)
#pragma unroll
      for (int n = 0; n < 4; ++n) acc[m][n] = fmaf(a[m].w, b[n].w, acc[m][n]);
  }

  // Tile (i, j) of the unit, row-major [query row][key column]. The select step ranks key blocks
  // <= its query block but copies a row's scores in 16-byte vectors, so up to 3 entries past the
  // diagonal are read (never ranked): the diagonal tile writes them too, as -inf, so nothing
  // uninitialised is ever read (compute-sanitizer initcheck).
  float* tile = p.scores + (tiles_before(unit, p.tiles) - tiles_before(p.first_unit, p.tiles) + j) * kTileScores;
#pragma unroll
  for (int m = 0; m < 4; ++m) {
    const int row = tq + kSide * m;
    const int qb = i * kTile + row;
#pragma unroll
    for (int n = 0; n < 4; ++n) {
      const int col = tk + kSide * n;
      if (qb < p.q_blocks) tile[row * kTile + col] = j * kTile + col <= qb ? acc[m][n] : -INFINITY;
    }
  }
}

// The whole square (grid selection, p.square): every pooled query block against every pooled key
// block, 4x the causal triangle's work at the same N, so the scores come from the tensor cores:
// mma.sync m16n8k8 with TF32 operands (fp32 rounded to 10 mantissa bits, nearest) and fp32
// accumulation, about 6x the CUDA cores' fp32 rate. Scores then carry a relative error of about
// 1e-3 of the dot product's magnitude, which only reorders blocks whose scores are that close;
// block-sparse estimation keeps the exact fp32 chain above. Four warps, 16 query rows each, all 64
// key columns (8 n-tiles of 8); fragments are read straight from the padded fp32 tiles (pitch
// D + 4 puts a fragment's 32 lanes in 32 distinct banks).
constexpr int kSquareThreads = 128;

__device__ __forceinline__ uint32_t to_tf32(float x) {
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return r;
}

__device__ __forceinline__ void mma_tf32(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 "
      "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// grid (tiles, units of the chunk): x = key tile j, y = unit (batch, slot, query tile i).
template <int kHeadDim>
__global__ void __launch_bounds__(kSquareThreads)
    score_square_kernel(const __grid_constant__ EstimateParams p) {
  constexpr int kPitch = ScoreShape<kHeadDim>::kPitch;
  const int64_t unit = p.first_unit + blockIdx.y;
  const int64_t group = unit / p.tiles;
  const int i = static_cast<int>(unit % p.tiles);
  const int j = blockIdx.x;
  extern __shared__ float4 smem[];
  float* qs = reinterpret_cast<float*>(smem);
  float* ks = qs + kTile * kPitch;
  load_tile<kHeadDim, kSquareThreads>(qs, p.pooled_q + (group * p.q_blocks + int64_t(i) * kTile) * kHeadDim,
                                      min(kTile, p.q_blocks - i * kTile));
  load_tile<kHeadDim, kSquareThreads>(ks, p.pooled_k + (group * p.q_blocks + int64_t(j) * kTile) * kHeadDim,
                                      min(kTile, p.q_blocks - j * kTile));
  device::cp_async_commit();
  device::cp_async_wait<0>();
  __syncthreads();

  const int lane = threadIdx.x % 32;
  const int row0 = (threadIdx.x / 32) * 16;
  const int g = lane / 4, t = lane % 4;
  float acc[8][4];
#pragma unroll
  for (int n = 0; n < 8; ++n)
#pragma unroll
    for (int e = 0; e < 4; ++e) acc[n][e] = 0.f;
#pragma unroll 4
  for (int k0 = 0; k0 < kHeadDim; k0 += 8) {
    const uint32_t a[4] = {to_tf32(qs[(row0 + g) * kPitch + k0 + t]), to_tf32(qs[(row0 + g + 8) * kPitch + k0 + t]),
                           to_tf32(qs[(row0 + g) * kPitch + k0 + t + 4]), to_tf32(qs[(row0 + g + 8) * kPitch + k0 + t + 4])};
#pragma unroll
    for (int n = 0; n < 8; ++n)
      mma_tf32(acc[n], a, to_tf32(ks[(n * 8 + g) * kPitch + k0 + t]), to_tf32(ks[(n * 8 + g) * kPitch + k0 + t + 4]));
  }

  // Tile (i, j), row-major [query row][key column]; every column is written (past the last block
  // the zero-filled rows score 0), so the select step's 16-byte copies read nothing uninitialised.
  float* tile = p.scores + (tiles_before(unit, p.tiles, true) - tiles_before(p.first_unit, p.tiles, true) + j) * kTileScores;
#pragma unroll
  for (int half = 0; half < 2; ++half) {
    const int row = row0 + g + 8 * half;
    if (i * kTile + row >= p.q_blocks) continue;
#pragma unroll
    for (int n = 0; n < 8; ++n)
      *reinterpret_cast<float2*>(tile + row * kTile + n * 8 + 2 * t) = make_float2(acc[n][2 * half], acc[n][2 * half + 1]);
  }
}

}  // namespace

template <int kHeadDim>
cudaError_t run_score(const EstimateParams& p, cudaStream_t stream) {
  constexpr int kSmem = ScoreShape<kHeadDim>::kSmemBytes;
  const dim3 grid(p.tiles, static_cast<unsigned>(p.units));
  if (p.square) {
    cudaError_t err = cudaFuncSetAttribute(score_square_kernel<kHeadDim>,
                                           cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
    if (err != cudaSuccess) return err;
    score_square_kernel<kHeadDim><<<grid, kSquareThreads, kSmem, stream>>>(p);
    return cudaGetLastError();
  }
  cudaError_t err = cudaFuncSetAttribute(score_kernel<kHeadDim>,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  score_kernel<kHeadDim><<<grid, kScoreThreads, kSmem, stream>>>(p);
  return cudaGetLastError();
}

// Every head_dim the attention patterns take (cmake/MInferenceInstantiations.cmake).
#define MI_INSTANTIATE_SCORE(D) template cudaError_t run_score<D>(const EstimateParams&, cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_SCORE)

}  // namespace mi::blocksparse::estimate
