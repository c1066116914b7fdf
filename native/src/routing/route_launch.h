// Host entries of the route kernels (route_kernels.cu): the device-side fallback decisions of a
// sparse layer, validated by route_api.cpp.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../common/head_list.h"

namespace mi::routing {

// Codes written for (batch, listed head) from the values given per listed head.
struct SetRoutesParams {
  int32_t* codes;  // [batch, q_heads]
  int batch;
  int q_heads;
  int count;
  int16_t heads[kMaxHeadList];
  int8_t values[kMaxHeadList];
};

// What mi_vs_route weighs; see minference.h.
struct VsRouteParams {
  int batch;
  int q_heads;
  int64_t seq_len;
  int q_blocks;
  HeadList heads;
  const int64_t* block_row_ptr;
  const int64_t* column_row_ptr;
  int64_t block_capacity;
  int64_t column_capacity;
  double block_tile_cost;
  double column_tile_cost;
  double dense_tile_cost;
  double max_density;
  int32_t* codes;
  int64_t* entries;  // optional
};

cudaError_t launch_set_routes(const SetRoutesParams& params, cudaStream_t stream);
cudaError_t launch_vs_route(const VsRouteParams& params, cudaStream_t stream);

}  // namespace mi::routing
