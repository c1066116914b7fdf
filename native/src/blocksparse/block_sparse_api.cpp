// mi_attention_block_sparse_fwd: shared operand validation, the head list and the index's
// pointers, then the (head_dim, dtype) instantiation.
#include <cuda_runtime_api.h>

#include "../attention/attention_validation.h"
#include "../common/dispatch.h"
#include "../common/status.h"
#include "block_sparse_launch.h"
#include "minference.h"

extern "C" MI_API mi_status mi_attention_block_sparse_fwd(
    const mi_block_sparse_attention_args* args, mi_stream stream) {
  return mi::guarded([&] {
    if (args == nullptr) mi::invalid("args must not be NULL");
    mi::attention::require_square(args->attention, "block-sparse");
    mi::blocksparse::BlockSparseArgs pattern{};
    pattern.heads = mi::validate_head_list(args->heads, args->head_count,
                                           args->attention.q_heads, args->routes);
    const auto params = mi::attention::validate_attention_args(args->attention);
    mi::validate_csr_index("blocks", args->blocks);
    pattern.blocks = {args->blocks.row_ptr, args->blocks.values, args->blocks.value_count};
    pattern.q_blocks = (params.q_len + 63) / 64;
    pattern.causal = args->attention.causal != 0;
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(
        args->attention.dtype, args->attention.head_dim, [&](auto head_dim, auto element) {
          return mi::blocksparse::run_block_sparse_fwd<head_dim(), element()>(params, pattern, s);
        }));
  });
}
