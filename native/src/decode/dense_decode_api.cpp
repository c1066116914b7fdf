// mi_dense_decode and its workspace size: the decode step validated as a dense attention call
// (q_len 1 over the cache's capacity), plus the decode fields, then dispatched on (head_dim, dtype).
#include <cuda_runtime_api.h>

#include <algorithm>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/device_info.h"
#include "../common/dispatch.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "dense_decode_launch.h"
#include "minference.h"

namespace {

constexpr int32_t kMaxSplits = 1024;

// The decode step as dense attention: every operand rule (shapes, strides, alignment, overlap,
// device pointers, the log-sum-exp) is the dense kernels'.
mi_dense_attention_args as_attention(const mi_dense_decode_args& a) {
  mi_dense_attention_args d{};
  d.dtype = a.dtype;
  d.batch = a.batch;
  d.q_heads = a.q_heads;
  d.kv_heads = a.kv_heads;
  d.q_len = 1;
  d.kv_len = a.capacity;
  d.head_dim = a.head_dim;
  d.q = a.q;
  d.k = a.k;
  d.v = a.v;
  d.o = a.o;
  d.lse = a.lse;
  d.softmax_scale = a.softmax_scale;
  d.causal = 0;
  return d;
}

// Validates what dense attention does not know and returns the split-K shape.
mi::decode::DenseDecodeParams validate(const mi_dense_decode_args& a) {
  mi::decode::DenseDecodeParams p{};
  if (a.capacity < 1) mi::invalid("capacity=" + std::to_string(a.capacity) + " must be >= 1");
  p.attention = mi::attention::validate_attention_args(as_attention(a));
  if (a.max_len < 0 || a.max_len > a.capacity)
    mi::invalid("max_len=" + std::to_string(a.max_len) + " must be in [0, capacity=" +
                std::to_string(a.capacity) + "]");
  if (a.splits < 0 || a.splits > kMaxSplits)
    mi::invalid("splits=" + std::to_string(a.splits) + " must be in [0, " +
                std::to_string(kMaxSplits) + "] (0 picks)");
  mi::require_aligned(a.seq_lens, alignof(int32_t), "seq_lens");
  mi::check_device_pointer("seq_lens", a.seq_lens);
  p.seq_lens = a.seq_lens;
  const int group = p.attention.q_heads_per_kv_head;
  p.heads_per_cta = mi::decode::heads_per_cta(group);
  p.splits = a.splits > 0 ? a.splits
                          : mi::decode::auto_splits(a.max_len, a.batch, a.kv_heads, group, mi::current_device_sms());
  p.chunk = static_cast<int>(std::max<int64_t>(1, (a.max_len + p.splits - 1) / p.splits));
  return p;
}

}  // namespace

extern "C" MI_API mi_status mi_dense_decode_workspace_size(const mi_dense_decode_args* args,
                                                          int64_t* bytes) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto p = validate(*args);
    *bytes = mi::decode::workspace_bytes(args->batch, args->q_heads, p.splits, args->head_dim);
  });
}

extern "C" MI_API mi_status mi_dense_decode(const mi_dense_decode_args* args, void* workspace,
                                            int64_t workspace_bytes, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    auto p = validate(*args);
    const int64_t needed = mi::decode::workspace_bytes(args->batch, args->q_heads, p.splits, args->head_dim);
    mi::require_workspace(workspace, workspace_bytes, needed, "mi_dense_decode_workspace_size");
    mi::check_device_pointer("workspace", workspace);
    mi::decode::bind_workspace(p, workspace, args->head_dim);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto head_dim, auto element) {
          return mi::decode::run_dense_decode<head_dim(), element()>(p, s);
        }));
  });
}
