#!/usr/bin/env python3
"""Per-step GPU times of the vertical-slash estimation and index conversion (estimate, select,
index count, index fill), optionally next to a second library on the same inputs, whose outputs
must then agree: scores within the fp32 tolerance of bench/vs_pipeline.py, selections (from the
same scores) and indices (from the same selection) exactly.

Each step is timed two ways: CUDA events around `--iters` back-to-back calls (per call, so host
overhead shows when a step is shorter than its launch cost), and the sum of its kernels' device
durations from the PyTorch profiler. Needs only the mi_vs_* entry points of the library.

    python3 bench/vs_steps.py --lib build/native/libminference.so [--base other.so]
"""
import argparse
import ctypes
import json
import sys
import time

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from compare_torch import tensor4  # noqa: E402
from vs_pipeline import EstimateArgs, IndexArgs, SelectArgs  # noqa: E402


class VsLibrary:
    """The mi_vs_* calls of one libminference build, on preallocated buffers."""

    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.mi_last_error.restype = ctypes.c_char_p

    def check(self, status):
        if status != 0:
            raise RuntimeError(f"status {status}: {self.lib.mi_last_error().decode()}")

    def workspace(self, fn, args):
        size = ctypes.c_int64()
        self.check(fn(ctypes.byref(args), ctypes.byref(size)))
        return torch.empty(max(size.value, 1), dtype=torch.uint8, device="cuda")


class Steps:
    """One head set's pipeline through `lib`, every buffer allocated up front."""

    def __init__(self, lib, q, k, v, s):
        self.lib, c = lib, lib.lib
        b, h, n, d = q.shape
        self.n, rows = n, b * h
        self.stream = ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)
        self.vert = torch.empty(b, h, n, device="cuda")
        self.sl = torch.empty(b, h, n, device="cuda")
        self.est = EstimateArgs(1 if q.dtype == torch.bfloat16 else 0, b, h, k.shape[1], n, d,
                                tensor4(q), tensor4(k), None, 0, 0.0, self.vert.data_ptr(),
                                self.sl.data_ptr())
        self.est_ws = lib.workspace(c.mi_vs_estimate_workspace_size, self.est)
        self.verticals = torch.empty(rows, v, dtype=torch.int32, device="cuda")
        self.slashes = torch.empty(rows, s, dtype=torch.int32, device="cuda")
        self.sel = SelectArgs(rows, n, v, s, self.vert.data_ptr(), self.sl.data_ptr(),
                              self.verticals.data_ptr(), self.slashes.data_ptr())
        self.sel_ws = lib.workspace(c.mi_vs_select_workspace_size, self.sel)
        qb = (n + 63) // 64
        self.brp = torch.empty(rows * qb + 1, dtype=torch.int64, device="cuda")
        self.crp = torch.empty(rows * qb + 1, dtype=torch.int64, device="cuda")
        self.idx = IndexArgs(rows, n, v, s, self.verticals.data_ptr(), self.slashes.data_ptr(),
                             self.brp.data_ptr(), self.crp.data_ptr(), None, 0, None, 0)
        self.idx_ws = lib.workspace(c.mi_vs_index_count_workspace_size, self.idx)
        self.starts = self.columns = None

    def estimate(self):
        self.lib.check(self.lib.lib.mi_vs_estimate(ctypes.byref(self.est),
                                                   ctypes.c_void_p(self.est_ws.data_ptr()),
                                                   self.est_ws.numel(), self.stream))

    def select(self):
        self.lib.check(self.lib.lib.mi_vs_select(ctypes.byref(self.sel),
                                                 ctypes.c_void_p(self.sel_ws.data_ptr()),
                                                 self.sel_ws.numel(), self.stream))

    def count(self):
        self.lib.check(self.lib.lib.mi_vs_index_count(ctypes.byref(self.idx),
                                                      ctypes.c_void_p(self.idx_ws.data_ptr()),
                                                      self.idx_ws.numel(), self.stream))

    def size_outputs(self):
        nb, nc = int(self.brp[-1].item()), int(self.crp[-1].item())
        self.starts = torch.empty(max(nb, 1), dtype=torch.int32, device="cuda")
        self.columns = torch.empty(max(nc, 1), dtype=torch.int32, device="cuda")
        self.idx.block_starts, self.idx.block_capacity = self.starts.data_ptr(), nb
        self.idx.columns, self.idx.column_capacity = self.columns.data_ptr(), nc
        return nb, nc

    def fill(self):
        self.lib.check(self.lib.lib.mi_vs_index_fill(ctypes.byref(self.idx), self.stream))

    def run_all(self):
        self.estimate()
        self.select()
        self.count()
        nb, nc = self.size_outputs()
        self.fill()
        torch.cuda.synchronize()
        return nb, nc


def event_ms(fn, iters):
    fn()
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        fn()
    stop.record()
    stop.synchronize()
    return start.elapsed_time(stop) / iters


def kernel_ms(fn, iters):
    """Device time of fn's kernels and memsets per call, and the largest kernels by name."""
    from torch.profiler import ProfilerActivity, profile
    fn()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(iters):
            fn()
        torch.cuda.synchronize()
    per_name = {}
    for e in prof.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            per_name[e.name] = per_name.get(e.name, 0.0) + e.device_time_total / 1000 / iters
    top = sorted(per_name.items(), key=lambda kv: -kv[1])[:6]
    return sum(per_name.values()), [(name[:60], round(ms, 4)) for name, ms in top]


