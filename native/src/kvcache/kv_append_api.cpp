// mi_kv_append_step and mi_kv_write_window: validation (shapes, lengths, pointers, alignment)
// before anything is launched, then the row kernels of kv_append_kernels.cu.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "kv_append_launch.h"
#include "minference.h"

namespace {

constexpr int64_t kMaxGridY = 65535;
constexpr int64_t kMaxInt32 = INT32_MAX;

void require_range(const char* name, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    mi::invalid(std::string(name) + "=" + std::to_string(value) + " must be in [" +
                std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

void require_16_bit(mi_dtype dtype) {
  if (dtype != MI_DTYPE_FLOAT16 && dtype != MI_DTYPE_BFLOAT16)
    mi::fail(MI_ERR_UNSUPPORTED, "dtype=" + std::to_string(dtype) +
                                     ": the window holds float16 or bfloat16 values");
}

// The sizes both entry points share. A window slab (window · head_dim) and a sequence's tokens
// must fit int32, the type of the device lengths.
void require_cache_shape(int64_t batch, int64_t kv_heads, int64_t head_dim, int64_t window, int64_t capacity) {
  require_range("batch", batch, 1, kMaxGridY);
  require_range("kv_heads", kv_heads, 1, INT32_MAX);
  require_range("head_dim", head_dim, 1, 1 << 16);
  require_range("window", window, 1, kMaxInt32 / head_dim);
  require_range("capacity", capacity, 1, kMaxInt32);
}

// `name` is "keys" or "values": device data, 2-byte aligned, head_dim contiguous, strides >= 0.
void require_input(const mi_tensor4& tensor, const std::string& name) {
  const std::string data = name + ".data";
  mi::check_device_pointer(data.c_str(), tensor.data);
  mi::require_aligned(tensor.data, 2, data.c_str());
  if (tensor.stride[3] != 1)
    mi::invalid(name + ".stride[3]=" + std::to_string(tensor.stride[3]) + " must be 1 (head_dim contiguous)");
  for (int d = 0; d < 3; ++d)
    if (tensor.stride[d] < 0)
      mi::invalid(name + ".stride[" + std::to_string(d) + "]=" + std::to_string(tensor.stride[d]) + " must be >= 0");
}

void require_device(const char* name, const void* pointer, size_t alignment) {
  mi::check_device_pointer(name, pointer);
  mi::require_aligned(pointer, alignment, name);
}

bool aligned16(const void* pointer) { return reinterpret_cast<uintptr_t>(pointer) % 16 == 0; }

mi::kvcache::AppendStepParams validate(const mi_kv_append_step_args& a) {
  require_16_bit(a.dtype);
  require_cache_shape(a.batch, a.kv_heads, a.head_dim, a.window, a.capacity);
  require_input(a.keys, "keys");
  require_input(a.values, "values");
  require_device("window_k", a.window_k, 2);
  require_device("window_v", a.window_v, 2);
  require_device("staging_k", a.staging_k, 2);
  require_device("staging_v", a.staging_v, 2);
  require_device("coded_lens", a.coded_lens, alignof(int32_t));
  require_device("window_lens", a.window_lens, alignof(int32_t));
  require_device("flush_offsets", a.flush_offsets, alignof(int32_t));
  require_device("flush_counts", a.flush_counts, alignof(int32_t));

  mi::kvcache::AppendStepParams p{};
  p.keys = static_cast<const uint16_t*>(a.keys.data);
  p.values = static_cast<const uint16_t*>(a.values.data);
  p.input_strides[0] = a.keys.stride[0];
  p.input_strides[1] = a.keys.stride[1];
  p.value_strides[0] = a.values.stride[0];
  p.value_strides[1] = a.values.stride[1];
  p.window_k = static_cast<uint16_t*>(a.window_k);
  p.window_v = static_cast<uint16_t*>(a.window_v);
  p.staging_k = static_cast<uint16_t*>(a.staging_k);
  p.staging_v = static_cast<uint16_t*>(a.staging_v);
  p.coded_lens = a.coded_lens;
  p.window_lens = a.window_lens;
  p.flush_offsets = a.flush_offsets;
  p.flush_counts = a.flush_counts;
  p.batch = static_cast<int>(a.batch);
  p.kv_heads = static_cast<int>(a.kv_heads);
  p.head_dim = static_cast<int>(a.head_dim);
  p.window = static_cast<int>(a.window);
  p.capacity = a.capacity;
  p.vector_copy = (a.window * a.head_dim) % 8 == 0 && aligned16(a.window_k) && aligned16(a.window_v) &&
                  aligned16(a.staging_k) && aligned16(a.staging_v);
  return p;
}

mi::kvcache::WriteWindowParams validate(const mi_kv_write_window_args& a) {
  require_16_bit(a.dtype);
  require_cache_shape(a.batch, a.kv_heads, a.head_dim, a.window, a.capacity);
  require_range("sequence", a.sequence, 0, a.batch - 1);
  require_range("first_row", a.first_row, 0, a.window);
  require_range("rows", a.rows, 0, a.window - a.first_row);
  require_range("window_length", a.window_length, a.first_row + a.rows, a.window);
  require_range("coded_length", a.coded_length, 0, a.capacity - a.window_length);
  if (a.rows > 0) {
    require_input(a.keys, "keys");
    require_input(a.values, "values");
  }
  require_device("window_k", a.window_k, 2);
  require_device("window_v", a.window_v, 2);
  require_device("coded_lens", a.coded_lens, alignof(int32_t));
  require_device("window_lens", a.window_lens, alignof(int32_t));

  const int64_t slab = a.sequence * a.kv_heads * a.window * a.head_dim;
  mi::kvcache::WriteWindowParams p{};
  p.keys = static_cast<const uint16_t*>(a.keys.data);
  p.values = static_cast<const uint16_t*>(a.values.data);
  p.key_strides[0] = a.keys.stride[1];
  p.key_strides[1] = a.keys.stride[2];
  p.value_strides[0] = a.values.stride[1];
  p.value_strides[1] = a.values.stride[2];
  p.window_k = static_cast<uint16_t*>(a.window_k) + slab;
  p.window_v = static_cast<uint16_t*>(a.window_v) + slab;
  p.coded_lens = a.coded_lens;
  p.window_lens = a.window_lens;
  p.sequence = static_cast<int>(a.sequence);
  p.kv_heads = static_cast<int>(a.kv_heads);
  p.head_dim = static_cast<int>(a.head_dim);
  p.window = static_cast<int>(a.window);
  p.rows = static_cast<int>(a.rows);
  p.first_row = static_cast<int>(a.first_row);
  p.coded_length = static_cast<int32_t>(a.coded_length);
  p.window_length = static_cast<int32_t>(a.window_length);
  return p;
}

}  // namespace

extern "C" MI_API mi_status mi_kv_append_step(const mi_kv_append_step_args* args, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    const auto p = validate(*args);
    MI_CUDA_CHECK(mi::kvcache::launch_append_step(p, reinterpret_cast<cudaStream_t>(stream)));
  });
}

extern "C" MI_API mi_status mi_kv_write_window(const mi_kv_write_window_args* args, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    const auto p = validate(*args);
    MI_CUDA_CHECK(mi::kvcache::launch_write_window(p, reinterpret_cast<cudaStream_t>(stream)));
  });
}
