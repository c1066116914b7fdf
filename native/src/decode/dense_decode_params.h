// Parameters of the dense decode kernels (flash-decoding: split-K partials, then a merge).
#pragma once

#include <cstdint>

#include "../attention/attention_params.h"

namespace mi::decode {

struct DenseDecodeParams {
  attention::AttentionFwdParams attention;  // q [B, Hq, 1, D], k/v [B, Hkv, capacity, D], o, lse
  const int32_t* seq_lens;                  // device [batch]
  int splits;                               // key ranges per (sequence, kv head)
  int chunk;                                // tokens per range: ceil(max_len / splits)
  int heads_per_cta;                        // query heads of one GQA group that one CTA serves
  float* partial_o;                         // [batch, q_heads, splits, head_dim], normalised
  float* partial_lse;                       // [batch, q_heads, splits], log2 units, -inf if empty
};

// The merge of per-range partials (dense and PQ decode): o = Σ_r 2^(lse_r − M) o_r / Σ_r 2^(lse_r − M).
struct DecodeMergeParams {
  attention::AttentionFwdParams attention;  // o, lse and the shape
  int ranges;                               // partials per (sequence, query head)
  const float* partial_o;                   // [batch, q_heads, ranges, head_dim]
  const float* partial_lse;                 // [batch, q_heads, ranges], log2 units, -inf if empty
};

}  // namespace mi::decode
