// validate_head_list (head_list.h).
#include "head_list.h"

#include <string>
#include <vector>

#include "pointer_checks.h"
#include "status.h"

namespace mi {

HeadList validate_head_list(const int32_t* heads, int32_t head_count, int64_t q_heads,
                            const mi_head_routes& routes) {
  HeadList list{};
  if (routes.run_dense != 0 && routes.run_dense != 1)
    invalid("routes.run_dense=" + std::to_string(routes.run_dense) + " must be 0 or 1");
  require_aligned_if_present(routes.codes, alignof(int32_t), "routes.codes");
  list.route_codes = routes.codes;
  list.run_dense = routes.run_dense;
  if (heads == nullptr) {
    if (q_heads > kMaxHeadList)
      invalid("q_heads=" + std::to_string(q_heads) + " exceeds MI_MAX_HEAD_LIST=" +
              std::to_string(kMaxHeadList) + "; pass explicit head lists");
    list.count = static_cast<int>(q_heads);
    for (int h = 0; h < list.count; ++h) list.ids[h] = static_cast<int16_t>(h);
    return list;
  }
  if (head_count < 1 || head_count > kMaxHeadList)
    invalid("head_count=" + std::to_string(head_count) + " must be in [1, " +
            std::to_string(kMaxHeadList) + "]");
  std::vector<bool> seen(static_cast<size_t>(q_heads), false);
  list.count = head_count;
  for (int i = 0; i < head_count; ++i) {
    const int32_t h = heads[i];
    if (h < 0 || h >= q_heads)
      invalid("heads[" + std::to_string(i) + "]=" + std::to_string(h) + " must be in [0, " +
              std::to_string(q_heads) + ")");
    if (seen[static_cast<size_t>(h)])
      invalid("heads[" + std::to_string(i) + "]=" + std::to_string(h) + " appears twice");
    seen[static_cast<size_t>(h)] = true;
    list.ids[i] = static_cast<int16_t>(h);
  }
  return list;
}

}  // namespace mi
