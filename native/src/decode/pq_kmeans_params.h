// Parameters of the codebook k-means kernel (pq_kmeans_kernel.cuh).
#pragma once

#include <cstdint>

namespace mi::decode {

struct PqKMeansParams {
  const float* data;               // [problems, points, dim]: read every step, never written
  const float* initial_centroids;  // [problems, 256, dim]: read once, before any write
  float* centroids;                // [problems, 256, dim]: written once, at the end (may alias initial)
  uint8_t* assignments;            // [problems, points] or nullptr: the last step's assignments
  uint8_t* workspace;              // [problems, points]: the current step's assignments
  int64_t points;                  // N >= 1 per problem
  int iterations;                  // >= 0
};

}  // namespace mi::decode
