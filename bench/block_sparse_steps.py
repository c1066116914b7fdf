#!/usr/bin/env python3
"""Checks and times mi_block_sparse_estimate on the GPU machine (ctypes, no .NET).

  --check   index equality against a float64 PyTorch reference of the definition (pool, causal
            pooled scores, forced blocks 0 and the diagonal, top-k with the smaller block winning
            ties, ascending) over many shapes. On random data a row may differ only in near-ties
            (1e-4 relative, as tests/MInference.Tests/Gpu/BlockSparseGpuTests.cs allows: fp32 vs
            float64 scores); on tie data (integers whose fp32 sums are exact, key blocks drawn from
            a few patterns so that equal scores abound) rows must be equal. With --base, the other
            library's index must be equal bit for bit on every case it runs.
  --bench   CUDA-event times (median of --iters after warm-up) next to MInference's PyTorch
            estimation (bf16 pool + einsum + causal mask + topk + sort) on the same inputs, and the
            per-kernel split from the PyTorch profiler.
  --graph   captures the call into a CUDA graph and checks a replay gives the eager index.
  --smoke   numpy only (no torch: for compute-sanitizer): small cases against a numpy reference.

    python3 bench/block_sparse_steps.py --lib build/native/libminference.so --check --bench
"""
import argparse
import ctypes
import json
import re
import statistics
import sys
import time

MI_FLOAT16, MI_BFLOAT16 = 0, 1
NEAR_TIE = 1e-4


class Tensor4(ctypes.Structure):  # noqa: D101 - mirrors mi_tensor4
    _fields_ = [("data", ctypes.c_void_p), ("stride", ctypes.c_int64 * 4)]


class EstimateArgs(ctypes.Structure):  # noqa: D101 - mirrors mi_block_sparse_estimate_args
    _fields_ = [("dtype", ctypes.c_int32), ("batch", ctypes.c_int64), ("q_heads", ctypes.c_int64),
                ("kv_heads", ctypes.c_int64), ("seq_len", ctypes.c_int64),
                ("head_dim", ctypes.c_int64), ("q", Tensor4), ("k", Tensor4),
                ("heads", ctypes.POINTER(ctypes.c_int32)), ("head_count", ctypes.c_int32),
                ("top_k", ctypes.c_int64), ("row_ptr", ctypes.c_void_p),
                ("blocks", ctypes.c_void_p)]


class Library:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.mi_last_error.restype = ctypes.c_char_p
        self.path = path

    def check(self, status):
        if status != 0:
            raise RuntimeError(f"status {status}: {self.lib.mi_last_error().decode()}")

    def index_size(self, batch, head_count, n, top_k):
        entries = ctypes.c_int64()
        self.check(self.lib.mi_block_sparse_index_size(
            ctypes.c_int64(batch), ctypes.c_int64(head_count), ctypes.c_int64(n),
            ctypes.c_int64(top_k), ctypes.byref(entries)))
        return entries.value

    def workspace_size(self, args):
        size = ctypes.c_int64()
        self.check(self.lib.mi_block_sparse_estimate_workspace_size(ctypes.byref(args),
                                                                    ctypes.byref(size)))
        return size.value

    def estimate(self, args, workspace, workspace_bytes, stream):
        return self.lib.mi_block_sparse_estimate(ctypes.byref(args), ctypes.c_void_p(workspace),
                                                 ctypes.c_int64(workspace_bytes),
                                                 ctypes.c_void_p(stream))


def head_array(heads):
    if heads is None:
        return None, 0
    return (ctypes.c_int32 * len(heads))(*heads), len(heads)


def q_blocks_of(n):
    return (n + 63) // 64


# ------------------------------------------------------------------------------------------------
# torch side
# ------------------------------------------------------------------------------------------------

def torch_tensor4(t):
    return Tensor4(t.data_ptr(), (ctypes.c_int64 * 4)(*t.stride()))


