#!/usr/bin/env python3
"""Checks and times libminference's SLA (sparse-linear attention) forward on the GPU machine.

The GPU machine has PyTorch but no .NET: this script calls mi_sla_mask and mi_sla_forward through
ctypes and compares them with a float64 PyTorch reference that takes the library's own mask (its
class map): the critical blocks by masked softmax attention, the linear branch by explicit sums
over the marginal blocks (or every key), Proj with random non-zero weights. It also checks the
mask's ranking against float64 pooled scores (disagreements must be near-ties). --bench times the
mask, the forward and the backward, and dense attention forward and backward by SDPA's FLASH
(FlashAttention-2) and CUDNN backends on the same tensors (CUDA events after warm-up, median of
--iters runs). --check also runs the backward against float64 autograd through the same reference.

    python3 bench/sla_check.py --lib build/native/libminference.so [--check] [--bench]
"""
import argparse
import ctypes
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_torch import CsrIndex, Library, Tensor4, tensor4, time_ms  # noqa: E402

MI_DTYPE = {torch.float16: 0, torch.bfloat16: 1}
FEATURE_MAPS = {"softmax": 0, "elu": 1, "relu": 2}
BRANCHES = {"marginal": 0, "all": 1}


class MaskArgs(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_int32), ("batch", ctypes.c_int64), ("heads", ctypes.c_int64),
                ("seq_len", ctypes.c_int64), ("head_dim", ctypes.c_int64), ("q", Tensor4), ("k", Tensor4),
                ("critical", ctypes.c_int64), ("negligible", ctypes.c_int64), ("smooth_keys", ctypes.c_int32),
                ("critical_row_ptr", ctypes.c_void_p), ("critical_blocks", ctypes.c_void_p),
                ("negligible_row_ptr", ctypes.c_void_p), ("negligible_blocks", ctypes.c_void_p),
                ("classes", ctypes.c_void_p), ("causal", ctypes.c_int32), ("critical_fraction", ctypes.c_double),
                ("negligible_fraction", ctypes.c_double)]


class ForwardArgs(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_int32), ("batch", ctypes.c_int64), ("heads", ctypes.c_int64),
                ("seq_len", ctypes.c_int64), ("head_dim", ctypes.c_int64), ("q", Tensor4), ("k", Tensor4),
                ("v", Tensor4), ("o", Tensor4), ("o_sparse", Tensor4), ("o_linear", Tensor4),
                ("lse", ctypes.c_void_p), ("proj_weight", ctypes.c_void_p), ("proj_bias", ctypes.c_void_p),
                ("softmax_scale", ctypes.c_float), ("feature_map", ctypes.c_int32),
                ("linear_branch", ctypes.c_int32), ("critical", CsrIndex), ("negligible", CsrIndex),
                ("linear_inv_den", ctypes.c_void_p), ("causal", ctypes.c_int32)]


class BackwardArgs(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_int32), ("batch", ctypes.c_int64), ("heads", ctypes.c_int64),
                ("seq_len", ctypes.c_int64), ("head_dim", ctypes.c_int64), ("q", Tensor4), ("k", Tensor4),
                ("v", Tensor4), ("o_sparse", Tensor4), ("o_linear", Tensor4), ("lse", ctypes.c_void_p),
                ("linear_inv_den", ctypes.c_void_p), ("d_o", Tensor4), ("d_q", Tensor4), ("d_k", Tensor4),
                ("d_v", Tensor4), ("d_weight", ctypes.c_void_p), ("d_bias", ctypes.c_void_p),
                ("proj_weight", ctypes.c_void_p), ("softmax_scale", ctypes.c_float), ("feature_map", ctypes.c_int32),
                ("linear_branch", ctypes.c_int32), ("critical", CsrIndex), ("negligible", CsrIndex),
                ("causal", ctypes.c_int32)]


