// mi_vs_select: top-k of the vertical and slash scores per row, in MInference's order.
//
// One global radix sort per score kind over 64-bit keys (row << 32 | descending-order score bits)
// ranks every row's candidates at once: a segmented sort would give each row (up to millions of
// candidates) a single thread block. The sort is stable, so equal scores keep ascending index
// order, which is the tie rule; forced candidates are +inf. The first k of each row are then
// re-sorted by index (ascending for verticals, descending for slash offsets).
#include <cuda_runtime.h>

#include <cub/device/device_radix_sort.cuh>

#include <cmath>
#include <cstdint>
#include <string>

#include "../common/status.h"
#include "minference.h"

namespace mi::vertical_slash {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kAlign = 256;
int64_t aligned(int64_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

int bits_for(int64_t values) {  // bits needed for 0 .. values - 1
  int bits = 0;
  while ((int64_t{1} << bits) < values) ++bits;
  return bits;
}

__global__ void rank_keys_kernel(const float* scores, int64_t count, int n, int forced,
                                 uint64_t* keys, int32_t* indices) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count) return;
  const int64_t row = i / n;
  const int index = static_cast<int>(i % n);
  const float score = index < forced ? INFINITY : scores[i];
  // Order-preserving map of float bits to unsigned, then inverted: ascending keys = descending
  // scores.
  uint32_t bits = __float_as_uint(score);
  bits = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
  keys[i] = (uint64_t(row) << 32) | uint64_t(~bits);
  indices[i] = index;
}

__global__ void take_best_kernel(const int32_t* ranked, int64_t rows, int n, int k,
                                 bool descending, uint64_t* keys) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= rows * k) return;
  const int64_t row = i / k;
  const int index = ranked[row * n + i % k];
  keys[i] = (uint64_t(row) << 32) | uint32_t(descending ? n - 1 - index : index);
}

__global__ void unpack_kernel(const uint64_t* keys, int64_t count, int n, bool descending,
                              int32_t* out) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count) return;
  const int low = static_cast<int>(keys[i] & 0xffffffffu);
  out[i] = descending ? n - 1 - low : low;
}

int blocks_for(int64_t count) { return static_cast<int>((count + kThreads - 1) / kThreads); }

struct Workspace {
  uint64_t* keys_a;
  uint64_t* keys_b;
  int32_t* indices_a;
  int32_t* indices_b;
  void* sort_temp;
  size_t sort_temp_bytes;
};

size_t sort_temp_bytes(int64_t rows, int64_t n, int64_t k_max) {
  size_t pairs = 0, keys = 0;
  const int end_bit = 32 + bits_for(rows);
  MI_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
      nullptr, pairs, static_cast<const uint64_t*>(nullptr), static_cast<uint64_t*>(nullptr),
      static_cast<const int32_t*>(nullptr), static_cast<int32_t*>(nullptr),
      static_cast<int>(rows * n), 0, end_bit));
  MI_CUDA_CHECK(cub::DeviceRadixSort::SortKeys(
      nullptr, keys, static_cast<const uint64_t*>(nullptr), static_cast<uint64_t*>(nullptr),
      static_cast<int>(rows * k_max), 0, end_bit));
  return pairs > keys ? pairs : keys;
}

int64_t workspace_bytes(const mi_vs_select_args& a) {
  const int64_t items = a.rows * a.seq_len;
  const int64_t k_max = a.vertical_count > a.slash_count ? a.vertical_count : a.slash_count;
  return 2 * aligned(items * 8) + 2 * aligned(items * 4) +
         aligned(static_cast<int64_t>(sort_temp_bytes(a.rows, a.seq_len, k_max)));
}

Workspace bind(const mi_vs_select_args& a, void* base) {
  const int64_t items = a.rows * a.seq_len;
  auto* p = static_cast<char*>(base);
  Workspace w{};
  w.keys_a = reinterpret_cast<uint64_t*>(p);
  w.keys_b = reinterpret_cast<uint64_t*>(p + aligned(items * 8));
  w.indices_a = reinterpret_cast<int32_t*>(p + 2 * aligned(items * 8));
  w.indices_b = reinterpret_cast<int32_t*>(p + 2 * aligned(items * 8) + aligned(items * 4));
  w.sort_temp = p + 2 * aligned(items * 8) + 2 * aligned(items * 4);
  const int64_t k_max = a.vertical_count > a.slash_count ? a.vertical_count : a.slash_count;
  w.sort_temp_bytes = sort_temp_bytes(a.rows, a.seq_len, k_max);
  return w;
}

