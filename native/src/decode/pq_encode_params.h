// Parameters of the product-quantization encode kernel.
#pragma once

#include <cstdint>

namespace mi::decode {

struct PqEncodeParams {
  const void* input;  // [batch, kv_heads, tokens, head_dim], 16-bit, strides in elements
  struct {
    int64_t batch, head, row;
  } input_strides;
  const float* centroids;        // [kv_heads, M, 256, head_dim / M] (head stride 0: shared)
  int64_t centroid_head_stride;  // floats
  uint8_t* codes;                // [batch, kv_heads, capacity, M]
  struct {
    int64_t batch, head, token;
  } code_strides;  // bytes
  const int32_t* offsets;  // device [batch] or NULL (0): the code row of token 0
  const int32_t* counts;   // device [batch] or NULL (max_tokens): the tokens to encode
  int max_tokens;          // >= every count: sizes the grid
  int64_t capacity;        // code rows per (sequence, kv head): rows past it are never written
  int tiles_per_cta;       // consecutive token tiles a CTA encodes (set by the launch)
};

}  // namespace mi::decode
