#!/usr/bin/env python3
"""Checks a file written by tools/capture_hf.py (and, optionally, `minference run`'s output on it).

    python3 tools/check_capture.py --file cap.safetensors [--rope] [--run-output out.safetensors]
        [--run-json run.json] [--search-json search.json]

1. Layout: layers.{i}.q [1, H, N, D], layers.{i}.k/.v [1, Hkv, N, D] for consecutive i, one dtype
   (BF16/F16), H a multiple of Hkv, D 64, 96 or 128, metadata (heads, kv_heads, head_dim, seq,
   source_layers) consistent with the shapes.
2. The captured q/k/v reproduce the model: for every layer with layers.{i}.o_model (--save-output),
   softmax(q k^T / sqrt(D)) v, causal, kv head h // (H / Hkv) for query head h, computed here in
   fp32 from the file, matches the attention output the model produced (relative L2 <= --tol-model).
3. --rope (files of --random-llama only): rebuilds the same random model (weights checked by
   fingerprint), records the q_proj/k_proj/v_proj outputs of the captured layers with forward hooks
   (before RoPE), rotates them with RoPE computed here from the config's theta (not transformers'
   code), and checks that the captured q and k equal the rotated projections (and not the raw
   ones) and that v equals v_proj: the file holds q and k after RoPE.
4. --run-output: `run`'s dense output layers.{i}.o_dense matches the model's o_model
   (relative L2 <= --tol-run): `run` read the heads, GQA grouping and layout as the model used
   them. The sparse output's error is printed for information.

Exit status 0 when every check passes, 1 otherwise; one line per check on standard output.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture_hf  # noqa: E402  (the same model builder and prompt as the capture)

FAILURES = []


def report(ok: bool, message: str) -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {message}", flush=True)
    if not ok:
        FAILURES.append(message)


def rel_l2(actual: torch.Tensor, expected: torch.Tensor) -> float:
    actual, expected = actual.double(), expected.double()
    return float((actual - expected).norm() / expected.norm().clamp_min(1e-30))


def device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def reference_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, interleaved: bool = False) -> torch.Tensor:
    """Causal softmax(q k^T / sqrt(D)) v in fp32, [1, H, N, D]; query head h reads kv head h // (H / Hkv)
    (transformers' repeat_kv and `run`'s grouping), or h % Hkv with interleaved=True (a wrong mapping,
    as a control)."""
    _, heads, n, dim = q.shape
    group = heads // k.shape[1]
    kv_head = (lambda head: head % k.shape[1]) if interleaved else (lambda head: head // group)
    dev = device()
    mask = torch.ones(n, n, dtype=torch.bool, device=dev).tril()
    out = torch.empty(q.shape, dtype=torch.float32)
    for head in range(heads):
        qh = q[0, head].to(dev, torch.float32)
        kh = k[0, kv_head(head)].to(dev, torch.float32)
        vh = v[0, kv_head(head)].to(dev, torch.float32)
        scores = (qh @ kh.T) * dim ** -0.5
        scores.masked_fill_(~mask, float("-inf"))
        out[0, head] = (torch.softmax(scores, dim=-1) @ vh).cpu()
    return out


def rope(x: torch.Tensor, theta: float) -> torch.Tensor:
    """Llama's RoPE (rotate_half convention) at positions 0..N-1, in fp32, written out here."""
    _, _, n, dim = x.shape
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
    angles = torch.arange(n, dtype=torch.float64)[:, None] * inv_freq[None, :]
    angles = torch.cat([angles, angles], dim=-1)
    cos, sin = angles.cos().float(), angles.sin().float()
    x = x.float()
    rotated = torch.cat([-x[..., dim // 2:], x[..., : dim // 2]], dim=-1)
    return x * cos + rotated * sin


def rope_theta(config) -> float:
    parameters = getattr(config, "rope_parameters", None) or getattr(config, "rope_scaling", None) or {}
    if isinstance(parameters, dict) and parameters.get("rope_type", "default") not in ("default", None):
        raise SystemExit(f"the random model's RoPE type is {parameters.get('rope_type')}; expected default")
    theta = parameters.get("rope_theta") if isinstance(parameters, dict) else None
    return float(theta or getattr(config, "rope_theta", None) or 10000.0)


def check_layout(tensors: dict, metadata: dict):
    layers = 0
    while f"layers.{layers}.q" in tensors:
        layers += 1
    report(layers > 0, f"layout: {layers} layers named layers.0..{layers - 1}.q|k|v")
    if layers == 0:
        return 0
    q0, k0 = tensors["layers.0.q"], tensors["layers.0.k"]
    ok = True
    for i in range(layers):
        for name, like in (("q", q0), ("k", k0), ("v", k0)):
            t = tensors.get(f"layers.{i}.{name}")
            ok &= t is not None and t.shape == like.shape and t.dtype == q0.dtype and t.is_contiguous()
    _, heads, n, dim = q0.shape
    ok &= q0.dim() == 4 and q0.shape[0] == 1 and k0.shape[0] == 1 and k0.shape[2:] == q0.shape[2:]
    ok &= heads % k0.shape[1] == 0 and dim in (64, 96, 128) and q0.dtype in (torch.bfloat16, torch.float16)
    report(ok, f"layout: q {list(q0.shape)}, k/v {list(k0.shape)}, {q0.dtype}, same for every layer")
    expected = {"heads": str(heads), "kv_heads": str(k0.shape[1]), "head_dim": str(dim), "seq": str(n), "batch": "1"}
    mismatched = {key: (metadata.get(key), value) for key, value in expected.items() if metadata.get(key) != value}
    sources = metadata.get("source_layers", "").split(",")
    report(not mismatched and len(sources) == layers,
           f"metadata: heads {metadata.get('heads')}, kv_heads {metadata.get('kv_heads')}, head_dim "
           f"{metadata.get('head_dim')}, seq {metadata.get('seq')}, source_layers {metadata.get('source_layers')}"
           + (f" (mismatch: {mismatched})" if mismatched else ""))
    return layers


def check_model_output(tensors: dict, layers: int, tolerance: float) -> None:
    checked = 0
    for i in range(layers):
        o_model = tensors.get(f"layers.{i}.o_model")
        if o_model is None:
            continue
        checked += 1
        q, k, v = (tensors[f"layers.{i}.{name}"] for name in "qkv")
        reference = reference_attention(q, k, v)
        error = rel_l2(o_model, reference)
        report(error <= tolerance, f"layer {i}: attention recomputed from the captured q/k/v vs the model's "
                                   f"output: rel L2 {error:.2e} (<= {tolerance:g})")
        if checked == 1 and k.shape[1] not in (1, q.shape[1]):
            # A control, so that the check can fail: the wrong GQA grouping (h % Hkv) must not match.
            control = rel_l2(o_model, reference_attention(q, k, v, interleaved=True))
            report(control > 10 * tolerance, f"layer {i}: control, kv head h % Hkv instead of h // (H / Hkv): "
                                              f"rel L2 {control:.2e} (> {10 * tolerance:g})")
    if checked == 0:
        report(False, "no layers.{i}.o_model in the file (capture with --save-output)")


def check_rope(tensors: dict, metadata: dict, layers: int, tolerance: float) -> None:
    preset = metadata.get("random_llama")
    if preset is None:
        report(False, "--rope needs a file captured with --random-llama")
        return
    seed, init_std, n = int(metadata["seed"]), float(metadata["init_std"]), int(metadata["seq"])
    model_dtype = getattr(torch, capture_hf.DTYPE_NAMES[metadata.get("model_dtype", "bf16")])
    model, fingerprint = capture_hf.build_random_llama(preset, seed, init_std, n, model_dtype, device())
    recorded = float(metadata.get("weights_fingerprint", "nan"))
    report(math.isclose(float(fingerprint), recorded, rel_tol=1e-9),
           f"rebuilt random Llama '{preset}' (seed {seed}): weights fingerprint {fingerprint} "
           f"(file: {metadata.get('weights_fingerprint')})")
    sources = [int(s) for s in metadata["source_layers"].split(",")]
    projections = {}

    def hook(layer, name):
        def record(_module, _inputs, output):
            projections[(layer, name)] = output.detach().float().cpu()
        return record

    handles = []
    for layer in sources:
        attention = model.layers[layer].self_attn
        for name in ("q_proj", "k_proj", "v_proj"):
            handles.append(getattr(attention, name).register_forward_hook(hook(layer, name)))
    ids = capture_hf.random_input_ids(model.config.vocab_size, n, seed)
    with torch.inference_mode():
        model(input_ids=ids.to(device()), use_cache=False)
    for handle in handles:
        handle.remove()

    theta = rope_theta(model.config)
    prescale = float(metadata.get("q_prescaled", "1.0").split(",")[0])
    for index, layer in enumerate(sources):
        q, k, v = (tensors[f"layers.{index}.{name}"].float() for name in "qkv")
        dim = q.shape[3]

        def heads_first(projection, heads):
            return projection.view(1, n, heads, dim).transpose(1, 2)

        q_proj = heads_first(projections[(layer, "q_proj")], q.shape[1])
        k_proj = heads_first(projections[(layer, "k_proj")], k.shape[1])
        v_proj = heads_first(projections[(layer, "v_proj")], v.shape[1])
        q_error = rel_l2(q, rope(q_proj, theta) * prescale)
        k_error = rel_l2(k, rope(k_proj, theta))
        q_raw = rel_l2(q, q_proj * prescale)
        v_error = rel_l2(v, v_proj)
        report(q_error <= tolerance and k_error <= tolerance and q_raw > 0.1 and v_error <= tolerance,
               f"layer {index} (model layer {layer}): captured q, k = RoPE(q_proj, k_proj) with theta {theta:g}: "
               f"rel L2 {q_error:.2e}, {k_error:.2e} (<= {tolerance:g}); vs the projections before RoPE "
               f"{q_raw:.2f} (> 0.1); v = v_proj: {v_error:.2e}")


def check_run_output(tensors: dict, layers: int, path: str, tolerance: float) -> None:
    from safetensors.torch import load_file
    outputs = load_file(path)
    for i in range(layers):
        o_model = tensors.get(f"layers.{i}.o_model")
        o_dense, o_sparse = outputs.get(f"layers.{i}.o_dense"), outputs.get(f"layers.{i}.o")
        lse = outputs.get(f"layers.{i}.lse_dense")
        if o_dense is None or o_sparse is None or lse is None:
            report(False, f"layer {i}: {path} lacks layers.{i}.o_dense, .o or .lse_dense")
            continue
        report(bool(torch.isfinite(lse).all()) and list(lse.shape) == list(o_dense.shape[:3]),
               f"layer {i}: run's lse_dense {list(lse.shape)} finite")
        if o_model is None:
            continue
        dense_error = rel_l2(o_dense, o_model)
        sparse_error = rel_l2(o_sparse, o_model)
        report(o_dense.shape == o_model.shape and dense_error <= tolerance,
               f"layer {i}: run's dense output vs the model's attention output: rel L2 {dense_error:.2e} "
               f"(<= {tolerance:g}); sparse output vs the model: {sparse_error:.2e} (information)")


def summarise_json(search_path: str | None, run_path: str | None) -> None:
    try:
        _summarise_json(search_path, run_path)
    except (OSError, ValueError, TypeError, AttributeError) as error:  # information only
        print(f"info could not summarise the JSON outputs: {error}")


def _summarise_json(search_path: str | None, run_path: str | None) -> None:
    if search_path:
        with open(search_path, encoding="utf-8") as handle:
            search = json.load(handle)
        chosen = {}
        for head in search.get("heads", []):
            kind = str(head.get("chosen", "?")).split("(")[0].strip()
            chosen[kind] = chosen.get(kind, 0) + 1
        print(f"info search: {search.get('backend')}, sample {search.get('seq')} tokens, "
              f"{len(search.get('heads', []))} heads chosen as {chosen}")
    if run_path:
        with open(run_path, encoding="utf-8") as handle:
            run = json.load(handle)
        result = run.get("result", {})
        heads = result.get("heads", [])
        errors = [h.get("relative_l2", h.get("relative_l_2")) for h in heads]
        errors = [e for e in errors if isinstance(e, (int, float))]
        ran = {}
        for h in heads:
            ran[h.get("ran", "?")] = ran.get(h.get("ran", "?"), 0) + 1
        print(f"info run: {run.get('backend')}, N {result.get('seq')}, dense {result.get('dense_ms', math.nan):.2f} ms, "
              f"sparse {result.get('sparse_ms', math.nan):.2f} ms, speedup {result.get('speedup', math.nan):.2f}x, "
              f"density {result.get('density', math.nan):.3f}, heads ran {ran}, "
              f"sparse-vs-dense rel L2 max {max(errors) if errors else math.nan:.2e}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", required=True, help="the captured .safetensors file")
    parser.add_argument("--rope", action="store_true", help="rebuild the random model and check q/k are after RoPE")
    parser.add_argument("--run-output", help="`minference run --output` file of this capture")
    parser.add_argument("--run-json", help="`minference run --json` output (summarised)")
    parser.add_argument("--search-json", help="`minference search --json` output (summarised)")
    parser.add_argument("--tol-model", type=float, default=1e-2, help="rel L2 bound, recomputed vs model output")
    parser.add_argument("--tol-rope", type=float, default=2e-2, help="rel L2 bound, captured vs RoPE(projections)")
    parser.add_argument("--tol-run", type=float, default=2e-2, help="rel L2 bound, run's o_dense vs model output")
    args = parser.parse_args()

    from safetensors import safe_open
    from safetensors.torch import load_file
    with safe_open(args.file, framework="pt") as handle:
        metadata = handle.metadata() or {}
    tensors = load_file(args.file)
    print(f"checking {args.file} ({metadata.get('model')}, input: {metadata.get('input')})")
    layers = check_layout(tensors, metadata)
    if layers:
        check_model_output(tensors, layers, args.tol_model)
        if args.rope:
            check_rope(tensors, metadata, layers, args.tol_rope)
        if args.run_output:
            check_run_output(tensors, layers, args.run_output, args.tol_run)
    summarise_json(args.search_json, args.run_json)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
