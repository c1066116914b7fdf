// Launches of the PQ decode kernels: the split kernel per (head_dim, dtype, M, heads per CTA),
// then the log-sum-exp merge shared with dense decode.
#include <cuda_runtime.h>

#include <algorithm>

#include "decode_partials.h"
#include "mi_instantiations.h"
#include "pq_decode_kernel.cuh"
#include "pq_decode_launch.h"

namespace mi::decode {

namespace {

template <int kHeadDim, typename Element, int kSubspaces, int kHeads, int kWarps>
cudaError_t launch_split_warps(const PqDecodeParams& p, cudaStream_t stream) {
  using Shape = PqDecodeShape<kHeadDim, kSubspaces, kHeads, kWarps>;
  if constexpr (Shape::kFits) {
    const auto kernel = pq_decode_split_kernel<kHeadDim, Element, kSubspaces, kHeads, kWarps>;
    cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Shape::kSmemBytes);
    if (err != cudaSuccess) return err;
    const dim3 grid(p.splits + 1, p.attention.q_heads / kHeads, p.attention.batch);
    kernel<<<grid, Shape::kThreads, Shape::kSmemBytes, stream>>>(p);
    return cudaGetLastError();
  } else {
    return cudaErrorInvalidConfiguration;  // pq_heads_per_cta never picks it
  }
}

// 8 warps: 16 measured within 1-5 % on the H100 (2026-12-06: MHA 128K 0.308 vs 0.310 ms, GQA
// 32/8 128K 0.211 vs 0.207 ms) and spills at 128 registers; the kernel is issue-bound, not
// short of warps.
template <int kHeadDim, typename Element, int kSubspaces, int kHeads>
cudaError_t launch_split(const PqDecodeParams& p, cudaStream_t stream) {
  return launch_split_warps<kHeadDim, Element, kSubspaces, kHeads, kPqWarps>(p, stream);
}

template <int kHeadDim, typename Element, int kSubspaces>
cudaError_t launch_for_heads(const PqDecodeParams& p, cudaStream_t stream) {
  switch (p.heads_per_cta) {
    case 4: return launch_split<kHeadDim, Element, kSubspaces, 4>(p, stream);
    case 2: return launch_split<kHeadDim, Element, kSubspaces, 2>(p, stream);
    default: return launch_split<kHeadDim, Element, kSubspaces, 1>(p, stream);
  }
}

template <int kHeadDim, int kSubspaces>
bool fits(int heads) {
  switch (heads) {
    case 4: return PqDecodeShape<kHeadDim, kSubspaces, 4, kPqWarps>::kFits;
    case 2: return PqDecodeShape<kHeadDim, kSubspaces, 2, kPqWarps>::kFits;
    default: return PqDecodeShape<kHeadDim, kSubspaces, 1, kPqWarps>::kFits;
  }
}

// Whether a CTA of `heads` query heads fits one SM, for the (head_dim, M) pairs the API accepts.
bool pq_fits(int head_dim, int subspaces, int heads) {
  bool result = false;
#define MI_PQ_FITS(D)                                                              \
  if (head_dim == D) {                                                             \
    if constexpr (D % 64 == 0) result = subspaces == 64 ? fits<D, 64>(heads) : fits<D, 32>(heads); \
    else result = fits<D, 32>(heads);                                              \
  }
  MI_FOR_EACH_HEAD_DIM(MI_PQ_FITS)
#undef MI_PQ_FITS
  return result;
}

}  // namespace

int pq_heads_per_cta(int group, int subspaces, int head_dim) {
  for (int heads : {4, 2}) {
    if (group % heads == 0 && pq_fits(head_dim, subspaces, heads)) return heads;
  }
  return 1;
}

int pq_auto_splits(int64_t max_coded, int64_t batch, int64_t kv_heads, int group, int subspaces,
                   int head_dim, int sms) {
  constexpr int64_t kMinTokensPerSplit = 2048;
  constexpr int64_t kMaxSplits = 256;
  const int64_t ctas = batch * kv_heads * (group / pq_heads_per_cta(group, subspaces, head_dim));
  const int64_t wanted = std::max<int64_t>(1, sms / ctas);
  const int64_t by_length = std::max<int64_t>(1, (max_coded + kMinTokensPerSplit - 1) / kMinTokensPerSplit);
  return static_cast<int>(std::clamp<int64_t>(std::min(wanted, by_length), 1, kMaxSplits));
}

int pq_chunk(int64_t max_coded, int splits) {
  const int64_t per_split = std::max<int64_t>(1, (max_coded + splits - 1) / splits);
  return static_cast<int>((per_split + kPqTileTokens - 1) / kPqTileTokens * kPqTileTokens);
}

int64_t pq_workspace_bytes(int64_t batch, int64_t q_heads, int splits, int64_t head_dim) {
  return partials_bytes(batch * q_heads * (splits + 1), head_dim);
}

void pq_bind_workspace(PqDecodeParams& p, void* workspace, int64_t head_dim) {
  const int64_t rows = int64_t{p.attention.batch} * p.attention.q_heads * (p.splits + 1);
  const auto partials = bind_partials(workspace, rows, head_dim);
  p.partial_o = partials.o;
  p.partial_lse = partials.lse;
}

template <int kHeadDim, ElementType kElement>
cudaError_t run_pq_decode(const PqDecodeParams& p, int subspaces, cudaStream_t stream) {
  using Element = typename attention::ElementOf<kElement>::type;
  cudaError_t err = cudaSuccess;
  if constexpr (kHeadDim % 64 == 0) {
    err = subspaces == 64 ? launch_for_heads<kHeadDim, Element, 64>(p, stream)
                          : launch_for_heads<kHeadDim, Element, 32>(p, stream);
  } else {
    err = launch_for_heads<kHeadDim, Element, 32>(p, stream);
  }
  if (err != cudaSuccess) return err;
  const DecodeMergeParams merge{p.attention, p.splits + 1, p.partial_o, p.partial_lse};
  decode_merge_kernel<kHeadDim, Element>
      <<<dim3(p.attention.q_heads, p.attention.batch), kHeadDim, 0, stream>>>(merge);
  return cudaGetLastError();
}

// Every head_dim the attention patterns take (cmake/MInferenceInstantiations.cmake).
#define MI_INSTANTIATE_PQ_DECODE(D)                                                              \
  template cudaError_t run_pq_decode<D, ElementType::kFloat16>(const PqDecodeParams&, int,        \
                                                               cudaStream_t);                     \
  template cudaError_t run_pq_decode<D, ElementType::kBFloat16>(const PqDecodeParams&, int,       \
                                                                cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_PQ_DECODE)

}  // namespace mi::decode