class Call:
    """One estimate call through `lib` with every buffer allocated up front."""

    def __init__(self, lib, q, k, heads, top_k):
        import torch
        self.lib = lib
        b, h, n, d = q.shape
        self.count = len(heads) if heads is not None else h
        self.rows = b * self.count * q_blocks_of(n)
        self.entries = lib.index_size(b, self.count, n, top_k)
        self.row_ptr = torch.empty(self.rows + 1, dtype=torch.int64, device="cuda")
        self.blocks = torch.empty(max(self.entries, 1), dtype=torch.int32, device="cuda")
        self.heads_c, count = head_array(heads)
        self.args = EstimateArgs(MI_BFLOAT16 if q.dtype == torch.bfloat16 else MI_FLOAT16, b, h,
                                 k.shape[1], n, d, torch_tensor4(q), torch_tensor4(k),
                                 self.heads_c, count, top_k, self.row_ptr.data_ptr(),
                                 self.blocks.data_ptr())
        self.ws_bytes = lib.workspace_size(self.args)
        self.ws = torch.empty(max(self.ws_bytes, 1), dtype=torch.uint8, device="cuda")
        self.q, self.k = q, k  # keep alive

    def __call__(self, stream=None):
        import torch
        s = stream if stream is not None else torch.cuda.current_stream().cuda_stream
        self.lib.check(self.lib.estimate(self.args, self.ws.data_ptr(), self.ws_bytes, s))


