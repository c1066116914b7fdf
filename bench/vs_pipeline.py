#!/usr/bin/env python3
"""Vertical-slash pipeline on the GPU machine, through the C ABI: estimation, selection and index
conversion checked against PyTorch / a direct transcription of MInference's index conversion, and
timed end to end next to our dense kernel (random data: the worst case for sparsity).

    python3 bench/vs_pipeline.py --lib build/native/libminference.so [--check] [--bench]
"""
import argparse
import ctypes
import json
import math
import statistics
import sys

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from compare_torch import (CsrIndex, Library, Tensor4, head_array, time_ms,  # noqa: E402
                           tensor4)

MI_DTYPE = {torch.float16: 0, torch.bfloat16: 1}


class EstimateArgs(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_int32), ("batch", ctypes.c_int64), ("q_heads", ctypes.c_int64),
                ("kv_heads", ctypes.c_int64), ("seq_len", ctypes.c_int64),
                ("head_dim", ctypes.c_int64), ("q", Tensor4), ("k", Tensor4),
                ("heads", ctypes.POINTER(ctypes.c_int32)), ("head_count", ctypes.c_int32),
                ("softmax_scale", ctypes.c_float), ("vertical_scores", ctypes.c_void_p),
                ("slash_scores", ctypes.c_void_p)]


class SelectArgs(ctypes.Structure):
    _fields_ = [("rows", ctypes.c_int64), ("seq_len", ctypes.c_int64),
                ("vertical_count", ctypes.c_int64), ("slash_count", ctypes.c_int64),
                ("vertical_scores", ctypes.c_void_p), ("slash_scores", ctypes.c_void_p),
                ("verticals", ctypes.c_void_p), ("slashes", ctypes.c_void_p)]


class IndexArgs(ctypes.Structure):
    _fields_ = [("rows", ctypes.c_int64), ("seq_len", ctypes.c_int64),
                ("vertical_count", ctypes.c_int64), ("slash_count", ctypes.c_int64),
                ("verticals", ctypes.c_void_p), ("slashes", ctypes.c_void_p),
                ("block_row_ptr", ctypes.c_void_p), ("column_row_ptr", ctypes.c_void_p),
                ("block_starts", ctypes.c_void_p), ("block_capacity", ctypes.c_int64),
                ("columns", ctypes.c_void_p), ("column_capacity", ctypes.c_int64)]


class BlockSparseEstimateArgs(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_int32), ("batch", ctypes.c_int64), ("q_heads", ctypes.c_int64),
                ("kv_heads", ctypes.c_int64), ("seq_len", ctypes.c_int64),
                ("head_dim", ctypes.c_int64), ("q", Tensor4), ("k", Tensor4),
                ("heads", ctypes.POINTER(ctypes.c_int32)), ("head_count", ctypes.c_int32),
                ("top_k", ctypes.c_int64), ("row_ptr", ctypes.c_void_p),
                ("blocks", ctypes.c_void_p)]


