#!/usr/bin/env python3
"""Capture q, k, v from a Hugging Face transformers model for `minference search` and `minference run`.

The model runs one prompt (batch 1). For every captured layer the script records the queries, keys
and values exactly as the model hands them to its attention kernel: after the projections, after
RoPE (and after any q/k norm the model applies), before GQA's repeat_kv. It writes them to a
.safetensors file in the layout `minference run` and `minference search` read:

    layers.{i}.q   [1, H,   N, D]   (H = the model's num_attention_heads)
    layers.{i}.k   [1, Hkv, N, D]   (Hkv = num_key_value_heads; query head h reads kv head h // (H / Hkv))
    layers.{i}.v   [1, Hkv, N, D]

row-major, BF16 or F16, i = 0, 1, ... consecutive (with --layers 3,7 the file's layers 0 and 1 are
the model's layers 3 and 7; the header's metadata `source_layers` records the mapping). With
--save-output the file also holds `layers.{i}.o_model` [1, H, N, D]: the attention output the model
computed from those tensors (before o_proj), which `run` ignores; tools/check_capture.py uses it.

How: transformers (>= 4.56, 5.x) dispatches every attention call of its standard models through
`AttentionInterface` (`ALL_ATTENTION_FUNCTIONS[config._attn_implementation]`), passing
(module, query, key, value, attention_mask, scaling=..., ...) with query [B, H, N, D] and key/value
[B, Hkv, N, D] already rotated. The script registers an implementation named "minference_capture"
that records those tensors and then calls the real one (--delegate, default "sdpa"), so the model's
output is unchanged. Forward hooks on q_proj/k_proj would see the projections before RoPE, which is
not what the attention kernels consume. Models with their own attention code (some
trust_remote_code models) never call the interface; the script then stops with an error.

The softmax scale: `run` uses 1/sqrt(D). When a model's scale differs (e.g. Gemma's
query_pre_attn_scalar), q is multiplied by scale * sqrt(D) before it is written, so the file's
attention equals the model's (metadata `q_prescaled`); --no-fold-scale keeps q as is. Sliding
windows, logit soft-capping and attention sinks are not modelled by `run`: the script warns when a
captured layer uses them.

Usage:

    # a real model, a real prompt (the model's tokenizer), the first 32768 tokens, layers 0-3
    python3 tools/capture_hf.py --model meta-llama/Llama-3.1-8B-Instruct --prompt-file long.txt \\
        --seq 32768 --layers 0-3 --out captured.safetensors
    # a real model, N random token ids (no tokenizer), every layer, fp16 output
    python3 tools/capture_hf.py --model /models/Qwen2.5-7B --seq 16384 --dtype fp16 --out captured.safetensors
    # a small randomly initialised Llama built from a config (no download): the test's model
    python3 tools/capture_hf.py --random-llama hd64 --seq 4096 --seed 1 --out captured.safetensors
    # then
    minference search --input captured.safetensors --out patterns.json
    minference run --input captured.safetensors --config patterns.json --output out.safetensors

Memory: the captured tensors are copied to the host layer by layer; the file takes
layers x (H + 2 Hkv) x N x D x 2 bytes (Llama-3.1-8B at 32K tokens: 3 GiB per 8 layers). With an
explicit --layers list the forward pass stops after the last listed layer. The model runs with
use_cache=False and without its LM head (AutoModel), so no logits are materialised.

Exit status: 0 on success, 1 on any error (one line on standard error: `error: ...`; --verbose
adds the traceback of an unexpected one), 2 for a command line that does not parse.
"""
from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
import time

# The name under which the capturing attention function is registered with transformers.
CAPTURE_IMPL = "minference_capture"

# Small Llama-architecture models for tests (random weights, built from a config, no download).
# hidden = heads x head_dim; GQA 4:1 like the synthetic model of `minference demo`.
RANDOM_LLAMA_PRESETS = {
    "hd64": dict(hidden_size=512, num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=2,
                 head_dim=64, intermediate_size=1408, vocab_size=32000),
    # Phi-3-mini's head width (32 x 96 = 3072 there): 8 x 96 = 768 here.
    "hd96": dict(hidden_size=768, num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=2,
                 head_dim=96, intermediate_size=2048, vocab_size=32000),
    "hd128": dict(hidden_size=1024, num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=2,
                  head_dim=128, intermediate_size=2816, vocab_size=32000),
}

