// mi_attention_permuted_fwd: shared operand validation, the head list, the index and the order array,
// then the (head_dim, dtype) instantiation.
#include <cuda_runtime_api.h>

#include "../attention/attention_validation.h"
#include "../common/dispatch.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "permuted_launch.h"
#include "minference.h"

extern "C" MI_API mi_status mi_attention_permuted_fwd(const mi_permuted_attention_args* args,
                                                  mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    mi::attention::require_square_causal(args->attention, "permuted-block");
    mi::permuted::PermutedArgs pattern{};
    pattern.heads = mi::validate_head_list(args->heads, args->head_count,
                                           args->attention.q_heads, args->routes);
    const auto params = mi::attention::validate_attention_args(args->attention);
    mi::validate_csr_index("blocks", args->blocks);
    if (args->order == nullptr) mi::invalid("order must not be NULL");
    mi::require_aligned(args->order, alignof(int32_t), "order");
    mi::check_device_pointer("order", args->order);
    pattern.blocks = {args->blocks.row_ptr, args->blocks.values, args->blocks.value_count};
    pattern.order = args->order;
    pattern.q_blocks = (params.q_len + 63) / 64;
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->attention.dtype, args->attention.head_dim, [&](auto head_dim, auto element) {
          return mi::permuted::run_permuted_fwd<head_dim(), element()>(params, pattern, s);
        }));
  });
}
