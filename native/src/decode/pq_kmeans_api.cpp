// mi_pq_kmeans and its workspace size: validated arguments dispatched to the sub-vector length.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "minference.h"
#include "pq_kmeans_launch.h"

static_assert(sizeof(mi_pq_kmeans_args) == 64, "the C# mirror (MiPqKMeansArgs, StructLayoutTests) assumes 64 bytes");

namespace {

constexpr int64_t kMaxIterations = int64_t{1} << 20;
// problems·points bounds every buffer (data is 4·dim bytes per point): far past any device memory,
// and small enough that no byte count below overflows int64.
constexpr int64_t kMaxTotalPoints = int64_t{1} << 50;

void require_range(const char* name, int64_t value, int64_t lo, int64_t hi, const char* why = "") {
  if (value < lo || value > hi)
    mi::invalid(std::string(name) + "=" + std::to_string(value) + " must be in [" + std::to_string(lo) +
                ", " + std::to_string(hi) + "]" + why);
}

void validate_sizes(const mi_pq_kmeans_args& a) {
  require_range("problems", a.problems, 1, INT32_MAX, " (one CTA each)");
  require_range("points", a.points, 1, INT32_MAX);
  require_range("dim", a.dim, 1, 4, " (head_dim / M floats per sub-vector)");
  require_range("iterations", a.iterations, 0, kMaxIterations);
  if (a.problems > kMaxTotalPoints / a.points)
    mi::invalid("problems=" + std::to_string(a.problems) + " times points=" + std::to_string(a.points) +
                " must be at most 2^50");
}

int64_t workspace_bytes(const mi_pq_kmeans_args& a) { return a.problems * a.points; }

struct Span {
  const void* data;
  int64_t bytes;
  const char* name;
};

bool overlap(const Span& x, const Span& y) {
  const auto a = reinterpret_cast<uintptr_t>(x.data);
  const auto b = reinterpret_cast<uintptr_t>(y.data);
  return a < b + static_cast<uintptr_t>(y.bytes) && b < a + static_cast<uintptr_t>(x.bytes);
}

void require_disjoint(const Span& x, const Span& y, const char* why) {
  if (x.data != nullptr && y.data != nullptr && overlap(x, y))
    mi::invalid(std::string(x.name) + " and " + y.name + " must not overlap (" + why + ")");
}

mi::decode::PqKMeansParams validate(const mi_pq_kmeans_args& a, void* workspace, int64_t bytes) {
  validate_sizes(a);
  mi::require_aligned(a.data, alignof(float), "data");
  mi::require_aligned(a.initial_centroids, alignof(float), "initial_centroids");
  mi::require_aligned(a.centroids, alignof(float), "centroids");
  mi::require_workspace(workspace, bytes, workspace_bytes(a), "mi_pq_kmeans_workspace_size");

  const int64_t book_bytes = a.problems * MI_PQ_CENTROIDS * a.dim * int64_t{sizeof(float)};
  const Span data{a.data, a.problems * a.points * a.dim * int64_t{sizeof(float)}, "data"};
  const Span initial{a.initial_centroids, book_bytes, "initial_centroids"};
  const Span centroids{a.centroids, book_bytes, "centroids"};
  const Span assignments{a.assignments, workspace_bytes(a), "assignments"};
  const Span scratch{workspace, workspace_bytes(a), "workspace"};
  // Each problem's CTA reads its initial centroids before writing its centroids, so in place is
  // fine; a shifted overlap would let one problem overwrite another's start.
  if (a.centroids != a.initial_centroids)
    require_disjoint(centroids, initial, "or be the same buffer, for training in place");
  const char* written = "written while other problems still read it";
  require_disjoint(centroids, data, written);
  require_disjoint(assignments, data, written);
  require_disjoint(assignments, initial, written);
  require_disjoint(assignments, centroids, "both are written");
  require_disjoint(scratch, data, written);
  require_disjoint(scratch, initial, written);
  require_disjoint(scratch, centroids, "both are written");
  require_disjoint(scratch, assignments, "both are written");
  // Last: the only checks that ask the driver.
  mi::check_device_pointer("data", a.data);
  mi::check_device_pointer("initial_centroids", a.initial_centroids);
  mi::check_device_pointer("centroids", a.centroids);
  if (a.assignments != nullptr) mi::check_device_pointer("assignments", a.assignments);
  mi::check_device_pointer("workspace", workspace);

  mi::decode::PqKMeansParams p{};
  p.data = a.data;
  p.initial_centroids = a.initial_centroids;
  p.centroids = a.centroids;
  p.assignments = a.assignments;
  p.workspace = static_cast<uint8_t*>(workspace);
  p.points = a.points;
  p.iterations = static_cast<int>(a.iterations);
  return p;
}

}  // namespace

extern "C" MI_API mi_status mi_pq_kmeans_workspace_size(const mi_pq_kmeans_args* args, int64_t* bytes) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    validate_sizes(*args);
    *bytes = workspace_bytes(*args);
  });
}

extern "C" MI_API mi_status mi_pq_kmeans(const mi_pq_kmeans_args* args, void* workspace,
                                         int64_t workspace_bytes_given, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    const auto p = validate(*args, workspace, workspace_bytes_given);
    MI_CUDA_CHECK(mi::decode::run_pq_kmeans(p, args->problems, static_cast<int>(args->dim),
                                            reinterpret_cast<cudaStream_t>(stream)));
  });
}