def random_inputs(b, h, hkv, n, d, dtype, gen, ties=False):
    import torch
    if not ties:
        q = torch.randn(b, h, n, d, generator=gen, device="cuda").to(dtype)
        k = torch.randn(b, hkv, n, d, generator=gen, device="cuda").to(dtype)
        return q, k
    # Integers in {-1, 0, 1}: block sums are integers, means i/64 (N a multiple of 64), and each
    # dot product a multiple of 1/4096 below 2^19 in magnitude: exact in fp32 and float64, so the
    # reference's ranking is the GPU's. Key blocks repeat one of 6 patterns: equal scores abound.
    assert n % 64 == 0
    q = torch.randint(-1, 2, (b, h, n, d), generator=gen, device="cuda").to(dtype)
    patterns = torch.randint(-1, 2, (6, 64, d), generator=gen, device="cuda")
    choice = torch.randint(0, 6, (b, hkv, n // 64), generator=gen, device="cuda")
    k = patterns[choice].reshape(b, hkv, n, d).to(dtype)
    return q, k


def pooled64(x):
    """[N, D] -> [QB, D] float64 block means (last block over its real rows)."""
    import torch
    n, d = x.shape
    qb = q_blocks_of(n)
    padded = torch.zeros(qb * 64, d, dtype=torch.float64, device=x.device)
    padded[:n] = x.double()
    counts = torch.full((qb, 1), 64.0, dtype=torch.float64, device=x.device)
    counts[-1] = n - 64 * (qb - 1)
    return padded.view(qb, 64, d).sum(1) / counts


def expected_row_ptr(groups, qb_count, top_k):
    import torch
    k = max(top_k, 2)
    keep = torch.clamp(torch.arange(qb_count, device="cuda") + 1, max=k).repeat(groups)
    return torch.cat([torch.zeros(1, dtype=torch.int64, device="cuda"), keep.cumsum(0)])


def compare_with_reference(call, q, k, heads, top_k, exact, chunk_rows=2048):
    """Rows of `call`'s index against the float64 reference: (mismatched rows, near-ties ok)."""
    import torch
    b, h, n, _ = q.shape
    g = h // k.shape[1]
    qbn = q_blocks_of(n)
    listed = list(range(h)) if heads is None else list(heads)
    kk = max(top_k, 2)
    row_ptr = call.row_ptr
    want_ptr = expected_row_ptr(b * len(listed), qbn, top_k)
    if not torch.equal(row_ptr, want_ptr):
        return -1, False
    blocks = call.blocks
    mismatched, ok = 0, True
    arange = torch.arange(qbn, device="cuda")
    for bi in range(b):
        for si, head in enumerate(listed):
            qp = pooled64(q[bi, head])
            kp = pooled64(k[bi, head // g])
            group = bi * len(listed) + si
            for r0 in range(0, qbn, chunk_rows):
                r1 = min(qbn, r0 + chunk_rows)
                rows = arange[r0:r1]
                s = qp[r0:r1] @ kp.T  # [rows, QB]
                s = s.masked_fill(arange[None, :] > rows[:, None], float("-inf"))
                forced = (arange[None, :] == 0) | (arange[None, :] == rows[:, None])
                ranked = s.masked_fill(forced, float("inf"))
                kc = min(kk, qbn)
                order = torch.sort(ranked, dim=-1, descending=True, stable=True).indices[:, :kc]
                keep = torch.clamp(rows + 1, max=kc)
                valid = torch.arange(kc, device="cuda")[None, :] < keep[:, None]
                top = torch.where(valid, order, qbn).sort(-1).values
                want = top[valid]
                lo = int(row_ptr[group * qbn + r0])
                hi = int(row_ptr[group * qbn + r1])
                got = blocks[lo:hi].long()
                if torch.equal(got, want):
                    continue
                # Per-row check of the differing rows.
                starts = (row_ptr[group * qbn + r0: group * qbn + r1 + 1] - lo).tolist()
                got_l, want_l = got.tolist(), want.tolist()
                for r in range(r1 - r0):
                    gr = got_l[starts[r]:starts[r + 1]]
                    wr = want_l[starts[r]:starts[r + 1]]
                    if gr == wr:
                        continue
                    mismatched += 1
                    qb = r0 + r
                    if exact:
                        ok = False
                        if mismatched <= 3:
                            print(f"    tie-data row b{bi} head{head} qb{qb}: got {gr[:12]} want {wr[:12]}")
                        continue
                    row_s = s[r].tolist()
                    kept = [row_s[x] for x in wr if x != 0 and x != qb]
                    thr = min(kept) if kept else float("inf")
                    for x in set(gr) ^ set(wr):
                        if not abs(row_s[x] - thr) <= NEAR_TIE * max(1.0, abs(thr)):
                            ok = False
                            if mismatched <= 3:
                                print(f"    row b{bi} head{head} qb{qb}: block {x} score {row_s[x]} "
                                      f"vs k-th {thr}; got {gr[:12]} want {wr[:12]}")
    return mismatched, ok


def check(libs, quick):
    import torch
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1234)
    new = libs[0][1]
    base = libs[1][1] if len(libs) > 1 else None
    failures = 0
    cases = []
    for n in (1, 63, 64, 65, 127, 1000, 4096, 131072):
        for batch in (1, 2):
            for d in (64, 128):
                for dtype in (torch.bfloat16, torch.float16):
                    qbn = q_blocks_of(n)
                    tops = sorted({1, 2, 3, min(100, qbn), qbn} & set(range(1, qbn + 1)))
                    if n == 131072:
                        if batch == 2 and (d, dtype) != (128, torch.bfloat16):
                            continue
                        tops = [t for t in tops if t in (1, 3, 100, qbn)]
                    for top_k in tops:
                        heads = [6, 1, 2] if (n + top_k) % 2 == 0 else None
                        cases.append((batch, 8, 2, n, d, dtype, top_k, heads, False))
    # Tie data (exact), chunked score buffers (1M: three chunks), longest rows (2^21, one head).
    for n, top_k in ((64, 1), (2368, 3), (2368, 20), (4096, 33), (131072, 100), (131072, 7)):
        for d in (64, 128):
            cases.append((2, 8, 2, n, d, torch.bfloat16, top_k, [6, 1, 2] if d == 64 else None, True))
    cases.append((1, 1, 1, 1 << 20, 128, torch.bfloat16, 100, None, False))
    cases.append((1, 2, 1, 1 << 20, 64, torch.float16, 1000, [1], True))
    cases.append((1, 1, 1, 1 << 21, 64, torch.bfloat16, 100, None, False))
    cases.append((1, 32, 8, 8192, 128, torch.bfloat16, 20, None, False))  # GQA 4, all heads
    if quick:
        cases = cases[::7]
    start = time.time()
    for (batch, h, hkv, n, d, dtype, top_k, heads, ties) in cases:
        q, k = random_inputs(batch, h, hkv, n, d, dtype, gen, ties)
        call = Call(new, q, k, heads, top_k)
        call()
        torch.cuda.synchronize()
        mism, ok = compare_with_reference(call, q, k, heads, top_k, exact=ties)
        base_eq = None
        # The first version runs top_k argmax rounds: skip it where that takes seconds.
        if base is not None and n <= 131072 and top_k <= 128:
            other = Call(base, q, k, heads, top_k)
            other()
            torch.cuda.synchronize()
            base_eq = (torch.equal(other.row_ptr, call.row_ptr)
                       and torch.equal(other.blocks, call.blocks))
            del other
        good = ok and mism >= 0 and base_eq is not False
        failures += 0 if good else 1
        name = (f"B{batch} H{h}/{hkv} N{n} D{d} {str(dtype)[6:]} top{top_k} "
                f"heads={heads} {'ties' if ties else 'random'}")
        print(f"{'ok  ' if good else 'FAIL'} {name}: rows {call.rows}, mismatched rows "
              f"{mism}{' (near-ties)' if mism > 0 and ok else ''}, equal to base: {base_eq}, "
              f"workspace {call.ws_bytes / 2**20:.1f} MiB", flush=True)
        del call, q, k
    # Argument checks that must still fail.
    q, k = random_inputs(1, 8, 2, 1000, 64, torch.bfloat16, gen)
    bad = Call(new, q, k, None, 16)
    bad.args.top_k = 17
    st1 = new.lib.mi_block_sparse_estimate(ctypes.byref(bad.args), ctypes.c_void_p(bad.ws.data_ptr()),
                                           ctypes.c_int64(bad.ws_bytes), None)
    bad.args.top_k = 16
    st2 = new.estimate(bad.args, bad.ws.data_ptr(), bad.ws_bytes - 1, 0)
    rejected = st1 != 0 and st2 != 0
    print(f"{'ok  ' if rejected else 'FAIL'} rejects top_k > blocks ({st1}) and a short workspace ({st2})")
    failures += 0 if rejected else 1
    print(f"check: {len(cases)} cases, {failures} failures, {time.time() - start:.0f} s", flush=True)
    return failures


def graph_check(lib):
    import torch
    gen = torch.Generator(device="cuda")
    gen.manual_seed(7)
    q, k = random_inputs(2, 8, 2, 70000, 128, torch.bfloat16, gen)
    call = Call(lib, q, k, [6, 1, 2], 100)
    call()
    torch.cuda.synchronize()
    want = (call.row_ptr.clone(), call.blocks.clone())
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    graph = torch.cuda.CUDAGraph()
    try:
        with torch.cuda.stream(s):
            with torch.cuda.graph(graph, stream=s):
                call(torch.cuda.current_stream().cuda_stream)
        call.row_ptr.zero_()
        call.blocks.zero_()
        graph.replay()
        torch.cuda.synchronize()
        ok = torch.equal(call.row_ptr, want[0]) and torch.equal(call.blocks, want[1])
        print(f"{'ok  ' if ok else 'FAIL'} CUDA graph capture + replay gives the eager index")
        return 0 if ok else 1
    except Exception as e:  # noqa: BLE001
        print(f"FAIL CUDA graph capture: {e}")
        return 1


# ------------------------------------------------------------------------------------------------
# timing
# ------------------------------------------------------------------------------------------------

def device_ms(fn, iters, warmup=3):
    """Median CUDA-event time of fn; a GPU sleep before each start hides the host's enqueue time."""
    import torch
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    events = []
    for _ in range(iters):
        torch.cuda._sleep(2_000_000)
        a, z = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        z.record()
        events.append((a, z))
    torch.cuda.synchronize()
    return statistics.median(a.elapsed_time(z) for a, z in events)


def wall_ms(fn, iters):
    """Median CUDA-event time of back-to-back single calls (host enqueue time shows)."""
    import torch
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        a, z = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        z.record()
        z.synchronize()
        times.append(a.elapsed_time(z))
    return statistics.median(times)


def kernel_split(fn):
    import torch
    from torch.profiler import ProfilerActivity, profile
    fn()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
    per = {}
    for e in prof.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            m = re.search(r"(\w+_kernel)", e.name)
            key = m.group(1) if m else e.name[:40]
            per[key] = per.get(key, 0.0) + e.device_time_total / 1000 / 3
    return {k: round(v, 4) for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:6]}


def minference_torch(q, k, top_k):
    """MInference's block-sparse estimation in PyTorch (bf16 pool, einsum, causal mask, topk)."""
    import torch
    b, h, n, d = q.shape
    qp = q.reshape(b, h, -1, 64, d).mean(dim=-2)
    kp = k.reshape(b, k.shape[1], -1, 64, d).mean(dim=-2)
    if kp.shape[1] != h:
        kp = kp.repeat_interleave(h // kp.shape[1], dim=1)
    arange = torch.arange(qp.shape[2], dtype=torch.int32, device=q.device)
    scores = torch.einsum("bhmk,bhnk->bhmn", qp, kp)
    scores = scores.where(arange[None, None, :, None] >= arange[None, None, None, :], -torch.inf)
    return torch.topk(scores, min(top_k, qp.shape[2]), dim=-1).indices.to(torch.int32).sort(dim=-1).values


def bench(libs, iters):
    import torch
    gen = torch.Generator(device="cuda")
    gen.manual_seed(99)
    shapes = [(8, 131072, 128), (8, 131072, 64), (8, 32768, 128), (8, 32768, 64),
              (1, 1 << 20, 128), (1, 1 << 20, 64)]
    results = []
    for h, n, d in shapes:
        q, k = random_inputs(1, h, h, n, d, torch.bfloat16, gen)
        row = {"heads": h, "n": n, "head_dim": d, "top_k": 100}
        for name, lib in libs:
            if name == "base" and not (n == 131072 and d == 128):
                continue
            call = Call(lib, q, k, None, 100)
            row[f"{name}_ms"] = round(device_ms(call, iters if name != "base" else 5), 4)
            if name != "base":
                row[f"{name}_wall_ms"] = round(wall_ms(call, iters), 4)
                row[f"{name}_workspace_mib"] = round(call.ws_bytes / 2**20, 1)
                if n in (131072, 1 << 20):
                    row[f"{name}_kernels_ms"] = kernel_split(call)
            del call
        try:
            row["torch_minference_ms"] = round(device_ms(lambda: minference_torch(q, k, 100), iters), 4)
        except RuntimeError as e:  # out of memory at 1M x many heads
            row["torch_minference_ms"] = f"failed: {str(e)[:60]}"
        print(json.dumps(row), flush=True)
        results.append(row)
        del q, k
        torch.cuda.empty_cache()
    return results


# ------------------------------------------------------------------------------------------------
# numpy-only smoke run (compute-sanitizer)
# ------------------------------------------------------------------------------------------------

def smoke(lib):
    import numpy as np
    rng = np.random.default_rng(5)
    failures = 0
    cases = [(2, 8, 2, 1000, 64, 4, [6, 1, 2]), (1, 8, 2, 65, 128, 1, None),
             (1, 4, 2, 64 * 200 + 17, 128, 20, [3, 0]), (2, 2, 1, 64 * 131, 64, 3, None),
             (1, 2, 2, 64 * 70, 64, 70, [1])]
    for (b, h, hkv, n, d, top_k, heads) in cases:
        for dtype in (MI_BFLOAT16, MI_FLOAT16):
            qf = rng.standard_normal((b, h, n, d), dtype=np.float32)
            kf = rng.standard_normal((b, hkv, n, d), dtype=np.float32)
            if dtype == MI_BFLOAT16:
                qbits = (qf.view(np.uint32) >> 16).astype(np.uint16)
                kbits = (kf.view(np.uint32) >> 16).astype(np.uint16)
                qv = (qbits.astype(np.uint32) << 16).view(np.float32)
                kv = (kbits.astype(np.uint32) << 16).view(np.float32)
            else:
                qbits, kbits = qf.astype(np.float16).view(np.uint16), kf.astype(np.float16).view(np.uint16)
                qv, kv = qbits.view(np.float16).astype(np.float32), kbits.view(np.float16).astype(np.float32)
            listed = list(range(h)) if heads is None else heads
            qbn = q_blocks_of(n)
            entries = lib.index_size(b, len(listed), n, top_k)
            rows = b * len(listed) * qbn
            ptrs = []

            def dev(nbytes, host=None):
                p = ctypes.c_void_p()
                lib.check(lib.lib.mi_malloc(ctypes.byref(p), ctypes.c_int64(max(nbytes, 1))))
                ptrs.append(p)
                if host is not None:
                    lib.check(lib.lib.mi_memcpy_htod(p, host.ctypes.data_as(ctypes.c_void_p),
                                                     ctypes.c_int64(nbytes), None))
                return p.value
            qd, kd = dev(qbits.nbytes, qbits), dev(kbits.nbytes, kbits)
            rp, bl = dev((rows + 1) * 8), dev(entries * 4)
            hc, count = head_array(heads)
            args = EstimateArgs(dtype, b, h, hkv, n, d,
                                Tensor4(qd, (ctypes.c_int64 * 4)(h * n * d, n * d, d, 1)),
                                Tensor4(kd, (ctypes.c_int64 * 4)(hkv * n * d, n * d, d, 1)),
                                hc, count, top_k, rp, bl)
            ws_bytes = lib.workspace_size(args)
            ws = dev(ws_bytes)
            lib.check(lib.estimate(args, ws, ws_bytes, 0))
            got_ptr = np.zeros(rows + 1, dtype=np.int64)
            got = np.zeros(max(entries, 1), dtype=np.int32)
            lib.check(lib.lib.mi_memcpy_dtoh(got_ptr.ctypes.data_as(ctypes.c_void_p), ctypes.c_void_p(rp),
                                             ctypes.c_int64(got_ptr.nbytes), None))
            lib.check(lib.lib.mi_memcpy_dtoh(got.ctypes.data_as(ctypes.c_void_p), ctypes.c_void_p(bl),
                                             ctypes.c_int64(entries * 4), None))
            for p in ptrs:
                lib.check(lib.lib.mi_free(p))
            # numpy float64 reference with the near-tie allowance
            bad = 0
            kk = max(top_k, 2)
            for bi in range(b):
                for si, head in enumerate(listed):
                    def pool(x):
                        pad = np.zeros((qbn * 64, d))
                        pad[:n] = x
                        cnt = np.full((qbn, 1), 64.0)
                        cnt[-1] = n - 64 * (qbn - 1)
                        return pad.reshape(qbn, 64, d).sum(1) / cnt
                    s = pool(qv[bi, head]) @ pool(kv[bi, head // (h // hkv)]).T
                    for qb in range(qbn):
                        row = (bi * len(listed) + si) * qbn + qb
                        keep = min(kk, qb + 1)
                        if got_ptr[row + 1] - got_ptr[row] != keep:
                            bad += 1
                            continue
                        ranked = s[qb, :qb + 1].copy()
                        ranked[0] = ranked[qb] = np.inf
                        order = np.argsort(-ranked, kind="stable")[:keep]
                        want = sorted(order.tolist())
                        gr = got[got_ptr[row]:got_ptr[row + 1]].tolist()
                        if gr != want:
                            kept = [s[qb, x] for x in want if x not in (0, qb)]
                            thr = min(kept) if kept else np.inf
                            if any(abs(s[qb, x] - thr) > NEAR_TIE * max(1, abs(thr))
                                   for x in set(gr) ^ set(want)):
                                bad += 1
            print(f"{'ok  ' if bad == 0 else 'FAIL'} smoke B{b} H{h}/{hkv} N{n} D{d} "
                  f"{'bf16' if dtype else 'fp16'} top{top_k} heads={heads}: {bad} bad rows", flush=True)
            failures += bad != 0
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--base", help="an earlier library whose index must be equal bit for bit")
    ap.add_argument("--alt", help="another build to time beside --lib (--bench only)")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--quick", action="store_true", help="every 7th check case")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--graph", action="store_true")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--json", help="write the bench rows here")
    a = ap.parse_args()
    libs = [("new", Library(a.lib))] + ([("base", Library(a.base))] if a.base else [])
    if a.alt and a.bench:
        libs.append(("alt", Library(a.alt)))
    failures = 0
    if a.smoke:
        failures += smoke(libs[0][1])
    if a.check:
        failures += check(libs, a.quick)
    if a.graph:
        failures += graph_check(libs[0][1])
    if a.bench:
        import torch
        print(f"device: {torch.cuda.get_device_name()}", flush=True)
        rows = bench(libs, a.iters)
        if a.json:
            with open(a.json, "w") as f:
                json.dump(rows, f, indent=1)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
