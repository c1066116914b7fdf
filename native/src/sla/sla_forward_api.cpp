// mi_sla_forward_workspace_size / mi_sla_forward: validation, the workspace layout and the launch
// sequence of sla_forward_params.h (critical blocks, key state, its reduction, the linear branch
// with Proj), all enqueued on the caller's stream: no allocation, no synchronisation.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "../attention/attention_validation.h"
#include "../blocksparse/block_sparse_launch.h"
#include "../common/dispatch.h"
#include "../common/pointer_checks.h"
#include "../common/status.h"
#include "../common/workspace.h"
#include "minference.h"
#include "sla_forward_params.h"
#include "sla_validation.h"

namespace {

using mi::sla::blocks_of;

// The workspace: all keys, the partials and their reduction (one D x D state per group); marginal
// blocks, the per-key-block state rows X and the per-query-block marginal states Y (each as hi + lo
// halves, blocks x state_cols per group) for `chunk_groups` groups at a time: as many as fit in the
// size of Q (at least one), since a group's X and Y take about D / 16 times its share of Q.
struct Layout {
  int64_t partial_h = 0;  // byte offsets
  int64_t partial_z = 0;
  int64_t h_hi = 0;
  int64_t h_lo = 0;
  int64_t z = 0;
  mi::sla::StateBuffers state;
  int64_t w_hi = 0;
  int64_t w_lo = 0;
  int64_t total = 0;
  int64_t chunks = 0;
};

Layout layout_of(const mi_sla_forward_args& a) {
  const int64_t groups = a.batch * a.heads;
  const int64_t d = a.head_dim;
  const int64_t element = 2;  // float16 or bfloat16
  Layout w;
  mi::WorkspaceLayout layout;
  auto take = [&](int64_t bytes) { return layout.take(bytes); };
  if (a.linear_branch == MI_SLA_ALL_KEYS) {
    w.chunks = mi::sla::key_state_chunks(a.seq_len);
    w.partial_h = take(groups * w.chunks * d * d * 4);
    w.partial_z = take(groups * w.chunks * d * 4);
    w.h_hi = take(groups * d * d * element);
    w.h_lo = take(groups * d * d * element);
    w.z = take(groups * d * 4);
  } else {
    w.state = mi::sla::take_state_buffers(layout, blocks_of(a.seq_len), d, groups, groups * a.seq_len * d * element);
  }
  w.w_hi = take(d * d * element);
  w.w_lo = take(d * d * element);
  w.total = layout.total();
  return w;
}

void require_shape(const mi_sla_forward_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  mi::sla::require_sla_sizes(a->seq_len, a->batch, a->heads, a->head_dim);
}

}  // namespace

extern "C" MI_API mi_status mi_sla_forward_workspace_size(const mi_sla_forward_args* args, int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    *bytes = layout_of(*args).total;
  });
}

