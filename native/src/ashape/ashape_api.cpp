// mi_attention_ashape_fwd: validates the operands (shared attention validation), the A-shape sizes
// and the head list, then dispatches to the (head_dim, dtype) instantiation.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../attention/attention_validation.h"
#include "../common/status.h"
#include "ashape_launch.h"
#include "minference.h"

namespace mi::ashape {
namespace {

using attention::AttentionFwdParams;
using attention::ElementType;
using attention::HeadList;

static_assert(attention::kMaxHeadList == MI_MAX_HEAD_LIST, "head list capacity matches the ABI");

constexpr int64_t kMaxSize = int64_t{1} << 30;

HeadList validate_heads(const int32_t* heads, int32_t head_count, int64_t q_heads) {
  HeadList list{};
  if (heads == nullptr) {
    if (q_heads > attention::kMaxHeadList)
      invalid("q_heads=" + std::to_string(q_heads) + " exceeds MI_MAX_HEAD_LIST=" +
              std::to_string(attention::kMaxHeadList) + "; pass explicit head lists");
    list.count = static_cast<int>(q_heads);
    for (int h = 0; h < list.count; ++h) list.ids[h] = static_cast<int16_t>(h);
    return list;
  }
  if (head_count < 1 || head_count > attention::kMaxHeadList)
    invalid("head_count=" + std::to_string(head_count) + " must be in [1, " +
            std::to_string(attention::kMaxHeadList) + "]");
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

template <ElementType kElement>
cudaError_t dispatch_head_dim(int64_t head_dim, const AttentionFwdParams& p, const AShapeArgs& a,
                              cudaStream_t s) {
  switch (head_dim) {
    case 64:
      return run_ashape_fwd<64, kElement>(p, a, s);
    case 128:
      return run_ashape_fwd<128, kElement>(p, a, s);
    default:
      fail(MI_ERR_UNSUPPORTED,
           "head_dim=" + std::to_string(head_dim) + " has no kernel in this build");
  }
}

}  // namespace
}  // namespace mi::ashape

extern "C" MI_API mi_status mi_attention_ashape_fwd(const mi_ashape_attention_args* args,
                                                    mi_stream stream) {
  using namespace mi::ashape;
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    if (args->attention.causal != 1)
      mi::invalid("attention.causal=" + std::to_string(args->attention.causal) +
                  " must be 1: the A-shape pattern is causal");
    if (args->sink_tokens < 0 || args->sink_tokens > kMaxSize)
      mi::invalid("sink_tokens=" + std::to_string(args->sink_tokens) + " must be in [0, 2^30]");
    if (args->local_window < 1 || args->local_window > kMaxSize)
      mi::invalid("local_window=" + std::to_string(args->local_window) + " must be in [1, 2^30]");
    AShapeArgs ashape{};
    ashape.heads = validate_heads(args->heads, args->head_count, args->attention.q_heads);
    ashape.sink_tokens = static_cast<int>(args->sink_tokens);
    ashape.local_window = static_cast<int>(args->local_window);
    const AttentionFwdParams params = mi::attention::validate_attention_args(args->attention);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    const cudaError_t err =
        args->attention.dtype == MI_DTYPE_BFLOAT16
            ? dispatch_head_dim<ElementType::kBFloat16>(args->attention.head_dim, params, ashape, s)
            : dispatch_head_dim<ElementType::kFloat16>(args->attention.head_dim, params, ashape, s);
    MI_CUDA_CHECK(err);
  });
}
