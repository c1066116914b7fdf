// The arithmetic of MInference's vertical-slash index conversion, restated so that the work shared
// by every query block is done once per row (host and device code: the host build of this header
// is how the restatement is checked against the plain walk).
//
// MInference converts one 64-row query block m (end_m = 64(m + 1)) at a time: walking the kept
// diagonal offsets s (descending), each active one (s < end_m) ends a 64-column range at
// e = max(end_m - s, 64); a range "extends" by one whole block when the next e lies at most 64
// past its end, and is flushed (a new range opens at that e) when it lies farther. In offset
// terms the blocks of a range opened by offset h are windows aligned at h: offset x lies in window
// w_h(x) = ceil((h - x) / 64) (0 when x >= h), and the range goes on while consecutive kept offsets
// skip no window. Since end_m is a multiple of 64, w_h does not depend on m:
//   * the range opened at slash a (offset h) covers the slashes up to the first pair (t, t + 1)
//     whose windows differ by two or more, in w_h(s_t) + 1 blocks: this is range_walk();
//   * a query block's walk is its first range (opened by its first active slash, or by the clamped
//     e = 64, i.e. the offset 64m, when that slash lies within [64m, end_m)), then the chain of
//     ranges opened by real slashes, each determined by its opening slash alone;
//   * a gap of >= 128 between consecutive slashes always breaks a range, so every walk that reaches
//     it goes on with the same ranges: the chains of all query blocks merge into the "main chain",
//     the walk of the whole list from slash 0, which the row computes once (mc_s: its opening
//     offsets, mc_pos: prefix sums of its block counts).
// A query block then walks only its few ranges before it reaches a main-chain opening (usually
// none or one), and takes the rest of the main chain shifted by end_m.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define MI_HD __host__ __device__ __forceinline__
#else
#define MI_HD inline
#endif

