// Plain parameters of the attention forward mainloop (the operands and their shapes), filled by a
// validated C entry point. Host-only code includes this header, so it carries no device types.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../common/csr_index.h"
#include "../common/element_type.h"
#include "../common/head_list.h"

namespace mi::attention {

// Generic parts shared with the other kernel families live in common/; the attention code (and
// callers written before the move) keep naming them through this namespace.
using mi::CsrIndex;
using mi::ElementType;
using mi::HeadList;
using mi::kMaxHeadList;

struct AttentionFwdParams {
  using index_t = int64_t;  // N·H·D passes 2^31 at long context: every offset is 64-bit.

  const void* q;
  const void* k;
  const void* v;
  void* o;
  float* lse;  // optional, [batch, q_heads, q_len]

  // Element strides of the batch, head and row dimensions; the head_dim stride is 1.
  struct RowStrides {
    index_t batch, head, row;
  };
  RowStrides q_strides, k_strides, v_strides, o_strides;

  int batch;
  int q_heads;
  int q_heads_per_kv_head;  // GQA group size
  int q_len;
  int kv_len;

  float scale;       // softmax scale applied to Q·Kᵀ
  float scale_log2;  // scale · log2(e): the kernel works in base 2
};

}  // namespace mi::attention
