// Validation shared by every attention entry point.
#pragma once

#include "../common/csr_index.h"
#include "../common/head_list.h"
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

// validate_query_key_args for an estimator's arguments (any struct with dtype, batch, q_heads,
// kv_heads, seq_len, head_dim, q and k): causal self-attention, q_len == kv_len == seq_len.
template <typename EstimatorArgs>
AttentionFwdParams validate_estimator_inputs(const EstimatorArgs& a) {
  mi_dense_attention_args d{};
  d.dtype = a.dtype;
  d.batch = a.batch;
  d.q_heads = a.q_heads;
  d.kv_heads = a.kv_heads;
  d.q_len = a.seq_len;
  d.kv_len = a.seq_len;
  d.head_dim = a.head_dim;
  d.q = a.q;
  d.k = a.k;
  d.causal = 1;
  return validate_query_key_args(d);
}

// Moved to common/ (head_list.h, csr_index.h); the names stay reachable here for callers not yet
// updated (blocksparse/block_sparse_estimate.cu).
using mi::validate_csr_index;
using mi::validate_head_list;

// The index-driven patterns are causal prefill: causal == 1 and q_len == kv_len.
void require_square_causal(const mi_dense_attention_args& args, const char* pattern);
// q_len == kv_len (prefill), causal or not.
void require_square(const mi_dense_attention_args& args, const char* pattern);

}  // namespace mi::attention