namespace mi::vertical_slash::chain {

constexpr int kBlock = 64;

// Window of offset x in a range opened by offset h.
MI_HD int window(int h, int x) { return x >= h ? 0 : (h - x + kBlock - 1) / kBlock; }

// One row's slash list and what the row precomputes from it (all arrays may live in shared memory).
struct Row {
  const int32_t* slashes;  // s[0..count), descending
  const int32_t* next_gap; // next_gap[t]: first t' >= t with s[t'] - s[t' + 1] > 64, else count - 1
  const int32_t* mc_s;     // main-chain opening offsets, descending
  const int32_t* mc_pos;   // [mc_count + 1]: blocks of the main chain before each opening
  const uint16_t* cover;   // optional (nullptr): the main chain's coverage by 64-wide bucket
  int count;
  int mc_count;
};

struct Range {
  int last;    // index of the last slash the range covers (the next range opens at last + 1)
  int blocks;  // whole 64-column blocks of the range
};

// The range opened by offset h whose first covered slash is a (w_h(s[a]) == 0). Only pairs with a
// gap above 64 can skip a window, so next_gap jumps over the others.
MI_HD Range range_walk(const Row& r, int h, int a) {
  int t = a;
  while (true) {
    t = r.next_gap[t];
    if (t == r.count - 1) break;
    if (window(h, r.slashes[t + 1]) >= window(h, r.slashes[t]) + 2) break;
    ++t;
  }
  return {t, window(h, r.slashes[t]) + 1};
}

// A pair whose gap is >= 128 breaks every range: the slash after it opens a range in every walk.
MI_HD bool opens_segment(const Row& r, int i) {
  return i == 0 || r.slashes[i - 1] - r.slashes[i] >= 2 * kBlock;
}

// The first slash active in a query block ending at end_m (s < end_m); count when none is.
MI_HD int first_active(const int32_t* s, int count, int end_m) {
  int lo = 0, hi = count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (s[mid] >= end_m) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Index of the main-chain opening at offset h, or -1. Openings are first among equal offsets (the
// pair before them has a gap), so equal offsets mean the same slash.
MI_HD int mc_find(const Row& r, int h) {
  int lo = 0, hi = r.mc_count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (r.mc_s[mid] > h) lo = mid + 1;
    else hi = mid;
  }
  return lo < r.mc_count && r.mc_s[lo] == h ? lo : -1;
}

// The last main-chain range from `first` on that starts at or left of column c (in a query block
// ending at end_m), or first - 1 when none does. Range q starts at end_m - mc_s[q] - 64.
MI_HD int mc_range_at(const Row& r, int first, int end_m, int c) {
  const int64_t x = int64_t(end_m) - kBlock - c;  // range q starts at or left of c: mc_s[q] >= x
  int lo = first, hi = r.mc_count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (r.mc_s[mid] >= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

MI_HD int mc_blocks(const Row& r, int q) { return r.mc_pos[q + 1] - r.mc_pos[q]; }

// First column of main-chain range q in a query block ending at end_m.
MI_HD int mc_start(const Row& r, int q, int end_m) { return end_m - r.mc_s[q] - kBlock; }

// The ranges a query block walks before it joins the main chain.
struct Serial {
  int start;   // first column
  int blocks;
};

// Everything a query block's conversion needs besides its serial ranges.
struct Plan {
  int serial;       // ranges walked before the main chain (stored by plan_block)
  bool overflow;    // the walk needed more than max_serial of them: convert with the plain walk
  int mc_first;     // main-chain range the walk joins at, or -1 when it ends first
  int64_t blocks;   // block starts of the query block
  int limit;        // only verticals left of this can be gathered: min(end_m, end of the last range)
};

// Plans query block m: walks its serial ranges (stored in `serial` when `store`, up to max_serial)
// and joins the main chain. No active slash: no blocks and no columns (limit 0).
MI_HD Plan plan_block(const Row& r, int m, Serial* serial, int max_serial, bool store) {
  const int end_m = (m + 1) * kBlock;
  Plan p{0, false, -1, 0, 0};
  int a = first_active(r.slashes, r.count, end_m);
  if (a == r.count) return p;
  // A first slash within [64m, end_m) clamps to e = 64: the range the offset 64m would open.
  int h = r.slashes[a] < m * kBlock ? r.slashes[a] : m * kBlock;
  int end = 0;
  if (h == r.slashes[a]) p.mc_first = mc_find(r, h);
  while (p.mc_first < 0) {
    const Range range = range_walk(r, h, a);
    if (p.serial == max_serial) {
      p.overflow = true;
      return p;
    }
    if (store) serial[p.serial] = {end_m - h - kBlock, range.blocks};
    ++p.serial;
    p.blocks += range.blocks;
    end = end_m - h - kBlock + range.blocks * kBlock;
    a = range.last + 1;
    if (a == r.count) break;
    h = r.slashes[a];
    p.mc_first = mc_find(r, h);
  }
  if (p.mc_first >= 0) {
    const int last = r.mc_count - 1;
    p.blocks += r.mc_pos[r.mc_count] - r.mc_pos[p.mc_first];
    end = mc_start(r, last, end_m) + mc_blocks(r, last) * kBlock;
  }
  p.limit = end < end_m ? end : end_m;
  return p;
}

// The main chain's coverage in terms of u = end_m - c (the same for every query block): main-chain
// range q covers u in (s_q + 64 - 64 * blocks_q, s_q + 64]. Ranges are >= 64 long and the gaps
// between them >= 1, so within any 64 consecutive values of u the uncovered ones form one run:
// bucket u / 64 stores it as first | end << 7 (offsets within the bucket; 0 | 0 when all are
// covered). cover_buckets(n) buckets span u in [0, n + 64).
MI_HD int64_t cover_buckets(int64_t n) { return n / kBlock + 2; }
MI_HD uint16_t cover_entry(int first, int end) { return uint16_t(first | (end << 7)); }

// Gap g of the main chain in u: g = 0 lies above range 0, g = q + 1 below range q (the last one
// unbounded below). Returns the gap as the half-open u interval [lo, hi), clipped to [0, limit).
MI_HD void cover_gap(const Row& r, int g, int64_t limit, int64_t& lo, int64_t& hi) {
  hi = g == 0 ? limit : int64_t(r.mc_s[g - 1]) + kBlock - int64_t(kBlock) * mc_blocks(r, g - 1) + 1;
  lo = g == r.mc_count ? 0 : int64_t(r.mc_s[g]) + kBlock + 1;
  if (hi > limit) hi = limit;
  if (lo < 0) lo = 0;
}

// Entry of bucket b (u in [64b, 64b + 64)) of the coverage table, limit = 64 * cover_buckets(n).
// At most one gap meets a bucket, and if one does it is the first (highest) gap that starts at or
// below the bucket's top: gap g starts at s_g + 65, so g is the number of openings with
// s_q + 65 > 64b + 63.
MI_HD uint16_t cover_bucket(const Row& r, int64_t b, int64_t limit) {
  const int64_t x = b * kBlock;
  int lo = 0, hi = r.mc_count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (int64_t(r.mc_s[mid]) + kBlock + 1 > x + kBlock - 1) lo = mid + 1;
    else hi = mid;
  }
  int64_t gap_lo, gap_hi;
  cover_gap(r, lo, limit, gap_lo, gap_hi);
  const int64_t first = gap_lo > x ? gap_lo - x : 0;
  const int64_t end = gap_hi < x + kBlock ? gap_hi - x : kBlock;
  return first < end ? cover_entry(int(first), int(end)) : cover_entry(0, 0);
}

// Whether column c (< plan.limit) lies in one of the query block's ranges, i.e. is not gathered.
MI_HD bool covered(const Row& r, const Plan& p, const Serial* serial, int end_m, int c) {
  if (p.mc_first >= 0 && c >= mc_start(r, p.mc_first, end_m)) {
    if (r.cover != nullptr) {  // u = end_m - c is in (0, s_{mc_first} + 64]
      const int u = end_m - c;
      const int entry = r.cover[u / kBlock];
      const int at = u % kBlock;
      return at < (entry & 127) || at >= (entry >> 7);
    }
    const int q = mc_range_at(r, p.mc_first, end_m, c);
    return c < mc_start(r, q, end_m) + mc_blocks(r, q) * kBlock;
  }
  for (int i = 0; i < p.serial && serial[i].start <= c; ++i)
    if (c < serial[i].start + serial[i].blocks * kBlock) return true;
  return false;
}

}  // namespace mi::vertical_slash::chain
