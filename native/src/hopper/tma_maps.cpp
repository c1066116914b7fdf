// make_tma_maps (tma_maps.h): cuTensorMapEncodeTiled through the runtime's driver entry point, so
// the library links no libcuda of its own.
#include "tma_maps.h"

#include <cudaTypedefs.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace mi::hopper {
namespace {

using Encode = PFN_cuTensorMapEncodeTiled_v12000;

Encode encoder() noexcept {
  static const Encode encode = [] {
    void* function = nullptr;
    cudaDriverEntryPointQueryResult status{};
    if (cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &function, 12000, cudaEnableDefault, &status) != cudaSuccess ||
        status != cudaDriverEntryPointSuccess)
      return Encode{nullptr};
    return reinterpret_cast<Encode>(function);
  }();
  return encode;
}

bool aligned16(const void* pointer) { return reinterpret_cast<uintptr_t>(pointer) % 16 == 0; }

bool encode(Encode encode, CUtensorMap* map, const void* base, bool bfloat16, int head_dim, int rows, int heads, int batch,
            const attention::AttentionFwdParams::RowStrides& strides, int box_rows) {
  const cuuint64_t element = 2;
  const cuuint64_t dims[4] = {cuuint64_t(head_dim), cuuint64_t(rows), cuuint64_t(heads), cuuint64_t(batch)};
  const cuuint64_t byte_strides[3] = {cuuint64_t(strides.row) * element, cuuint64_t(strides.head) * element,
                                      cuuint64_t(strides.batch) * element};
  for (const cuuint64_t stride : byte_strides)
    if (stride % 16 != 0 || stride >= (cuuint64_t{1} << 40)) return false;
  if (!aligned16(base)) return false;
  const cuuint32_t box[4] = {64, cuuint32_t(box_rows), 1, 1};  // 128-byte rows: the swizzle's span
  const cuuint32_t element_strides[4] = {1, 1, 1, 1};
  return encode(map, bfloat16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 : CU_TENSOR_MAP_DATA_TYPE_FLOAT16, 4, const_cast<void*>(base), dims,
                byte_strides, box, element_strides, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE) == CUDA_SUCCESS;
}

}  // namespace

bool make_tma_maps(const attention::AttentionFwdParams& p, int head_dim, bool bfloat16, int q_rows, int kv_rows,
                   TmaMaps* maps) noexcept {
  const Encode encode_tiled = encoder();
  if (encode_tiled == nullptr) return false;
  const int kv_heads = p.q_heads / p.q_heads_per_kv_head;
  return encode(encode_tiled, &maps->q, p.q, bfloat16, head_dim, p.q_len, p.q_heads, p.batch, p.q_strides, q_rows) &&
         encode(encode_tiled, &maps->k, p.k, bfloat16, head_dim, p.kv_len, kv_heads, p.batch, p.k_strides, kv_rows) &&
         encode(encode_tiled, &maps->v, p.v, bfloat16, head_dim, p.kv_len, kv_heads, p.batch, p.v_strides, kv_rows);
}

bool make_tma_map(const void* base, bool bfloat16, int head_dim, int rows, int heads, int batch,
                  const attention::AttentionFwdParams::RowStrides& strides, int box_rows, CUtensorMap* map) noexcept {
  const Encode encode_tiled = encoder();
  return encode_tiled != nullptr && encode(encode_tiled, map, base, bfloat16, head_dim, rows, heads, batch, strides, box_rows);
}

bool tma_enabled() noexcept {
  static const bool enabled = [] {
    const char* value = std::getenv("MINFERENCE_SM90A_TMA");
    return value == nullptr || std::strcmp(value, "0") != 0;
  }();
  return enabled;
}

}  // namespace mi::hopper
