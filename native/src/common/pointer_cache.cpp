// See pointer_cache.h.
#include "pointer_cache.h"

#include <array>
#include <atomic>

namespace mi {
namespace {

struct Entry {
  const void* ptr = nullptr;
  int device = -1;
  uint64_t generation = 0;
};

// Generation 0 is never current, so zero-initialised entries never match.
std::atomic<uint64_t> g_generation{1};

// A handful of slots is enough: one layer touches q, k, v, o, lse and its workspace.
constexpr int kSlots = 16;
thread_local std::array<Entry, kSlots> t_entries{};
thread_local int t_next = 0;

}  // namespace

bool pointer_checked(const void* ptr, int device) noexcept {
  const uint64_t generation = g_generation.load(std::memory_order_acquire);
  for (const Entry& entry : t_entries)
    if (entry.ptr == ptr && entry.device == device && entry.generation == generation) return true;
  return false;
}

void remember_checked_pointer(const void* ptr, int device) noexcept {
  t_entries[t_next] = {ptr, device, g_generation.load(std::memory_order_acquire)};
  t_next = (t_next + 1) % kSlots;
}

void forget_checked_pointers() noexcept { g_generation.fetch_add(1, std::memory_order_acq_rel); }

}  // namespace mi