void select_one(const mi_vs_select_args& a, const Workspace& w, const float* scores, int forced,
                int64_t k, bool descending, int32_t* out, cudaStream_t s) {
  const int n = static_cast<int>(a.seq_len);
  const int64_t items = a.rows * a.seq_len;
  const int end_bit = 32 + bits_for(a.rows);
  rank_keys_kernel<<<blocks_for(items), kThreads, 0, s>>>(scores, items, n, forced, w.keys_a,
                                                          w.indices_a);
  MI_CUDA_CHECK(cudaGetLastError());
  size_t temp = w.sort_temp_bytes;
  MI_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(w.sort_temp, temp, w.keys_a, w.keys_b,
                                                w.indices_a, w.indices_b,
                                                static_cast<int>(items), 0, end_bit, s));
  take_best_kernel<<<blocks_for(a.rows * k), kThreads, 0, s>>>(w.indices_b, a.rows, n,
                                                               static_cast<int>(k), descending,
                                                               w.keys_a);
  MI_CUDA_CHECK(cudaGetLastError());
  temp = w.sort_temp_bytes;
  MI_CUDA_CHECK(cub::DeviceRadixSort::SortKeys(w.sort_temp, temp, w.keys_a, w.keys_b,
                                               static_cast<int>(a.rows * k), 0, end_bit, s));
  unpack_kernel<<<blocks_for(a.rows * k), kThreads, 0, s>>>(w.keys_b, a.rows * k, n, descending,
                                                            out);
  MI_CUDA_CHECK(cudaGetLastError());
}

// The sizes (all a workspace query reads).
void validate(const mi_vs_select_args* a) {
  if (a == nullptr) invalid("args must not be NULL");
  if (a->rows < 1 || a->seq_len < 1)
    invalid("rows=" + std::to_string(a->rows) + " and seq_len=" + std::to_string(a->seq_len) +
            " must be >= 1");
  if (a->rows * a->seq_len > INT32_MAX)
    invalid("rows * seq_len = " + std::to_string(a->rows * a->seq_len) +
            " candidates exceed one sort's 2^31 - 1 items; select fewer heads per call");
  if (a->vertical_count < 1 || a->vertical_count > a->seq_len)
    invalid("vertical_count=" + std::to_string(a->vertical_count) + " must be in [1, seq_len=" +
            std::to_string(a->seq_len) + "]");
  if (a->slash_count < 1 || a->slash_count > a->seq_len)
    invalid("slash_count=" + std::to_string(a->slash_count) + " must be in [1, seq_len=" +
            std::to_string(a->seq_len) + "]");
}

void require_pointers(const mi_vs_select_args* a) {
  if (a->vertical_scores == nullptr || a->slash_scores == nullptr || a->verticals == nullptr ||
      a->slashes == nullptr)
    invalid("vertical_scores, slash_scores, verticals and slashes must not be NULL");
}

}  // namespace
}  // namespace mi::vertical_slash

extern "C" MI_API mi_status mi_vs_select_workspace_size(const mi_vs_select_args* args,
                                                        int64_t* bytes) {
  return mi::guarded([&] {
    mi::vertical_slash::validate(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    *bytes = mi::vertical_slash::workspace_bytes(*args);
  });
}

extern "C" MI_API mi_status mi_vs_select(const mi_vs_select_args* args, void* workspace,
                                         int64_t workspace_bytes, mi_stream stream) {
  using namespace mi::vertical_slash;
  return mi::guarded([&] {
    validate(args);
    require_pointers(args);
    const int64_t needed = mi::vertical_slash::workspace_bytes(*args);
    if (workspace == nullptr || workspace_bytes < needed)
      mi::invalid("workspace holds " + std::to_string(workspace_bytes) + " bytes; " +
                  std::to_string(needed) + " needed (mi_vs_select_workspace_size)");
    const Workspace w = bind(*args, workspace);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    select_one(*args, w, args->vertical_scores, MI_VS_FORCED_VERTICALS, args->vertical_count,
               false, args->verticals, s);
    select_one(*args, w, args->slash_scores, MI_VS_FORCED_SLASHES, args->slash_count, true,
               args->slashes, s);
  });
}
