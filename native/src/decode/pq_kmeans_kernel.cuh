// Codebook training for product quantization: Lloyd iterations of k-means (256 centroids) over many
// independent problems, one CTA per problem for every iteration, so a step needs no grid-wide
// synchronisation and the whole training is one launch.
//
// The result is bit-identical to the CPU reference (src/MInference/Decode/SubspaceKMeans.cs) from the
// same initial centroids, hence also run to run. Every step below reproduces the reference's
// arithmetic, not just its semantics:
//   - assignment: squared distance in double, each difference, square and sum rounded exactly as the
//     C# code does (explicit _rn intrinsics, so nvcc cannot contract them into an fma), scanned in
//     index order with a strict "less than" (ties to the lowest index). A fp32 scan runs first and
//     decides alone when its best and second best are far enough apart that the double order cannot
//     differ; only near-ties pay for the double rescan.
//   - update: thread c owns cluster c and adds its members' coordinates in double in point order
//     (points are staged in 256-point chunks in index order; within a chunk the owner walks the
//     chunk's assignment bytes in order), then divides once and rounds to float. No atomics at all:
//     every sum has one fixed order, the reference's.
//   - re-seeding: the e-th empty cluster (in cluster order) takes the e-th farthest point from its
//     centroid (distance desc, index asc), which is what the reference's repeated "argmax, then mark
//     -inf" gives; each pick is a block reduction under a total order, so its result does not depend
//     on the reduction's shape. When every point is used, the reference's argmax returns point 0; so
//     does this.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "pq_kmeans_params.h"

