// mi_grid_estimate: validated arguments, then the stride/phase and order kernels.
#include <cuda_runtime_api.h>

#include <cmath>
#include <string>

#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "grid_estimate_launch.h"
#include "minference.h"

static_assert(MI_GRID_MAX_CANDIDATES == mi::grid::kMaxCandidates, "header and kernel agree on the candidate limit");

extern "C" MI_API mi_status mi_grid_estimate(const mi_grid_estimate_args* args, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    const auto& a = *args;
    if (a.batch < 1 || a.head_count < 1) mi::invalid("batch and head_count must be >= 1");
    if (a.batch * a.head_count > 65535)
      mi::invalid("batch * head_count = " + std::to_string(a.batch * a.head_count) + " must be at most 65535 (one grid row each)");
    if (a.seq_len < 1 || a.seq_len > (int64_t{1} << 31) - 1) mi::invalid("seq_len=" + std::to_string(a.seq_len) + " must be in [1, 2^31)");
    if (a.last_queries < 1) mi::invalid("last_queries=" + std::to_string(a.last_queries) + " must be >= 1");
    if (a.candidates == nullptr && a.candidate_count != 0) mi::invalid("candidates must not be NULL");
    if (a.candidate_count < 0 || a.candidate_count > MI_GRID_MAX_CANDIDATES)
      mi::invalid("candidate_count=" + std::to_string(a.candidate_count) + " must be in [0, " + std::to_string(MI_GRID_MAX_CANDIDATES) + "]");
    if (!(a.tolerance >= 0.f && a.tolerance < 1.f)) mi::invalid("tolerance must be in [0, 1)");
    if (!(a.min_contrast >= 0.f && a.min_contrast < 1e30f)) mi::invalid("min_contrast must be finite and >= 0");
    mi::grid::GridEstimateParams p{};
    for (int32_t i = 0; i < a.candidate_count; ++i) {
      const int32_t stride = a.candidates[i];
      if (stride < 2 || (i > 0 && stride <= a.candidates[i - 1]))
        mi::invalid("candidates[" + std::to_string(i) + "]=" + std::to_string(stride) + ": expected ascending, distinct strides >= 2");
      p.candidates[i] = stride;
    }
    for (const auto& [name, pointer] : {std::pair{"vertical_scores", static_cast<const void*>(a.vertical_scores)},
                                        std::pair{"slash_scores", static_cast<const void*>(a.slash_scores)},
                                        std::pair{"strides", static_cast<const void*>(a.strides)},
                                        std::pair{"phases", static_cast<const void*>(a.phases)},
                                        std::pair{"order", static_cast<const void*>(a.order)}}) {
      if (pointer == nullptr) mi::invalid(std::string(name) + " must not be NULL");
      mi::require_aligned(pointer, 4, name);
      mi::check_device_pointer(name, pointer);
    }
    p.rows = a.batch * a.head_count;
    p.seq_len = a.seq_len;
    p.last_queries = a.last_queries;
    p.vertical = a.vertical_scores;
    p.slash = a.slash_scores;
    p.candidate_count = a.candidate_count;
    p.tolerance = a.tolerance;
    p.min_contrast = a.min_contrast;
    p.strides = a.strides;
    p.phases = a.phases;
    p.order = a.order;
    MI_CUDA_CHECK(mi::grid::run_grid_estimate(p, reinterpret_cast<cudaStream_t>(stream)));
  });
}
