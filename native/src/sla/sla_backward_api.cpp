// mi_sla_backward_workspace_size / mi_sla_backward: validation, the workspace layout and the launch
// sequence of sla_backward_params.h, all enqueued on the caller's stream: no allocation, no
// synchronisation, no atomics (the result is bit-for-bit repeatable).
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "../attention/attention_validation.h"
#include "../common/dispatch.h"
#include "../common/status.h"
#include "../common/workspace.h"
#include "minference.h"
#include "sla_backward_params.h"
#include "sla_forward_params.h"
#include "sla_validation.h"

namespace {

using mi::sla::blocks_of;

struct Columns {
  int64_t counts, col_ptr, values;  // byte offsets
};

// The workspace. Both branches: the column indices, the partials of the sums over every token
// (dW, db; all keys also H and dH), W's halves, and per row delta, dden and dnum. All keys: the
// totals H, Z, dH, dZ. Marginal blocks: the state rows X and the GEMM's states Y (each as hi + lo
// halves, blocks x state_cols per group) for `chunk_groups` groups at a time, as many as keep the
// whole within twice the size of Q (at least one).
struct Layout {
  Columns critical, negligible;
  int64_t partial_h, partial_z, h_hi, h_lo, z, dh_hi, dh_lo, dz, w_hi, w_lo, delta, dden, dnum;
  mi::sla::StateBuffers state;
  int64_t chunks = 0;
  int64_t total = 0;
};

Layout layout_of(const mi_sla_backward_args& a) {
  const int64_t groups = a.batch * a.heads;
  const int64_t d = a.head_dim;
  const int64_t blocks = blocks_of(a.seq_len);
  const int64_t rows = groups * blocks;
  const int64_t element = 2;
  const bool all_keys = a.linear_branch == MI_SLA_ALL_KEYS;
  Layout w{};
  w.chunks = mi::sla::key_state_chunks(a.seq_len);
  mi::WorkspaceLayout layout;
  auto take = [&](int64_t bytes) { return layout.take(bytes); };
  // The negligible index is read (and its columns built) only with the marginal-blocks branch.
  const int64_t negligible = all_keys ? 0 : a.negligible.value_count;
  for (auto [columns, entries] : {std::pair{&w.critical, a.critical.value_count}, std::pair{&w.negligible, negligible}}) {
    columns->counts = take(rows * 8);
    columns->col_ptr = take((rows + 1) * 8);
    columns->values = take(std::max<int64_t>(entries, 1) * 4);
  }
  w.partial_h = take(groups * w.chunks * d * d * 4);
  w.partial_z = take(groups * w.chunks * d * 4);
  if (all_keys) {
    w.h_hi = take(groups * d * d * element);
    w.h_lo = take(groups * d * d * element);
    w.z = take(groups * d * 4);
    w.dh_hi = take(groups * d * d * element);
    w.dh_lo = take(groups * d * d * element);
    w.dz = take(groups * d * 4);
  }
  w.w_hi = take(d * d * element);
  w.w_lo = take(d * d * element);
  w.delta = take(groups * a.seq_len * 4);
  w.dden = take(groups * a.seq_len * 4);
  w.dnum = take(groups * a.seq_len * d * element);
  if (!all_keys)
    w.state = mi::sla::take_state_buffers(layout, blocks, d, groups, 2 * groups * a.seq_len * d * element - layout.total());
  w.total = layout.total();
  return w;
}

void require_shape(const mi_sla_backward_args* a) {
  if (a == nullptr) mi::invalid("args must not be NULL");
  mi::sla::require_sla_sizes(a->seq_len, a->batch, a->heads, a->head_dim);
  if (a->critical.value_count < 0 || a->negligible.value_count < 0)
    mi::invalid("the indices' value_count must be >= 0");
}

}  // namespace

extern "C" MI_API mi_status mi_sla_backward_workspace_size(const mi_sla_backward_args* args, int64_t* bytes) {
  return mi::guarded([&] {
    require_shape(args);
    if (bytes == nullptr) mi::invalid("bytes must not be NULL");
    *bytes = layout_of(*args).total;
  });
}