DTYPE_NAMES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}

MIN_TRANSFORMERS = (4, 56)


class CaptureError(Exception):
    """An error the user can act on; printed as one line, exit status 1."""


class _StopForward(Exception):
    """Raised inside the forward pass once every requested layer is captured (skips the rest)."""


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def parse_layers(text: str):
    """'all' -> None; '0,2,5-7' -> [0, 2, 5, 6, 7] (sorted, unique)."""
    text = text.strip()
    if text == "all":
        return None
    layers = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                if lo > hi:
                    raise ValueError
                layers.update(range(lo, hi + 1))
            else:
                layers.add(int(part))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"'{text}' is not a layer list; expected 'all' or indices and ranges like 0,1 or 0-3,8") from None
    if any(layer < 0 for layer in layers):
        raise argparse.ArgumentTypeError(f"'{text}': layer indices start at 0")
    return sorted(layers)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}': expected a whole number from 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capture_hf.py",
        description=__doc__.split("\n\n")[0] + " Records q, k, v after RoPE and before repeat_kv "
        "through transformers' AttentionInterface and writes layers.{i}.q|k|v ([1, H, N, D], k/v "
        "[1, Hkv, N, D]) to a .safetensors file.",
        epilog="Examples:\n"
        "  capture_hf.py --model meta-llama/Llama-3.1-8B-Instruct --prompt-file long.txt --seq 32768 --layers 0-3 --out cap.safetensors\n"
        "  capture_hf.py --model /models/Qwen2.5-7B --seq 16384 --out cap.safetensors      (random token ids)\n"
        "  capture_hf.py --random-llama hd128 --seq 4096 --out cap.safetensors             (no download)\n"
        "Then: minference search --input cap.safetensors --out patterns.json\n"
        "      minference run --input cap.safetensors --config patterns.json --output out.safetensors\n"
        "See the module docstring (head of this file) for the layout, scale folding and memory notes.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_argument_group("model (one of)")
    exclusive = source.add_mutually_exclusive_group(required=True)
    exclusive.add_argument("--model", metavar="PATH_OR_ID",
                           help="a local directory or Hugging Face hub id, loaded with AutoModel.from_pretrained "
                                "(the base model, without LM head)")
    exclusive.add_argument("--random-llama", choices=sorted(RANDOM_LLAMA_PRESETS), metavar="PRESET",
                           help="a randomly initialised Llama built from a config, no download: "
                                "hd64 (hidden 512, 4 layers, 8 heads, 2 kv heads, head_dim 64), "
                                "hd96 (hidden 768, head_dim 96, otherwise the same) or "
                                "hd128 (hidden 1024, 4 layers, 8 heads, 2 kv heads, head_dim 128)")
    source.add_argument("--trust-remote-code", action="store_true", help="pass trust_remote_code=True to from_pretrained")
    source.add_argument("--init-std", type=float, default=0.02,
                        help="--random-llama: standard deviation of the random weights (default 0.02, "
                             "transformers' initializer_range; larger values give peakier attention)")

    prompt = parser.add_argument_group("prompt (batch 1)")
    prompt.add_argument("--seq", type=positive_int, metavar="N",
                        help="tokens: without --prompt-file, N random token ids (seeded, no tokenizer needed; "
                             "required then); with --prompt-file, keep at most the first N tokens")
    prompt.add_argument("--prompt-file", metavar="FILE",
                        help="UTF-8 text tokenised with the model's tokenizer (or --tokenizer)")
    prompt.add_argument("--tokenizer", metavar="PATH_OR_ID", help="tokenizer for --prompt-file [the --model]")
    prompt.add_argument("--seed", type=int, default=1,
                        help="seed of the random token ids and of --random-llama's weights (default 1)")

    capture = parser.add_argument_group("capture")
    capture.add_argument("--layers", type=parse_layers, default=None, metavar="LIST",
                         help="layers to capture: 'all' (default) or indices/ranges, e.g. 0,1 or 0-3,8; "
                              "written as layers.0, layers.1, ... in increasing order")
    capture.add_argument("--dtype", choices=["bf16", "fp16"], default=None,
                         help="dtype of the written tensors [the model's if 16-bit, else bf16]")
    capture.add_argument("--model-dtype", choices=sorted(DTYPE_NAMES), default="bf16",
                         help="dtype the model is loaded and run in (default bf16)")
    capture.add_argument("--device", default=None,
                         help="cuda, cuda:1, cpu, or auto (device_map='auto', needs accelerate) "
                              "[cuda if available, else cpu]")
    capture.add_argument("--delegate", default="sdpa",
                         help="the attention implementation that computes the model's output after the capture: "
                              "sdpa (default), eager, flash_attention_2, ... (a name transformers knows)")
    capture.add_argument("--no-fold-scale", action="store_true",
                         help="write q as the model computes it even when its softmax scale is not 1/sqrt(D) "
                              "(by default q is multiplied by scale*sqrt(D) so `run`'s 1/sqrt(D) reproduces the model)")
    capture.add_argument("--save-output", action="store_true",
                         help="also write layers.{i}.o_model [1, H, N, D], the model's attention output (for checks)")

    parser.add_argument("--out", required=True, metavar="FILE", help="the .safetensors file to write")
    parser.add_argument("--verbose", action="store_true", help="print the traceback of an unexpected failure")
    return parser