class Sla:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.mi_last_error.restype = ctypes.c_char_p
        for name, args in (("mi_sla_mask_workspace_size", [ctypes.POINTER(MaskArgs), ctypes.POINTER(ctypes.c_int64)]),
                           ("mi_sla_mask", [ctypes.POINTER(MaskArgs), ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p]),
                           ("mi_sla_forward_workspace_size", [ctypes.POINTER(ForwardArgs), ctypes.POINTER(ctypes.c_int64)]),
                           ("mi_sla_forward", [ctypes.POINTER(ForwardArgs), ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p]),
                           ("mi_sla_backward_workspace_size", [ctypes.POINTER(BackwardArgs), ctypes.POINTER(ctypes.c_int64)]),
                           ("mi_sla_backward", [ctypes.POINTER(BackwardArgs), ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p])):
            getattr(self.lib, name).argtypes = args

    def check(self, status):
        if status != 0:
            raise RuntimeError(f"status {status}: {self.lib.mi_last_error().decode()}")

    @staticmethod
    def stream():
        return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)


class Problem:
    """Buffers of one SLA call: inputs, mask outputs, forward outputs and both workspaces."""

    def __init__(self, sla, q, k, v, w, b, critical, negligible, feature_map, branch, smooth=True, keep_classes=True):
        self.sla, self.q, self.k, self.v, self.w, self.b = sla, q, k, v, w, b
        bsz, heads, n, d = q.shape
        blocks = (n + 63) // 64
        rows = bsz * heads * blocks
        dev = q.device
        self.blocks, self.critical, self.negligible = blocks, critical, negligible
        self.crit_ptr = torch.empty(rows + 1, dtype=torch.int64, device=dev)
        self.crit = torch.empty(max(rows * critical, 1), dtype=torch.int32, device=dev)
        self.negl_ptr = torch.empty(rows + 1, dtype=torch.int64, device=dev)
        self.negl = torch.empty(max(rows * negligible, 1), dtype=torch.int32, device=dev)
        self.classes = torch.empty((bsz, heads, blocks, blocks), dtype=torch.int8, device=dev) if keep_classes else None
        self.mask_args = MaskArgs(MI_DTYPE[q.dtype], bsz, heads, n, d, tensor4(q), tensor4(k), critical, negligible,
                                  int(smooth), self.crit_ptr.data_ptr(), self.crit.data_ptr(), self.negl_ptr.data_ptr(),
                                  self.negl.data_ptr() if negligible > 0 else None,
                                  self.classes.data_ptr() if keep_classes else None)
        size = ctypes.c_int64(0)
        sla.check(sla.lib.mi_sla_mask_workspace_size(ctypes.byref(self.mask_args), ctypes.byref(size)))
        self.mask_ws = torch.empty(max(size.value, 1), dtype=torch.uint8, device=dev)
        self.o = torch.empty_like(q)
        self.o_sparse = torch.empty_like(q)
        self.o_linear = torch.empty_like(q)
        self.lse = torch.empty((bsz, heads, n), dtype=torch.float32, device=dev)
        self.inv_den = torch.empty((bsz, heads, n), dtype=torch.float32, device=dev)
        self.fwd_args = ForwardArgs(MI_DTYPE[q.dtype], bsz, heads, n, d, tensor4(q), tensor4(k), tensor4(v),
                                    tensor4(self.o), tensor4(self.o_sparse), tensor4(self.o_linear), self.lse.data_ptr(),
                                    w.data_ptr(), b.data_ptr(), 0.0, feature_map, branch,
                                    CsrIndex(self.crit_ptr.data_ptr(), self.crit.data_ptr(), rows * critical),
                                    CsrIndex(self.negl_ptr.data_ptr(), self.negl.data_ptr(), rows * negligible),
                                    self.inv_den.data_ptr())
        sla.check(sla.lib.mi_sla_forward_workspace_size(ctypes.byref(self.fwd_args), ctypes.byref(size)))
        self.fwd_ws = torch.empty(max(size.value, 1), dtype=torch.uint8, device=dev)

    def prepare_backward(self, d_o):
        self.d_o = d_o
        self.d_q, self.d_k, self.d_v = (torch.empty_like(self.q) for _ in range(3))
        d = self.q.shape[-1]
        self.d_w = torch.empty((d, d), dtype=torch.float32, device=self.q.device)
        self.d_b = torch.empty((d,), dtype=torch.float32, device=self.q.device)
        f = self.fwd_args
        self.bwd_args = BackwardArgs(f.dtype, f.batch, f.heads, f.seq_len, f.head_dim, f.q, f.k, f.v, f.o_sparse, f.o_linear,
                                     f.lse, f.linear_inv_den, tensor4(d_o), tensor4(self.d_q), tensor4(self.d_k),
                                     tensor4(self.d_v), self.d_w.data_ptr(), self.d_b.data_ptr(), f.proj_weight,
                                     f.softmax_scale, f.feature_map, f.linear_branch, f.critical, f.negligible)
        size = ctypes.c_int64(0)
        self.sla.check(self.sla.lib.mi_sla_backward_workspace_size(ctypes.byref(self.bwd_args), ctypes.byref(size)))
        self.bwd_ws = torch.empty(max(size.value, 1), dtype=torch.uint8, device=self.q.device)

    def backward(self):
        self.sla.check(self.sla.lib.mi_sla_backward(ctypes.byref(self.bwd_args), self.bwd_ws.data_ptr(),
                                                    self.bwd_ws.numel(), Sla.stream()))

    def mask(self):
        self.sla.check(self.sla.lib.mi_sla_mask(ctypes.byref(self.mask_args), self.mask_ws.data_ptr(),
                                                self.mask_ws.numel(), Sla.stream()))

    def forward(self):
        self.sla.check(self.sla.lib.mi_sla_forward(ctypes.byref(self.fwd_args), self.fwd_ws.data_ptr(),
                                                   self.fwd_ws.numel(), Sla.stream()))


