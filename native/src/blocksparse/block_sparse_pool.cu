// Block-sparse estimation, step 1: mean-pool Q (listed heads) and K (the kv heads they read) over
// 64-token blocks, in fp32. This step reads every element of Q and K once, so it must run at
// memory speed: each thread owns 8 consecutive dims (one 16-byte load per row) of one block and
// keeps 8 row loads in flight; a warp covers whole 16-byte-aligned rows, so loads are coalesced.
//
// With a token order (grid selection) a block's rows are gathered through it: the row indices are
// loaded first, then the same 16-byte loads; the thread owning dims 0..7 also records the block's
// smallest and largest original position.
//
// Arithmetic (the index's ranking depends on it, keep it fixed): per dim, the block's rows are
// added in row order into an fp32 sum starting at +0, then divided by the number of real rows
// (64, or fewer in the last block). This is the order the first GPU version used, so its pooled
// values, and therefore its scores and indices, are reproduced bit for bit.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <climits>
#include <cstdint>

#include "../attention/attention_traits.cuh"
#include "block_sparse_estimate_params.h"
#include "mi_instantiations.h"

namespace mi::blocksparse::estimate {
namespace {

constexpr int kPoolThreads = 256;
constexpr int kRowsInFlight = 8;  // 16-byte loads issued before the first is added

__device__ __forceinline__ float2 to_float2(uint32_t pair, __nv_bfloat16) {
  return __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&pair));
}
__device__ __forceinline__ float2 to_float2(uint32_t pair, __half) {
  return __half22float2(*reinterpret_cast<const __half2*>(&pair));
}

// Adds one row's 8 elements (one 16-byte vector) to the 8 running sums, dim by dim.
template <typename Element>
__device__ __forceinline__ void add_row(float (&sum)[8], const uint4& v) {
  const uint32_t words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
  for (int w = 0; w < 4; ++w) {
    const float2 f = to_float2(words[w], Element{});
    sum[2 * w] += f.x;
    sum[2 * w + 1] += f.y;
  }
}

// grid (ceil(q_blocks / kBlocksPerCta), heads.count, batch); thread -> (block, 8 dims).
// kGathered: rows through p.order (a separate instantiation, so the plain pooling keeps its
// registers and address arithmetic).
template <int kHeadDim, typename Element, bool kGathered>
__global__ void __launch_bounds__(kPoolThreads) pool_kernel(const __grid_constant__ PoolParams p) {
  constexpr int kThreadsPerBlock = kHeadDim / 8;
  constexpr int kBlocksPerCta = kPoolThreads / kThreadsPerBlock;
  // head_dim 96: 12 threads a block, 21 blocks in 252 threads; the last 4 threads idle.
  if (threadIdx.x >= kBlocksPerCta * kThreadsPerBlock) return;
  const int qb = blockIdx.x * kBlocksPerCta + threadIdx.x / kThreadsPerBlock;
  if (qb >= p.q_blocks) return;
  const int entry = blockIdx.y;
  const int64_t batch = blockIdx.z;
  const int head = p.heads.ids[entry];
  const int d0 = (threadIdx.x % kThreadsPerBlock) * 8;
  const int first = qb * kBlock;
  const int rows = min(kBlock, p.n - first);
  // 64-bit offsets: batch * stride and first * row stride pass 2^31 elements at long context.
  const auto* head_src = static_cast<const Element*>(p.src) + batch * p.strides.batch +
                         head * p.strides.head + d0;
  const int32_t* order =
      !kGathered ? nullptr : p.order + (batch * p.out_heads + entry) * int64_t(p.n) + first;

  float sum[8] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
  int low = INT_MAX, high = -1;
#pragma unroll 1
  for (int r0 = 0; r0 < rows; r0 += kRowsInFlight) {
    int64_t row[kRowsInFlight];
#pragma unroll
    for (int e = 0; e < kRowsInFlight; ++e) {
      row[e] = first + r0 + e;
      if (kGathered && r0 + e < rows) {
        // Clamped: an order that is not a permutation pools wrong rows, never rows out of bounds.
        const int position = min(max(__ldg(order + r0 + e), 0), p.n - 1);
        low = min(low, position);
        high = max(high, position);
        row[e] = position;
      }
    }
    uint4 v[kRowsInFlight];
#pragma unroll
    for (int e = 0; e < kRowsInFlight; ++e)
      if (r0 + e < rows)
        v[e] = __ldg(reinterpret_cast<const uint4*>(head_src + row[e] * p.strides.row));
#pragma unroll
    for (int e = 0; e < kRowsInFlight; ++e)
      if (r0 + e < rows) add_row<Element>(sum, v[e]);
  }

  const float count = static_cast<float>(rows);
  const int64_t out_head = p.by_id ? head : entry;
  if (kGathered && p.block_min != nullptr && d0 == 0) {
    const int64_t block = (batch * p.out_heads + out_head) * p.q_blocks + qb;
    p.block_min[block] = low;
    p.block_max[block] = high;
  }
  float* out = p.out + ((batch * p.out_heads + out_head) * p.q_blocks + qb) * kHeadDim + d0;
  reinterpret_cast<float4*>(out)[0] =
      make_float4(sum[0] / count, sum[1] / count, sum[2] / count, sum[3] / count);
  reinterpret_cast<float4*>(out)[1] =
      make_float4(sum[4] / count, sum[5] / count, sum[6] / count, sum[7] / count);
}

}  // namespace

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_pool(const PoolParams& p, int batch, cudaStream_t stream) {
  using Element = typename attention::ElementOf<kElement>::type;
  constexpr int kBlocksPerCta = kPoolThreads / (kHeadDim / 8);
  const dim3 grid((p.q_blocks + kBlocksPerCta - 1) / kBlocksPerCta, p.heads.count, batch);
  if (p.order != nullptr)
    pool_kernel<kHeadDim, Element, true><<<grid, kPoolThreads, 0, stream>>>(p);
  else
    pool_kernel<kHeadDim, Element, false><<<grid, kPoolThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

// Every head_dim the attention patterns take (cmake/MInferenceInstantiations.cmake).
#define MI_INSTANTIATE_POOL(D)                                                                   \
  template cudaError_t run_pool<D, attention::ElementType::kFloat16>(const PoolParams&, int,      \
                                                                     cudaStream_t);               \
  template cudaError_t run_pool<D, attention::ElementType::kBFloat16>(const PoolParams&, int,     \
                                                                      cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_POOL)

}  // namespace mi::blocksparse::estimate