extern "C" MI_API mi_status mi_sla_forward(const mi_sla_forward_args* args, void* workspace, int64_t workspace_bytes,
                                           mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    const bool keep_sparse = args->o_sparse.data != nullptr;
    const mi::sla::Shape shape{args->dtype, args->batch, args->heads, args->seq_len, args->head_dim};
    // The critical branch writes O_s into o_sparse, or into o (then updated in place).
    const mi_tensor4& sparse_out = keep_sparse ? args->o_sparse : args->o;
    auto attention = [&](const mi_tensor4& o, float* lse) {
      return mi::attention::validate_attention_args(
          mi::sla::attention_args(shape, args->q, args->k, args->v, o, lse, args->softmax_scale));
    };
    const auto params = attention(sparse_out, args->lse);
    const auto output = attention(args->o, nullptr);
    const bool keep_linear = args->o_linear.data != nullptr;
    const auto linear_out = keep_linear ? attention(args->o_linear, nullptr) : output;
    // Q is read after the critical branch has written, and O_s after O_l: the outputs alias nothing.
    mi::sla::require_disjoint(shape, "o", args->o, {{"q", &args->q}, {"o_sparse", &args->o_sparse}, {"o_linear", &args->o_linear}});
    if (keep_sparse) mi::sla::require_disjoint(shape, "o_sparse", args->o_sparse, {{"q", &args->q}, {"o_linear", &args->o_linear}});
    if (keep_linear) mi::sla::require_disjoint(shape, "o_linear", args->o_linear, {{"q", &args->q}});
    const int64_t rows = args->batch * args->heads * args->seq_len;
    const std::initializer_list<mi::sla::NamedTensor> tensors = {
        {"q", &args->q}, {"k", &args->k}, {"v", &args->v}, {"o", &args->o}, {"o_sparse", &args->o_sparse}, {"o_linear", &args->o_linear}};
    if (args->linear_inv_den != nullptr) mi::sla::require_fp32(shape, "linear_inv_den", args->linear_inv_den, rows, tensors);
    mi::sla::require_fp32(shape, "proj_weight", args->proj_weight, args->head_dim * args->head_dim, {});
    mi::sla::require_fp32(shape, "proj_bias", args->proj_bias, args->head_dim, {});
    mi::sla::require_sla_enums(args->feature_map, args->linear_branch);
    mi::sla::require_causal(args->causal, args->linear_branch);
    mi::validate_csr_index("critical", args->critical);
    const bool all_keys = args->linear_branch == MI_SLA_ALL_KEYS;
    if (!all_keys) mi::validate_csr_index("negligible", args->negligible);
    const Layout w = layout_of(*args);
    mi::require_workspace(workspace, workspace_bytes, w.total, "mi_sla_forward_workspace_size");

    auto* base = static_cast<char*>(workspace);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    const int64_t groups = args->batch * args->heads;
    const int blocks = static_cast<int>(blocks_of(args->seq_len));

    mi::blocksparse::BlockSparseArgs critical{};
    critical.blocks = {args->critical.row_ptr, args->critical.values, args->critical.value_count};
    critical.q_blocks = blocks;
    critical.heads = mi::validate_head_list(nullptr, 0, args->heads);
    critical.causal = args->causal == 1;

    mi::sla::KeyStateParams key_state{};
    key_state.x = args->k.data;
    key_state.y = args->v.data;
    key_state.x_strides = params.k_strides;
    key_state.y_strides = params.v_strides;
    key_state.heads = static_cast<int>(args->heads);
    key_state.n = static_cast<int>(args->seq_len);
    key_state.feature_map = args->feature_map;

    // Proj's W split into hi + lo halves (the reduction's extra group); all keys: the totals too.
    mi::sla::ReduceParams reduce{};
    reduce.weight = args->proj_weight;
    reduce.w_hi = base + w.w_hi;
    reduce.w_lo = base + w.w_lo;
    if (all_keys) {
      key_state.chunk_tokens = static_cast<int>(mi::sla::key_state_chunk_tokens(args->seq_len));
      key_state.chunks = static_cast<int>(w.chunks);
      key_state.partial_h = reinterpret_cast<float*>(base + w.partial_h);
      key_state.partial_z = reinterpret_cast<float*>(base + w.partial_z);
      reduce.partial_h = key_state.partial_h;
      reduce.partial_z = key_state.partial_z;
      reduce.chunks = key_state.chunks;
      reduce.scale = 1.f / static_cast<float>(key_state.n);
      reduce.h_hi = base + w.h_hi;
      reduce.h_lo = base + w.h_lo;
      reduce.z = reinterpret_cast<float*>(base + w.z);
      reduce.groups = groups;
    } else {
      // One row per key block, [h_j, z_j] / 64 (a per-token mean: fp16 holds it); the GEMM scales
      // the marginal sums by 64 / n, the range of the totals.
      key_state = mi::sla::as_state_rows(key_state, base, w.state, blocks);
      reduce.groups = 0;  // W only
    }

    mi::sla::StateGemmParams gemm = mi::sla::state_gemm_over(base, w.state, blocks, args->causal == 1);
    gemm.critical = critical.blocks;
    if (!all_keys) gemm.negligible = {args->negligible.row_ptr, args->negligible.values, args->negligible.value_count};
    gemm.scale = 64.f / static_cast<float>(key_state.n);

    mi::sla::LinearParams linear{};
    linear.q = args->q.data;
    linear.o_sparse = sparse_out.data;
    linear.o = args->o.data;
    linear.o_linear = keep_linear ? args->o_linear.data : nullptr;
    linear.q_strides = params.q_strides;
    linear.s_strides = params.o_strides;
    linear.o_strides = output.o_strides;
    linear.l_strides = linear_out.o_strides;
    linear.heads = key_state.heads;
    linear.n = key_state.n;
    linear.blocks = blocks;
    linear.feature_map = args->feature_map;
    linear.all_keys = all_keys;
    linear.h_hi = all_keys ? reduce.h_hi : gemm.y_hi;
    linear.h_lo = all_keys ? reduce.h_lo : gemm.y_lo;
    linear.z = reduce.z;
    linear.state_cols = w.state.state_cols;
  linear.any = all_keys ? nullptr : gemm.any;
    linear.w_hi = reduce.w_hi;
    linear.w_lo = reduce.w_lo;
    linear.bias = args->proj_bias;
    linear.inv_den = args->linear_inv_den;

    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(args->dtype, args->head_dim, [&](auto hd, auto element) {
      cudaError_t err = mi::blocksparse::run_block_sparse_fwd<hd(), element()>(params, critical, s);
      if (all_keys) {
        if (err == cudaSuccess) err = mi::sla::run_key_state<hd(), element()>(key_state, groups, s);
        if (err == cudaSuccess) err = mi::sla::run_reduce_key_state<hd(), element()>(reduce, s);
        if (err == cudaSuccess) err = mi::sla::run_linear_fwd<hd(), element()>(linear, groups, s);
        return err;
      }
      if (err == cudaSuccess) err = mi::sla::run_reduce_key_state<hd(), element()>(reduce, s);
      // The marginal states of chunk_groups groups at a time, in the same workspace.
      for (int64_t first = 0; first < groups && err == cudaSuccess; first += w.state.chunk_groups) {
        const int64_t count = std::min(w.state.chunk_groups, groups - first);
        key_state.group_offset = gemm.group_offset = linear.group_offset = first;
        // C's bits and row flags first: the state rows of a group without marginal blocks are skipped.
        err = mi::sla::run_marginal_mask(gemm, count, s);
        if (err == cudaSuccess) err = mi::sla::run_key_state<hd(), element()>(key_state, count, s);
        if (err == cudaSuccess) err = mi::sla::run_state_gemm<element()>(gemm, count, s);
        if (err == cudaSuccess) err = mi::sla::run_linear_fwd<hd(), element()>(linear, count, s);
      }
      return err;
    }));
  });
}
