// mi_block_sparse_estimate: MInference's block-sparse index on the GPU.
//   pool:   one CTA per (query block, head slot, batch): the mean of the block's real Q rows and
//           of its kv head's K rows, in fp32;
//   select: one CTA per (query block, head slot, batch): the causal pooled scores of the query
//           block against every key block up to the diagonal, held in shared memory; top_k rounds
//           of a block-wide argmax (equal scores: the smaller block wins; block 0 and the
//           diagonal are +inf, so always kept) mark the kept blocks, which are then written in
//           ascending order at the row's offset. Row lengths are min(top_k, qb + 1), so the row
//           pointers are a closed form written by the same CTAs.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "../attention/attention_dispatch.h"
#include "../attention/attention_params.h"
#include "../attention/attention_traits.cuh"
#include "../attention/attention_validation.h"
#include "../common/status.h"
#include "minference.h"

namespace mi::blocksparse {
namespace {

constexpr int kBlock = 64;
constexpr int kSelectThreads = 256;
constexpr int64_t kMaxSeqLen = int64_t{1} << 21;  // 32768 key blocks: 128 KB of scores per CTA
constexpr int64_t kAlign = 256;
int64_t aligned(int64_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

struct EstimateParams {
  const void* q;
  const void* k;
  attention::AttentionFwdParams::RowStrides q_strides, k_strides;
  int n;
  int q_blocks;
  int head_dim;
  int q_heads_per_kv_head;
  int top_k;
  attention::HeadList heads;
  float* pooled_q;  // [batch, heads.count, q_blocks, head_dim]
  float* pooled_k;  // [batch, heads.count, q_blocks, head_dim] (the listed head's kv head)
  int64_t* row_ptr;
  int32_t* blocks;
};

// Block 0 and the diagonal are always kept, so a row holds at least two blocks (one for the first
// query block) even when top_k is 1: the effective k is max(top_k, 2).
int64_t effective_top_k(int64_t top_k) { return top_k > 2 ? top_k : 2; }

__host__ __device__ int64_t entries_before(int64_t qb, int64_t k) {
  // sum over j < qb of min(k, j + 1)
  return qb <= k ? qb * (qb + 1) / 2 : k * (k + 1) / 2 + (qb - k) * k;
}

__device__ __forceinline__ float to_float(__half x) { return __half2float(x); }
__device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }

template <typename Element>
__global__ void pool_kernel(const __grid_constant__ EstimateParams p) {
  const int qb = blockIdx.x;
  const int slot = blockIdx.y;
  const int batch = blockIdx.z;
  const int head = p.heads.ids[slot];
  const int kv_head = head / p.q_heads_per_kv_head;
  const int first = qb * kBlock;
  const int rows = min(kBlock, p.n - first);
  const auto* q = static_cast<const Element*>(p.q) + batch * p.q_strides.batch +
                  head * p.q_strides.head + int64_t(first) * p.q_strides.row;
  const auto* k = static_cast<const Element*>(p.k) + batch * p.k_strides.batch +
                  kv_head * p.k_strides.head + int64_t(first) * p.k_strides.row;
  const int64_t out = ((int64_t(batch) * p.heads.count + slot) * p.q_blocks + qb) * p.head_dim;
  for (int d = threadIdx.x; d < p.head_dim; d += blockDim.x) {
    float q_sum = 0.f, k_sum = 0.f;
    for (int r = 0; r < rows; ++r) {
      q_sum += to_float(q[int64_t(r) * p.q_strides.row + d]);
      k_sum += to_float(k[int64_t(r) * p.k_strides.row + d]);
    }
    p.pooled_q[out + d] = q_sum / rows;
    p.pooled_k[out + d] = k_sum / rows;
  }
}

__global__ void __launch_bounds__(kSelectThreads)
    select_kernel(const __grid_constant__ EstimateParams p) {
  extern __shared__ float s_scores[];  // [qb + 1]
  __shared__ float s_query[128];
  __shared__ float s_best[kSelectThreads / 32];
  __shared__ int s_best_index[kSelectThreads / 32];
  __shared__ int s_counts[kSelectThreads];
  const int qb = blockIdx.x;
  const int64_t row_group = int64_t(blockIdx.z) * p.heads.count + blockIdx.y;
  const int candidates = qb + 1;
  const float* pooled_k = p.pooled_k + row_group * p.q_blocks * p.head_dim;
  for (int d = threadIdx.x; d < p.head_dim; d += blockDim.x)
    s_query[d] = p.pooled_q[(row_group * p.q_blocks + qb) * p.head_dim + d];
  __syncthreads();
  for (int kb = threadIdx.x; kb < candidates; kb += blockDim.x) {
    float dot = 0.f;
    for (int d = 0; d < p.head_dim; ++d) dot = fmaf(s_query[d], pooled_k[int64_t(kb) * p.head_dim + d], dot);
    // NaN is the "kept" mark below; a NaN score (non-finite inputs) ranks last instead.
    s_scores[kb] = (kb == 0 || kb == qb) ? INFINITY : (isnan(dot) ? -INFINITY : dot);
  }
  __syncthreads();

  // k rounds of argmax; a kept block's score becomes NaN (the mark) so it is never picked again.
  const int keep = min(p.top_k, candidates);
  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  for (int round = 0; round < keep; ++round) {
    float best = -INFINITY;
    int best_index = INT32_MAX;
    for (int kb = threadIdx.x; kb < candidates; kb += blockDim.x) {
      const float s = s_scores[kb];
      if (!isnan(s) && (s > best || (s == best && kb < best_index))) {
        best = s;
        best_index = kb;
      }
    }
    for (int offset = 16; offset > 0; offset /= 2) {
      const float other = __shfl_down_sync(0xffffffffu, best, offset);
      const int other_index = __shfl_down_sync(0xffffffffu, best_index, offset);
      if (other > best || (other == best && other_index < best_index)) {
        best = other;
        best_index = other_index;
      }
    }
    if (lane == 0) {
      s_best[warp] = best;
      s_best_index[warp] = best_index;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      for (int w = 1; w < kSelectThreads / 32; ++w)
        if (s_best[w] > s_best[0] || (s_best[w] == s_best[0] && s_best_index[w] < s_best_index[0])) {
          s_best[0] = s_best[w];
          s_best_index[0] = s_best_index[w];
        }
      // -inf candidates still win ties by index, so some unkept block is always chosen.
      s_scores[s_best_index[0]] = NAN;
    }
    __syncthreads();
  }

  // Write the kept (NaN-marked) blocks in ascending order: each thread takes a contiguous chunk.
  const int chunk = (candidates + kSelectThreads - 1) / kSelectThreads;
  const int begin = min(candidates, threadIdx.x * chunk);
  const int end = min(candidates, begin + chunk);
  int count = 0;
  for (int kb = begin; kb < end; ++kb) count += isnan(s_scores[kb]) ? 1 : 0;
  s_counts[threadIdx.x] = count;
  __syncthreads();
  if (threadIdx.x == 0) {
    int running = 0;
    for (int t = 0; t < kSelectThreads; ++t) {
      const int c = s_counts[t];
      s_counts[t] = running;
      running += c;
    }
  }
  __syncthreads();
  const int64_t row_first = row_group * entries_before(p.q_blocks, p.top_k) +
                            entries_before(qb, p.top_k);
  int out = s_counts[threadIdx.x];
  for (int kb = begin; kb < end; ++kb)
    if (isnan(s_scores[kb])) p.blocks[row_first + out++] = kb;
  if (threadIdx.x == 0) {
    p.row_ptr[row_group * p.q_blocks + qb] = row_first;
    if (row_group == int64_t(gridDim.z) * gridDim.y - 1 && qb == p.q_blocks - 1)
      p.row_ptr[(row_group + 1) * p.q_blocks] = row_first + keep;
  }
}

int64_t q_blocks_of(int64_t n) { return (n + kBlock - 1) / kBlock; }

int64_t workspace_bytes(int64_t batch, int64_t head_count, int64_t n, int64_t head_dim) {
  return 2 * aligned(batch * head_count * q_blocks_of(n) * head_dim * int64_t{sizeof(float)});
}

mi_dense_attention_args as_attention(const mi_block_sparse_estimate_args& a) {
  // Q and K follow the attention operand rules; only the input half of the shared validation
  // applies (there is no output to keep apart from them).
  mi_dense_attention_args d{};
  d.dtype = a.dtype;
  d.batch = a.batch;
  d.q_heads = a.q_heads;
  d.kv_heads = a.kv_heads;
  d.q_len = a.seq_len;
  d.kv_len = a.seq_len;
  d.head_dim = a.head_dim;
  d.q = a.q;
  d.k = a.k;
  d.causal = 1;
  return d;
}

void require_shape(const mi_block_sparse_estimate_args* a) {
  if (a == nullptr) invalid("args must not be NULL");
  if (a->seq_len < 1 || a->seq_len > kMaxSeqLen)
    invalid("seq_len=" + std::to_string(a->seq_len) + " must be in [1, 2^21]");
  if (a->top_k < 1 || a->top_k > q_blocks_of(a->seq_len))
    invalid("top_k=" + std::to_string(a->top_k) + " must be in [1, " +
            std::to_string(q_blocks_of(a->seq_len)) + "] (the number of key blocks)");
  if (a->batch < 1 || a->q_heads < 1) invalid("batch and q_heads must be >= 1");
}

}  // namespace
}  // namespace mi::blocksparse

