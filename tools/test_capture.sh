#!/usr/bin/env bash
# GPU-side test of tools/capture_hf.py (issue #9 item 6), run from the repository root on a machine
# with PyTorch + transformers + safetensors and the CLI bundle (no network, no .NET SDK needed):
#
#   source .gpu/gpu-env.sh; tar -C /tmp -xJf .gpu/bundle.tar.xz
#   tools/test_capture.sh                 # logs and files in $OUT/capture-test (else a temp dir)
#
# For three small randomly initialised Llama models built from a config (head_dim 64 and 96 with every
# layer in bf16; head_dim 128 with layers 1 and 3 written as fp16), each 8 heads over 2 kv heads,
# $SEQ tokens (default 4096), seed 1:
#   1. capture_hf.py captures q/k/v (+ the model's attention output) to a .safetensors file;
#   2. `minference search --backend gpu` searches patterns on it, `minference run --backend gpu`
#      runs sparse and dense attention on it with those patterns and writes its outputs;
#   3. check_capture.py checks the layout and metadata, that softmax(QK^T/sqrt(d)) V (causal,
#      repeat_kv) from the file reproduces the model's attention output (with a wrong-GQA control),
#      that q/k are RoPE(q_proj, k_proj) (RoPE written out independently, on a rebuilt model), and
#      that `run`'s dense output equals the model's attention output.
# Also: two refused command lines (exit 2 for a bad --layers list, 1 for a layer the model lacks).
# Environment: OUT, SEQ, MINFERENCE_DLL (default /tmp/bundle/minference.dll, else artifacts/),
# PYTHON (default python3). Exit status 0 when every step passes.
set -uo pipefail
cd "$(dirname "$0")/.."

out=${OUT:-$(mktemp -d)}
work=$out/capture-test
mkdir -p "$work"
seq=${SEQ:-4096}
python=${PYTHON:-python3}
cli=${MINFERENCE_DLL:-/tmp/bundle/minference.dll}
[ -f "$cli" ] || cli=artifacts/bin/MInference.Cli/release/minference.dll
if ! command -v dotnet > /dev/null && [ -f .gpu/gpu-env.sh ]; then
  source .gpu/gpu-env.sh
fi

failures=0
steps=0
started=$SECONDS

# step NAME [--stdout FILE] COMMAND...: runs COMMAND with its output in $work/NAME.log (standard
# output in FILE instead when given), prints ok/FAIL with the time, and the log's tail on failure.
step() {
  local name=$1 stdout=
  shift
  if [ "${1:-}" = --stdout ]; then stdout=$2; shift 2; fi
  local log=$work/$name.log t0=$SECONDS rc
  steps=$((steps + 1))
  if [ -n "$stdout" ]; then "$@" > "$stdout" 2> "$log"; else "$@" > "$log" 2>&1; fi
  rc=$?
  if [ $rc -eq 0 ]; then
    printf 'ok   %-28s %3ds\n' "$name" $((SECONDS - t0))
  else
    failures=$((failures + 1))
    printf 'FAIL %-28s %3ds (exit %d): %s\n' "$name" $((SECONDS - t0)) $rc "$*"
    tail -n 25 "$log" | sed 's/^/     | /'
  fi
  return $rc
}

# expect_refusal NAME CODE TEXT COMMAND...: the command must exit with CODE and print TEXT on stderr.
expect_refusal() {
  local name=$1 code=$2 text=$3
  shift 3
  local log=$work/$name.log rc
  steps=$((steps + 1))
  "$@" > "$log" 2>&1
  rc=$?
  if [ $rc -eq "$code" ] && grep -qF -- "$text" "$log"; then
    printf 'ok   %-28s refused: %s\n' "$name" "$(grep -F -- "$text" "$log" | head -n 1 | cut -c1-110)"
  else
    failures=$((failures + 1))
    printf 'FAIL %-28s exit %d (expected %d with "%s")\n' "$name" $rc "$code" "$text"
    tail -n 10 "$log" | sed 's/^/     | /'
  fi
}

echo "capture test: SEQ=$seq, files in $work, CLI $cli"
nvidia-smi --query-gpu=name --format=csv,noheader 2> /dev/null | head -n 1
"$python" -c 'import sys, torch, transformers, safetensors; print(f"python {sys.version.split()[0]}, torch {torch.__version__} (cuda {torch.cuda.is_available()}), transformers {transformers.__version__}, safetensors {safetensors.__version__}")' \
  || { echo "FAIL python environment: torch, transformers and safetensors are needed"; exit 1; }
if [ ! -f "$cli" ] || ! command -v dotnet > /dev/null; then
  echo "FAIL no CLI: unpack the bundle (tar -C /tmp -xJf .gpu/bundle.tar.xz) and source .gpu/gpu-env.sh, or set MINFERENCE_DLL"
  exit 1
fi

# variant NAME PRESET CAPTURE-OPTIONS...
variant() {
  local name=$1 preset=$2
  shift 2
  local dir=$work/$name
  mkdir -p "$dir"
  rm -f "$dir"/*.safetensors "$dir"/*.json
  local cap=$dir/captured.safetensors
  step "$name/capture" "$python" tools/capture_hf.py --random-llama "$preset" --seq "$seq" --seed 1 --init-std 0.05 \
    --save-output --device cuda --verbose --out "$cap" "$@" || return
  sed -n 's/^wrote /     wrote /p' "$work/$name/capture.log"
  step "$name/search" --stdout "$dir/search.json" dotnet "$cli" search --input "$cap" --out "$dir/patterns.json" --backend gpu --json
  [ -f "$dir/patterns.json" ] && step "$name/run" --stdout "$dir/run.json" dotnet "$cli" run --input "$cap" \
    --config "$dir/patterns.json" --output "$dir/run.safetensors" --backend gpu --timed-runs 3 --json
  local extra=()
  [ -f "$dir/run.safetensors" ] && extra+=(--run-output "$dir/run.safetensors" --run-json "$dir/run.json")
  [ -s "$dir/search.json" ] && extra+=(--search-json "$dir/search.json")
  step "$name/check" "$python" tools/check_capture.py --file "$cap" --rope "${extra[@]}"
  sed 's/^/     /' "$work/$name/check.log"
}

variant hd64-bf16-all hd64 --layers all
variant hd96-bf16-all hd96 --layers all
variant hd128-fp16-layers1-3 hd128 --layers 1,3 --dtype fp16

expect_refusal refuse-bad-layer-list 2 "is not a layer list" \
  "$python" tools/capture_hf.py --random-llama hd64 --seq 64 --layers one --out "$work/refused.safetensors"
expect_refusal refuse-missing-layer 1 "error: --layers: the model has no layer 9" \
  "$python" tools/capture_hf.py --random-llama hd64 --seq 256 --layers 2,9 --out "$work/refused.safetensors"
if [ -e "$work/refused.safetensors" ]; then
  failures=$((failures + 1))
  echo "FAIL a refused capture left $work/refused.safetensors behind"
fi

echo "capture test: $steps steps, $failures failed, $((SECONDS - started)) s; logs in $work"
[ $failures -eq 0 ]