def check_arguments(parser: argparse.ArgumentParser, args) -> None:
    """Checks that need no torch: fails fast with argparse's usage message (exit 2)."""
    if args.prompt_file is None and args.seq is None:
        parser.error("--seq N is required without --prompt-file (N random token ids)")
    if args.prompt_file is not None:
        if not os.path.isfile(args.prompt_file):
            parser.error(f"--prompt-file: '{args.prompt_file}' is not a file")
        if args.random_llama and args.tokenizer is None:
            parser.error("--prompt-file with --random-llama needs --tokenizer (the random model has none)")
    if args.tokenizer is not None and args.prompt_file is None:
        parser.error("--tokenizer is only used with --prompt-file")
    if args.device is not None and not re.fullmatch(r"auto|cpu|cuda(:\d+)?", args.device):
        parser.error(f"--device: '{args.device}' is not auto, cpu, cuda or cuda:N")
    if not (args.init_std > 0 and math.isfinite(args.init_std)):
        parser.error(f"--init-std: '{args.init_std}' must be a positive number")
    out = os.path.abspath(args.out)
    if os.path.isdir(out):
        parser.error(f"--out: '{args.out}' is a directory; expected a file path")
    if not os.path.isdir(os.path.dirname(out)):
        parser.error(f"--out: the folder of '{args.out}' does not exist")
    if args.prompt_file is not None and os.path.exists(out) and os.path.samefile(out, args.prompt_file):
        parser.error("--out is the prompt file")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------------------------

