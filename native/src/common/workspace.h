// Layout of caller-provided workspaces: every sub-buffer starts on a 256-byte boundary (what
// cudaMalloc guarantees, and what cub's temporary storage expects), so a layout computed for the
// size query is the one bound at launch.
#pragma once

#include <cstdint>

namespace mi {

constexpr int64_t kWorkspaceAlign = 256;

// `bytes` rounded up to the workspace alignment.
constexpr int64_t workspace_aligned(int64_t bytes) {
  return (bytes + kWorkspaceAlign - 1) / kWorkspaceAlign * kWorkspaceAlign;
}

// Sub-buffers laid out one after another, each aligned: take() returns a byte offset.
class WorkspaceLayout {
 public:
  int64_t take(int64_t bytes) {
    const int64_t offset = total_;
    total_ += workspace_aligned(bytes);
    return offset;
  }
  int64_t total() const { return total_; }

 private:
  int64_t total_ = 0;
};

}  // namespace mi
