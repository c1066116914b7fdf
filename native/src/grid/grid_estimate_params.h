// Parameters of online grid estimation on the device (MMInference): from the last-query profiles
// of mi_vs_estimate to each head's stride, phase and token order.
#pragma once

#include <cstdint>

namespace mi::grid {

constexpr int kMaxCandidates = 256;  // MI_GRID_MAX_CANDIDATES
constexpr int kMedianSample = 256;   // members a median is taken over (GridEstimation.MedianSample)

struct GridEstimateParams {
  int64_t rows;                 // batch * head_count
  int64_t seq_len;              // N
  int last_queries;             // L of the profiles
  const float* vertical;        // [rows, N]: attention per key
  const float* slash;           // [rows, N]: attention per offset
  int candidates[kMaxCandidates];  // ascending, distinct, >= 2
  int candidate_count;
  float tolerance;
  float min_contrast;  // 0: none; else both contrasts of the chosen stride must exceed it
  int32_t* strides;  // [rows]
  int32_t* phases;   // [rows]
  int32_t* order;    // [rows, N]
};

}  // namespace mi::grid