class Recorder:
    """Collects q, k, v (and the output) of the wanted layers as host tensors in the output dtype.

    One attention call per layer is expected (self-attention, no cache); the layer is the module's
    `layer_idx` (transformers sets it on every decoder attention), else the call's position.
    """

    def __init__(self, torch, layers, out_dtype, seq_len: int, fold_scale: bool, save_output: bool):
        self.torch = torch
        self.wanted = None if layers is None else set(layers)
        self.stop_after = None if layers is None else max(layers)
        self.out_dtype = out_dtype
        self.seq_len = seq_len
        self.fold_scale = fold_scale
        self.save_output = save_output
        self.calls = 0
        self.records = {}          # model layer index -> dict(q, k, v, o?, scaling, prescale)
        self.warnings = []         # distinct warning lines
        self.seen = set()

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            log(f"warning: {message}")

    def record(self, module, query, key, value, output, kwargs) -> None:
        layer = getattr(module, "layer_idx", None)
        layer = self.calls if not isinstance(layer, int) else layer
        self.calls += 1
        if layer in self.seen:
            raise CaptureError(
                f"layer {layer}'s attention was called twice in one forward pass; only plain decoder "
                "self-attention (one call per layer) can be captured")
        self.seen.add(layer)
        if self.wanted is not None and layer not in self.wanted:
            return

        n = self.seq_len
        if query.dim() != 4 or key.dim() != 4 or value.dim() != 4:
            raise CaptureError(f"layer {layer}: query/key/value have {query.dim()}/{key.dim()}/{value.dim()} "
                               "dimensions; expected [batch, heads, seq, head_dim]")
        if query.shape[2] != n and query.shape[1] == n:
            raise CaptureError(f"layer {layer}: query is {tuple(query.shape)}, i.e. [batch, seq, heads, dim]; "
                               "this model does not follow transformers' [batch, heads, seq, dim] convention")
        if query.shape[0] != 1:
            raise CaptureError(f"layer {layer}: batch {query.shape[0]}; the capture runs one prompt (batch 1)")
        if query.shape[2] != n or key.shape[2] != n or value.shape[2] != n:
            raise CaptureError(f"layer {layer}: query {tuple(query.shape)}, key {tuple(key.shape)}: expected "
                               f"{n} queries and {n} keys (self-attention without cache)")
        heads, kv_heads, dim = query.shape[1], key.shape[1], query.shape[3]
        if tuple(key.shape) != (1, kv_heads, n, dim) or tuple(value.shape) != tuple(key.shape):
            raise CaptureError(f"layer {layer}: key {tuple(key.shape)} and value {tuple(value.shape)} do not "
                               f"match query {tuple(query.shape)} (different q/k/v head dims are not supported)")
        if heads % kv_heads != 0:
            raise CaptureError(f"layer {layer}: {heads} query heads are not a multiple of {kv_heads} kv heads")
        if dim not in (64, 96, 128):
            self.warn(f"head_dim {dim}: `minference run` and `search` accept 64, 96 or 128 only")

        # The softmax scale the model uses; `run` uses 1/sqrt(D).
        scaling = kwargs.get("scaling")
        if scaling is None:
            scaling = getattr(module, "scaling", None)
        default_scale = dim ** -0.5
        scaling = float(default_scale if scaling is None else scaling)
        prescale = scaling / default_scale
        if abs(prescale - 1.0) > 1e-6:
            if self.fold_scale:
                self.warn(f"the model's softmax scale is {scaling:.6g}, not 1/sqrt({dim}); q is written "
                          f"multiplied by {prescale:.6g} so that `run` reproduces the model (--no-fold-scale: keep q)")
            else:
                self.warn(f"the model's softmax scale is {scaling:.6g}, not 1/sqrt({dim}) = {default_scale:.6g}; "
                          "`run` will compute a different attention (--no-fold-scale)")
                prescale = 1.0
        else:
            prescale = 1.0

        # Features of the model's attention that `run` (plain causal softmax attention) does not model.
        window = kwargs.get("sliding_window")
        if isinstance(window, int) and 0 < window < n:
            self.warn(f"captured layers use a sliding window of {window} tokens; `run` computes full causal "
                      "attention, so its dense output differs from the model's")
        softcap = kwargs.get("softcap")
        if softcap:
            self.warn(f"captured layers soft-cap their logits ({softcap}); `run` does not")
        if kwargs.get("s_aux") is not None or kwargs.get("sinks") is not None:
            self.warn("captured layers have learned attention sinks; `run` does not model them")
        if getattr(module, "is_causal", True) is False:
            self.warn("captured layers are not causal; `run` computes causal attention")

        def host(tensor, factor=1.0):
            # [1, heads, N, D] -> contiguous host copy in the output dtype (scaled in fp32 if needed).
            if factor != 1.0:
                tensor = tensor.float() * factor
            return tensor.detach().to(dtype=self.out_dtype).to("cpu").contiguous()

        entry = dict(q=host(query, prescale), k=host(key), v=host(value), scaling=scaling, prescale=prescale,
                     heads=heads, kv_heads=kv_heads, head_dim=dim)
        if self.save_output:
            o = output[0] if isinstance(output, (tuple, list)) else output
            # transformers' attention functions return [batch, seq, heads, dim].
            if tuple(o.shape) == (1, n, heads, dim):
                entry["o"] = host(o.transpose(1, 2))
            else:
                self.warn(f"layer {layer}: the attention output is {tuple(o.shape)}, not [1, {n}, {heads}, {dim}]; "
                          "o_model is not written")
        self.records[layer] = entry

    def finished(self) -> bool:
        return self.stop_after is not None and all(layer in self.records for layer in self.wanted)


