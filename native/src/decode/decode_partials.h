// Split-K partials of the decode kernels in the caller's workspace: per (sequence, query head,
// range) row a head_dim fp32 output normalised by its own sum, then one fp32 log-sum-exp per row
// (log2 units), each block on the workspace alignment. Dense decode has `splits` ranges per row
// group, PQ decode `splits + 1` (the last is the 16-bit window); both merge through
// decode_merge_kernel.
#pragma once

#include <cstdint>

#include "../common/workspace.h"

namespace mi::decode {

struct DecodePartials {
  float* o;    // [rows, head_dim]
  float* lse;  // [rows]
};

inline int64_t partials_bytes(int64_t rows, int64_t head_dim) {
  return workspace_aligned(rows * head_dim * int64_t{sizeof(float)}) +
         workspace_aligned(rows * int64_t{sizeof(float)});
}

inline DecodePartials bind_partials(void* workspace, int64_t rows, int64_t head_dim) {
  auto* base = static_cast<char*>(workspace);
  return {reinterpret_cast<float*>(base),
          reinterpret_cast<float*>(base + workspace_aligned(rows * head_dim * int64_t{sizeof(float)}))};
}

}  // namespace mi::decode
