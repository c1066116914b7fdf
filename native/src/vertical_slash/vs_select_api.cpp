// mi_vs_select_workspace_size / mi_vs_select: validation of the selection's arguments, then the
// launches in vs_select_launch.cu (the algorithm is described in vs_select_kernel.cuh).
#include <cuda_runtime_api.h>

#include <climits>
#include <cstdint>
#include <string>

#include "../common/status.h"
#include "minference.h"
#include "vs_select_launch.h"

namespace mi::vertical_slash {
namespace {

// The sizes (all a workspace query reads).
void validate(const mi_vs_select_args* a) {
  if (a == nullptr) invalid("args must not be NULL");
  if (a->rows < 1 || a->seq_len < 1)
    invalid("rows=" + std::to_string(a->rows) + " and seq_len=" + std::to_string(a->seq_len) +
            " must be >= 1");
  if (a->rows * a->seq_len > INT32_MAX)
    invalid("rows * seq_len = " + std::to_string(a->rows * a->seq_len) +
            " candidates exceed 2^31 - 1; select fewer heads per call");
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
    *bytes = mi::vertical_slash::vs_select_workspace_bytes(*args);
  });
}

extern "C" MI_API mi_status mi_vs_select(const mi_vs_select_args* args, void* workspace,
                                         int64_t workspace_bytes, mi_stream stream) {
  using namespace mi::vertical_slash;
  return mi::guarded([&] {
    validate(args);
    require_pointers(args);
    const int64_t needed = vs_select_workspace_bytes(*args);
    mi::require_workspace(workspace, workspace_bytes, needed, "mi_vs_select_workspace_size");
    launch_vs_select(*args, workspace, reinterpret_cast<cudaStream_t>(stream));
  });
}
