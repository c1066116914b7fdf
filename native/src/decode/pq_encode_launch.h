// Launch of the product-quantization encode kernel (pq_encode_launch.cu).
#pragma once

#include <cuda_runtime_api.h>

#include "../common/element_type.h"
#include "pq_encode_params.h"

namespace mi::decode {

// subspaces: 32 or 64, dividing kHeadDim (validated by the caller).
template <int kHeadDim, ElementType kElement>
cudaError_t run_pq_encode(const PqEncodeParams& p, int subspaces, int batch, int kv_heads,
                          cudaStream_t stream);

}  // namespace mi::decode
