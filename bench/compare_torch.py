#!/usr/bin/env python3
"""Cross-checks libminference's dense attention against PyTorch on the GPU machine.

The GPU machine has PyTorch but no .NET: this script calls the C ABI through ctypes, checks
results against an fp32 PyTorch reference (bottom-right causal mask, GQA), and times our kernel
next to SDPA's FLASH (FlashAttention-2 code) and CUDNN backends on the same shapes, with CUDA
events, after warm-up, median of --iters runs. FLOPs: 4·B·H·Nq·Nkv·D, halved when causal.

    python3 bench/compare_torch.py --lib build/native/libminference.so [--check] [--bench]
"""
import argparse
import ctypes
import json
import math
import statistics
import sys

import torch
import torch.nn.functional as F

MI_DTYPE = {torch.float16: 0, torch.bfloat16: 1}


class Tensor4(ctypes.Structure):  # noqa: D101 - mirrors mi_tensor4
    _fields_ = [("data", ctypes.c_void_p), ("stride", ctypes.c_int64 * 4)]


class DenseArgs(ctypes.Structure):
    _fields_ = [
        ("dtype", ctypes.c_int32),
        ("batch", ctypes.c_int64),
        ("q_heads", ctypes.c_int64),
        ("kv_heads", ctypes.c_int64),
        ("q_len", ctypes.c_int64),
        ("kv_len", ctypes.c_int64),
        ("head_dim", ctypes.c_int64),
        ("q", Tensor4),
        ("k", Tensor4),
        ("v", Tensor4),
        ("o", Tensor4),
        ("lse", ctypes.c_void_p),
        ("softmax_scale", ctypes.c_float),
        ("causal", ctypes.c_int32),
    ]


class HeadRoutes(ctypes.Structure):
    """mi_head_routes: left zeroed (no device-side filter). Every args struct that ends with it must
    declare it, or the library reads past the end of the Python struct."""
    _fields_ = [("codes", ctypes.c_void_p), ("run_dense", ctypes.c_int32)]


class AShapeArgs(ctypes.Structure):
    _fields_ = [
        ("attention", DenseArgs),
        ("sink_tokens", ctypes.c_int64),
        ("local_window", ctypes.c_int64),
        ("heads", ctypes.POINTER(ctypes.c_int32)),
        ("head_count", ctypes.c_int32),
        ("routes", HeadRoutes),
    ]


class CsrIndex(ctypes.Structure):
    _fields_ = [("row_ptr", ctypes.c_void_p), ("values", ctypes.c_void_p),
                ("value_count", ctypes.c_int64)]


class BlockSparseArgs(ctypes.Structure):
    _fields_ = [("attention", DenseArgs), ("blocks", CsrIndex),
                ("heads", ctypes.POINTER(ctypes.c_int32)), ("head_count", ctypes.c_int32),
                ("routes", HeadRoutes)]


class VerticalSlashArgs(ctypes.Structure):
    _fields_ = [("attention", DenseArgs), ("blocks", CsrIndex), ("columns", CsrIndex),
                ("heads", ctypes.POINTER(ctypes.c_int32)), ("head_count", ctypes.c_int32),
                ("routes", HeadRoutes)]


def csr(rows):
    """CSR (row_ptr int64, values int32, both on the GPU) from a list of per-row lists."""
    counts = torch.tensor([0] + [len(r) for r in rows], dtype=torch.int64)
    flat = [x for r in rows for x in r]
    row_ptr = counts.cumsum(0).cuda()
    values = torch.tensor(flat if flat else [0], dtype=torch.int32, device="cuda")
    return (row_ptr, values), CsrIndex(row_ptr.data_ptr(), values.data_ptr(), len(flat))


def head_array(heads):
    return ((ctypes.c_int32 * len(heads))(*heads) if heads is not None else None,
            len(heads) if heads is not None else 0)


def tensor4(t):
    return Tensor4(t.data_ptr(), (ctypes.c_int64 * 4)(*t.stride()))


