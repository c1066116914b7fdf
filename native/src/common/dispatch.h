// Compile-time dispatch on (dtype, head_dim) for every kernel entry point (attention patterns,
// estimators): `fn` is called with
// std::integral_constant arguments naming the instantiation; anything without one is reported as
// MI_ERR_UNSUPPORTED with the value (validation has rejected it already; this is the backstop).
#pragma once

#include <cuda_runtime_api.h>

#include <string>
#include <type_traits>

#include "element_type.h"
#include "minference.h"
#include "status.h"

namespace mi {

template <typename Fn>
cudaError_t dispatch_head_dim_and_dtype(mi_dtype dtype, int64_t head_dim, Fn&& fn) {
  auto for_element = [&](auto element) -> cudaError_t {
    switch (head_dim) {
      case 64:
        return fn(std::integral_constant<int, 64>{}, element);
      case 128:
        return fn(std::integral_constant<int, 128>{}, element);
      default:
        fail(MI_ERR_UNSUPPORTED,
             "head_dim=" + std::to_string(head_dim) + " has no kernel in this build");
    }
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

}  // namespace mi
