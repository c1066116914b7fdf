// mi_pq_decode and its workspace size: the query, the window and the output validated as dense
// attention (q_len 1 over the window), then the codes, codebooks and lengths.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <string>

#include "../attention/attention_validation.h"
#include "../common/device_info.h"
#include "../common/dispatch.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "minference.h"
#include "pq_decode_launch.h"

namespace {

constexpr int32_t kMaxSplits = 1024;

mi::decode::PqDecodeParams validate(const mi_pq_decode_args& a) {
  if (a.window < 1) mi::invalid("window=" + std::to_string(a.window) + " must be >= 1");
  mi_dense_attention_args d{};
  d.dtype = a.dtype;
  d.batch = a.batch;
  d.q_heads = a.q_heads;
  d.kv_heads = a.kv_heads;
  d.q_len = 1;
  d.kv_len = a.window;
  d.head_dim = a.head_dim;
  d.q = a.q;
  d.k = a.window_k;
  d.v = a.window_v;
  d.o = a.o;
  d.lse = a.lse;
  d.softmax_scale = a.softmax_scale;
  mi::decode::PqDecodeParams p{};
  p.attention = mi::attention::validate_attention_args(d);
  if (a.subspaces != 32 && a.subspaces != 64)
    mi::invalid("subspaces=" + std::to_string(a.subspaces) + " must be 32 or 64");
  if (a.head_dim % a.subspaces != 0)
    mi::invalid("head_dim=" + std::to_string(a.head_dim) + " must be a multiple of subspaces=" +
                std::to_string(a.subspaces));
  if (a.capacity < 1 || a.capacity > (int64_t{1} << 31))
    mi::invalid("capacity=" + std::to_string(a.capacity) + " must be in [1, 2^31]");
  if (a.max_coded < 0 || a.max_coded > a.capacity)
    mi::invalid("max_coded=" + std::to_string(a.max_coded) + " must be in [0, capacity=" +
                std::to_string(a.capacity) + "]");
  if (a.splits < 0 || a.splits > kMaxSplits)
    mi::invalid("splits=" + std::to_string(a.splits) + " must be in [0, " + std::to_string(kMaxSplits) + "] (0 picks)");
  // The kernel streams a range's code rows as 16-byte chunks: rows contiguous, sequences and heads
  // 16-byte aligned.
  if (a.code_strides[2] != a.subspaces)
    mi::invalid("code_strides[2]=" + std::to_string(a.code_strides[2]) + " must equal subspaces=" +
                std::to_string(a.subspaces) + " (code rows contiguous)");
  if (a.code_strides[0] < 0 || a.code_strides[1] < 0 || a.code_strides[0] % 16 != 0 || a.code_strides[1] % 16 != 0)
    mi::invalid("code_strides[0..1]=" + std::to_string(a.code_strides[0]) + ", " +
                std::to_string(a.code_strides[1]) + " must be non-negative multiples of 16 bytes");
  mi::require_aligned(a.key_codes, 16, "key_codes");
  mi::require_aligned(a.value_codes, 16, "value_codes");
  if (a.shared_codebook != 0 && a.shared_codebook != 1)
    mi::invalid("shared_codebook=" + std::to_string(a.shared_codebook) + " must be 0 or 1");
  mi::check_device_pointer("key_codes", a.key_codes);
  mi::check_device_pointer("value_codes", a.value_codes);
  mi::require_aligned(a.key_centroids, alignof(float), "key_centroids");
  mi::require_aligned(a.value_centroids, alignof(float), "value_centroids");
  mi::check_device_pointer("key_centroids", a.key_centroids);
  mi::check_device_pointer("value_centroids", a.value_centroids);
  mi::require_aligned(a.coded_lens, alignof(int32_t), "coded_lens");
  mi::require_aligned(a.window_lens, alignof(int32_t), "window_lens");
  mi::check_device_pointer("coded_lens", a.coded_lens);
  mi::check_device_pointer("window_lens", a.window_lens);

  p.key_codes = a.key_codes;
  p.value_codes = a.value_codes;
  p.code_strides = {a.code_strides[0], a.code_strides[1], a.code_strides[2]};
  p.key_centroids = a.key_centroids;
  p.value_centroids = a.value_centroids;
  p.centroid_head_stride = a.shared_codebook ? 0 : a.head_dim * MI_PQ_CENTROIDS;
  p.capacity = a.capacity;
  p.coded_lens = a.coded_lens;
  p.window_lens = a.window_lens;
  const int group = p.attention.q_heads_per_kv_head;
  const int subspaces = static_cast<int>(a.subspaces);
  const int head_dim = static_cast<int>(a.head_dim);
  p.heads_per_cta = mi::decode::pq_heads_per_cta(group, subspaces, head_dim);
  p.splits = a.splits > 0 ? a.splits
                          : mi::decode::pq_auto_splits(a.max_coded, a.batch, a.kv_heads, group,
                                                       subspaces, head_dim, mi::current_device_sms());
  p.chunk = mi::decode::pq_chunk(a.max_coded, p.splits);
  return p;
}

}  // namespace

extern "C" MI_API mi_status mi_pq_decode_workspace_size(const mi_pq_decode_args* args, int64_t* bytes) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    const auto p = validate(*args);
    *bytes = mi::decode::pq_workspace_bytes(args->batch, args->q_heads, p.splits, args->head_dim);
  });
}

extern "C" MI_API mi_status mi_pq_decode(const mi_pq_decode_args* args, void* workspace,
                                         int64_t workspace_bytes, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    auto p = validate(*args);
    const int64_t needed = mi::decode::pq_workspace_bytes(args->batch, args->q_heads, p.splits, args->head_dim);
    mi::require_workspace(workspace, workspace_bytes, needed, "mi_pq_decode_workspace_size");
    mi::check_device_pointer("workspace", workspace);
    mi::decode::pq_bind_workspace(p, workspace, args->head_dim);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto head_dim, auto element) {
          return mi::decode::run_pq_decode<head_dim(), element()>(p, static_cast<int>(args->subspaces), s);
        }));
  });
}