def phi(x, feature_map):
    if feature_map == 0:
        return torch.softmax(x, dim=-1)
    if feature_map == 1:
        return torch.where(x > 0, x + 1, torch.exp(x))
    return torch.relu(x)


def reference(q, k, v, w, b, classes, feature_map, branch):
    """float64 SLA forward with the given class map [B, H, blocks, blocks]: O, O_s, O_l, LSE, 1/den."""
    q, k, v, w, b = (t.double() for t in (q, k, v, w, b))
    bsz, heads, n, d = q.shape
    token_block = torch.arange(n, device=q.device) // 64
    cls = classes.long()[:, :, token_block][:, :, :, token_block]  # [B, H, N, N] per token pair
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(d)
    scores = scores.masked_fill(cls != 1, float("-inf"))
    lse = torch.logsumexp(scores, dim=-1)
    o_s = torch.softmax(scores, dim=-1) @ v
    qf, kf = phi(q, feature_map), phi(k, feature_map)
    a = qf @ kf.transpose(-1, -2)
    if branch == 1:
        num, den = a @ v, a.sum(-1, keepdim=True) + 1e-5
        o_l = num / den
        inv_den = 1 / den[..., 0]
    else:
        a = a * (cls == 0)
        num, den = a @ v, a.sum(-1, keepdim=True)
        o_l = torch.where(den > 0, num / den.clamp_min(1e-300), torch.zeros_like(num))
        inv_den = torch.where(den[..., 0] > 0, 1 / den[..., 0].clamp_min(1e-300), torch.zeros_like(den[..., 0]))
    o = o_s + o_l @ w.transpose(0, 1) + b
    return o, o_s, o_l, lse, inv_den


def rel_l2(x, y):
    x, y = x.double(), y.double()
    return float((x - y).norm() / y.norm().clamp_min(1e-30))


def mask_agreement(q, k, classes, critical, negligible, smooth):
    """Share of rows whose GPU classes equal those ranked from float64 pooled scores, and the largest
    score gap (relative to the row's score scale) at a disagreement: near-ties only if small."""
    bsz, heads, n, d = q.shape
    blocks = (n + 63) // 64
    pad = blocks * 64 - n
    counts = torch.full((blocks,), 64.0, dtype=torch.float64, device=q.device)
    counts[-1] = 64 - pad

    def pool(x):
        x = F.pad(x.double(), (0, 0, 0, pad)).view(bsz, heads, blocks, 64, d).sum(3)
        return x / counts[:, None]

    pk = pool(k - k.double().mean(2, keepdim=True)) if smooth else pool(k)
    scores = pool(q) @ pk.transpose(-1, -2)
    index = torch.arange(blocks, device=q.device, dtype=torch.float64)
    order = torch.argsort(torch.argsort(-scores + 0 * index, dim=-1, stable=True), dim=-1)  # rank per block
    expected = torch.zeros_like(classes)
    expected[order < critical] = 1
    expected[order >= blocks - negligible] = -1
    same = (expected == classes).all(-1)
    worst = 0.0
    if not bool(same.all()):
        scale = scores.abs().amax(-1, keepdim=True).clamp_min(1e-30)
        # Each block classed differently, against the boundary it crossed: the critical one (between
        # the critical-th and next score) where either class is critical, else the negligible one.
        for idx in (~same).nonzero()[:8]:
            row, got, want = scores[tuple(idx)], classes[tuple(idx)], expected[tuple(idx)]
            s = torch.sort(row, descending=True).values
            crit_edge = float(s[critical - 1] + s[min(critical, blocks - 1)]) / 2
            negl_edge = float(s[blocks - negligible - 1] + s[blocks - negligible]) / 2 if negligible > 0 else crit_edge
            for j in (got != want).nonzero()[:, 0].tolist():
                edge = crit_edge if 1 in (int(got[j]), int(want[j])) else negl_edge
                worst = max(worst, abs(float(row[j]) - edge) / float(scale[tuple(idx)][0]))
    return float(same.double().mean()), worst


