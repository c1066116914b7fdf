// Argument checks shared by the SLA entry points (forward and backward): every tensor operand is
// [batch, heads, N, head_dim] of one 16-bit dtype, and outputs may alias nothing they are read with.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>

#include "../attention/attention_params.h"
#include "minference.h"

namespace mi::sla {

struct Shape {
  mi_dtype dtype;
  int64_t batch, heads, n, head_dim;
};

using NamedTensor = std::pair<const char*, const mi_tensor4*>;

// 64-token blocks of n tokens.
constexpr int64_t blocks_of(int64_t n) { return (n + 63) / 64; }

// The sizes every SLA entry point checks before anything else (workspace queries included, so that
// their arithmetic cannot overflow): N in [1, 2^21], batch and heads >= 1 with batch x heads at most
// 65535 (the kernels' grid y), head_dim in [1, 256] (whether a kernel exists for it is the operand
// validation's question).
void require_sla_sizes(int64_t seq_len, int64_t batch, int64_t heads, int64_t head_dim);

// The dense-attention description of (q, k, v, o) with this shape, bidirectional, for the shared
// operand validation (attention_validation.h).
mi_dense_attention_args attention_args(const Shape& shape, const mi_tensor4& q, const mi_tensor4& k,
                                       const mi_tensor4& v, const mi_tensor4& o, float* lse, float softmax_scale);

// Throws when `tensor` shares a byte with any of `others` (those with data NULL are skipped).
void require_disjoint(const Shape& shape, const char* name, const mi_tensor4& tensor,
                      std::initializer_list<NamedTensor> others);

// A device fp32 buffer of `count` values: aligned, device memory, and disjoint from `tensors`.
void require_fp32(const Shape& shape, const char* name, const float* pointer, int64_t count,
                  std::initializer_list<NamedTensor> tensors);

// An fp32 buffer: name, pointer, values.
struct NamedFp32 {
  const char* name;
  const float* pointer;
  int64_t count;
};

// Throws when a written buffer shares a byte with a different buffer of `others` (a buffer is not
// compared with itself).
void require_disjoint_fp32(std::initializer_list<NamedFp32> written, std::initializer_list<NamedFp32> others);

// feature_map and linear_branch name mi_sla_* values.
void require_sla_enums(int32_t feature_map, int32_t linear_branch);

// causal is 0 or 1, and 1 only with the marginal-blocks linear branch.
void require_causal(int32_t causal, int32_t linear_branch);

}  // namespace mi::sla
