// Launches of the dense decode kernels: the split kernel per (head_dim, dtype, heads per CTA), then
// the merge.
#include <cuda_runtime.h>

#include <algorithm>

#include "decode_partials.h"
#include "dense_decode_kernel.cuh"
#include "dense_decode_launch.h"
#include "mi_instantiations.h"

namespace mi::decode {

int heads_per_cta(int group) {
  for (int heads : {8, 4, 2}) {
    if (group % heads == 0) return heads;
  }
  return 1;
}

int auto_splits(int64_t max_len, int64_t batch, int64_t kv_heads, int group, int sms) {
  constexpr int64_t kMinTokensPerSplit = 256;
  constexpr int64_t kMaxSplits = 256;
  const int64_t ctas = batch * kv_heads * (group / heads_per_cta(group));
  const int64_t wanted = (int64_t{4} * sms + ctas - 1) / ctas;
  const int64_t by_length = std::max<int64_t>(1, (max_len + kMinTokensPerSplit - 1) / kMinTokensPerSplit);
  return static_cast<int>(std::clamp<int64_t>(std::min(wanted, by_length), 1, kMaxSplits));
}

int64_t workspace_bytes(int64_t batch, int64_t q_heads, int splits, int64_t head_dim) {
  return partials_bytes(batch * q_heads * splits, head_dim);
}

void bind_workspace(DenseDecodeParams& p, void* workspace, int64_t head_dim) {
  const auto partials = bind_partials(workspace, int64_t{p.attention.batch} * p.attention.q_heads * p.splits, head_dim);
  p.partial_o = partials.o;
  p.partial_lse = partials.lse;
}

template <int kHeadDim, ElementType kElement>
cudaError_t run_dense_decode(const DenseDecodeParams& p, cudaStream_t stream) {
  using Element = typename attention::ElementOf<kElement>::type;
  const dim3 grid(p.splits, (p.attention.q_heads / p.heads_per_cta), p.attention.batch);
  switch (p.heads_per_cta) {
    case 8: dense_decode_split_kernel<kHeadDim, Element, 8><<<grid, kDecodeThreads, 0, stream>>>(p); break;
    case 4: dense_decode_split_kernel<kHeadDim, Element, 4><<<grid, kDecodeThreads, 0, stream>>>(p); break;
    case 2: dense_decode_split_kernel<kHeadDim, Element, 2><<<grid, kDecodeThreads, 0, stream>>>(p); break;
    default: dense_decode_split_kernel<kHeadDim, Element, 1><<<grid, kDecodeThreads, 0, stream>>>(p); break;
  }
  const cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) return err;
  const DecodeMergeParams merge{p.attention, p.splits, p.partial_o, p.partial_lse};
  decode_merge_kernel<kHeadDim, Element>
      <<<dim3(p.attention.q_heads, p.attention.batch), kHeadDim, 0, stream>>>(merge);
  return cudaGetLastError();
}

// Every head_dim the attention patterns take (cmake/MInferenceInstantiations.cmake).
#define MI_INSTANTIATE_DENSE_DECODE(D)                                                   \
  template cudaError_t run_dense_decode<D, ElementType::kFloat16>(const DenseDecodeParams&,  \
                                                                  cudaStream_t);             \
  template cudaError_t run_dense_decode<D, ElementType::kBFloat16>(const DenseDecodeParams&, \
                                                                   cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_DENSE_DECODE)

}  // namespace mi::decode
