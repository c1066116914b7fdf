// Rows of the SLA kernels' [batch, heads, N, D] tensors (any row, head and batch strides; the
// head_dim stride is 1): a head's first element, and a warp's 16 x D accumulator rows stored into it.
#pragma once

#include <cstdint>

#include "../attention/attention_params.h"
#include "../common/device_primitives.cuh"
#include "sla_tiles.cuh"

namespace mi::sla {

template <typename Element>
__device__ __forceinline__ const Element* head_rows(const void* base, const attention::AttentionFwdParams::RowStrides& s,
                                                    int64_t batch, int head) {
  return static_cast<const Element*>(base) + batch * s.batch + head * s.head;
}

// Writes scale·acc (the warp's accumulator rows lane / 4 and lane / 4 + 8, from first_row) into the
// tensor, rows at or past n skipped; with `add`, added to what the tensor holds (each element is
// read and written by the one thread that owns it).
template <typename Traits>
__device__ __forceinline__ void store_rows(const float (&acc)[Traits::kHeadDim / 8][4], void* base,
                                           const attention::AttentionFwdParams::RowStrides& s, int64_t batch, int head,
                                           int first_row, int n, float scale, bool add) {
  using Element = typename Traits::Element;
  const int lane = threadIdx.x % 32;
  auto* out = static_cast<Element*>(base) + batch * s.batch + head * s.head;
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const int row = first_row + lane / 4 + 8 * h;
    if (row >= n) continue;
#pragma unroll
    for (int t = 0; t < Traits::kHeadDim / 8; ++t) {
      auto* at = reinterpret_cast<uint32_t*>(out + int64_t(row) * s.row + t * 8 + 2 * (lane % 4));
      float x0 = scale * acc[t][2 * h], x1 = scale * acc[t][2 * h + 1];
      if (add) {
        const uint32_t old = *at;
        const Element* e = reinterpret_cast<const Element*>(&old);
        x0 += to_float(e[0]);
        x1 += to_float(e[1]);
      }
      *at = device::pack2<Element>(x0, x1);
    }
  }
}

}  // namespace mi::sla
