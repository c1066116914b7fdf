// Validation shared by every attention entry point: everything a caller can get wrong about the
// operands (shapes, strides, alignment, overlap, pointers, device) is checked here, before anything
// is launched or written, and turned into the mainloop's parameters.
#include "attention_validation.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>

#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "mi_instantiations.h"

namespace mi::attention {
namespace {

constexpr int64_t kMaxGridYZ = 65535;
// Kernel-side row indices and tile arithmetic are 32-bit; keep comfortable headroom.
constexpr int64_t kMaxSeqLen = int64_t{1} << 30;
constexpr int64_t kVectorBytes = 16;  // the kernels move 16-byte vectors
// The head dimensions the attention patterns are instantiated for
// (cmake/MInferenceInstantiations.cmake).
constexpr int64_t kHeadDims[] = {MI_ATTENTION_HEAD_DIMS};

struct Operand {
  const char* name;
  const mi_tensor4& tensor;
  std::array<int64_t, 4> shape;  // logical [batch, heads, seq, head_dim]
  int64_t element_bytes;         // mi_dtype_size of its dtype (validated first, so > 0)
};

std::string str(int64_t v) { return std::to_string(v); }

void require_range(const char* name, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    invalid(std::string(name) + "=" + str(value) + " must be in [" + str(lo) + ", " + str(hi) +
            "]");
}

void check_operand(const Operand& op, bool is_output) {
  // Rows start on 16-byte boundaries when every stride is a whole number of vectors.
  const int64_t vector_elems = kVectorBytes / op.element_bytes;
  const std::string name = op.name;
  if (op.tensor.data == nullptr) invalid(name + ".data must not be NULL");
  if (reinterpret_cast<uintptr_t>(op.tensor.data) % kVectorBytes != 0)
    invalid(name + ".data must be 16-byte aligned (the kernels move 16-byte vectors)");
  if (op.tensor.stride[3] != 1)
    invalid(name + ".stride[3]=" + str(op.tensor.stride[3]) +
            " must be 1 (head_dim must be contiguous)");
  for (int d = 0; d < 3; ++d) {
    const int64_t s = op.tensor.stride[d];
    if (s < 0)
      invalid(name + ".stride[" + str(d) + "]=" + str(s) + " must be >= 0");
    if (s % vector_elems != 0)
      invalid(name + ".stride[" + str(d) + "]=" + str(s) + " must be a multiple of " +
              str(vector_elems) + " elements (16-byte rows)");
  }
  if (!is_output) return;
  // Distinct output rows must be distinct memory, or CTAs race: sort the outer dimensions by
  // stride and require each to step over everything inside it.
  std::array<int, 3> order{0, 1, 2};
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return op.tensor.stride[a] < op.tensor.stride[b]; });
  int64_t span = op.shape[3];
  for (int d : order) {
    if (op.shape[d] == 1) continue;
    if (op.tensor.stride[d] < span)
      invalid(name + " strides make distinct rows overlap: stride[" + str(d) + "]=" +
              str(op.tensor.stride[d]) + " must be >= " + str(span));
    span = op.tensor.stride[d] * op.shape[d];
  }
}

// [first, last) byte range an operand touches.
std::pair<uintptr_t, uintptr_t> byte_range(const Operand& op) {
  int64_t last = 0;
  for (int d = 0; d < 4; ++d) last += (op.shape[d] - 1) * op.tensor.stride[d];
  const auto first = reinterpret_cast<uintptr_t>(op.tensor.data);
  return {first, first + static_cast<uintptr_t>((last + 1) * op.element_bytes)};
}

bool overlaps(std::pair<uintptr_t, uintptr_t> a, std::pair<uintptr_t, uintptr_t> b) {
  return a.first < b.second && b.first < a.second;
}

AttentionFwdParams::RowStrides row_strides(const mi_tensor4& t) {
  return {t.stride[0], t.stride[1], t.stride[2]};
}

}  // namespace