extern "C" MI_API mi_status mi_sla_backward(const mi_sla_backward_args* args, void* workspace, int64_t workspace_bytes,
                                            mi_stream stream) {
  return mi::guarded([&] {
    require_shape(args);
    const mi::sla::Shape shape{args->dtype, args->batch, args->heads, args->seq_len, args->head_dim};
    auto operands = [&](const mi_tensor4& o) {
      return mi::attention::validate_attention_args(
          mi::sla::attention_args(shape, args->q, args->k, args->v, o, nullptr, args->softmax_scale));
    };
    // Every tensor through the shared operand rules (shape, strides, alignment, device memory).
    const auto params = operands(args->d_q);
    const auto o_sparse = operands(args->o_sparse);
    const auto o_linear = operands(args->o_linear);
    const auto d_o = operands(args->d_o);
    const auto d_k = operands(args->d_k);
    const auto d_v = operands(args->d_v);
    const std::initializer_list<mi::sla::NamedTensor> inputs = {
        {"q", &args->q}, {"k", &args->k}, {"v", &args->v}, {"o_sparse", &args->o_sparse},
        {"o_linear", &args->o_linear}, {"d_o", &args->d_o}};
    mi::sla::require_disjoint(shape, "d_q", args->d_q, inputs);
    mi::sla::require_disjoint(shape, "d_k", args->d_k, inputs);
    mi::sla::require_disjoint(shape, "d_v", args->d_v, inputs);
    mi::sla::require_disjoint(shape, "d_q", args->d_q, {{"d_k", &args->d_k}, {"d_v", &args->d_v}});
    mi::sla::require_disjoint(shape, "d_k", args->d_k, {{"d_v", &args->d_v}});
    const int64_t rows = args->batch * args->heads * args->seq_len;
    const int64_t d = args->head_dim;
    const std::initializer_list<mi::sla::NamedTensor> gradients = {{"d_q", &args->d_q}, {"d_k", &args->d_k}, {"d_v", &args->d_v}};
    mi::sla::require_fp32(shape, "lse", args->lse, rows, gradients);
    mi::sla::require_fp32(shape, "linear_inv_den", args->linear_inv_den, rows, gradients);
    mi::sla::require_fp32(shape, "proj_weight", args->proj_weight, d * d, gradients);
    mi::sla::require_fp32(shape, "d_weight", args->d_weight, d * d, inputs);
    mi::sla::require_fp32(shape, "d_bias", args->d_bias, d, inputs);
    // dW and db are written while lse, 1/den and W are still to be read.
    mi::sla::require_disjoint_fp32({{"d_weight", args->d_weight, d * d}, {"d_bias", args->d_bias, d}},
                                   {{"lse", args->lse, rows}, {"linear_inv_den", args->linear_inv_den, rows},
                                    {"proj_weight", args->proj_weight, d * d}, {"d_bias", args->d_bias, d}});
    mi::sla::require_sla_enums(args->feature_map, args->linear_branch);
    mi::sla::require_causal(args->causal, args->linear_branch);
    mi::validate_csr_index("critical", args->critical);
    const bool all_keys = args->linear_branch == MI_SLA_ALL_KEYS;
    if (!all_keys) mi::validate_csr_index("negligible", args->negligible);
    const Layout w = layout_of(*args);
    mi::require_workspace(workspace, workspace_bytes, w.total, "mi_sla_backward_workspace_size");

    auto* base = static_cast<char*>(workspace);
    const auto s = reinterpret_cast<cudaStream_t>(stream);
    const int64_t groups = args->batch * args->heads;
    const int blocks = static_cast<int>(blocks_of(args->seq_len));
    const int n = static_cast<int>(args->seq_len);
    const int heads = static_cast<int>(args->heads);
    const mi::CsrIndex critical{args->critical.row_ptr, args->critical.values, args->critical.value_count};
    const mi::CsrIndex negligible = all_keys ? mi::CsrIndex{nullptr, nullptr, 0}
                                             : mi::CsrIndex{args->negligible.row_ptr, args->negligible.values, args->negligible.value_count};

    // 1. Column indices.
    auto columns_of = [&](const mi::CsrIndex& index, const Columns& at) {
      mi::sla::ColumnParams c{};
      c.rows = index;
      c.blocks = blocks;
      c.groups = groups;
      c.counts = reinterpret_cast<int64_t*>(base + at.counts);
      c.col_ptr = reinterpret_cast<int64_t*>(base + at.col_ptr);
      c.values = reinterpret_cast<int32_t*>(base + at.values);
      MI_CUDA_CHECK(mi::sla::run_count_columns(c, s));
      MI_CUDA_CHECK(mi::sla::run_scan_columns(c, s));
      MI_CUDA_CHECK(mi::sla::run_fill_columns(c, s));
      return mi::CsrIndex{c.col_ptr, c.values, index.value_count};
    };
    const mi::CsrIndex critical_cols = columns_of(critical, w.critical);
    const mi::CsrIndex negligible_cols = all_keys ? negligible : columns_of(negligible, w.negligible);

    // 2.-4. Sums over every token: H, Z (and W's split), then after prep dH, dZ, then dW, db.
    mi::sla::KeyStateParams sums{};
    sums.heads = heads;
    sums.n = n;
    sums.chunk_tokens = static_cast<int>(mi::sla::key_state_chunk_tokens(n));
    sums.chunks = static_cast<int>(w.chunks);
    sums.partial_h = reinterpret_cast<float*>(base + w.partial_h);
    sums.partial_z = reinterpret_cast<float*>(base + w.partial_z);
    mi::sla::ReduceParams reduce{};
    reduce.partial_h = sums.partial_h;
    reduce.partial_z = sums.partial_z;
    reduce.chunks = sums.chunks;
    reduce.groups = groups;

    mi::sla::PrepParams prep{};
    prep.d_o = args->d_o.data;
    prep.o_sparse = args->o_sparse.data;
    prep.o_linear = args->o_linear.data;
    prep.do_strides = d_o.o_strides;
    prep.s_strides = o_sparse.o_strides;
    prep.l_strides = o_linear.o_strides;
    prep.inv_den = args->linear_inv_den;
    void* w_hi = base + w.w_hi;
    void* w_lo = base + w.w_lo;
    prep.w_hi = w_hi;
    prep.w_lo = w_lo;
    prep.heads = heads;
    prep.n = n;
    prep.delta = reinterpret_cast<float*>(base + w.delta);
    prep.dden = reinterpret_cast<float*>(base + w.dden);
    prep.dnum = base + w.dnum;
    const mi::attention::AttentionFwdParams::RowStrides dnum_strides{heads * int64_t{n} * d, int64_t{n} * d, d};

    mi::sla::BackwardParams b{};
    b.q = args->q.data;
    b.k = args->k.data;
    b.v = args->v.data;
    b.d_o = args->d_o.data;
    b.q_strides = params.q_strides;
    b.k_strides = params.k_strides;
    b.v_strides = params.v_strides;
    b.do_strides = d_o.o_strides;
    b.d_q = args->d_q.data;
    b.d_k = args->d_k.data;
    b.d_v = args->d_v.data;
    b.dq_strides = params.o_strides;
    b.dk_strides = d_k.o_strides;
    b.dv_strides = d_v.o_strides;
    b.lse = args->lse;
    b.delta = prep.delta;
    b.dnum = prep.dnum;
    b.dden = prep.dden;
    b.critical_rows = critical;
    b.critical_cols = critical_cols;
    b.heads = heads;
    b.n = n;
    b.blocks = blocks;
    b.feature_map = args->feature_map;
    b.causal = args->causal == 1;
    b.scale = params.scale;
    b.scale_log2 = params.scale_log2;
    // The forward's H is stored / n (the totals' Z is not; the marginal states' Z is); dH is not.
    if (all_keys) {
      b.row_state = {base + w.h_hi, base + w.h_lo, reinterpret_cast<float*>(base + w.z), 0, float(n), 1.f, nullptr};
      b.column_state = {base + w.dh_hi, base + w.dh_lo, reinterpret_cast<float*>(base + w.dz), 0, 1.f, 1.f, nullptr};
    } else {
      // The row flags are the last mask's: the rows' when dq runs, the columns' when dk, dv run.
      const auto* any = reinterpret_cast<const uint32_t*>(base + w.state.any);
      b.row_state = {base + w.state.y_hi, base + w.state.y_lo, nullptr, w.state.state_cols, float(n), float(n), any};
      b.column_state = {base + w.state.y_hi, base + w.state.y_lo, nullptr, w.state.state_cols, 1.f, 1.f, any};
    }

    // The state GEMMs (marginal blocks): rows of the forward's indices for H_i, Z_i (scaled as the
    // forward's, 64 / n over rows stored / 64), columns for dH_j, dZ_j (64, unscaled).
    mi::sla::StateGemmParams gemm = mi::sla::state_gemm_over(base, w.state, blocks, b.causal);

    const int batch = static_cast<int>(args->batch);
    MI_CUDA_CHECK(mi::dispatch_head_dim_and_dtype(args->dtype, args->head_dim, [&](auto hd, auto element) {
      // Σ φ(x)ᵀ·y and Σ w·φ(x): into the partials (`sums`) or as per-block state rows (`block_rows`).
      auto sum = [&](mi::sla::KeyStateParams& into, const void* x, const mi::attention::AttentionFwdParams::RowStrides& xs,
                     const void* y, const mi::attention::AttentionFwdParams::RowStrides& ys, const float* weight,
                     int feature_map, int64_t count) {
        into.x = x;
        into.y = y;
        into.x_strides = xs;
        into.y_strides = ys;
        into.row_weight = weight;
        into.feature_map = feature_map;
        return mi::sla::run_key_state<hd(), element()>(into, count, s);
      };
      cudaError_t err = cudaSuccess;
      reduce.weight = args->proj_weight;
      reduce.w_hi = w_hi;
      reduce.w_lo = w_lo;
      if (all_keys) {
        // H = Σ φ(k)ᵀv, Z = Σ φ(k) (stored / n, as the forward), and W split into halves.
        err = sum(sums, args->k.data, params.k_strides, args->v.data, params.v_strides, nullptr, args->feature_map, groups);
        reduce.scale = 1.f / static_cast<float>(n);
        reduce.h_hi = base + w.h_hi;
        reduce.h_lo = base + w.h_lo;
        reduce.z = reinterpret_cast<float*>(base + w.z);
        if (err == cudaSuccess) err = mi::sla::run_reduce_key_state<hd(), element()>(reduce, s);
        if (err == cudaSuccess) err = mi::sla::run_backward_prep<hd(), element()>(prep, groups, s);
        // dH = Σ φ(q)ᵀ dnum, dZ = Σ dden·φ(q) (unscaled).
        if (err == cudaSuccess) err = sum(sums, args->q.data, params.q_strides, prep.dnum, dnum_strides, prep.dden, args->feature_map, groups);
        reduce.scale = 1.f;
        reduce.h_hi = base + w.dh_hi;
        reduce.h_lo = base + w.dh_lo;
        reduce.z = reinterpret_cast<float*>(base + w.dz);
        reduce.weight = nullptr;
        if (err == cudaSuccess) err = mi::sla::run_reduce_key_state<hd(), element()>(reduce, s);
        if (err == cudaSuccess) err = mi::sla::run_linear_dq<hd(), element()>(b, groups, s);
        if (err == cudaSuccess) err = mi::sla::run_linear_dkv<hd(), element()>(b, groups, s);
      } else {
        reduce.groups = 0;  // W only
        err = mi::sla::run_reduce_key_state<hd(), element()>(reduce, s);
        if (err == cudaSuccess) err = mi::sla::run_backward_prep<hd(), element()>(prep, groups, s);
        mi::sla::KeyStateParams block_rows = mi::sla::as_state_rows(sums, base, w.state, blocks);
        for (int64_t first = 0; first < groups && err == cudaSuccess; first += w.state.chunk_groups) {
          const int64_t count = std::min(w.state.chunk_groups, groups - first);
          block_rows.group_offset = gemm.group_offset = b.group_offset = first;
          // H_i, Z_i: per key block [φ(K_j)ᵀV_j, Σ φ(K_j)] / 64, summed over each row's marginal
          // blocks (C's bits and row flags first: the state rows read the flags).
          gemm.critical = critical;
          gemm.negligible = negligible;
          gemm.columns = false;
          gemm.scale = 64.f / static_cast<float>(n);
          err = mi::sla::run_marginal_mask(gemm, count, s);
          if (err == cudaSuccess)
            err = sum(block_rows, args->k.data, params.k_strides, args->v.data, params.v_strides, nullptr, args->feature_map, count);
          if (err == cudaSuccess) err = mi::sla::run_state_gemm<element()>(gemm, count, s);
          if (err == cudaSuccess) err = mi::sla::run_linear_dq<hd(), element()>(b, count, s);
          // dH_j, dZ_j: per query block [φ(Q_i)ᵀdnum_i, Σ dden·φ(Q_i)] / 64, summed over each
          // column's query blocks that hold it as marginal (X, Y, the bits and flags are free again:
          // stream order).
          gemm.critical = critical_cols;
          gemm.negligible = negligible_cols;
          gemm.columns = true;
          gemm.scale = 64.f;
          if (err == cudaSuccess) err = mi::sla::run_marginal_mask(gemm, count, s);
          if (err == cudaSuccess)
            err = sum(block_rows, args->q.data, params.q_strides, prep.dnum, dnum_strides, prep.dden, args->feature_map, count);
          if (err == cudaSuccess) err = mi::sla::run_state_gemm<element()>(gemm, count, s);
          if (err == cudaSuccess) err = mi::sla::run_linear_dkv<hd(), element()>(b, count, s);
        }
      }
      // dW = Σ dOᵀ O_l (W is [out][in]: dW[a][c] = Σ dO[a]·O_l[c]) and db = Σ dO, over every group.
      if (err == cudaSuccess)
        err = sum(sums, args->d_o.data, d_o.o_strides, args->o_linear.data, o_linear.o_strides, nullptr, mi::sla::kIdentity, groups);
      reduce.groups = groups;
      reduce.weight = nullptr;
      reduce.sum_groups = true;
      reduce.h_total = args->d_weight;
      reduce.z_total = args->d_bias;
      if (err == cudaSuccess) err = mi::sla::run_reduce_key_state<hd(), element()>(reduce, s);
      if (err == cudaSuccess) err = mi::sla::run_sparse_bwd<hd(), element()>(b, batch, s);
      return err;
    }));
  });
}
