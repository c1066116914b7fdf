// Build information, devices, memory, streams and events: everything the C# layer needs so that
// it never talks to the CUDA runtime itself.
#include <cuda_runtime_api.h>

#include <atomic>
#include <cstring>
#include <string>

#include "mi_build_config.h"
#include "mi_instantiations.h"
#include "minference.h"
#include "pointer_cache.h"
#include "pointer_checks.h"
#include "status.h"

namespace {

// Counted for tests (mi_allocation_count): a plan's run must not allocate.
std::atomic<int64_t> g_allocations{0};

cudaStream_t as_cuda(mi_stream s) { return reinterpret_cast<cudaStream_t>(s); }
cudaEvent_t as_cuda(mi_event e) { return reinterpret_cast<cudaEvent_t>(e); }

void require_bytes(int64_t bytes, const char* name) {
  if (bytes < 0) mi::invalid(std::string(name) + "=" + std::to_string(bytes) + " must be >= 0");
}

// Handles and out-parameters are checked with the shared helper (common/pointer_checks.h).
using mi::require_pointer;

// Blocking copies keep the host buffer's lifetime simple for managed callers: once the call
// returns, the pinned span can be released.
void copy_blocking(void* dst, const void* src, int64_t bytes, cudaMemcpyKind kind, mi_stream s) {
  if (bytes == 0) return;
  MI_CUDA_CHECK(cudaMemcpyAsync(dst, src, static_cast<size_t>(bytes), kind, as_cuda(s)));
  MI_CUDA_CHECK(cudaStreamSynchronize(as_cuda(s)));
}

}  // namespace

extern "C" {

MI_API int32_t mi_abi_version(void) { return MI_ABI_VERSION; }
MI_API const char* mi_version(void) { return MI_VERSION_STRING; }
MI_API const char* mi_compiled_archs(void) { return MI_COMPILED_ARCHS; }
MI_API int32_t mi_cuda_compile_version(void) { return CUDART_VERSION; }
MI_API int32_t mi_sparse_block_size(void) { return MI_SPARSE_BLOCK; }

MI_API int32_t mi_attention_head_dims(int32_t* dims, int32_t capacity) {
  static constexpr int32_t kDims[] = {MI_ATTENTION_HEAD_DIMS};
  constexpr auto kCount = static_cast<int32_t>(sizeof(kDims) / sizeof(kDims[0]));
  for (int32_t i = 0; dims != nullptr && i < capacity && i < kCount; ++i) dims[i] = kDims[i];
  return kCount;
}

MI_API int32_t mi_dtype_size(mi_dtype dtype) {
  switch (dtype) {
    case MI_DTYPE_FLOAT16:
    case MI_DTYPE_BFLOAT16:
      return 2;
    case MI_DTYPE_FLOAT32:
    case MI_DTYPE_INT32:
      return 4;
    case MI_DTYPE_UINT8:
      return 1;
  }
  return 0;
}

MI_API mi_status mi_device_count(int32_t* count) {
  return mi::guarded([&] {
    require_pointer(count, "count");
    *count = 0;
    int n = 0;
    // With the static runtime, a machine without the driver library lands here with
    // cudaErrorInsufficientDriver rather than failing to load us.
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
      (void)cudaGetLastError();
      std::string message = std::string("no usable CUDA device: ") + cudaGetErrorName(err) +
                            ": " + cudaGetErrorString(err);
      // Also what a machine without any NVIDIA driver reports; say what would fix it.
      if (err == cudaErrorInsufficientDriver)
        message += " (no NVIDIA driver found, or one older than this build's CUDA " +
                   std::to_string(CUDART_VERSION / 1000) + "." +
                   std::to_string(CUDART_VERSION % 1000 / 10) + " runtime needs)";
      mi::fail(MI_ERR_NO_DEVICE, message);
    }
    if (n == 0) mi::fail(MI_ERR_NO_DEVICE, "no usable CUDA device: the driver reports 0 devices");
    *count = n;
  });
}