class Library:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.mi_last_error.restype = ctypes.c_char_p
        # Which attention mainloop the dense kernel takes here (libraries before it: unknown).
        self.mainloop = "unknown"
        if hasattr(self.lib, "mi_attention_mainloop"):
            value = ctypes.c_int32(0)
            if self.lib.mi_attention_mainloop(torch.cuda.current_device(), ctypes.byref(value)) == 0:
                self.mainloop = {80: "sm80", 90: "sm90a"}.get(value.value, str(value.value))
        self.lib.mi_attention_dense_fwd.argtypes = [ctypes.POINTER(DenseArgs), ctypes.c_void_p]
        self.lib.mi_attention_ashape_fwd.argtypes = [ctypes.POINTER(AShapeArgs), ctypes.c_void_p]
        self.lib.mi_attention_block_sparse_fwd.argtypes = [ctypes.POINTER(BlockSparseArgs),
                                                           ctypes.c_void_p]
        self.lib.mi_attention_vertical_slash_fwd.argtypes = [ctypes.POINTER(VerticalSlashArgs),
                                                             ctypes.c_void_p]

    @staticmethod
    def _args(q, k, v, o, causal, lse, scale):
        return DenseArgs(
            MI_DTYPE[q.dtype], q.shape[0], q.shape[1], k.shape[1], q.shape[2], k.shape[2],
            q.shape[3], tensor4(q), tensor4(k), tensor4(v), tensor4(o),
            lse.data_ptr() if lse is not None else None, scale, int(causal))

    def _check(self, status):
        if status != 0:
            raise RuntimeError(f"status {status}: {self.lib.mi_last_error().decode()}")

    def _stream(self):
        return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)

    def dense(self, q, k, v, o, causal, lse=None, scale=0.0):
        """q, k, v, o in logical [B, H, S, D] (any strides with D contiguous)."""
        args = self._args(q, k, v, o, causal, lse, scale)
        self._check(self.lib.mi_attention_dense_fwd(ctypes.byref(args), self._stream()))

    def ashape(self, q, k, v, o, sink, local, heads=None, lse=None):
        head_array = (ctypes.c_int32 * len(heads))(*heads) if heads is not None else None
        args = AShapeArgs(self._args(q, k, v, o, True, lse, 0.0), sink, local, head_array,
                          len(heads) if heads is not None else 0)
        self._check(self.lib.mi_attention_ashape_fwd(ctypes.byref(args), self._stream()))

    def block_sparse(self, q, k, v, o, blocks, heads=None, lse=None):
        """blocks: CsrIndex over [batch, listed head, query block]."""
        h, n = head_array(heads)
        args = BlockSparseArgs(self._args(q, k, v, o, True, lse, 0.0), blocks, h, n)
        self._check(self.lib.mi_attention_block_sparse_fwd(ctypes.byref(args), self._stream()))

    def vertical_slash(self, q, k, v, o, blocks, columns, heads=None, lse=None):
        h, n = head_array(heads)
        args = VerticalSlashArgs(self._args(q, k, v, o, True, lse, 0.0), blocks, columns, h, n)
        self._check(self.lib.mi_attention_vertical_slash_fwd(ctypes.byref(args), self._stream()))