extern "C" MI_API mi_status mi_block_sparse_index_size(int64_t batch, int64_t head_count,
                                                       int64_t seq_len, int64_t top_k,
                                                       int64_t* entries) {
  using namespace mi::blocksparse;
  return mi::guarded([&] {
    if (entries == nullptr) mi::invalid("entries must not be NULL");
    if (batch < 1 || head_count < 1 || seq_len < 1 || top_k < 1)
      mi::invalid("batch, head_count, seq_len and top_k must be >= 1");
    *entries = batch * head_count * entries_before(q_blocks_of(seq_len), effective_top_k(top_k));
  });
}

extern "C" MI_API mi_status mi_block_sparse_estimate_workspace_size(
    const mi_block_sparse_estimate_args* args, int64_t* bytes) {
  using namespace mi::blocksparse;
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto heads = mi::attention::validate_head_list(args->heads, args->head_count,
                                                         args->q_heads);
    *bytes = workspace_bytes(args->batch, heads.count, args->seq_len, args->head_dim);
  });
}

extern "C" MI_API mi_status mi_block_sparse_estimate(const mi_block_sparse_estimate_args* args,
                                                     void* workspace, int64_t workspace_bytes_given,
                                                     mi_stream stream) {
  using namespace mi::blocksparse;
  return mi::guarded([&] {
    require_shape(args);
    EstimateParams p{};
    p.heads = mi::attention::validate_head_list(args->heads, args->head_count, args->q_heads);
    const auto operands = mi::attention::validate_query_key_args(as_attention(*args));
    if (args->row_ptr == nullptr || args->blocks == nullptr)
      mi::invalid("row_ptr and blocks must not be NULL");
    const int64_t needed = workspace_bytes(args->batch, p.heads.count, args->seq_len,
                                           args->head_dim);
    mi::require_workspace(workspace, workspace_bytes_given, needed, "mi_block_sparse_estimate_workspace_size");
    p.q = operands.q;
    p.k = operands.k;
    p.q_strides = operands.q_strides;
    p.k_strides = operands.k_strides;
    p.n = operands.q_len;
    p.q_blocks = static_cast<int>(q_blocks_of(args->seq_len));
    p.head_dim = static_cast<int>(args->head_dim);
    p.q_heads_per_kv_head = operands.q_heads_per_kv_head;
    p.top_k = static_cast<int>(effective_top_k(args->top_k));
    p.pooled_q = static_cast<float*>(workspace);
    p.pooled_k = reinterpret_cast<float*>(static_cast<char*>(workspace) + needed / 2);
    p.row_ptr = args->row_ptr;
    p.blocks = args->blocks;
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    const dim3 grid(p.q_blocks, p.heads.count, static_cast<unsigned>(args->batch));
    MI_CUDA_CHECK(mi::attention::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto, auto element) {
          using Element = typename mi::attention::ElementOf<element()>::type;
          pool_kernel<Element><<<grid, 128, 0, s>>>(p);
          return cudaGetLastError();
        }));
    const size_t smem = size_t(p.q_blocks) * sizeof(float);
    if (smem > 48 * 1024)
      MI_CUDA_CHECK(cudaFuncSetAttribute(select_kernel,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(smem)));
    select_kernel<<<grid, kSelectThreads, smem, s>>>(p);
    MI_CUDA_CHECK(cudaGetLastError());
  });
}
