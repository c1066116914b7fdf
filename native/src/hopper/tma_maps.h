// TMA tensor maps of an attention call's Q, K and V for the sm_90a mainloop: each a 4-D view
// (head_dim, rows, heads, batch) with the call's strides, copied in boxes of 64 elements × the
// tile's rows with the 128-byte swizzle that the wgmma descriptors read (sm90_primitives.cuh); rows past
// the sequence come back as zeros. Host code.
#pragma once

#include <cuda.h>
#include <cuda_runtime_api.h>

#include "../attention/attention_params.h"

namespace mi::hopper {

struct TmaMaps {  // CUtensorMap carries its own 64-byte alignment
  CUtensorMap q, k, v;
};

// Encodes the three maps; false (nothing launched) when the operands do not meet TMA's rules
// (16-byte aligned base addresses and strides) or the driver has no tensor-map entry point: the
// caller then uses the cp.async producer.
bool make_tma_maps(const attention::AttentionFwdParams& params, int head_dim, bool bfloat16, int q_rows, int kv_rows,
                   TmaMaps* maps) noexcept;

// One such map of a [batch, heads, rows, head_dim] operand with the given element strides, copied
// in boxes of 64 elements x box_rows; false as make_tma_maps.
bool make_tma_map(const void* base, bool bfloat16, int head_dim, int rows, int heads, int batch,
                  const attention::AttentionFwdParams::RowStrides& strides, int box_rows, CUtensorMap* map) noexcept;

// False when MINFERENCE_SM90A_TMA=0: the cp.async producer then copies even where TMA could
// (bring-up and bisection: the two producers must give the same results); read once.
bool tma_enabled() noexcept;

}  // namespace mi::hopper