def reference(q, k, v, causal, sink=None, local=None, visible=None):
    """fp32 attention with a bottom-right causal mask (optionally A-shape: sink tokens plus a local
    window; or an explicit [B, H, Nq, Nk] bool mask of visible entries) and GQA; returns
    (out, lse)."""
    b, hq, sq, d = q.shape
    hk, sk = k.shape[1], k.shape[2]
    k = k.float().repeat_interleave(hq // hk, dim=1)
    v = v.float().repeat_interleave(hq // hk, dim=1)
    s = torch.matmul(q.float(), k.transpose(-1, -2)) / math.sqrt(d)
    if causal:
        i = torch.arange(sq, device=q.device)[:, None]
        j = torch.arange(sk, device=q.device)[None, :]
        hidden = j > i + (sk - sq)
        if sink is not None:
            hidden |= (j >= sink) & (j <= i + (sk - sq) - local)
        if visible is not None:
            hidden = hidden | ~visible
        s = s.masked_fill(hidden, float("-inf"))
    lse = torch.logsumexp(s, dim=-1)
    return torch.matmul(torch.softmax(s, dim=-1), v), lse


def check(lib):
    cases = []
    for dtype in (torch.bfloat16, torch.float16):
        for d in (64, 128):
            for causal in (False, True):
                for (b, hq, hk, sq, sk) in [(1, 8, 8, 1, 1), (1, 8, 2, 17, 17), (3, 8, 1, 63, 63),
                                            (1, 8, 8, 65, 65), (2, 8, 2, 127, 127),
                                            (1, 8, 8, 1000, 1000), (1, 4, 1, 4096, 4096),
                                            (1, 8, 2, 1, 4096), (1, 8, 8, 100, 4096),
                                            (2, 8, 4, 65, 127)]:
                    cases.append((dtype, d, causal, b, hq, hk, sq, sk))
    failures = 0
    for dtype, d, causal, b, hq, hk, sq, sk in cases:
        q = torch.randn(b, hq, sq, d, device="cuda", dtype=dtype)
        k = torch.randn(b, hk, sk, d, device="cuda", dtype=dtype)
        v = torch.randn(b, hk, sk, d, device="cuda", dtype=dtype)
        o = torch.full_like(q, float("nan"))
        lse = torch.full((b, hq, sq), float("nan"), device="cuda")
        lib.dense(q, k, v, o, causal, lse)
        torch.cuda.synchronize()
        ref, ref_lse = reference(q, k, v, causal)
        err = (o.float() - ref).abs().max().item()
        rel = ((o.float() - ref).norm() / ref.norm()).item()
        lse_err = (lse - ref_lse).abs().max().item()
        tol = 2e-2 if dtype == torch.bfloat16 else 4e-3
        ok = err <= tol and rel <= tol / 2 and lse_err <= 1e-3 and not o.isnan().any()
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {str(dtype)[6:]:8} d={d:3} causal={int(causal)} "
              f"b={b} h={hq}/{hk} q={sq:5} kv={sk:5} max_abs={err:.2e} rel_l2={rel:.2e} "
              f"lse={lse_err:.2e}")
    # BSHD strides: [B, S, H, D] memory viewed as logical [B, H, S, D].
    q = torch.randn(2, 300, 8, 128, device="cuda", dtype=torch.bfloat16).transpose(1, 2)
    k = torch.randn(2, 300, 2, 128, device="cuda", dtype=torch.bfloat16).transpose(1, 2)
    v = torch.randn(2, 300, 2, 128, device="cuda", dtype=torch.bfloat16).transpose(1, 2)
    o = torch.empty(2, 300, 8, 128, device="cuda", dtype=torch.bfloat16).transpose(1, 2)
    lib.dense(q, k, v, o, True)
    torch.cuda.synchronize()
    ref, _ = reference(q, k, v, True)
    err = (o.float() - ref).abs().max().item()
    print(f"{'ok  ' if err <= 2e-2 else 'FAIL'} bshd-strided max_abs={err:.2e}")
    failures += err > 2e-2
    return failures + check_ashape(lib) + check_indexed(lib)


def check_ashape(lib):
    """A-shape over a head subset: listed heads match the masked reference, the others stay NaN."""
    failures = 0
    for dtype in (torch.bfloat16, torch.float16):
        for d in (64, 128):
            for (b, hq, hk, n, sink, local, heads) in [
                    (1, 4, 4, 1, 4, 16, None), (1, 4, 2, 65, 4, 16, [1, 3]),
                    (2, 8, 2, 1000, 100, 300, [0, 5, 6]), (1, 4, 1, 4096, 128, 1024, [2]),
                    (1, 4, 4, 4096, 0, 4096, None), (1, 2, 2, 3000, 64, 1, None),
                    (1, 2, 2, 2500, 1000, 200, [1])]:
                q = torch.randn(b, hq, n, d, device="cuda", dtype=dtype)
                k = torch.randn(b, hk, n, d, device="cuda", dtype=dtype)
                v = torch.randn(b, hk, n, d, device="cuda", dtype=dtype)
                o = torch.full_like(q, float("nan"))
                lse = torch.full((b, hq, n), float("nan"), device="cuda")
                lib.ashape(q, k, v, o, sink, local, heads, lse)
                torch.cuda.synchronize()
                ref, ref_lse = reference(q, k, v, True, sink, local)
                listed = heads if heads is not None else list(range(hq))
                others = [h for h in range(hq) if h not in listed]
                err = (o[:, listed].float() - ref[:, listed]).abs().max().item()
                rel = ((o[:, listed].float() - ref[:, listed]).norm() / ref[:, listed].norm()).item()
                lse_err = (lse[:, listed] - ref_lse[:, listed]).abs().max().item()
                untouched = bool(o[:, others].isnan().all()) if others else True
                tol = 2e-2 if dtype == torch.bfloat16 else 4e-3
                ok = err <= tol and rel <= tol / 2 and lse_err <= 1e-3 and untouched
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'} ashape {str(dtype)[6:]:8} d={d:3} b={b} "
                      f"h={hq}/{hk} n={n:5} sink={sink} local={local} heads={heads} "
                      f"max_abs={err:.2e} rel_l2={rel:.2e} lse={lse_err:.2e} untouched={untouched}")
    return failures


CALLS_PER_EVENT = 1  # --calls: back-to-back calls between one pair of events