MI_API mi_status mi_device_get_info(int32_t ordinal, mi_device_info* info) {
  return mi::guarded([&] {
    require_pointer(info, "info");
    int n = 0;
    MI_CUDA_CHECK(cudaGetDeviceCount(&n));
    if (ordinal < 0 || ordinal >= n)
      mi::invalid("ordinal=" + std::to_string(ordinal) + " must be in [0, " + std::to_string(n) +
                  ")");
    cudaDeviceProp prop{};
    MI_CUDA_CHECK(cudaGetDeviceProperties(&prop, ordinal));
    mi_device_info out{};
    static_assert(sizeof(out.name) == sizeof(prop.name), "device name buffers match");
    std::memcpy(out.name, prop.name, sizeof(out.name) - 1);  // out is zeroed: stays terminated
    out.ordinal = ordinal;
    out.compute_major = prop.major;
    out.compute_minor = prop.minor;
    out.multiprocessor_count = prop.multiProcessorCount;
    out.total_memory_bytes = static_cast<int64_t>(prop.totalGlobalMem);
    out.shared_memory_per_block_optin = static_cast<int64_t>(prop.sharedMemPerBlockOptin);
    MI_CUDA_CHECK(cudaDriverGetVersion(&out.driver_version));
    MI_CUDA_CHECK(cudaRuntimeGetVersion(&out.runtime_version));
    *info = out;
  });
}

MI_API mi_status mi_device_set(int32_t ordinal) {
  return mi::guarded([&] { MI_CUDA_CHECK(cudaSetDevice(ordinal)); });
}

MI_API mi_status mi_device_synchronize(void) {
  return mi::guarded([&] { MI_CUDA_CHECK(cudaDeviceSynchronize()); });
}

MI_API mi_status mi_malloc(void** device_ptr, int64_t bytes) {
  return mi::guarded([&] {
    require_pointer(device_ptr, "device_ptr");
    *device_ptr = nullptr;
    if (bytes <= 0) mi::invalid("bytes=" + std::to_string(bytes) + " must be > 0");
    MI_CUDA_CHECK(cudaMalloc(device_ptr, static_cast<size_t>(bytes)));
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  });
}

MI_API int64_t mi_allocation_count(void) { return g_allocations.load(std::memory_order_relaxed); }

MI_API mi_status mi_free(void* device_ptr) {
  return mi::guarded([&] {
    if (device_ptr == nullptr) return;
    mi::forget_checked_pointers();  // the address may come back as another allocation, or none
    MI_CUDA_CHECK(cudaFree(device_ptr));
  });
}

MI_API mi_status mi_memcpy_htod(void* device_dst, const void* host_src, int64_t bytes,
                                mi_stream stream) {
  return mi::guarded([&] {
    require_bytes(bytes, "bytes");
    if (bytes > 0) {
      require_pointer(device_dst, "device_dst");
      require_pointer(host_src, "host_src");
    }
    copy_blocking(device_dst, host_src, bytes, cudaMemcpyHostToDevice, stream);
  });
}

MI_API mi_status mi_memcpy_dtoh(void* host_dst, const void* device_src, int64_t bytes,
                                mi_stream stream) {
  return mi::guarded([&] {
    require_bytes(bytes, "bytes");
    if (bytes > 0) {
      require_pointer(host_dst, "host_dst");
      require_pointer(device_src, "device_src");
    }
    copy_blocking(host_dst, device_src, bytes, cudaMemcpyDeviceToHost, stream);
  });
}

MI_API mi_status mi_memcpy_dtod(void* device_dst, const void* device_src, int64_t bytes,
                                mi_stream stream) {
  return mi::guarded([&] {
    require_bytes(bytes, "bytes");
    if (bytes == 0) return;
    require_pointer(device_dst, "device_dst");
    require_pointer(device_src, "device_src");
    MI_CUDA_CHECK(cudaMemcpyAsync(device_dst, device_src, static_cast<size_t>(bytes),
                                  cudaMemcpyDeviceToDevice, as_cuda(stream)));
  });
}