def time_steps(st, iters, profile_kernels):
    st.run_all()
    out = {"ms_estimate": event_ms(st.estimate, iters), "ms_select": event_ms(st.select, iters),
           "ms_index_count": event_ms(st.count, iters), "ms_index_fill": event_ms(st.fill, iters)}

    def index():  # what the pipeline does: count, read the totals (a host round trip), fill
        st.count()
        st.size_outputs()
        st.fill()
    out["ms_index"] = event_ms(index, iters)
    out["ms_estimate_select_index"] = out["ms_estimate"] + out["ms_select"] + out["ms_index"]
    # What a caller that allocates the values with cudaMalloc (mi_malloc) adds to ms_index.
    nb, nc = int(st.brp[-1].item()), int(st.crp[-1].item())
    ptr = ctypes.c_void_p()
    start = time.perf_counter()
    for count in (nb, nc):
        st.lib.check(st.lib.lib.mi_malloc(ctypes.byref(ptr), ctypes.c_int64(max(count, 1) * 4)))
        st.lib.check(st.lib.lib.mi_free(ptr))
    out["ms_malloc_free_values"] = (time.perf_counter() - start) * 1e3
    if profile_kernels:
        for name, fn in (("estimate", st.estimate), ("select", st.select),
                         ("index_count", st.count), ("index_fill", st.fill)):
            total, top = kernel_ms(fn, 3)
            out[f"kernel_ms_{name}"] = round(total, 4)
            out[f"kernels_{name}"] = top
    return out


def compare(new, base, label):
    """new and base ran on the same q, k: scores within tolerance; then base's selection and index
    recomputed from new's scores and selection must equal new's exactly."""
    err = max(((new.vert - base.vert).abs() - 1e-4 - 1e-3 * base.vert.abs()).max().item(),
              ((new.sl - base.sl).abs() - 1e-4 - 1e-3 * base.sl.abs()).max().item())
    rel = max(((new.vert - base.vert).abs() / base.vert.abs().clamp(min=1e-30)).max().item(),
              ((new.sl - base.sl).abs() / base.sl.abs().clamp(min=1e-30)).max().item())
    base.vert.copy_(new.vert)
    base.sl.copy_(new.sl)
    base.select()
    sel_ok = torch.equal(base.verticals, new.verticals) and torch.equal(base.slashes, new.slashes)
    base.verticals.copy_(new.verticals)
    base.slashes.copy_(new.slashes)
    base.count()
    nb, nc = base.size_outputs()
    base.fill()
    torch.cuda.synchronize()
    nb_new, nc_new = int(new.brp[-1].item()), int(new.crp[-1].item())
    idx_ok = (torch.equal(base.brp, new.brp) and torch.equal(base.crp, new.crp) and nb == nb_new
              and nc == nc_new and torch.equal(base.starts[:nb], new.starts[:nb])
              and torch.equal(base.columns[:nc], new.columns[:nc]))
    ok = err <= 0 and sel_ok and idx_ok
    print(f"{'ok  ' if ok else 'FAIL'} vs-steps-compare {label} scores_within_tol={err <= 0} "
          f"max_rel_err={rel:.2e} select_equal={sel_ok} index_equal={idx_ok} "
          f"(blocks {nb_new}, columns {nc_new})", flush=True)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--base", help="a second library to compare outputs and times with")
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--profile", action="store_true", help="also sum kernel times (profiler)")
    ap.add_argument("--cases", type=int, nargs="*", help="indices of the cases to run (default all)")
    a = ap.parse_args()
    torch.manual_seed(0)
    libs = [("new", VsLibrary(a.lib))] + ([("base", VsLibrary(a.base))] if a.base else [])
    failures = 0
    cases = [(1048576, 1, 1000, 6096, "random"), (1048576, 1, 100, 800, "random"),
             (131072, 8, 1000, 6096, "random"), (1048576, 1, 1000, 6096, "peaked")]
    for (n, heads, v, s, data) in [c for i, c in enumerate(cases) if a.cases is None or i in a.cases]:
        q = torch.randn(1, heads, n, 128, device="cuda", dtype=torch.bfloat16)
        k = torch.randn_like(q)
        if data == "peaked":  # a few strong keys and a local band: clustered selections
            k[:, :, ::4099] *= 4
            q = (q + k) * 0.5
        v, s = min(n, max(v, 30)), min(n, max(s, 50))
        steps = {}
        for name, lib in libs:
            st = Steps(lib, q, k, v, s)
            res = time_steps(st, a.iters, a.profile)
            steps[name] = st
            print(json.dumps({"op": "vs-steps", "lib": name, "seq": n, "heads": heads,
                              "vertical": v, "slash": s, "data": data,
                              **{key: (round(val, 4) if isinstance(val, float) else val)
                                 for key, val in res.items()},
                              "device": torch.cuda.get_device_name()}), flush=True)
        if "base" in steps:
            failures += not compare(steps["new"], steps["base"], f"n={n} h={heads} v={v} s={s} {data}")
        del steps
        torch.cuda.empty_cache()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