def make(bsz, heads, n, d, dtype, seed):
    g = torch.Generator(device="cuda").manual_seed(seed)
    q = torch.randn(bsz, heads, n, d, device="cuda", generator=g).to(dtype)
    k = torch.randn(bsz, heads, n, d, device="cuda", generator=g).to(dtype)
    v = torch.randn(bsz, heads, n, d, device="cuda", generator=g).to(dtype)
    w = (torch.randn(d, d, device="cuda", generator=g) / math.sqrt(d)).float()
    b = (0.1 * torch.randn(d, device="cuda", generator=g)).float()
    return q, k, v, w, b


def check(sla):
    cases = []
    for n in (1, 63, 64, 65, 200, 1000, 4096):
        for d in (64, 96, 128):
            cases.append((2 if n < 1000 else 1, 2, n, d, torch.bfloat16, 0, 0, 0.05, 0.10))
    for fm in (0, 1, 2):
        for branch in (0, 1):
            for dtype in (torch.float16, torch.bfloat16):
                cases.append((1, 2, 1000, 128, dtype, fm, branch, 0.05, 0.10))
    cases += [(1, 2, 1000, 64, torch.bfloat16, 0, 0, 1.0, 0.0),   # k_h = 100 %: linear branch vanishes
              (1, 2, 1000, 64, torch.bfloat16, 0, 0, 0.01, 0.0),  # one critical block, no negligible
              (1, 1, 4096, 128, torch.bfloat16, 0, 0, 0.2, 0.5),
              # more blocks than an H100's CTA slots: the linear kernels' CTAs take runs of blocks
              (1, 1, 12000, 128, torch.bfloat16, 0, 0, 0.05, 0.10),  # the paper's: a group per launch, runs of 2
              (1, 12, 4096, 128, torch.bfloat16, 0, 1, 0.05, 0.10)]  # the released: runs of 6
    failures = 0
    for i, (bsz, heads, n, d, dtype, fm, branch, kh, kl) in enumerate(cases):
        blocks = (n + 63) // 64
        critical = min(max(int(math.floor(kh * blocks + 1e-9)), 1), blocks)
        negligible = min(int(math.floor(kl * blocks + 1e-9)), blocks - critical)
        q, k, v, w, b = make(bsz, heads, n, d, dtype, 1000 + i)
        p = Problem(sla, q, k, v, w, b, critical, negligible, fm, branch)
        p.mask()
        p.forward()
        torch.cuda.synchronize()
        agree, gap = mask_agreement(q, k, p.classes, critical, negligible, True)
        o, o_s, o_l, lse, inv_den = reference(q, k, v, w, b, p.classes, fm, branch)
        errors = {"o": rel_l2(p.o, o), "o_s": rel_l2(p.o_sparse, o_s), "o_l": rel_l2(p.o_linear, o_l),
                  "lse": float((p.lse.double() - lse).abs().max()), "inv_den": rel_l2(p.inv_den, inv_den)}
        g = torch.Generator(device="cuda").manual_seed(2000 + i)
        d_o = torch.randn(q.shape, device="cuda", generator=g).to(dtype)
        p.prepare_backward(d_o)
        p.backward()
        torch.cuda.synchronize()
        leaves = [t.detach().double().requires_grad_() for t in (q, k, v, w, b)]
        o_ref = reference(*leaves, p.classes, fm, branch)[0]
        o_ref.backward(d_o.double())
        for key, mine, ref in (("dq", p.d_q, leaves[0]), ("dk", p.d_k, leaves[1]), ("dv", p.d_v, leaves[2]),
                               ("dw", p.d_w, leaves[3]), ("db", p.d_b, leaves[4])):
            # Relative to the reference, floored at 1 % of dO: with one key per row the exact dq and
            # dk are 0 (a softmax over one key has no gradient) and only rounding noise remains.
            floor = 1e-2 * float(d_o.double().norm()) if key in ("dq", "dk", "dv") else 0.0
            errors[key] = float((mine.double() - ref.grad).norm() / max(float(ref.grad.norm()), floor, 1e-30))
        crit_rows = (p.classes == 1).sum(-1)
        tol = 2e-2 if dtype == torch.bfloat16 else 5e-3
        ok = (errors["o"] <= tol and errors["o_s"] <= tol and errors["o_l"] <= 2 * tol and errors["lse"] <= 2e-2 and errors["inv_den"] <= 2 * tol
              and all(errors[key] <= 2 * tol for key in ("dq", "dk", "dv", "dw", "db"))
              and bool((crit_rows == critical).all()) and (agree == 1.0 or gap < 1e-2))
        failures += not ok
        print(("ok  " if ok else "FAIL"), f"B{bsz} H{heads} N{n} D{d} {str(dtype)[6:]} phi{fm} branch{branch} "
              f"kh{critical} kl{negligible}: mask rows agree {agree:.3f} (gap {gap:.1e}) "
              + " ".join(f"{key} {val:.2e}" for key, val in errors.items()), flush=True)
    print(f"{len(cases) - failures}/{len(cases)} ok")
    return failures