def make_capture_attention(recorder: Recorder, delegate_name: str):
    """The attention function registered as CAPTURE_IMPL: compute with the delegate, then record."""
    import importlib

    from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS

    def delegate_for(module):
        if delegate_name == "eager":
            # eager is not in the registry: each model file defines its own eager_attention_forward.
            model_module = importlib.import_module(type(module).__module__)
            function = getattr(model_module, "eager_attention_forward", None)
            if function is None:
                raise CaptureError(f"{type(module).__module__} has no eager_attention_forward; use --delegate sdpa")
            return function
        return ALL_ATTENTION_FUNCTIONS[delegate_name]

    def capture_attention(module, query, key, value, attention_mask, *args, **kwargs):
        result = delegate_for(module)(module, query, key, value, attention_mask, *args, **kwargs)
        recorder.record(module, query, key, value, result, kwargs)
        if recorder.finished():
            raise _StopForward()
        return result

    return capture_attention


def install_capture(model, recorder: Recorder, delegate_name: str) -> None:
    """Registers CAPTURE_IMPL (attention and mask) and switches the model to it."""
    from transformers import AttentionInterface
    from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS

    known = [name for name in ALL_ATTENTION_FUNCTIONS.keys() if name != CAPTURE_IMPL]
    if delegate_name != "eager" and delegate_name not in known:
        raise CaptureError(f"--delegate: transformers has no attention implementation '{delegate_name}'; "
                           f"known: eager, {', '.join(sorted(known))}")
    AttentionInterface.register(CAPTURE_IMPL, make_capture_attention(recorder, delegate_name))
    # The model builds its mask with the function registered under the implementation's name; an
    # unknown name gets no mask at all (None), which sdpa treats as causal but other delegates may
    # not. Use the delegate's mask builder.
    try:
        from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS
        ALL_MASK_ATTENTION_FUNCTIONS.register(CAPTURE_IMPL, ALL_MASK_ATTENTION_FUNCTIONS[delegate_name])
    except (ImportError, KeyError):
        pass

    setter = getattr(model, "set_attn_implementation", None)
    if setter is not None:
        try:
            setter(CAPTURE_IMPL)
        except ValueError as error:  # e.g. a model with its own attention code
            raise CaptureError(f"this model cannot switch its attention implementation: {error}") from None
    if getattr(model.config, "_attn_implementation", None) != CAPTURE_IMPL:
        # Older versions (or a setter that only warned): set it on every config in the model.
        for module in model.modules():
            config = getattr(module, "config", None)
            if config is not None and hasattr(config, "_attn_implementation"):
                config._attn_implementation = CAPTURE_IMPL


# ---------------------------------------------------------------------------------------------
# Models and prompts
# ---------------------------------------------------------------------------------------------

def require_transformers():
    try:
        import torch
        import transformers
    except ImportError as error:
        raise CaptureError(f"{error.name} is not installed; this script needs torch, transformers >= "
                           f"{MIN_TRANSFORMERS[0]}.{MIN_TRANSFORMERS[1]} and safetensors") from None
    version = tuple(int(part) for part in transformers.__version__.split(".")[:2] if part.isdigit())
    if version < MIN_TRANSFORMERS:
        raise CaptureError(f"transformers {transformers.__version__} is too old; expected >= "
                           f"{MIN_TRANSFORMERS[0]}.{MIN_TRANSFORMERS[1]} (AttentionInterface, set_attn_implementation)")
    return torch, transformers


def random_llama_config(preset: str, init_std: float, seq_len: int):
    """The preset as a LlamaConfig (default RoPE, theta 10000: transformers' defaults)."""
    from transformers import LlamaConfig
    return LlamaConfig(**RANDOM_LLAMA_PRESETS[preset], max_position_embeddings=max(seq_len, 8192),
                       initializer_range=init_std, rms_norm_eps=1e-5, attention_bias=False, attention_dropout=0.0,
                       tie_word_embeddings=False)


def build_random_llama(preset: str, seed: int, init_std: float, seq_len: int, dtype, device):
    """A LlamaModel with deterministic random weights (the same in every process for the same arguments).

    Returns (model, fingerprint): the fingerprint (sum of every parameter, float64, before the
    dtype conversion) lets a second process check that it rebuilt the same weights.
    """
    import torch
    from transformers import LlamaModel

    config = random_llama_config(preset, init_std, seq_len)
    model = LlamaModel(config)
    # Our own initialisation, independent of transformers' init code: N(0, init_std) for every
    # matrix (projections, MLP, embedding), 1 for the RMSNorm weights.
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, parameter in sorted(model.named_parameters(), key=lambda item: item[0]):
            if parameter.dim() >= 2:
                parameter.normal_(0.0, init_std, generator=generator)
            else:
                parameter.fill_(1.0)
        fingerprint = repr(float(sum(p.double().sum() for p in model.parameters())))
        # Convert the parameters only: RoPE's inv_freq buffer stays fp32 as from_pretrained keeps it
        # (model.to(bf16) would round the frequencies and shift the angles at long positions).
        for parameter in model.parameters():
            parameter.data = parameter.data.to(dtype)
    return model.to(device).eval(), fingerprint


