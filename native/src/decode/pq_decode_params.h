// Parameters of the PQ decode kernels (split-K over the coded tokens plus one range for the 16-bit
// window, then the log-sum-exp merge shared with dense decode).
#pragma once

#include <cstdint>

#include "../attention/attention_params.h"

namespace mi::decode {

struct PqDecodeParams {
  // q [B, Hq, 1, D] and o, lse as for attention; k/v strides there describe the window
  // [B, Hkv, W, D] (k = window keys, v = window values).
  attention::AttentionFwdParams attention;
  const uint8_t* key_codes;    // [B, Hkv, capacity, M]
  const uint8_t* value_codes;  // same layout
  struct {
    int64_t batch, head, token;
  } code_strides;                // bytes
  const float* key_centroids;    // [Hkv or 1, M, 256, D / M]
  const float* value_centroids;  // same
  int64_t centroid_head_stride;  // floats (0: shared)
  int64_t capacity;              // code rows per (sequence, kv head)
  const int32_t* coded_lens;     // device [B]
  const int32_t* window_lens;    // device [B]
  int splits;                    // ranges over the coded tokens; range `splits` is the window
  int chunk;                     // coded tokens per range
  int heads_per_cta;
  float* partial_o;    // [B, Hq, splits + 1, D]
  float* partial_lse;  // [B, Hq, splits + 1], log2 units
};

}  // namespace mi::decode
