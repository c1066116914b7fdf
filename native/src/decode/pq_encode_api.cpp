// mi_pq_encode: validated arguments dispatched to the (head_dim, dtype) instantiation.
#include <cuda_runtime_api.h>

#include <string>

#include "../common/dispatch.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "minference.h"
#include "pq_encode_launch.h"

namespace {

void require_range(const char* name, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    mi::invalid(std::string(name) + "=" + std::to_string(value) + " must be in [" +
                std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

mi::decode::PqEncodeParams validate(const mi_pq_encode_args& a) {
  if (a.dtype != MI_DTYPE_FLOAT16 && a.dtype != MI_DTYPE_BFLOAT16)
    mi::fail(MI_ERR_UNSUPPORTED, "dtype=" + std::to_string(a.dtype) + ": the encoder reads float16 or bfloat16");
  require_range("batch", a.batch, 1, 1 << 16);
  require_range("kv_heads", a.kv_heads, 1, 1 << 16);
  require_range("max_tokens", a.max_tokens, 0, int64_t{1} << 30);
  require_range("capacity", a.capacity, 1, int64_t{1} << 31);
  if (a.subspaces != 32 && a.subspaces != 64)
    mi::invalid("subspaces=" + std::to_string(a.subspaces) + " must be 32 or 64");
  if (a.head_dim < 1 || a.head_dim % a.subspaces != 0)
    mi::invalid("head_dim=" + std::to_string(a.head_dim) + " must be a multiple of subspaces=" +
                std::to_string(a.subspaces));
  if (a.input.stride[3] != 1) mi::invalid("input.stride[3] must be 1 (head_dim contiguous)");
  if (a.code_strides[0] < 0 || a.code_strides[1] < 0 || a.code_strides[2] < a.subspaces)
    mi::invalid("code_strides must be >= 0 with a token stride of at least subspaces bytes");
  if (a.shared_codebook != 0 && a.shared_codebook != 1)
    mi::invalid("shared_codebook=" + std::to_string(a.shared_codebook) + " must be 0 or 1");
  mi::check_device_pointer("input.data", a.input.data);
  mi::require_aligned(a.input.data, 2, "input.data");
  mi::require_aligned(a.centroids, alignof(float), "centroids");
  mi::check_device_pointer("centroids", a.centroids);
  mi::check_device_pointer("codes", a.codes);
  if (a.offsets != nullptr) mi::check_device_pointer("offsets", a.offsets);
  if (a.counts != nullptr) mi::check_device_pointer("counts", a.counts);
  mi::require_aligned_if_present(a.offsets, alignof(int32_t), "offsets");
  mi::require_aligned_if_present(a.counts, alignof(int32_t), "counts");

  mi::decode::PqEncodeParams p{};
  p.input = a.input.data;
  p.input_strides = {a.input.stride[0], a.input.stride[1], a.input.stride[2]};
  p.centroids = a.centroids;
  p.centroid_head_stride = a.shared_codebook ? 0 : a.head_dim * MI_PQ_CENTROIDS;
  p.codes = a.codes;
  p.code_strides = {a.code_strides[0], a.code_strides[1], a.code_strides[2]};
  p.offsets = a.offsets;
  p.counts = a.counts;
  p.max_tokens = static_cast<int>(a.max_tokens);
  p.capacity = a.capacity;
  return p;
}

}  // namespace

extern "C" MI_API mi_status mi_pq_encode(const mi_pq_encode_args* args, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    const auto p = validate(*args);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->dtype, args->head_dim, [&](auto head_dim, auto element) {
          return mi::decode::run_pq_encode<head_dim(), element()>(
              p, static_cast<int>(args->subspaces), static_cast<int>(args->batch),
              static_cast<int>(args->kv_heads), s);
        }));
  });
}