MI_API mi_status mi_memset(void* device_ptr, int32_t value, int64_t bytes, mi_stream stream) {
  return mi::guarded([&] {
    require_bytes(bytes, "bytes");
    if (value < 0 || value > 255) mi::invalid("value=" + std::to_string(value) + " must be 0..255");
    if (bytes == 0) return;
    require_pointer(device_ptr, "device_ptr");
    MI_CUDA_CHECK(
        cudaMemsetAsync(device_ptr, value, static_cast<size_t>(bytes), as_cuda(stream)));
  });
}

MI_API mi_status mi_stream_create(mi_stream* stream) {
  return mi::guarded([&] {
    require_pointer(stream, "stream");
    cudaStream_t s = nullptr;
    MI_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    *stream = reinterpret_cast<mi_stream>(s);
  });
}

MI_API mi_status mi_stream_priority_range(int32_t* least, int32_t* greatest) {
  return mi::guarded([&] {
    require_pointer(least, "least");
    require_pointer(greatest, "greatest");
    int lo = 0, hi = 0;
    MI_CUDA_CHECK(cudaDeviceGetStreamPriorityRange(&lo, &hi));
    *least = lo;
    *greatest = hi;
  });
}

MI_API mi_status mi_stream_create_with_priority(int32_t priority, mi_stream* stream) {
  return mi::guarded([&] {
    require_pointer(stream, "stream");
    int least = 0, greatest = 0;
    MI_CUDA_CHECK(cudaDeviceGetStreamPriorityRange(&least, &greatest));
    // CUDA clamps an out-of-range priority silently; a caller asking for one it cannot get is told.
    if (priority > least || priority < greatest)
      mi::invalid("priority=" + std::to_string(priority) + " must be in [" + std::to_string(greatest) +
                  ", " + std::to_string(least) + "] (mi_stream_priority_range: greatest, least)");
    cudaStream_t s = nullptr;
    MI_CUDA_CHECK(cudaStreamCreateWithPriority(&s, cudaStreamNonBlocking, priority));
    *stream = reinterpret_cast<mi_stream>(s);
  });
}

MI_API mi_status mi_stream_synchronize(mi_stream stream) {
  return mi::guarded([&] { MI_CUDA_CHECK(cudaStreamSynchronize(as_cuda(stream))); });
}

MI_API mi_status mi_stream_destroy(mi_stream stream) {
  return mi::guarded([&] {
    if (stream != nullptr) MI_CUDA_CHECK(cudaStreamDestroy(as_cuda(stream)));
  });
}

MI_API mi_status mi_event_create(mi_event* event) {
  return mi::guarded([&] {
    require_pointer(event, "event");
    cudaEvent_t e = nullptr;
    MI_CUDA_CHECK(cudaEventCreate(&e));
    *event = reinterpret_cast<mi_event>(e);
  });
}

MI_API mi_status mi_event_record(mi_event event, mi_stream stream) {
  return mi::guarded([&] {
    require_pointer(event, "event");
    MI_CUDA_CHECK(cudaEventRecord(as_cuda(event), as_cuda(stream)));
  });
}

MI_API mi_status mi_stream_wait_event(mi_stream stream, mi_event event) {
  return mi::guarded([&] {
    require_pointer(event, "event");
    MI_CUDA_CHECK(cudaStreamWaitEvent(as_cuda(stream), as_cuda(event), 0));
  });
}

MI_API mi_status mi_event_synchronize(mi_event event) {
  return mi::guarded([&] {
    require_pointer(event, "event");
    MI_CUDA_CHECK(cudaEventSynchronize(as_cuda(event)));
  });
}

MI_API mi_status mi_event_elapsed_ms(mi_event start, mi_event stop, float* ms) {
  return mi::guarded([&] {
    require_pointer(start, "start");
    require_pointer(stop, "stop");
    require_pointer(ms, "ms");
    MI_CUDA_CHECK(cudaEventElapsedTime(ms, as_cuda(start), as_cuda(stop)));
  });
}

MI_API mi_status mi_event_destroy(mi_event event) {
  return mi::guarded([&] {
    if (event != nullptr) MI_CUDA_CHECK(cudaEventDestroy(as_cuda(event)));
  });
}

}  // extern "C"
