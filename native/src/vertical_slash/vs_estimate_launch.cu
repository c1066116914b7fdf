// Host side of the vertical-slash estimation: its workspace layout and the launches of
// vs_estimate_kernel.cuh.
#include <cuda_runtime.h>

#include "../attention/attention_traits.cuh"
#include "../common/workspace.h"
#include "mi_instantiations.h"
#include "vs_estimate_kernel.cuh"
#include "vs_estimate_launch.h"

namespace mi::vertical_slash {

namespace {

// CTAs per (batch, head) row are chosen at launch from the SM count (about two CTAs per SM in
// all, each streaming an even share of the row's key tiles); the workspace holds partials for at
// most this many, whatever the device.
constexpr int64_t kMaxCtasPerRow = 1024;

int64_t max_ctas_per_row(int64_t seq_len) {
  const int64_t tiles = (seq_len + estimate::kKeys - 1) / estimate::kKeys;
  return tiles < kMaxCtasPerRow ? tiles : kMaxCtasPerRow;
}

int ctas_per_row(int64_t seq_len, int64_t rows, int sms) {
  const int64_t wanted = (2 * int64_t{sms} + rows - 1) / rows;
  const int64_t most = max_ctas_per_row(seq_len);
  return static_cast<int>(wanted < most ? wanted : most);
}

}  // namespace

int64_t vs_estimate_workspace_bytes(int64_t batch, int64_t head_count, int64_t seq_len) {
  const int64_t rows = batch * head_count * estimate::kRows;
  const int64_t partials = rows * max_ctas_per_row(seq_len) * int64_t{sizeof(float)};
  return 2 * workspace_aligned(partials) + 2 * workspace_aligned(rows * int64_t{sizeof(float)});
}

void vs_estimate_bind_workspace(VsEstimateParams& p, int64_t batch, void* workspace) {
  const int64_t rows = batch * p.heads.count * estimate::kRows;
  const int64_t partials = rows * max_ctas_per_row(p.seq_len) * int64_t{sizeof(float)};
  auto* base = static_cast<char*>(workspace);
  p.partial_max = reinterpret_cast<float*>(base);
  p.partial_sum = reinterpret_cast<float*>(base + workspace_aligned(partials));
  p.row_max = reinterpret_cast<float*>(base + 2 * workspace_aligned(partials));
  p.row_sum = reinterpret_cast<float*>(base + 2 * workspace_aligned(partials) +
                                       workspace_aligned(rows * int64_t{sizeof(float)}));
}

template <int kHeadDim, ElementType kElement>
cudaError_t run_vs_estimate(const VsEstimateParams& p, int batch, cudaStream_t stream) {
  using Element = typename attention::ElementOf<kElement>::type;
  using Shape = estimate::Shape<kHeadDim>;
  constexpr int kPass1Smem = Shape::smem_bytes(false);
  constexpr int kPass2Smem = Shape::smem_bytes(true);
  auto* pass1 = vs_estimate_kernel<kHeadDim, Element, false>;
  auto* pass2 = vs_estimate_kernel<kHeadDim, Element, true>;
  int device = 0, sms = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err == cudaSuccess) err = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  if (err == cudaSuccess)
    err = cudaFuncSetAttribute(pass1, cudaFuncAttributeMaxDynamicSharedMemorySize, kPass1Smem);
  if (err == cudaSuccess)
    err = cudaFuncSetAttribute(pass2, cudaFuncAttributeMaxDynamicSharedMemorySize, kPass2Smem);
  if (err != cudaSuccess) return err;
  const int ctas = ctas_per_row(p.seq_len, int64_t{batch} * p.heads.count, sms);
  const dim3 grid(ctas, p.heads.count, batch);
  pass1<<<grid, estimate::kThreads, kPass1Smem, stream>>>(p);
  vs_estimate_reduce_kernel<<<dim3(p.heads.count, batch, estimate::kRows / kReduceRowsPerCta),
                              32 * kReduceRowsPerCta, 0, stream>>>(p, ctas);
  // Pass 2 accumulates the slash scores atomically.
  const size_t score_bytes = size_t(batch) * p.heads.count * p.seq_len * sizeof(float);
  err = cudaMemsetAsync(p.slash_scores, 0, score_bytes, stream);
  if (err != cudaSuccess) return err;
  pass2<<<grid, estimate::kThreads, kPass2Smem, stream>>>(p);
  return cudaGetLastError();
}

// Every head_dim the attention patterns take (cmake/MInferenceInstantiations.cmake).
#define MI_INSTANTIATE_VS_ESTIMATE(D)                                                    \
  template cudaError_t run_vs_estimate<D, ElementType::kFloat16>(const VsEstimateParams&, \
                                                                 int, cudaStream_t);       \
  template cudaError_t run_vs_estimate<D, ElementType::kBFloat16>(const VsEstimateParams&, \
                                                                  int, cudaStream_t);
MI_FOR_EACH_HEAD_DIM(MI_INSTANTIATE_VS_ESTIMATE)

}  // namespace mi::vertical_slash