def random_input_ids(vocab_size: int, seq_len: int, seed: int):
    import torch
    generator = torch.Generator().manual_seed(seed + 1)
    return torch.randint(0, vocab_size, (1, seq_len), generator=generator)


def load_model(args, torch_dtype):
    from transformers import AutoModel
    kwargs = dict(dtype=torch_dtype, attn_implementation=args.delegate, trust_remote_code=args.trust_remote_code)
    if args.device == "auto":
        kwargs["device_map"] = "auto"
    try:
        model = AutoModel.from_pretrained(args.model, **kwargs)
    except (OSError, ValueError) as error:
        raise CaptureError(f"--model {args.model}: {str(error).splitlines()[0]}") from None
    if args.device != "auto":
        model = model.to(args.device)
    return model.eval()


def prompt_ids(args, model):
    import torch
    if args.prompt_file is None:
        embeddings = model.get_input_embeddings()
        vocab = getattr(embeddings, "num_embeddings", None) or model.config.vocab_size
        return random_input_ids(vocab, args.seq, args.seed), f"{args.seq} random token ids (seed {args.seed})"
    from transformers import AutoTokenizer
    name = args.tokenizer or args.model
    try:
        tokenizer = AutoTokenizer.from_pretrained(name, trust_remote_code=args.trust_remote_code)
    except (OSError, ValueError) as error:
        raise CaptureError(f"tokenizer {name}: {str(error).splitlines()[0]}") from None
    with open(args.prompt_file, encoding="utf-8") as handle:
        text = handle.read()
    ids = tokenizer(text, return_tensors="pt").input_ids[:, : args.seq]
    if ids.shape[1] == 0:
        raise CaptureError(f"--prompt-file {args.prompt_file} gives no tokens")
    return ids.to(torch.long), f"{args.prompt_file} ({ids.shape[1]} tokens)"