def bench(sla, args):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    bsz, heads, n, d = args.batch, args.heads, args.seq, args.head_dim
    q, k, v, w, b = make(bsz, heads, n, d, torch.bfloat16, 7)
    w.zero_()  # Proj at its released initialisation: rel_l2 is then the critical branch's error against dense
    b.zero_()
    ours = Library(args.lib)
    o_dense = torch.empty_like(q)
    ms_dense = time_ms(lambda: ours.dense(q, k, v, o_dense, False), args.warmup, args.iters)
    blocks = (n + 63) // 64
    critical = max(int(math.floor(args.critical * blocks + 1e-9)), 1)
    negligible = min(int(math.floor(args.negligible * blocks + 1e-9)), blocks - critical)
    dense_flops = 4 * bsz * heads * n * n * d
    for branch in (0, 1):
        p = Problem(sla, q, k, v, w, b, critical, negligible, 0, branch, keep_classes=False)
        ms_mask = time_ms(p.mask, args.warmup, args.iters)
        ms_attention = time_ms(p.forward, args.warmup, args.iters)
        ms_fwd = time_ms(lambda: (p.mask(), p.forward()), args.warmup, args.iters)
        p.prepare_backward(torch.randn_like(q))
        ms_bwd = time_ms(p.backward, args.warmup, args.iters)
        extra = p.bwd_ws.numel()
        row = {"op": "sla", "branch": "marginal" if branch == 0 else "all", "seq": n, "heads": heads, "head_dim": d,
               "critical": critical, "negligible": negligible, "ms_mask": round(ms_mask, 4),
               "ms_attention": round(ms_attention, 4), "ms_fwd": round(ms_fwd, 4), "ms_bwd": round(ms_bwd, 4),
               "bwd_workspace_over_q": round(extra / (q.numel() * q.element_size()), 3),
               "rel_l2": round(rel_l2(p.o, o_dense), 5), "dense_fwd_ms": round(ms_dense, 4),
               "device": torch.cuda.get_device_name()}
        print(json.dumps(row), flush=True)
    # Our dense backward: the SLA backward with every block critical (its linear branch is then off).
    full = Problem(sla, q, k, v, w, b, blocks, 0, 0, 0, keep_classes=False)
    full.mask()
    full.forward()
    full.prepare_backward(torch.randn_like(q))
    ms_dense_bwd = time_ms(full.backward, args.warmup, args.iters)
    print(json.dumps({"op": "dense", "impl": "ours", "mainloop": ours.mainloop, "seq": n, "heads": heads, "head_dim": d,
                      "fwd_ms": round(ms_dense, 4), "fwd_tflops": round(dense_flops / ms_dense / 1e9, 1),
                      "bwd_ms": round(ms_dense_bwd, 4), "bwd_tflops": round(2.5 * dense_flops / ms_dense_bwd / 1e9, 1)}),
          flush=True)
    qg, kg, vg = (t.detach().clone().requires_grad_() for t in (q, k, v))
    d_o = torch.randn_like(q)
    for name, backend in (("flash2", SDPBackend.FLASH_ATTENTION), ("cudnn", SDPBackend.CUDNN_ATTENTION)):
        try:
            with sdpa_kernel(backend):
                ms = time_ms(lambda: F.scaled_dot_product_attention(q, k, v), args.warmup, args.iters)
                out = F.scaled_dot_product_attention(qg, kg, vg)
                ms_b = time_ms(lambda: torch.autograd.grad(out, (qg, kg, vg), d_o, retain_graph=True), args.warmup, args.iters)
            print(json.dumps({"op": "dense", "impl": name, "seq": n, "heads": heads, "head_dim": d,
                              "fwd_ms": round(ms, 4), "fwd_tflops": round(dense_flops / ms / 1e9, 1),
                              "bwd_ms": round(ms_b, 4), "bwd_tflops": round(2.5 * dense_flops / ms_b / 1e9, 1)}), flush=True)
        except RuntimeError as error:
            print(json.dumps({"op": "dense_fwd", "impl": name, "error": str(error)[:200]}), flush=True)


