// SLA's critical-block backward on the sm_90a mainloop (sla_sparse_bwd_sm90.cu, compiled only
// into the sm_90a object library): the Hopper counterpart of sla::run_sparse_bwd, taken where
// the attention forward takes the sm_90a mainloop. Host-safe declarations.
#pragma once

#include <cuda_runtime_api.h>

#include "../common/element_type.h"
#include "../sla/sla_backward_params.h"

namespace mi::hopper {

template <int kHeadDim, attention::ElementType kElement>
cudaError_t run_sla_sparse_bwd_sm90(const sla::BackwardParams& params, int batch, cudaStream_t stream);

}  // namespace mi::hopper
