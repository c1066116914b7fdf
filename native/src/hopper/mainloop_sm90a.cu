// MainloopSm90a::launch and its instantiations (attention/mainloop_sm90a.h): the policies with
// kSm90a, at head_dim 64 and 128, both dtypes.
#include <cuda_runtime.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <type_traits>

#include "../attention/attention_traits.cuh"
#include "../attention/mainloop_sm90a.h"
#include "../dense/dense_policy.cuh"
#include "attention_fwd_sm90.cuh"
#include "tma_maps.h"

namespace mi::attention {

namespace {

// Raises a kernel's dynamic shared memory limit, once per device (as MainloopSm80 does).
template <typename Kernel>
cudaError_t opt_in(Kernel kernel, int device, int bytes) {
  static std::atomic<uint64_t> opted_in{0};
  const uint64_t bit = device >= 0 && device < 64 ? uint64_t{1} << device : 0;
  if (bit != 0 && (opted_in.load(std::memory_order_acquire) & bit) != 0) return cudaSuccess;
  const cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes);
  if (err == cudaSuccess) opted_in.fetch_or(bit, std::memory_order_acq_rel);
  return err;
}

// MINFERENCE_SM90A_TMA=0 keeps the cp.async producer even where TMA could copy (bring-up and
// bisection: the two producers must give the same results); read once.
bool tma_enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("MINFERENCE_SM90A_TMA");
    return value == nullptr || std::strcmp(value, "0") != 0;
  }();
  return enabled;
}

}  // namespace

template <typename Traits, typename Tiles>
cudaError_t MainloopSm90a::launch(int device, const AttentionFwdParams& params,
                                  const typename Tiles::Params& tiles_params, int grid_heads,
                                  cudaStream_t stream) {
  using Sm90 = hopper::Sm90Traits<Traits::kHeadDim, typename Traits::Element>;
  const dim3 grid((params.q_len + Sm90::kBlockM - 1) / Sm90::kBlockM, grid_heads, params.batch);
  hopper::TmaMaps maps{};
  constexpr bool kBFloat16 = std::is_same_v<typename Traits::Element, __nv_bfloat16>;
  if constexpr (!Tiles::kGathers) {
    if (tma_enabled() && hopper::make_tma_maps(params, Traits::kHeadDim, kBFloat16, &maps)) {
      const auto kernel = hopper::attention_fwd_sm90_kernel<Sm90, Tiles, true>;
      const cudaError_t err = opt_in(kernel, device, Sm90::kSmemBytes);
      if (err != cudaSuccess) return err;
      kernel<<<grid, Sm90::kThreads, Sm90::kSmemBytes, stream>>>(params, tiles_params, maps);
      return cudaGetLastError();
    }
  }
  const auto kernel = hopper::attention_fwd_sm90_kernel<Sm90, Tiles, false>;
  const cudaError_t err = opt_in(kernel, device, Sm90::kSmemBytes);
  if (err != cudaSuccess) return err;
  kernel<<<grid, Sm90::kThreads, Sm90::kSmemBytes, stream>>>(params, tiles_params, maps);
  return cudaGetLastError();
}

#define MI_SM90A_DENSE(head_dim, element)                                                                   \
  template cudaError_t MainloopSm90a::launch<AttentionFwdTraits<head_dim, ElementType::element>,            \
                                             dense::DenseTiles<true>>(int, const AttentionFwdParams&,       \
                                                                      const dense::DenseTiles<true>::Params&, \
                                                                      int, cudaStream_t);                    \
  template cudaError_t MainloopSm90a::launch<AttentionFwdTraits<head_dim, ElementType::element>,            \
                                             dense::DenseTiles<false>>(int, const AttentionFwdParams&,      \
                                                                       const dense::DenseTiles<false>::Params&, \
                                                                       int, cudaStream_t);                   \
  template cudaError_t MainloopSm90a::launch<AttentionFwdTraits<head_dim, ElementType::element>,            \
                                             dense::DenseTiles<true, true>>(                                 \
      int, const AttentionFwdParams&, const dense::DenseTiles<true, true>::Params&, int, cudaStream_t);

MI_SM90A_DENSE(64, kBFloat16)
MI_SM90A_DENSE(64, kFloat16)
MI_SM90A_DENSE(128, kBFloat16)
MI_SM90A_DENSE(128, kFloat16)

#undef MI_SM90A_DENSE

}  // namespace mi::attention