namespace mi::decode {

constexpr int kKMeansCentroids = 256;
constexpr int kKMeansThreads = 256;  // one point per thread in the assignment, one cluster in the update
constexpr int kKMeansWarps = kKMeansThreads / 32;
static_assert(kKMeansThreads == kKMeansCentroids, "thread c owns cluster c in the update step");
static_assert(kKMeansThreads % 4 == 0, "the chunk's assignment bytes are scanned four at a time");

namespace kmeans_detail {

// The reference's squared distance, op for op (PqEncoder.Nearest / SubspaceKMeans).
template <int kDim>
__device__ __forceinline__ double exact_distance(const float* x, const float* centroid) {
  double sum = 0.0;
#pragma unroll
  for (int j = 0; j < kDim; ++j) {
    const double difference = __dsub_rn(static_cast<double>(x[j]), static_cast<double>(centroid[j]));
    sum = __dadd_rn(sum, __dmul_rn(difference, difference));
  }
  return sum;
}

template <int kDim>
__device__ __forceinline__ int nearest_exact(const float* x, const float* centroids) {
  double best = INFINITY;
  int code = 0;
  for (int c = 0; c < kKMeansCentroids; ++c) {
    const double distance = exact_distance<kDim>(x, centroids + c * kDim);
    if (distance < best) {
      best = distance;
      code = c;
    }
  }
  return code;
}

// The nearest centroid as the reference picks it. The fp32 distance of one centroid is within
// (kDim + 2)·2^-24 ≤ 6·2^-24 relative of the exact one (one rounding for the difference, doubled by
// the square, one per fma) plus 4·2^-150 absolute where it underflows; the double one within 6·2^-53.
// So a gap between the fp32 best and second best wider than 2^-19 (best + second) + 1e-37 (both
// bounds with a wide margin) proves every other centroid is strictly farther in double as well.
// Anything closer, equal, infinite or NaN falls back to the exact scan.
template <int kDim>
__device__ __forceinline__ int nearest(const float* x, const float* centroids) {
  float best = INFINITY, second = INFINITY;
  int code = 0;
#pragma unroll 8
  for (int c = 0; c < kKMeansCentroids; ++c) {
    float distance = 0.f;
#pragma unroll
    for (int j = 0; j < kDim; ++j) {
      const float difference = x[j] - centroids[c * kDim + j];  // every lane reads one address: broadcast
      distance = fmaf(difference, difference, distance);
    }
    if (distance < best) {
      second = best;
      best = distance;
      code = c;
    } else {
      second = fminf(second, distance);
    }
  }
  if (!(second - best > 0x1p-19f * (best + second) + 1e-37f)) code = nearest_exact<kDim>(x, centroids);
  return code;
}

// Cluster `cluster` adds its members among the chunk's first `valid` points, in point order.
template <int kDim>
__device__ __forceinline__ void gather_members(const uint8_t* s_assign, const float* s_points, int valid,
                                               int cluster, double (&sum)[kDim], int& members) {
  const uint32_t pattern = 0x01010101u * static_cast<uint32_t>(cluster);
  for (int q = 0; q < valid; q += 4) {
    // Every thread reads the same word (a broadcast); 0xff marks the bytes equal to `cluster`.
    uint32_t hits = __vcmpeq4(*reinterpret_cast<const uint32_t*>(s_assign + q), pattern);
    if (valid - q < 4) hits &= (1u << (8 * (valid - q))) - 1u;  // bytes past the chunk are stale
    while (hits != 0u) {
      const int byte = (__ffs(static_cast<int>(hits)) - 1) >> 3;  // lowest byte = lowest point index
      const float* point = s_points + (q + byte) * kDim;
#pragma unroll
      for (int j = 0; j < kDim; ++j) sum[j] = __dadd_rn(sum[j], static_cast<double>(point[j]));
      ++members;
      hits &= ~(0xffu << (8 * byte));
    }
  }
}

// Order of re-seeding candidates: larger distance first, then lower point index. A total order on
// distinct indices, so any reduction tree finds the same maximum.
__device__ __forceinline__ bool farther(double d, int64_t i, double than_d, int64_t than_i) {
  return d > than_d || (d == than_d && i < than_i);
}

}  // namespace kmeans_detail

// grid (problems), kKMeansThreads threads, static shared memory.
template <int kDim>
__global__ void __launch_bounds__(kKMeansThreads)
    pq_kmeans_kernel(const __grid_constant__ PqKMeansParams p) {
  using namespace kmeans_detail;
  __shared__ __align__(16) float s_centroids[kKMeansCentroids * kDim];  // (C, kDim)
  __shared__ __align__(16) float s_points[kKMeansThreads * kDim];       // (chunk, kDim)
  __shared__ __align__(16) uint8_t s_assign[kKMeansThreads];            // (chunk)
  __shared__ int s_seed[kKMeansCentroids];  // point re-seeding the e-th empty cluster
  __shared__ int s_warp_empty[kKMeansWarps];
  __shared__ double s_far_distance[kKMeansWarps];
  __shared__ int64_t s_far_index[kKMeansWarps];

  const int tid = threadIdx.x;
  const int lane = tid % 32;
  const int warp = tid / 32;
  const int64_t problem = blockIdx.x;
  const int64_t n = p.points;
  const float* data = p.data + problem * n * kDim;
  // Written and read back by this CTA in the same step: plain loads (not the read-only path).
  uint8_t* step_assign = p.workspace + problem * n;
  uint8_t* out_assign = p.assignments != nullptr ? p.assignments + problem * n : nullptr;
  const int64_t book = problem * kKMeansCentroids * kDim;

  // The whole codebook is read before anything is written, so centroids may alias initial_centroids.
  for (int i = tid; i < kKMeansCentroids * kDim; i += kKMeansThreads) s_centroids[i] = p.initial_centroids[book + i];
  __syncthreads();

  for (int iteration = 0; iteration < p.iterations; ++iteration) {
    const bool last = iteration + 1 == p.iterations;
    double sum[kDim];
#pragma unroll
    for (int j = 0; j < kDim; ++j) sum[j] = 0.0;
    int members = 0;

    for (int64_t base = 0; base < n; base += kKMeansThreads) {
      const int64_t i = base + tid;
      if (i < n) {
        float x[kDim];
#pragma unroll
        for (int j = 0; j < kDim; ++j) x[j] = __ldg(data + i * kDim + j);
        const int code = nearest<kDim>(x, s_centroids);
#pragma unroll
        for (int j = 0; j < kDim; ++j) s_points[tid * kDim + j] = x[j];
        s_assign[tid] = static_cast<uint8_t>(code);
        step_assign[i] = static_cast<uint8_t>(code);
        if (last && out_assign != nullptr) out_assign[i] = static_cast<uint8_t>(code);
      }
      __syncthreads();
      const int valid = static_cast<int>(n - base < kKMeansThreads ? n - base : kKMeansThreads);
      gather_members<kDim>(s_assign, s_points, valid, tid, sum, members);
      __syncthreads();  // the next chunk overwrites s_points and s_assign
    }

    // Rank of this cluster among the empty ones, in cluster order (the reference's loop order).
    const unsigned empty_lanes = __ballot_sync(0xffffffffu, members == 0);
    if (lane == 0) s_warp_empty[warp] = __popc(empty_lanes);
    __syncthreads();
    int rank = __popc(empty_lanes & ((1u << lane) - 1u));
    int empties = 0;
    for (int w = 0; w < kKMeansWarps; ++w) {
      if (w < warp) rank += s_warp_empty[w];
      empties += s_warp_empty[w];
    }

    // The e-th pick is the farthest point after the (e-1)-th in the candidate order; distances are
    // to the old centroids (still in shared memory), recomputed exactly from the step's assignment.
    double previous_distance = 0.0;
    int64_t previous_index = -1;  // -1: no pick yet
    for (int e = 0; e < empties; ++e) {
      double best_distance = -1.0;  // below every distance: "none"
      int64_t best_index = -1;
      for (int64_t i = tid; i < n; i += kKMeansThreads) {
        float x[kDim];
#pragma unroll
        for (int j = 0; j < kDim; ++j) x[j] = __ldg(data + i * kDim + j);
        const double distance = exact_distance<kDim>(x, s_centroids + step_assign[i] * kDim);
        const bool unused = previous_index < 0 || farther(previous_distance, previous_index, distance, i);
        if (unused && farther(distance, i, best_distance, best_index)) {
          best_distance = distance;
          best_index = i;
        }
      }
#pragma unroll
      for (int offset = 16; offset > 0; offset >>= 1) {
        const double other_distance = __shfl_xor_sync(0xffffffffu, best_distance, offset);
        const int64_t other_index = __shfl_xor_sync(0xffffffffu, best_index, offset);
        if (farther(other_distance, other_index, best_distance, best_index)) {
          best_distance = other_distance;
          best_index = other_index;
        }
      }
      if (lane == 0) {
        s_far_distance[warp] = best_distance;
        s_far_index[warp] = best_index;
      }
      __syncthreads();
      for (int w = 0; w < kKMeansWarps; ++w) {
        if (farther(s_far_distance[w], s_far_index[w], best_distance, best_index)) {
          best_distance = s_far_distance[w];
          best_index = s_far_index[w];
        }
      }
      __syncthreads();  // the next pick overwrites s_far_*
      if (best_index >= 0) {
        previous_distance = best_distance;
        previous_index = best_index;
      }
      // Every point used: the reference's argmax over all -inf returns point 0.
      if (tid == 0) s_seed[e] = best_index >= 0 ? static_cast<int>(best_index) : 0;
    }

    __syncthreads();  // s_seed is complete, and every read of the old centroids is done
    if (members == 0) {
      const int64_t seed = s_seed[rank];
#pragma unroll
      for (int j = 0; j < kDim; ++j) s_centroids[tid * kDim + j] = __ldg(data + seed * kDim + j);
    } else {
#pragma unroll
      for (int j = 0; j < kDim; ++j)
        s_centroids[tid * kDim + j] = __double2float_rn(__ddiv_rn(sum[j], static_cast<double>(members)));
    }
    __syncthreads();
  }

  float* centroids = p.centroids + book;
  for (int i = tid; i < kKMeansCentroids * kDim; i += kKMeansThreads) centroids[i] = s_centroids[i];
}

}  // namespace mi::decode
