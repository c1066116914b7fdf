// SLA mask prediction on the device: smooth-K on the pooled keys, and the per-row selection of
// critical and negligible key blocks (sla_mask_params.h has the whole pipeline).
//
// Selection ranks a row's key blocks as the CPU reference does (SlaBlockMask.Predict): higher
// score first, equal scores by the smaller block. The critical blocks are the top of that order:
// the shared radix select over order-preserving keys, whose tie rule (equal keys to the smaller
// index) is exactly this one. The negligible blocks are its bottom: the same select over the row
// reversed and complemented (key'[j'] = ~key[B - 1 - j']), where the best key' is the worst score
// and equal keys go to the smaller j', i.e. the larger block, as the order wants. Both lists come
// from one strict total order, so they never overlap when critical + negligible <= blocks.
#include <cuda_runtime.h>

#include <cstdint>

#include "../common/device_primitives.cuh"
#include "../common/radix_select.cuh"
#include "../permuted/row_select_launch.cuh"
#include "sla_mask_params.h"

namespace mi::sla {
namespace {

namespace est = blocksparse::estimate;

constexpr int kSmoothThreads = 128;

// grid (groups); a thread per dim, striding over the dims. The mean is the count-weighted sum of
// the block means in block order, in fp32 (the blocks' own sums were fp32 too).
__global__ void __launch_bounds__(kSmoothThreads) smooth_keys_kernel(const __grid_constant__ SmoothParams p) {
  float* pooled = p.pooled_k + static_cast<int64_t>(blockIdx.x) * p.blocks * p.head_dim;
  const int tail = p.n - (p.blocks - 1) * est::kBlock;  // tokens of the last block
  for (int d = threadIdx.x; d < p.head_dim; d += kSmoothThreads) {
    float sum = 0.f;
    for (int b = 0; b < p.blocks; ++b)
      sum = fmaf(pooled[int64_t(b) * p.head_dim + d], b == p.blocks - 1 ? float(tail) : float(est::kBlock), sum);
    const float mean = sum / float(p.n);
    for (int b = 0; b < p.blocks; ++b) pooled[int64_t(b) * p.head_dim + d] -= mean;
  }
}

template <int kThreads>
__global__ void __launch_bounds__(kThreads) sla_select_kernel(const __grid_constant__ SelectParams p) {
  extern __shared__ uint4 smem_keys[];
  uint32_t* keys = reinterpret_cast<uint32_t*>(smem_keys);
  __shared__ device::RadixSelectStorage<kThreads> storage;

  const est::EstimateParams& e = p.scores;
  const permuted::ScoreRow self = permuted::score_row(e);
  const int blocks = e.q_blocks;
  if (self.qb >= blocks) return;
  const int64_t row = self.row;
  int32_t* critical = p.critical_blocks + row * p.critical;
  int32_t* negligible = p.negligible_blocks + row * p.negligible;
  if (threadIdx.x == 0) {
    p.critical_row_ptr[row] = row * p.critical;
    p.negligible_row_ptr[row] = row * p.negligible;
    if (row == e.groups * blocks - 1) {
      p.critical_row_ptr[row + 1] = (row + 1) * p.critical;
      p.negligible_row_ptr[row + 1] = (row + 1) * p.negligible;
    }
  }

  if (p.critical == blocks) {  // k_h = 100 %: every block, nothing ranked
    for (int c = threadIdx.x; c < blocks; c += kThreads) critical[c] = c;
  } else {
    const int vectors = permuted::copy_row_scores_async<kThreads>(smem_keys, self.scores, blocks);
    device::cp_async_wait<0>();
    // Each thread keys the vectors it copied (its own cp.async writes are visible to it).
    for (int v = threadIdx.x; v < vectors; v += kThreads) {
      const uint4 s = smem_keys[v];
      smem_keys[v] = make_uint4(device::key_of(__uint_as_float(s.x)), device::key_of(__uint_as_float(s.y)),
                                device::key_of(__uint_as_float(s.z)), device::key_of(__uint_as_float(s.w)));
    }
    __syncthreads();
    device::radix_select_top<kThreads>(keys, 0, blocks, static_cast<uint32_t>(p.critical), critical, storage);

    if (p.negligible > 0) {
      // Reverse and complement the row in place: pairs (j, B - 1 - j) swap (the middle one of an
      // odd row only complements).
      __syncthreads();
      for (int j = threadIdx.x; j < (blocks + 1) / 2; j += kThreads) {
        const uint32_t a = keys[j];
        const uint32_t b = keys[blocks - 1 - j];
        keys[j] = ~b;
        keys[blocks - 1 - j] = ~a;
      }
      __syncthreads();
      device::radix_select_top<kThreads>(keys, 0, blocks, static_cast<uint32_t>(p.negligible), negligible, storage);
      // The select wrote reversed indices j' ascending: block B - 1 - j', descending. Reverse the
      // list so it ascends, as every index of the library does.
      __syncthreads();
      const int g = p.negligible;
      for (int i = threadIdx.x; i < (g + 1) / 2; i += kThreads) {
        const int32_t a = negligible[i];
        const int32_t b = negligible[g - 1 - i];
        negligible[i] = blocks - 1 - b;
        negligible[g - 1 - i] = blocks - 1 - a;
      }
    }
  }

  if (p.classes != nullptr) {
    // Marginal everywhere, then the two lists over it (the barrier orders the CTA's global writes).
    int8_t* classes = p.classes + row * blocks;
    __syncthreads();
    for (int c = threadIdx.x; c < blocks; c += kThreads) classes[c] = 0;
    __syncthreads();
    for (int i = threadIdx.x; i < p.critical; i += kThreads) classes[critical[i]] = 1;
    for (int i = threadIdx.x; i < p.negligible; i += kThreads) classes[negligible[i]] = -1;
  }
}

}  // namespace

cudaError_t run_smooth_keys(const SmoothParams& p, cudaStream_t stream) {
  smooth_keys_kernel<<<static_cast<unsigned>(p.groups), kSmoothThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

cudaError_t run_sla_select(const SelectParams& p, cudaStream_t stream) {
  return permuted::launch_row_select<SelectParams>(sla_select_kernel<128>, sla_select_kernel<512>, p, stream);
}

}  // namespace mi::sla