AttentionFwdParams validate_query_key_args(const mi_dense_attention_args& a) {
  if (a.dtype != MI_DTYPE_FLOAT16 && a.dtype != MI_DTYPE_BFLOAT16) {
    if (a.dtype == MI_DTYPE_FLOAT32)
      fail(MI_ERR_UNSUPPORTED, "dtype=float32 is not supported; use float16 or bfloat16");
    invalid("dtype=" + str(a.dtype) + " is not a mi_dtype value");
  }
  require_range("batch", a.batch, 1, kMaxGridYZ);
  require_range("q_heads", a.q_heads, 1, kMaxGridYZ);
  require_range("kv_heads", a.kv_heads, 1, a.q_heads);
  if (a.q_heads % a.kv_heads != 0)
    invalid("q_heads=" + str(a.q_heads) + " must be a multiple of kv_heads=" + str(a.kv_heads));
  require_range("q_len", a.q_len, 1, kMaxSeqLen);
  require_range("kv_len", a.kv_len, 1, kMaxSeqLen);
  if (std::find(std::begin(kHeadDims), std::end(kHeadDims), a.head_dim) == std::end(kHeadDims))
    fail(MI_ERR_UNSUPPORTED, "head_dim=" + str(a.head_dim) + " is not supported; use " +
                                 MI_ATTENTION_HEAD_DIMS_TEXT);
  if (a.causal != 0 && a.causal != 1) invalid("causal=" + str(a.causal) + " must be 0 or 1");
  if (a.causal && a.q_len > a.kv_len)
    invalid("causal attention needs q_len <= kv_len (the mask is aligned bottom-right, so q_len=" +
            str(a.q_len) + " > kv_len=" + str(a.kv_len) + " leaves rows with no keys)");
  if (!(std::isfinite(a.softmax_scale) && a.softmax_scale >= 0.f))
    invalid("softmax_scale must be finite and > 0, or 0 for 1/sqrt(head_dim)");

  // q and k have the dtype of the call (validated above: float16 or bfloat16 today).
  const int64_t element_bytes = mi_dtype_size(a.dtype);
  const Operand q{"q", a.q, {a.batch, a.q_heads, a.q_len, a.head_dim}, element_bytes};
  const Operand k{"k", a.k, {a.batch, a.kv_heads, a.kv_len, a.head_dim}, element_bytes};
  check_operand(q, false);
  check_operand(k, false);
  check_device_supported();
  check_device_pointer("q.data", a.q.data);
  check_device_pointer("k.data", a.k.data);

  AttentionFwdParams p{};
  p.q = a.q.data;
  p.k = a.k.data;
  p.q_strides = row_strides(a.q);
  p.k_strides = row_strides(a.k);
  p.batch = static_cast<int>(a.batch);
  p.q_heads = static_cast<int>(a.q_heads);
  p.q_heads_per_kv_head = static_cast<int>(a.q_heads / a.kv_heads);
  p.q_len = static_cast<int>(a.q_len);
  p.kv_len = static_cast<int>(a.kv_len);
  p.scale = a.softmax_scale > 0.f ? a.softmax_scale
                                  : 1.f / std::sqrt(static_cast<float>(a.head_dim));
  p.scale_log2 = p.scale * static_cast<float>(M_LOG2E);
  return p;
}

AttentionFwdParams validate_attention_args(const mi_dense_attention_args& a) {
  AttentionFwdParams p = validate_query_key_args(a);
  const int64_t element_bytes = mi_dtype_size(a.dtype);
  const Operand q{"q", a.q, {a.batch, a.q_heads, a.q_len, a.head_dim}, element_bytes};
  const Operand k{"k", a.k, {a.batch, a.kv_heads, a.kv_len, a.head_dim}, element_bytes};
  const Operand v{"v", a.v, {a.batch, a.kv_heads, a.kv_len, a.head_dim}, element_bytes};
  const Operand o{"o", a.o, {a.batch, a.q_heads, a.q_len, a.head_dim}, element_bytes};
  check_operand(v, false);
  check_operand(o, true);
  require_aligned_if_present(a.lse, alignof(float), "lse");

  const auto o_range = byte_range(o);
  // O may alias Q exactly (each CTA reads its Q rows before writing the same O rows), but any
  // overlap with K or V would be read by other CTAs after being overwritten.
  if (overlaps(o_range, byte_range(k)) || overlaps(o_range, byte_range(v)))
    invalid("o must not overlap k or v");
  if (a.lse != nullptr) {
    const auto lse_first = reinterpret_cast<uintptr_t>(a.lse);
    const std::pair<uintptr_t, uintptr_t> lse_range{
        lse_first, lse_first + static_cast<uintptr_t>(a.batch * a.q_heads * a.q_len *
                                                      mi_dtype_size(MI_DTYPE_FLOAT32))};
    if (overlaps(lse_range, o_range) || overlaps(lse_range, byte_range(q)) ||
        overlaps(lse_range, byte_range(k)) || overlaps(lse_range, byte_range(v)))
      invalid("lse must not overlap q, k, v or o");
  }

  check_device_pointer("v.data", a.v.data);
  check_device_pointer("o.data", a.o.data);
  if (a.lse != nullptr) check_device_pointer("lse", a.lse);

  p.v = a.v.data;
  p.o = a.o.data;
  p.lse = a.lse;
  p.v_strides = row_strides(a.v);
  p.o_strides = row_strides(a.o);
  return p;
}

void require_square_causal(const mi_dense_attention_args& a, const char* pattern) {
  if (a.causal != 1)
    invalid(std::string("attention.causal=") + std::to_string(a.causal) + " must be 1: the " +
            pattern + " pattern is causal");
  require_square(a, pattern);
}

void require_square(const mi_dense_attention_args& a, const char* pattern) {
  if (a.q_len != a.kv_len)
    invalid(std::string("the ") + pattern + " pattern needs q_len == kv_len (prefill); got q_len=" +
            std::to_string(a.q_len) + ", kv_len=" + std::to_string(a.kv_len));
}

}  // namespace mi::attention