def time_ms(fn, warmup, iters):
    """Median over `iters` of the per-call time between two CUDA events. With CALLS_PER_EVENT > 1
    the calls run back to back between the events, so host work after the first launch overlaps
    the GPU's work (what a model's layer loop sees); with 1, a call's host work before its launch
    is inside the window."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iters):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(CALLS_PER_EVENT):
            fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) / CALLS_PER_EVENT)
    return statistics.median(times)


def bench(lib, seqs, heads, dims, iters, label, causal_only=False):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    device = torch.cuda.get_device_name()
    for d in dims:
        for causal in ((True,) if causal_only else (True, False)):
            for n in seqs:
                q = torch.randn(1, heads, n, d, device="cuda", dtype=torch.bfloat16)
                k, v = torch.randn_like(q), torch.randn_like(q)
                o = torch.empty_like(q)
                flops = 4 * heads * n * n * d / (2 if causal else 1)
                row = {"op": "dense", "impl": label, "seq": n, "heads": heads, "head_dim": d,
                       "dtype": "bf16", "causal": causal, "device": device,
                       "mainloop": lib.mainloop, "calls_per_event": CALLS_PER_EVENT}
                ms = time_ms(lambda: lib.dense(q, k, v, o, causal), 3, iters)
                row["ms_median"], row["tflops"] = ms, flops / ms / 1e9
                for name, backend in (("sdpa_flash", SDPBackend.FLASH_ATTENTION),
                                      ("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION)):
                    with sdpa_kernel(backend):
                        ms = time_ms(lambda: F.scaled_dot_product_attention(
                            q, k, v, is_causal=causal), 3, iters)
                    row[name + "_tflops"] = flops / ms / 1e9
                print(json.dumps(row), flush=True)


def random_block_sparse(b, heads, n, keep, gen):
    """Per (batch, head, query block): block 0, the diagonal block and a random `keep` fraction
    of the others (ascending). Returns the per-row lists and the [B, H, N, N] visible mask."""
    qb = (n + 63) // 64
    rows, mask = [], torch.zeros(b, len(heads), n, n, dtype=torch.bool)
    for bi in range(b):
        for hi in range(len(heads)):
            for m in range(qb):
                picks = sorted({0, m} | {j for j in range(m) if torch.rand(1, generator=gen) < keep})
                rows.append(picks)
                for j in picks:
                    mask[bi, hi, m * 64:(m + 1) * 64, j * 64:(j + 1) * 64] = True
    return rows, mask


def random_vertical_slash(b, heads, n, gen):
    """Per (batch, head, query block): disjoint 64-key blocks at unaligned starts (the last one
    covering the diagonal) and gathered columns left of the query block outside the blocks."""
    qb = (n + 63) // 64
    block_rows, column_rows = [], []
    mask = torch.zeros(b, len(heads), n, n, dtype=torch.bool)
    for bi in range(b):
        for hi in range(len(heads)):
            for m in range(qb):
                start_m, end_m = m * 64, m * 64 + 64
                starts, covered = [], set()
                # a run ending at the diagonal, possibly a few blocks long
                first = max(0, end_m - 64 * int(torch.randint(1, 4, (1,), generator=gen)) -
                            int(torch.randint(0, 64, (1,), generator=gen)))
                run = list(range(first, end_m, 64))
                # an earlier run, unaligned, disjoint from the diagonal run
                if first > 200:
                    s0 = int(torch.randint(0, first - 128, (1,), generator=gen))
                    starts.append(s0)
                starts += run
                for s0 in starts:
                    covered.update(range(s0, s0 + 64))
                cols = [c for c in range(0, start_m)
                        if c not in covered and torch.rand(1, generator=gen) < 0.05]
                block_rows.append(starts)
                column_rows.append(cols)
                for s0 in starts:
                    mask[bi, hi, start_m:end_m, s0:min(s0 + 64, n)] = True
                if cols:
                    mask[bi, hi, start_m:end_m, cols] = True
    return block_rows, column_rows, mask


def check_indexed(lib):
    """Block-sparse and vertical-slash over head subsets against the masked reference."""
    failures, gen = 0, torch.Generator().manual_seed(1)
    for dtype in (torch.bfloat16, torch.float16):
        for d in (64, 128):
            for (b, hq, hk, n, heads) in [(1, 2, 2, 1, None), (1, 4, 2, 65, [1, 3]),
                                          (2, 4, 1, 1000, [0, 2]), (1, 2, 2, 2048, [1])]:
                listed = heads if heads is not None else list(range(hq))
                q = torch.randn(b, hq, n, d, device="cuda", dtype=dtype)
                k = torch.randn(b, hk, n, d, device="cuda", dtype=dtype)
                v = torch.randn(b, hk, n, d, device="cuda", dtype=dtype)
                for pattern in ("block_sparse", "vertical_slash"):
                    o = torch.full_like(q, float("nan"))
                    lse = torch.full((b, hq, n), float("nan"), device="cuda")
                    if pattern == "block_sparse":
                        rows, mask = random_block_sparse(b, listed, n, 0.3, gen)
                        keep, index = csr(rows)
                        lib.block_sparse(q, k, v, o, index, heads, lse)
                    else:
                        brows, crows, mask = random_vertical_slash(b, listed, n, gen)
                        keep_b, bindex = csr(brows)
                        keep_c, cindex = csr(crows)
                        lib.vertical_slash(q, k, v, o, bindex, cindex, heads, lse)
                    torch.cuda.synchronize()
                    visible = torch.ones(b, hq, n, n, dtype=torch.bool)
                    visible[:, listed] = mask
                    ref, ref_lse = reference(q, k, v, True, visible=visible.cuda())
                    others = [h for h in range(hq) if h not in listed]
                    err = (o[:, listed].float() - ref[:, listed]).abs().max().item()
                    rel = ((o[:, listed].float() - ref[:, listed]).norm() /
                           ref[:, listed].norm()).item()
                    lse_err = (lse[:, listed] - ref_lse[:, listed]).abs().max().item()
                    untouched = bool(o[:, others].isnan().all()) if others else True
                    tol = 2e-2 if dtype == torch.bfloat16 else 4e-3
                    ok = err <= tol and rel <= tol / 2 and lse_err <= 1e-3 and untouched
                    failures += not ok
                    print(f"{'ok  ' if ok else 'FAIL'} {pattern} {str(dtype)[6:]:8} d={d:3} b={b} "
                          f"h={hq}/{hk} n={n:5} heads={heads} max_abs={err:.2e} rel_l2={rel:.2e} "
                          f"lse={lse_err:.2e} untouched={untouched}")
    return failures


def bench_ashape(lib, n, heads, sink, local, iters):
    """The issue's A-shape case; TFLOP/s counted on the entries actually visible."""
    q = torch.randn(1, heads, n, 128, device="cuda", dtype=torch.bfloat16)
    k, v = torch.randn_like(q), torch.randn_like(q)
    o = torch.empty_like(q)
    i = torch.arange(n, dtype=torch.float64)
    # keys j <= i with j < sink, plus those in the band (i - local, i] that are not sinks
    visible = (torch.clamp(i + 1, max=sink) +
               torch.clamp(i + 1 - torch.clamp(i - local + 1, min=sink), min=0)).sum().item()
    flops = 4 * heads * visible * 128
    ms = time_ms(lambda: lib.ashape(q, k, v, o, sink, local), 3, iters)
    dense_ms = time_ms(lambda: lib.dense(q, k, v, o, True), 3, iters)
    print(json.dumps({"op": "ashape", "seq": n, "heads": heads, "sink": sink, "local": local,
                      "ms": ms, "tflops_kept": flops / ms / 1e9,
                      "density": visible / (n * (n + 1) / 2), "dense_ms": dense_ms,
                      "speedup_vs_dense": dense_ms / ms,
                      "device": torch.cuda.get_device_name()}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--label", default="minference")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--check-indexed", action="store_true",
                    help="check block-sparse and vertical-slash only (the split mainloop)")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--seq", type=int, nargs="+", default=[8192, 32768])
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--dims", type=int, nargs="+", default=[128, 64])
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--calls", type=int, default=1,
                    help="calls between one pair of events (ours and SDPA alike); 1: each call alone")
    ap.add_argument("--causal-only", action="store_true", help="time causal attention only")
    ap.add_argument("--ashape", action="store_true", help="benchmark A-shape (128, 4096) at 128K x 8")
    a = ap.parse_args()
    global CALLS_PER_EVENT
    CALLS_PER_EVENT = max(1, a.calls)
    torch.manual_seed(0)
    lib = Library(a.lib)
    failures = check(lib) if a.check else check_indexed(lib) if a.check_indexed else 0
    if a.bench:
        bench(lib, a.seq, a.heads, a.dims, a.iters, a.label, a.causal_only)
    if a.ashape:
        bench_ashape(lib, 131072, 8, 128, 4096, a.iters)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
