// Argument checks shared by the SLA entry points (sla_validation.h).
#include "sla_validation.h"

#include <string>

#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "mi_instantiations.h"

namespace mi::sla {
namespace {

using Range = std::pair<uintptr_t, uintptr_t>;

Range byte_range(const Shape& shape, const mi_tensor4& t) {
  const int64_t extent[4] = {shape.batch, shape.heads, shape.n, shape.head_dim};
  int64_t last = 0;
  for (int d = 0; d < 4; ++d) last += (extent[d] - 1) * t.stride[d];
  const auto first = reinterpret_cast<uintptr_t>(t.data);
  return {first, first + static_cast<uintptr_t>((last + 1) * 2)};
}

bool overlaps(const Range& a, const Range& b) { return a.first < b.second && b.first < a.second; }

void require_disjoint(const Shape& shape, const char* name, const Range& range, std::initializer_list<NamedTensor> others) {
  for (const auto& [other_name, other] : others) {
    if (other->data == nullptr) continue;
    if (overlaps(range, byte_range(shape, *other))) invalid(std::string(name) + " must not overlap " + other_name);
  }
}

}  // namespace

mi_dense_attention_args attention_args(const Shape& shape, const mi_tensor4& q, const mi_tensor4& k,
                                       const mi_tensor4& v, const mi_tensor4& o, float* lse, float softmax_scale) {
  mi_dense_attention_args d{};
  d.dtype = shape.dtype;
  d.batch = shape.batch;
  d.q_heads = shape.heads;
  d.kv_heads = shape.heads;
  d.q_len = shape.n;
  d.kv_len = shape.n;
  d.head_dim = shape.head_dim;
  d.q = q;
  d.k = k;
  d.v = v;
  d.o = o;
  d.lse = lse;
  d.softmax_scale = softmax_scale;
  d.causal = 0;
  return d;
}

void require_disjoint(const Shape& shape, const char* name, const mi_tensor4& tensor,
                      std::initializer_list<NamedTensor> others) {
  require_disjoint(shape, name, byte_range(shape, tensor), others);
}

void require_fp32(const Shape& shape, const char* name, const float* pointer, int64_t count,
                  std::initializer_list<NamedTensor> tensors) {
  require_aligned(pointer, alignof(float), name);
  check_device_pointer(name, pointer);
  const auto first = reinterpret_cast<uintptr_t>(pointer);
  require_disjoint(shape, name, Range{first, first + static_cast<uintptr_t>(count) * sizeof(float)}, tensors);
}

void require_disjoint_fp32(std::initializer_list<NamedFp32> written, std::initializer_list<NamedFp32> others) {
  auto range = [](const NamedFp32& b) {
    const auto first = reinterpret_cast<uintptr_t>(b.pointer);
    return Range{first, first + static_cast<uintptr_t>(b.count) * sizeof(float)};
  };
  for (const NamedFp32& w : written)
    for (const NamedFp32& o : others)
      if (w.pointer != o.pointer && o.pointer != nullptr && overlaps(range(w), range(o)))
        invalid(std::string(w.name) + " must not overlap " + o.name);
}

void require_sla_sizes(int64_t seq_len, int64_t batch, int64_t heads, int64_t head_dim) {
  if (seq_len < 1 || seq_len > (int64_t{1} << 21))
    invalid("seq_len=" + std::to_string(seq_len) + " must be in [1, 2^21]");
  if (batch < 1 || heads < 1) invalid("batch and heads must be >= 1");
  // The kernels put the (batch, head) groups on the grid's y dimension.
  if (batch > 65535 || heads > 65535 || batch * heads > 65535)
    invalid("batch=" + std::to_string(batch) + " x heads=" + std::to_string(heads) +
            " must be at most 65535 (split the call by batch)");
  if (head_dim < 1 || head_dim > 256)
    invalid("head_dim=" + std::to_string(head_dim) + " must be one of " MI_ATTENTION_HEAD_DIMS_TEXT);
}

void require_sla_enums(int32_t feature_map, int32_t linear_branch) {
  if (feature_map < MI_SLA_SOFTMAX || feature_map > MI_SLA_RELU)
    invalid("feature_map=" + std::to_string(feature_map) + " must be a mi_sla_feature_map (0 softmax, 1 elu+1, 2 relu)");
  if (linear_branch != MI_SLA_MARGINAL_BLOCKS && linear_branch != MI_SLA_ALL_KEYS)
    invalid("linear_branch=" + std::to_string(linear_branch) + " must be a mi_sla_linear_branch (0 marginal blocks, 1 all keys)");
}

void require_causal(int32_t causal, int32_t linear_branch) {
  if (causal != 0 && causal != 1) invalid("causal=" + std::to_string(causal) + " must be 0 or 1");
  if (causal == 1 && linear_branch == MI_SLA_ALL_KEYS)
    invalid("causal=1 needs linear_branch=MI_SLA_MARGINAL_BLOCKS: the all-keys branch would sum future keys");
}

}  // namespace mi::sla
