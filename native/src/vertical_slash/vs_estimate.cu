// Launches of the vertical-slash estimation, and its workspace layout.
#include <cuda_runtime.h>

#include "../attention/attention_traits.cuh"
#include "vs_estimate_kernel.cuh"
#include "vs_estimate_params.h"

namespace mi::vertical_slash {

namespace {

constexpr int64_t kAlign = 256;
int64_t aligned(int64_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

int ctas_per_row(int64_t seq_len) {
  constexpr int64_t kKeysPerCta = int64_t{estimate::kKeysPerTile} * estimate::kTilesPerCta;
  return static_cast<int>((seq_len + kKeysPerCta - 1) / kKeysPerCta);
}

}  // namespace

int64_t vs_estimate_workspace_bytes(int64_t batch, int64_t head_count, int64_t seq_len) {
  const int64_t rows = batch * head_count * estimate::kRows;
  const int64_t partials = rows * ctas_per_row(seq_len) * int64_t{sizeof(float)};
  return 2 * aligned(partials) + 2 * aligned(rows * int64_t{sizeof(float)});
}

void vs_estimate_bind_workspace(VsEstimateParams& p, int64_t batch, void* workspace) {
  const int64_t rows = batch * p.heads.count * estimate::kRows;
  const int64_t partials = rows * ctas_per_row(p.seq_len) * int64_t{sizeof(float)};
  auto* base = static_cast<char*>(workspace);
  p.partial_max = reinterpret_cast<float*>(base);
  p.partial_sum = reinterpret_cast<float*>(base + aligned(partials));
  p.row_max = reinterpret_cast<float*>(base + 2 * aligned(partials));
  p.row_sum = reinterpret_cast<float*>(base + 2 * aligned(partials) +
                                       aligned(rows * int64_t{sizeof(float)}));
}

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_vs_estimate(const VsEstimateParams& p, int batch, cudaStream_t stream) {
  using Element = typename attention::ElementOf<kElement>::type;
  const int ctas = ctas_per_row(p.seq_len);
  const dim3 grid(ctas, p.heads.count, batch);
  vs_estimate_kernel<kHeadDim, Element, false><<<grid, estimate::kThreads, 0, stream>>>(p);
  vs_estimate_reduce_kernel<<<dim3(p.heads.count, batch), estimate::kRows, 0, stream>>>(p, ctas);
  // Pass 2 accumulates the slash scores atomically.
  const size_t score_bytes = size_t(batch) * p.heads.count * p.seq_len * sizeof(float);
  cudaError_t err = cudaMemsetAsync(p.slash_scores, 0, score_bytes, stream);
  if (err != cudaSuccess) return err;
  vs_estimate_kernel<kHeadDim, Element, true><<<grid, estimate::kThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

template cudaError_t run_vs_estimate<64, attention::ElementType::kFloat16>(
    const VsEstimateParams&, int, cudaStream_t);
template cudaError_t run_vs_estimate<64, attention::ElementType::kBFloat16>(
    const VsEstimateParams&, int, cudaStream_t);
template cudaError_t run_vs_estimate<128, attention::ElementType::kFloat16>(
    const VsEstimateParams&, int, cudaStream_t);
template cudaError_t run_vs_estimate<128, attention::ElementType::kBFloat16>(
    const VsEstimateParams&, int, cudaStream_t);

}  // namespace mi::vertical_slash
