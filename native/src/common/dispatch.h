// Compile-time dispatch on (dtype, head_dim) for every kernel entry point (attention patterns,
// estimators): `fn` is called with std::integral_constant arguments naming the instantiation;
// anything without one is reported as MI_ERR_UNSUPPORTED with the value (validation has rejected
// it already; this is the backstop).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "element_type.h"
#include "mi_instantiations.h"
#include "minference.h"
#include "status.h"

namespace mi {

// A list of head dimensions a kernel family is instantiated for.
template <int... kHeadDims>
struct HeadDims {};

// What every attention pattern is instantiated for: the build's list (MI_HEAD_DIMS in
// cmake/MInferenceInstantiations.cmake).
using AttentionHeadDims = HeadDims<MI_ATTENTION_HEAD_DIMS>;

template <int... kHeadDims, typename Fn>
cudaError_t dispatch_head_dim_and_dtype(HeadDims<kHeadDims...>, mi_dtype dtype, int64_t head_dim,
                                        Fn&& fn) {
  auto for_element = [&](auto element) -> cudaError_t {
    cudaError_t result = cudaSuccess;
    // The first (only) matching dimension calls fn; || stops there.
    const bool found =
        ((head_dim == kHeadDims &&
          (result = fn(std::integral_constant<int, kHeadDims>{}, element), true)) ||
         ...);
    if (!found)
      fail(MI_ERR_UNSUPPORTED,
           "head_dim=" + std::to_string(head_dim) + " has no kernel in this build");
    return result;
  };
  switch (dtype) {
    case MI_DTYPE_BFLOAT16:
      return for_element(std::integral_constant<ElementType, ElementType::kBFloat16>{});
    case MI_DTYPE_FLOAT16:
      return for_element(std::integral_constant<ElementType, ElementType::kFloat16>{});
    default:
      fail(MI_ERR_UNSUPPORTED, "dtype=" + std::to_string(dtype) + " has no kernel in this build");
  }
}

// The attention patterns' dispatch (AttentionHeadDims).
template <typename Fn>
cudaError_t dispatch_head_dim_and_dtype(mi_dtype dtype, int64_t head_dim, Fn&& fn) {
  return dispatch_head_dim_and_dtype(AttentionHeadDims{}, dtype, head_dim, std::forward<Fn>(fn));
}

}  // namespace mi
