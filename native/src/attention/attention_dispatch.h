// Moved to common/dispatch.h (it serves every kernel family). This forwarding header keeps
// callers not yet updated compiling (blocksparse/block_sparse_estimate.cu, being rewritten);
// delete it once nothing includes it.
#pragma once

#include <cstdint>
#include <utility>

#include "../common/dispatch.h"

namespace mi::attention {

// Its callers are estimators with explicit 64/128 instantiations: pinned to those, so a longer
// attention head_dim list (MI_HEAD_DIMS) does not ask them for kernels they do not have.
template <typename Fn>
cudaError_t dispatch_head_dim_and_dtype(mi_dtype dtype, int64_t head_dim, Fn&& fn) {
  return mi::dispatch_head_dim_and_dtype(HeadDims<64, 128>{}, dtype, head_dim,
                                         std::forward<Fn>(fn));
}

}  // namespace mi::attention
