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


class Tensor4(ctypes.Structure):
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


def tensor4(t):
    return Tensor4(t.data_ptr(), (ctypes.c_int64 * 4)(*t.stride()))


class Library:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.mi_last_error.restype = ctypes.c_char_p
        self.lib.mi_attention_dense_fwd.argtypes = [ctypes.POINTER(DenseArgs), ctypes.c_void_p]

    def dense(self, q, k, v, o, causal, lse=None, scale=0.0):
        """q, k, v, o in logical [B, H, S, D] (any strides with D contiguous)."""
        args = DenseArgs(
            MI_DTYPE[q.dtype], q.shape[0], q.shape[1], k.shape[1], q.shape[2], k.shape[2],
            q.shape[3], tensor4(q), tensor4(k), tensor4(v), tensor4(o),
            lse.data_ptr() if lse is not None else None, scale, int(causal))
        status = self.lib.mi_attention_dense_fwd(
            ctypes.byref(args), ctypes.c_void_p(torch.cuda.current_stream().cuda_stream))
        if status != 0:
            raise RuntimeError(f"status {status}: {self.lib.mi_last_error().decode()}")


def reference(q, k, v, causal):
    """fp32 attention with a bottom-right causal mask and GQA; returns (out, lse)."""
    b, hq, sq, d = q.shape
    hk, sk = k.shape[1], k.shape[2]
    k = k.float().repeat_interleave(hq // hk, dim=1)
    v = v.float().repeat_interleave(hq // hk, dim=1)
    s = torch.matmul(q.float(), k.transpose(-1, -2)) / math.sqrt(d)
    if causal:
        i = torch.arange(sq, device=q.device)[:, None]
        j = torch.arange(sk, device=q.device)[None, :]
        s = s.masked_fill(j > i + (sk - sq), float("-inf"))
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
    return failures


def time_ms(fn, warmup, iters):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iters):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def bench(lib, seqs, heads, dims, iters, label):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    device = torch.cuda.get_device_name()
    for d in dims:
        for causal in (True, False):
            for n in seqs:
                q = torch.randn(1, heads, n, d, device="cuda", dtype=torch.bfloat16)
                k, v = torch.randn_like(q), torch.randn_like(q)
                o = torch.empty_like(q)
                flops = 4 * heads * n * n * d / (2 if causal else 1)
                row = {"op": "dense", "impl": label, "seq": n, "heads": heads, "head_dim": d,
                       "dtype": "bf16", "causal": causal, "device": device}
                ms = time_ms(lambda: lib.dense(q, k, v, o, causal), 3, iters)
                row["ms_median"], row["tflops"] = ms, flops / ms / 1e9
                for name, backend in (("sdpa_flash", SDPBackend.FLASH_ATTENTION),
                                      ("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION)):
                    with sdpa_kernel(backend):
                        ms = time_ms(lambda: F.scaled_dot_product_attention(
                            q, k, v, is_causal=causal), 3, iters)
                    row[name + "_tflops"] = flops / ms / 1e9
                print(json.dumps(row), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--label", default="minference")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--seq", type=int, nargs="+", default=[8192, 32768])
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--dims", type=int, nargs="+", default=[128, 64])
    ap.add_argument("--iters", type=int, default=10)
    a = ap.parse_args()
    torch.manual_seed(0)
    lib = Library(a.lib)
    failures = check(lib) if a.check else 0
    if a.bench:
        bench(lib, a.seq, a.heads, a.dims, a.iters, a.label)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
