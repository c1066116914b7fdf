#!/usr/bin/env python3
"""Times PyTorch's dense decode (one query token per sequence) on the GPU machine, beside
`minference bench decode`, on the same shapes: the peers issue #10 names.

SDPA with q_len = 1 over a 16-bit K/V cache, through each backend that accepts the shape
(CUDNN, FLASH = FlashAttention-2 code, EFFICIENT); GQA through `enable_gqa` where the backend
supports it, otherwise reported as unsupported rather than expanded (an expanded K/V would read
Hq/Hkv times the bytes and is not the comparison). CUDA events after warm-up, median of --iters
runs. Bytes: the K and V rows read, 2·B·Hkv·T·D·2 (+ q and o, negligible), as `bench decode`
counts them for decode_dense. Prints one JSON row per (shape, backend).

    python3 bench/compare_torch_decode.py --seq 32768 131072 --heads 32 --kv-heads 8
"""
import argparse
import json
import statistics

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

BACKENDS = {"cudnn": SDPBackend.CUDNN_ATTENTION, "flash": SDPBackend.FLASH_ATTENTION,
            "efficient": SDPBackend.EFFICIENT_ATTENTION}


def time_ms(fn, iters, warmup=5):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seq", type=int, nargs="+", default=[8192, 32768, 131072])
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--heads", type=int, default=32)
    parser.add_argument("--kv-heads", type=int, default=32)
    parser.add_argument("--head-dim", type=int, default=128)
    parser.add_argument("--dtype", choices=["fp16", "bf16"], default="fp16")
    parser.add_argument("--iters", type=int, default=50)
    args = parser.parse_args()
    dtype = torch.float16 if args.dtype == "fp16" else torch.bfloat16
    device = torch.cuda.get_device_name()
    b, hq, hkv, d = args.batch, args.heads, args.kv_heads, args.head_dim
    for t in args.seq:
        q = torch.randn(b, hq, 1, d, device="cuda", dtype=dtype)
        k = torch.randn(b, hkv, t, d, device="cuda", dtype=dtype)
        v = torch.randn(b, hkv, t, d, device="cuda", dtype=dtype)
        kv_bytes = 2 * b * hkv * t * d * 2
        for name, backend in BACKENDS.items():
            row = {"op": "torch_decode", "backend": name, "batch": b, "seq": t, "heads": hq,
                   "kv_heads": hkv, "head_dim": d, "dtype": args.dtype, "device": device}
            try:
                with sdpa_kernel([backend]):
                    gqa = hq != hkv

                    def run():
                        return F.scaled_dot_product_attention(q, k, v, enable_gqa=gqa)
                    run()
                    ms = time_ms(run, args.iters)
                row.update(ms_median=round(ms, 4), gbps=round(kv_bytes / ms / 1e6, 1))
            except Exception as error:  # noqa: BLE001 - a backend refusing the shape is a result
                row["unsupported"] = str(error).splitlines()[0][:160]
            print(json.dumps(row), flush=True)
        try:  # the flash-attn package's flash-decoding path, where it is installed
            from flash_attn import flash_attn_with_kvcache
            qs, ks, vs = (x.transpose(1, 2).contiguous() for x in (q, k, v))
            row = {"op": "torch_decode", "backend": "flash_attn_with_kvcache", "batch": b,
                   "seq": t, "heads": hq, "kv_heads": hkv, "head_dim": d, "dtype": args.dtype,
                   "device": device}
            ms = time_ms(lambda: flash_attn_with_kvcache(qs, ks, vs), args.iters)
            row.update(ms_median=round(ms, 4), gbps=round(kv_bytes / ms / 1e6, 1))
            print(json.dumps(row), flush=True)
            del qs, ks, vs
        except ImportError:
            pass
        del q, k, v
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