def input_device(model, args):
    if args.device != "auto":
        return args.device
    return model.get_input_embeddings().weight.device


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def write_capture(path: str, recorder: Recorder, layers, metadata: dict) -> dict:
    """Writes the records in our layout (layers renumbered 0, 1, ...) atomically; returns the shapes."""
    from safetensors.torch import save_file

    found = sorted(recorder.records)
    if not found:
        raise CaptureError("no attention call was captured: the model's attention does not go through "
                           "transformers' AttentionInterface (custom attention code?)")
    order = found if layers is None else layers
    missing = [layer for layer in order if layer not in recorder.records]
    if missing:
        raise CaptureError(f"--layers: the model has no layer {', '.join(map(str, missing))}; "
                           f"its attention layers are 0-{len(recorder.seen) - 1}")
    first = recorder.records[order[0]]
    shape = (first["heads"], first["kv_heads"], first["head_dim"])
    for layer in order:
        entry = recorder.records[layer]
        if (entry["heads"], entry["kv_heads"], entry["head_dim"]) != shape:
            raise CaptureError(
                f"layer {layer} has {entry['heads']} heads, {entry['kv_heads']} kv heads, head_dim "
                f"{entry['head_dim']}, layer {order[0]} {shape[0]}, {shape[1]}, {shape[2]}; `run` needs one shape "
                "for every layer: pick layers of one shape with --layers")

    tensors = {}
    for index, layer in enumerate(order):
        entry = recorder.records[layer]
        for name in ("q", "k", "v"):
            tensors[f"layers.{index}.{name}"] = entry[name]
        if "o" in entry:
            tensors[f"layers.{index}.o_model"] = entry["o"]
    prescales = sorted({recorder.records[layer]["prescale"] for layer in order})
    scalings = sorted({recorder.records[layer]["scaling"] for layer in order})
    metadata = dict(metadata)
    metadata.update({
        "source_layers": ",".join(str(layer) for layer in order),
        "heads": str(shape[0]),
        "kv_heads": str(shape[1]),
        "head_dim": str(shape[2]),
        "seq": str(recorder.seq_len),
        "batch": "1",
        "scaling": ",".join(repr(s) for s in scalings),
        "q_prescaled": ",".join(repr(p) for p in prescales),
        "capture_point": "attention interface input: after RoPE, before repeat_kv",
    })
    if recorder.warnings:
        metadata["warnings"] = " | ".join(recorder.warnings)
    metadata = {key: str(value) for key, value in metadata.items()}

    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".capture-", suffix=".safetensors.tmp", dir=directory)
    os.close(handle)
    try:
        save_file(tensors, temporary, metadata=metadata)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return dict(layers=len(order), heads=shape[0], kv_heads=shape[1], head_dim=shape[2])


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def run(args) -> int:
    torch, transformers = require_transformers()
    try:
        import safetensors  # noqa: F401
    except ImportError:
        raise CaptureError("safetensors is not installed (pip install safetensors)") from None
    if args.device is None:
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise CaptureError(f"--device {args.device}: PyTorch sees no CUDA device")
    model_dtype = getattr(torch, DTYPE_NAMES[args.model_dtype])
    out_name = args.dtype or (args.model_dtype if args.model_dtype in ("bf16", "fp16") else "bf16")
    out_dtype = getattr(torch, DTYPE_NAMES[out_name])

    started = time.perf_counter()
    metadata = {
        "generator": "tools/capture_hf.py (MInference for .NET)",
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "model_dtype": args.model_dtype,
        "dtype": out_name,
        "attn_delegate": args.delegate,
    }
    if args.random_llama:
        if args.device == "auto":  # one small model: no device map
            args.device = "cuda" if torch.cuda.is_available() else "cpu"
        model, fingerprint = build_random_llama(args.random_llama, args.seed, args.init_std, args.seq or 8192,
                                                model_dtype, args.device)
        metadata.update({"model": f"random-llama:{args.random_llama}", "random_llama": args.random_llama,
                         "seed": str(args.seed), "init_std": repr(args.init_std),
                         "weights_fingerprint": fingerprint})
        log(f"built random Llama '{args.random_llama}' ({RANDOM_LLAMA_PRESETS[args.random_llama]}), seed {args.seed}")
    else:
        log(f"loading {args.model} ({args.model_dtype}) ...")
        model = load_model(args, model_dtype)
        metadata["model"] = args.model

    ids, prompt_description = prompt_ids(args, model)
    seq_len = ids.shape[1]
    metadata["input"] = prompt_description
    recorder = Recorder(torch, args.layers, out_dtype, seq_len, not args.no_fold_scale, args.save_output)
    install_capture(model, recorder, args.delegate)

    log(f"forward pass over {seq_len} tokens on {args.device} ...")
    with torch.inference_mode():
        try:
            model(input_ids=ids.to(input_device(model, args)), use_cache=False)
        except _StopForward:
            pass  # every requested layer is captured; the remaining layers are skipped
        except torch.cuda.OutOfMemoryError:
            raise CaptureError(f"out of GPU memory at {seq_len} tokens: lower --seq, capture fewer --layers, "
                               "or use --device auto to spread the model") from None

    shape = write_capture(args.out, recorder, args.layers, metadata)
    size = os.path.getsize(args.out)
    print(f"wrote {args.out}: {shape['layers']} layers (model layers {metadata_layers(recorder, args.layers)}) "
          f"of q [1, {shape['heads']}, {seq_len}, {shape['head_dim']}] and k, v [1, {shape['kv_heads']}, {seq_len}, "
          f"{shape['head_dim']}] ({out_name}{', with o_model' if args.save_output else ''}), "
          f"{size / 2**20:.1f} MiB in {time.perf_counter() - started:.1f} s")
    return 0


def metadata_layers(recorder: Recorder, layers) -> str:
    order = sorted(recorder.records) if layers is None else layers
    if order == list(range(order[0], order[-1] + 1)) and len(order) > 2:
        return f"{order[0]}-{order[-1]}"
    return ",".join(map(str, order))


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    try:
        return run(args)
    except CaptureError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - one line unless --verbose
        if args.verbose:
            raise
        first = str(error).splitlines()[0] if str(error) else ""
        print(f"error: unexpected {type(error).__name__}: {first} (--verbose prints the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