def profile(sla, args):
    """One run of each step under torch.profiler (after warm-up): where each step's time goes, per kernel."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile
    bsz, heads, n, d = args.batch, args.heads, args.seq, args.head_dim
    q, k, v, w, b = make(bsz, heads, n, d, torch.bfloat16, 7)
    blocks = (n + 63) // 64
    critical = max(int(math.floor(args.critical * blocks + 1e-9)), 1)
    negligible = min(int(math.floor(args.negligible * blocks + 1e-9)), blocks - critical)
    cases = [("marginal", critical, negligible, 0), ("all", critical, negligible, 1), ("dense", blocks, 0, 0)]
    for name, crit, negl, branch in [c for c in cases if c[0] in args.cases.split(",")]:
        p = Problem(sla, q, k, v, w, b, crit, negl, 0, branch, keep_classes=False)
        p.mask()
        p.forward()
        p.prepare_backward(torch.randn_like(q))
        steps = [("mask", p.mask), ("forward", p.forward), ("backward", p.backward)]
        if name == "dense":
            steps = steps[2:]
        for step, run in steps:
            for _ in range(3):
                run()
            torch.cuda.synchronize()
            with torch_profile(activities=[ProfilerActivity.CUDA]) as prof:
                run()
                torch.cuda.synchronize()
            total = 0.0
            rows = []
            for e in prof.key_averages():
                us = getattr(e, "device_time_total", None)
                if us is None:
                    us = e.cuda_time_total
                if us > 0:
                    rows.append((us, e.count, e.key))
                    total += us
            rows.sort(reverse=True)
            print(f"== {name} {step}: {total / 1000:.3f} ms of kernels", flush=True)
            for us, count, key in rows:
                print(f"  {us / 1000:8.3f} ms  x{count:<4d} {key[:110]}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", required=True)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--bench", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="per kernel, CUDA time of one mask, forward and backward per branch and of the dense backward")
    parser.add_argument("--cases", default="marginal,all,dense",
                        help="--profile's cases: marginal (the paper's branch), all (the released), dense")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--seq", type=int, default=32760)
    parser.add_argument("--head-dim", type=int, default=128)
    parser.add_argument("--critical", type=float, default=0.05)
    parser.add_argument("--negligible", type=float, default=0.10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iters", type=int, default=20)
    args = parser.parse_args()
    sla = Sla(args.lib)
    failures = check(sla) if args.check else 0
    if args.bench:
        bench(sla, args)
    if args.profile:
        profile(sla, args)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
