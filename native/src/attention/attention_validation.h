// Validation shared by every attention entry point.
#pragma once

#include "attention_params.h"
#include "minference.h"

namespace mi::attention {

// Checks every field of `args` (throws mi::Failure with a message naming the argument, the value
// and the expectation) and returns the mainloop parameters. Reads no device memory.
AttentionFwdParams validate_attention_args(const mi_dense_attention_args& args);

// The input half of validate_attention_args, for the estimators that read only q and k: sizes,
// dtype, scale, and the q and k operands (v, o and lse are ignored, so q and k packed in one
// allocation with other tensors pass, as they do for attention itself).
AttentionFwdParams validate_query_key_args(const mi_dense_attention_args& args);

// The query heads of a pattern launch: `heads` (host array of distinct indices in [0, q_heads))
// or, when NULL, every head; `routes` optionally filters them on the device (its pointer is checked
// for alignment, its contents are read by the kernels).
HeadList validate_head_list(const int32_t* heads, int32_t head_count, int64_t q_heads,
                            const mi_head_routes& routes = mi_head_routes{});

// Pointers, alignment and length of a CSR index (its contents live on the device and are read
// defensively by the kernels).
void validate_csr_index(const char* name, const mi_csr_index& index);

// The index-driven patterns are causal prefill: causal == 1 and q_len == kv_len.
void require_square_causal(const mi_dense_attention_args& args, const char* pattern);

}  // namespace mi::attention