class Pipeline:
    def __init__(self, lib):
        self.lib = lib
        self.c = lib.lib

    def _ws(self, fn, args):
        size = ctypes.c_int64()
        self.lib._check(fn(ctypes.byref(args), ctypes.byref(size)))
        return torch.empty(max(size.value, 1), dtype=torch.uint8, device="cuda")

    def estimate(self, q, k, heads):
        b, n = q.shape[0], q.shape[2]
        h, count = head_array(heads)
        rows = len(heads) if heads is not None else q.shape[1]
        vertical = torch.empty(b, rows, n, device="cuda")
        slash = torch.empty(b, rows, n, device="cuda")
        args = EstimateArgs(MI_DTYPE[q.dtype], b, q.shape[1], k.shape[1], n, q.shape[3],
                            tensor4(q), tensor4(k), h, count, 0.0, vertical.data_ptr(),
                            slash.data_ptr())
        ws = self._ws(self.c.mi_vs_estimate_workspace_size, args)
        self.lib._check(self.c.mi_vs_estimate(ctypes.byref(args), ctypes.c_void_p(ws.data_ptr()),
                                              ws.numel(), self.lib._stream()))
        return vertical, slash

    def select(self, vertical, slash, v, s):
        rows, n = vertical.shape[0] * vertical.shape[1], vertical.shape[2]
        verticals = torch.empty(rows, v, dtype=torch.int32, device="cuda")
        slashes = torch.empty(rows, s, dtype=torch.int32, device="cuda")
        args = SelectArgs(rows, n, v, s, vertical.data_ptr(), slash.data_ptr(),
                          verticals.data_ptr(), slashes.data_ptr())
        ws = self._ws(self.c.mi_vs_select_workspace_size, args)
        self.lib._check(self.c.mi_vs_select(ctypes.byref(args), ctypes.c_void_p(ws.data_ptr()),
                                            ws.numel(), self.lib._stream()))
        return verticals, slashes

    def block_sparse(self, q, k, heads, top_k):
        b, n = q.shape[0], q.shape[2]
        rows = (len(heads) if heads is not None else q.shape[1]) * b
        entries = ctypes.c_int64()
        self.lib._check(self.c.mi_block_sparse_index_size(
            ctypes.c_int64(b), ctypes.c_int64(rows // b), ctypes.c_int64(n),
            ctypes.c_int64(top_k), ctypes.byref(entries)))
        row_ptr = torch.empty(rows * ((n + 63) // 64) + 1, dtype=torch.int64, device="cuda")
        blocks = torch.empty(max(entries.value, 1), dtype=torch.int32, device="cuda")
        h, count = head_array(heads)
        args = BlockSparseEstimateArgs(MI_DTYPE[q.dtype], b, q.shape[1], k.shape[1], n,
                                       q.shape[3], tensor4(q), tensor4(k), h, count, top_k,
                                       row_ptr.data_ptr(), blocks.data_ptr())
        ws = self._ws(self.c.mi_block_sparse_estimate_workspace_size, args)
        self.lib._check(self.c.mi_block_sparse_estimate(
            ctypes.byref(args), ctypes.c_void_p(ws.data_ptr()), ws.numel(), self.lib._stream()))
        return row_ptr, blocks, entries.value

    def index(self, verticals, slashes, n):
        rows = verticals.shape[0]
        qb = (n + 63) // 64
        brp = torch.empty(rows * qb + 1, dtype=torch.int64, device="cuda")
        crp = torch.empty(rows * qb + 1, dtype=torch.int64, device="cuda")
        args = IndexArgs(rows, n, verticals.shape[1], slashes.shape[1], verticals.data_ptr(),
                         slashes.data_ptr(), brp.data_ptr(), crp.data_ptr(), None, 0, None, 0)
        ws = self._ws(self.c.mi_vs_index_count_workspace_size, args)
        self.lib._check(self.c.mi_vs_index_count(ctypes.byref(args),
                                                 ctypes.c_void_p(ws.data_ptr()), ws.numel(),
                                                 self.lib._stream()))
        nb, nc = int(brp[-1].item()), int(crp[-1].item())  # the data-dependent sizes: one sync
        starts = torch.empty(max(nb, 1), dtype=torch.int32, device="cuda")
        columns = torch.empty(max(nc, 1), dtype=torch.int32, device="cuda")
        args.block_starts, args.block_capacity = starts.data_ptr(), nb
        args.columns, args.column_capacity = columns.data_ptr(), nc
        self.lib._check(self.c.mi_vs_index_fill(ctypes.byref(args), self.lib._stream()))
        return (brp, starts, nb), (crp, columns, nc)


def reference_scores(q, k, heads):
    b, hq, n, d = q.shape
    group = hq // k.shape[1]
    rows = min(64, n)
    i = torch.arange(n - rows, n, device="cuda")[:, None]
    j = torch.arange(n, device="cuda")[None, :]
    visible = j <= i
    vert, sl = [], []
    for bi in range(b):
        for h in heads:
            s = (q[bi, h, n - rows:].float() @ k[bi, h // group].float().T) / math.sqrt(d)
            p = torch.softmax(s.masked_fill(~visible, float("-inf")), dim=-1)
            vert.append(p.sum(0))
            offsets = (i - j).expand(rows, n)
            sl.append(torch.zeros(n, device="cuda").index_add_(0, offsets[visible], p[visible]))
    return torch.stack(vert).view(b, len(heads), n), torch.stack(sl).view(b, len(heads), n)


def reference_select(scores, k, forced, descending_index):
    scores = scores.reshape(-1, scores.shape[-1]).clone()
    scores[:, :forced] = float("inf")
    best = torch.sort(scores, dim=1, descending=True, stable=True).indices[:, :k]
    return torch.sort(best, dim=1, descending=descending_index).values.int()


def reference_index(verticals, slashes, n):
    """Direct transcription of MInference's convert_vertical_slash_indexes (per row, per block)."""
    blocks, columns = [], []
    for vs, ss in zip(verticals.tolist(), slashes.tolist()):
        for m in range((n + 63) // 64):
            end_m = (m + 1) * 64
            b_row, c_row = [], []
            s = 0
            while s < len(ss) and ss[s] >= end_m:
                s += 1
            if s < len(ss):
                e = max(end_m - ss[s], 64)
                s += 1
                start, end = e - 64, e
                v = 0
                col = vs[v] if vs else 1 << 31
                v += 1
                while True:
                    if col < end:
                        if col < start:
                            c_row.append(col)
                        col = vs[v] if v < len(vs) else 1 << 31
                        v += 1
                    else:
                        if s >= len(ss):
                            b_row += list(range(start, end, 64))
                            break
                        e = max(end_m - ss[s], 64)
                        s += 1
                        if e > end + 64:
                            b_row += list(range(start, end, 64))
                            start, end = e - 64, e
                        elif e > end:
                            end += 64
            blocks.append(b_row)
            columns.append(c_row)
    return blocks, columns


def check(pipe):
    failures = 0
    for dtype in (torch.bfloat16, torch.float16):
        for d in (64, 128):
            for (b, hq, hk, n, heads, v, s) in [(1, 2, 2, 1, [0], 1, 1), (1, 4, 2, 65, [3, 1], 30, 50),
                                                (2, 8, 2, 1000, [6, 1, 2], 64, 256),
                                                (1, 4, 1, 4096, [2], 300, 800)]:
                q = torch.randn(b, hq, n, d, device="cuda", dtype=dtype)
                k = torch.randn(b, hk, n, d, device="cuda", dtype=dtype)
                vert, sl = pipe.estimate(q, k, heads)
                torch.cuda.synchronize()
                rv, rs = reference_scores(q, k, heads)
                score_ok = bool(((vert - rv).abs() <= 1e-4 + 1e-3 * rv.abs()).all() and
                                ((sl - rs).abs() <= 1e-4 + 1e-3 * rs.abs()).all())
                v, s = min(v, n), min(s, n)
                verticals, slashes = pipe.select(vert, sl, v, s)
                torch.cuda.synchronize()
                select_ok = bool(torch.equal(verticals, reference_select(vert, v, 30, False)) and
                                 torch.equal(slashes, reference_select(sl, s, 100, True)))
                (brp, starts, nb), (crp, cols, nc) = pipe.index(verticals, slashes, n)
                rb, rc = reference_index(verticals, slashes, n)
                got_b = [starts[brp[r]:brp[r + 1]].tolist() for r in range(len(rb))]
                got_c = [cols[crp[r]:crp[r + 1]].tolist() for r in range(len(rc))]
                index_ok = got_b == rb and got_c == rc
                ok = score_ok and select_ok and index_ok
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'} vs-pipeline {str(dtype)[6:]:8} d={d:3} b={b} "
                      f"h={hq}/{hk} n={n:5} v={v} s={s} scores={score_ok} select={select_ok} "
                      f"index={index_ok} (blocks {nb}, columns {nc}) "
                      f"max_err={max((vert - rv).abs().max().item(), (sl - rs).abs().max().item()):.1e}")
    return failures


def reference_block_sparse(q, k, heads, top_k):
    b, hq, n, d = q.shape
    group = hq // k.shape[1]
    qb = (n + 63) // 64
    rows = []
    for bi in range(b):
        for h in heads:
            pad = qb * 64 - n
            def pool(x):
                x = torch.nn.functional.pad(x.float(), (0, 0, 0, pad)).view(qb, 64, d).sum(1)
                counts = torch.full((qb, 1), 64.0, device="cuda")
                counts[-1] = 64 - pad
                return x / counts
            s = pool(q[bi, h]) @ pool(k[bi, h // group]).T
            for m in range(qb):
                row = s[m, :m + 1].clone()
                row[0] = float("inf")
                row[m] = float("inf")
                best = torch.sort(row, descending=True, stable=True).indices[:min(max(top_k, 2), m + 1)]
                rows.append(sorted(best.tolist()))
    return rows


def check_block_sparse(pipe):
    failures = 0
    for dtype in (torch.bfloat16, torch.float16):
        for d in (64, 128):
            for (b, hq, hk, n, heads, top_k) in [(1, 2, 2, 1, [0], 1), (1, 4, 2, 65, [3, 1], 1),
                                                 (2, 8, 2, 1000, [6, 1, 2], 4),
                                                 (1, 4, 1, 4096, [2], 20)]:
                q = torch.randn(b, hq, n, d, device="cuda", dtype=dtype)
                k = torch.randn(b, hk, n, d, device="cuda", dtype=dtype)
                row_ptr, blocks, entries = pipe.block_sparse(q, k, heads, top_k)
                torch.cuda.synchronize()
                got = [blocks[row_ptr[r]:row_ptr[r + 1]].tolist() for r in range(row_ptr.numel() - 1)]
                ref = reference_block_sparse(q, k, heads, top_k)
                mismatched = sum(g != r for g, r in zip(got, ref))
                ok = mismatched == 0 and int(row_ptr[-1].item()) == entries
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'} block-sparse-estimate {str(dtype)[6:]:8} d={d:3} "
                      f"b={b} h={hq}/{hk} n={n:5} top_k={top_k} entries={entries} "
                      f"mismatched_rows={mismatched}/{len(ref)}")
    return failures


def visible_entries(brp, starts, crp, n):
    """Entries the vertical-slash kernel computes: for a block of keys [a, b] in query block m
    (rows R0..R1), row i sees max(0, min(i, b) - a + 1) keys, summed in closed form; a gathered
    column is seen by every row of its query block."""
    rows = brp.numel() - 1
    q_blocks = (n + 63) // 64
    m = torch.repeat_interleave(torch.arange(rows, device="cuda"), brp.diff()) % q_blocks
    r0, r1 = m * 64, torch.clamp(m * 64 + 63, max=n - 1)
    s = starts[:int(brp[-1].item())].long()
    a, b = s.clamp(min=0), torch.clamp(s + 63, max=n - 1)
    lo, hi = torch.maximum(r0, a), torch.minimum(r1, b)  # rows on the ramp: i - a + 1 keys
    ramp_rows = (hi - lo + 1).clamp(min=0)
    ramp = ramp_rows * (lo - a + 1) + ramp_rows * (ramp_rows - 1) // 2
    full_rows = (r1 - torch.maximum(r0, b + 1) + 1).clamp(min=0)  # rows past the block: all keys
    blocks = ramp + full_rows * (b - a + 1).clamp(min=0)
    col_rows = torch.clamp(n - (torch.arange(rows, device="cuda") % q_blocks) * 64, max=64)
    return int(blocks.sum().item()) + int((crp.diff() * col_rows).sum().item())


def bench(pipe, lib, n, heads, v, s, iters):
    q = torch.randn(1, heads, n, 128, device="cuda", dtype=torch.bfloat16)
    k, val = torch.randn_like(q), torch.randn_like(q)
    o = torch.empty_like(q)
    v, s = min(n, max(v, 30)), min(n, max(s, 50))
    est = time_ms(lambda: pipe.estimate(q, k, None), 2, iters)
    vert, sl = pipe.estimate(q, k, None)
    sel = time_ms(lambda: pipe.select(vert, sl, v, s), 2, iters)
    verticals, slashes = pipe.select(vert, sl, v, s)
    idx = time_ms(lambda: pipe.index(verticals, slashes, n), 2, iters)
    (brp, starts, nb), (crp, cols, nc) = pipe.index(verticals, slashes, n)
    bi = CsrIndex(brp.data_ptr(), starts.data_ptr(), nb)
    ci = CsrIndex(crp.data_ptr(), cols.data_ptr(), nc)
    att = time_ms(lambda: lib.vertical_slash(q, k, val, o, bi, ci), 2, iters)
    dense = time_ms(lambda: lib.dense(q, k, val, o, True), 1, 3)
    entries = visible_entries(brp, starts, crp, n)  # the index rows cover every head
    total = est + sel + idx + att
    # ms_estimate: scores only; ms_index: selection + conversion (each step also on its own;
    # bench/vs_steps.py times the steps on preallocated buffers and lists their kernels).
    print(json.dumps({"op": "sparse", "pattern": "vs", "vertical_size": v, "slash_size": s,
                      "data": "random", "seq": n, "heads": heads, "ms_estimate": est,
                      "ms_index": sel + idx, "ms_select": sel, "ms_convert": idx,
                      "ms_attention": att, "ms_total": total,
                      "density": entries / (heads * n * (n + 1) / 2),
                      "tflops_kept": 4 * entries * 128 / att / 1e9, "dense_ms": dense,
                      "dense_tflops": 2 * heads * n * n * 128 / dense / 1e9,
                      "speedup_vs_dense": dense / total,
                      "device": torch.cuda.get_device_name()}), flush=True)


def bench_block_sparse(pipe, lib, n, heads, top_k, iters):
    q = torch.randn(1, heads, n, 128, device="cuda", dtype=torch.bfloat16)
    k, val = torch.randn_like(q), torch.randn_like(q)
    o = torch.empty_like(q)
    est = time_ms(lambda: pipe.block_sparse(q, k, None, top_k), 2, iters)
    row_ptr, blocks, entries = pipe.block_sparse(q, k, None, top_k)
    index = CsrIndex(row_ptr.data_ptr(), blocks.data_ptr(), entries)
    att = time_ms(lambda: lib.block_sparse(q, k, val, o, index), 2, iters)
    dense = time_ms(lambda: lib.dense(q, k, val, o, True), 1, 3)
    # kept blocks: full 64 x 64 except the diagonal block (causal triangle, 64 * 65 / 2)
    q_blocks = (n + 63) // 64
    per_head = sum(min(top_k, m + 1) - 1 for m in range(q_blocks)) * 64 * 64 + q_blocks * 64 * 65 // 2
    kept = per_head * heads
    print(json.dumps({"op": "sparse", "pattern": "block", "top_k": top_k, "data": "random",
                      "seq": n, "heads": heads, "ms_estimate": est, "ms_index": 0.0,
                      "ms_attention": att, "ms_total": est + att,
                      "density": kept / (heads * n * (n + 1) / 2),
                      "tflops_kept": 4 * kept * 128 / att / 1e9, "dense_ms": dense,
                      "dense_tflops": 2 * heads * n * n * 128 / dense / 1e9,
                      "speedup_vs_dense": dense / (est + att),
                      "device": torch.cuda.get_device_name()}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--iters", type=int, default=10)
    a = ap.parse_args()
    torch.manual_seed(0)
    lib = Library(a.lib)
    pipe = Pipeline(lib)
    failures = check(pipe) + check_block_sparse(pipe) if a.check else 0
    if a.bench:
        for (n, heads, v, s) in [(131072, 8, 1000, 6096), (1048576, 1, 1000, 6096),
                                 (1048576, 1, 100, 800)]:
            bench(pipe, lib, n, heads, v, s, a.iters)
        bench_block_sparse(pipe, lib, 131072, 8, 100, a.iters)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
