// Launch of the product-quantization encode kernel, per (head_dim, dtype, sub-vector length).
#include <cuda_runtime.h>

#include <algorithm>

#include "mi_instantiations.h"
#include "pq_encode_kernel.cuh"
#include "pq_encode_launch.h"

namespace mi::decode {
namespace {

// Two 64-token tiles per CTA: short enough that a low-priority encode yields SMs to decode within
// about 0.1 ms (pq_encode_kernel.cuh), long enough that the codebook reload is ~2 % of the work.
constexpr int kTilesPerCta = 2;

template <int kHeadDim, typename Element, int kSubDim>
cudaError_t launch(PqEncodeParams p, int batch, int kv_heads, cudaStream_t stream) {
  constexpr int kSmem = encode_smem_bytes<kHeadDim>();
  const auto kernel = pq_encode_kernel<kHeadDim, Element, kSubDim>;
  cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  if (err != cudaSuccess) return err;
  const int tiles = (p.max_tokens + kEncodeTile - 1) / kEncodeTile;
  const int ctas = std::max(1, (tiles + kTilesPerCta - 1) / kTilesPerCta);
  p.tiles_per_cta = kTilesPerCta;
  kernel<<<dim3(ctas, kv_heads, batch), kEncodeThreads, kSmem, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace

template <int kHeadDim, ElementType kElement>
cudaError_t run_pq_encode(const PqEncodeParams& p, int subspaces, int batch, int kv_heads,
                          cudaStream_t stream) {
  using Element = typename attention::ElementOf<kElement>::type;
  if (p.max_tokens == 0) return cudaSuccess;
  // M = 32 or 64: the sub-vector is head_dim / M elements (2-4, or 1 at head_dim 64 with M = 64).
  if constexpr (kHeadDim % 64 == 0) {
    if (subspaces == 64) return launch<kHeadDim, Element, kHeadDim / 64>(p, batch, kv_heads, stream);
  }
  return launch<kHeadDim, Element, kHeadDim / 32>(p, batch, kv_heads, stream);
}

// Every head_dim the attention patterns take (cmake/MInferenceInstantiations.cmake).
#define MI_INSTANTIATE_PQ_ENCODE(D)                                                            \
  template cudaError_t run_pq_encode<D, ElementType::kFloat16>(const PqEncodeParams&, int, int,  \
                                                               int, cudaStream_t);               \
  template cudaError_t run_pq_encode<D, ElementType::kBFloat16>(const PqEncodeParams&, int, int, \
                                                                int, cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_PQ_ENCODE)

}  // namespace mi::decode
