// Host side of mi_vs_select: the workspace layout and the launches of vs_select_kernel.cuh.
#include <cuda_runtime.h>

#include <cub/device/device_scan.cuh>

#include <cstdint>

#include "../common/status.h"
#include "../common/workspace.h"
#include "minference.h"
#include "vs_select_kernel.cuh"
#include "vs_select_launch.h"

namespace mi::vertical_slash {

using namespace selection;

namespace {

int chunks_for(int64_t n) { return static_cast<int>((n + kChunk - 1) / kChunk); }

struct Layout {
  int64_t histograms, states, counts, offsets, scan_temp, scan_temp_bytes, total;
};

Layout layout_of(const mi_vs_select_args& a) {
  const int64_t lists = 2 * a.rows;
  const int64_t counts = lists * chunks_for(a.seq_len);
  size_t scan_bytes = 0;
  MI_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, scan_bytes,
                                              static_cast<const uint64_t*>(nullptr),
                                              static_cast<uint64_t*>(nullptr),
                                              static_cast<int>(counts)));
  Layout w{};
  w.histograms = 0;
  w.states = workspace_aligned(lists * kLevels * kBins * 4);
  w.counts = w.states + workspace_aligned(lists * kLevels * int64_t{sizeof(ListState)});
  w.offsets = w.counts + workspace_aligned(counts * 8);
  w.scan_temp = w.offsets + workspace_aligned(counts * 8);
  w.scan_temp_bytes = static_cast<int64_t>(scan_bytes);
  w.total = w.scan_temp + workspace_aligned(w.scan_temp_bytes);
  return w;
}

}  // namespace

int64_t vs_select_workspace_bytes(const mi_vs_select_args& a) { return layout_of(a).total; }

void launch_vs_select(const mi_vs_select_args& a, void* workspace, cudaStream_t s) {
  const Layout w = layout_of(a);
  auto* base = static_cast<char*>(workspace);
  SelectParams p{};
  p.rows = static_cast<int>(a.rows);
  p.n = static_cast<int>(a.seq_len);
  p.chunks = chunks_for(a.seq_len);
  p.vertical_count = static_cast<int>(a.vertical_count);
  p.slash_count = static_cast<int>(a.slash_count);
  p.vertical_scores = a.vertical_scores;
  p.slash_scores = a.slash_scores;
  p.verticals = a.verticals;
  p.slashes = a.slashes;
  p.histograms = reinterpret_cast<uint32_t*>(base + w.histograms);
  p.states = reinterpret_cast<ListState*>(base + w.states);
  p.chunk_counts = reinterpret_cast<uint64_t*>(base + w.counts);
  p.chunk_offsets = reinterpret_cast<uint64_t*>(base + w.offsets);
  const int lists = 2 * p.rows;
  const dim3 chunked(p.chunks, lists);

  MI_CUDA_CHECK(cudaMemsetAsync(p.histograms, 0, size_t(lists) * kLevels * kBins * 4, s));
  histogram_kernel<0><<<chunked, kThreads, 0, s>>>(p);
  histogram_kernel<1><<<chunked, kThreads, 0, s>>>(p);
  histogram_kernel<2><<<chunked, kThreads, 0, s>>>(p);
  count_kernel<<<chunked, kThreads, 0, s>>>(p);
  MI_CUDA_CHECK(cudaGetLastError());
  size_t temp = static_cast<size_t>(w.scan_temp_bytes);
  MI_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(base + w.scan_temp, temp, p.chunk_counts,
                                              p.chunk_offsets, lists * p.chunks, s));
  write_kernel<<<chunked, kThreads, 0, s>>>(p);
  MI_CUDA_CHECK(cudaGetLastError());
}

}  // namespace mi::vertical_slash
