// The boundary heads' token order in closed form, so the order is one scatter with no scan or sort.
//
// Class of a position p under (stride S, phase P): c(p) = (p − P) mod S. With u = p − P + S ≥ 0
// (P < S), the video positions of a segment [s, e) whose class is below c number
//   lt(c) = G(e) − G(s),  G(y) = ⌊(y − P + S) / S⌋ · c + min((y − P + S) mod S, c),
// and those of class exactly c number eq(c) = lt(c + 1) − lt(c) = (q_e − q_s) + [r_e > c] − [r_s > c]
// (q, r: quotient and remainder of y − P + S by S). A video position x of class c then sits at
//   T + Σ_segments lt(c) + Σ_{segments ending by x} eq(c) + (class-c positions of its own segment
//   before x = q_x − q_s + 0 − [r_s > c], r_x being c),
// and a text position x at x − (video positions before x). Stride 1 gives position order. The
// quotients and remainders of the segment ends depend only on (S, P): each CTA computes them once
// per row into shared memory, so the per-position loop over the segments has no division.
#include <cuda_runtime.h>

#include <cstdint>

#include "boundary_order_params.h"

namespace mi::boundary {
namespace {

constexpr int kThreads = 256;
constexpr int kPositionsPerCta = 4096;

struct SegmentSplit {
  int64_t start, end;  // [s, e)
  int64_t q_start, q_end;
  int32_t r_start, r_end;
};

__global__ void __launch_bounds__(kThreads) boundary_order_kernel(const __grid_constant__ BoundaryOrderParams p) {
  __shared__ SegmentSplit s_segments[kMaxVideoSegments];
  const int64_t row = blockIdx.y;
  const int64_t n = p.seq_len;
  const int64_t stride = p.strides_in != nullptr ? p.strides_in[row] : 1;
  const int64_t phase = p.phases_in != nullptr ? p.phases_in[row] : 0;
  if (p.strides_in == nullptr && blockIdx.x == 0 && threadIdx.x == 0) {
    if (p.strides_out != nullptr) p.strides_out[row] = 1;
    if (p.phases_out != nullptr) p.phases_out[row] = 0;
  }
  for (int i = threadIdx.x; i < p.segment_count; i += kThreads) {
    const int64_t s = p.segments[i][0], e = p.segments[i][1];
    const int64_t us = s - phase + stride, ue = e - phase + stride;
    s_segments[i] = {s, e, us / stride, ue / stride, static_cast<int32_t>(us % stride), static_cast<int32_t>(ue % stride)};
  }
  __syncthreads();

  int32_t* order = p.order + row * n;
  const int64_t begin = int64_t{blockIdx.x} * kPositionsPerCta;
  const int64_t end = begin + kPositionsPerCta < n ? begin + kPositionsPerCta : n;
  for (int64_t x = begin + threadIdx.x; x < end; x += kThreads) {
    const int64_t ux = x - phase + stride;
    const int64_t qx = ux / stride, cls = ux % stride;
    int64_t video_before = 0;  // text: video positions before x
    int64_t video_slot = 0;    // video: slots before x within the video group
    bool video = false;
    for (int i = 0; i < p.segment_count; ++i) {
      const SegmentSplit g = s_segments[i];
      const int64_t below = (g.q_end - g.q_start) * cls + (g.r_end < cls ? g.r_end : cls) - (g.r_start < cls ? g.r_start : cls);
      const int64_t same = (g.q_end - g.q_start) + (g.r_end > cls) - (g.r_start > cls);
      if (g.end <= x) {
        video_before += g.end - g.start;
        video_slot += below + same;
      } else if (g.start <= x) {
        video = true;
        video_before += x - g.start;
        video_slot += below + (qx - g.q_start) - (g.r_start > cls);
      } else {
        video_slot += below;
      }
    }
    const int64_t slot = video ? p.text_tokens + video_slot : x - video_before;
    order[slot] = static_cast<int32_t>(x);
  }
}

}  // namespace

cudaError_t run_boundary_order(const BoundaryOrderParams& p, cudaStream_t stream) {
  if (p.rows == 0 || p.seq_len == 0) return cudaSuccess;
  const dim3 grid(static_cast<unsigned>((p.seq_len + kPositionsPerCta - 1) / kPositionsPerCta), static_cast<unsigned>(p.rows));
  boundary_order_kernel<<<grid, kThreads, 0, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace mi::boundary
