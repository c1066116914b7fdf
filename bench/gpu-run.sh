#!/usr/bin/env bash
# One call on the GPU machine: the NUnit suite (GPU tests included), the dense benchmark presets
# through the CLI, and the PyTorch cross-check. Run from the repository root with .gpu/ and
# artifacts/bin/MInference.Tests and artifacts/bin/MInference.Cli present (see README); logs go to
# $OUT (or ./gpu-results).
#   bench/gpu-run.sh [--quick]     --quick: tests only
set -uo pipefail
out=${OUT:-gpu-results}
mkdir -p "$out"
source .gpu/gpu-env.sh
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,power.draw,temperature.gpu --format=csv,noheader | tee "$out/gpu.txt"
cli=(dotnet artifacts/bin/MInference.Cli/release/minference.dll)
status=0

"${cli[@]}" info 2>&1 | tee "$out/info.txt"
dotnet artifacts/bin/MInference.Tests/release/MInference.Tests.dll --results-directory "$out/tests" 2>&1 | tee "$out/tests.log" | tail -n 40 || status=1
[ "${1:-}" = "--quick" ] && exit $status

{
  "${cli[@]}" bench dense --json --seq 4096 8192 32768 --heads 32 --kv-heads 32 --head-dim 128 --dtype bf16 --causal
  "${cli[@]}" bench dense --json --seq 4096 8192 32768 --heads 32 --kv-heads 32 --head-dim 128 --dtype bf16
  "${cli[@]}" bench dense --json --seq 32768 --heads 32 --kv-heads 32 --head-dim 64 --dtype bf16 --causal
  "${cli[@]}" bench dense --json --seq 32768 --heads 32 --kv-heads 32 --head-dim 64 --dtype bf16
  "${cli[@]}" bench dense --json --seq 32768 --heads 32 --kv-heads 8 --head-dim 128 --dtype fp16 --causal
  "${cli[@]}" bench dense --json --seq 8192 --heads 32 --kv-heads 8 --head-dim 128 --dtype bf16 --causal --batch 4
} 2>&1 | tee "$out/bench.jsonl" || status=1

# Sparse prefill (the cases): estimation + index + attention against our own dense kernel.
sparse=("${cli[@]}" bench sparse --json --head-dim 128 --dtype bf16)
{
  "${sparse[@]}" --pattern vs --vertical 1000 --slash 6096 --seq 1048576 --heads 1 --kv-heads 1 --data structured
  "${sparse[@]}" --pattern vs --vertical 1000 --slash 6096 --seq 1048576 --heads 1 --kv-heads 1 --data random
  "${sparse[@]}" --pattern vs --vertical 100 --slash 800 --seq 1048576 --heads 1 --kv-heads 1 --data random
  "${sparse[@]}" --pattern vs --vertical 1000 --slash 6096 --seq 131072 --heads 8 --kv-heads 8 --data random
  "${sparse[@]}" --pattern ashape --sink 128 --local 4096 --seq 131072 --heads 8 --kv-heads 8 --data random
  "${sparse[@]}" --pattern block --top-k 100 --seq 131072 --heads 8 --kv-heads 8 --data random
} 2>&1 | tee "$out/sparse.jsonl" || status=1

lib=artifacts/bin/MInference.Cli/release/libminference.so
python3 bench/compare_torch.py --lib "$lib" --check --bench --ashape --seq 32768 > "$out/torch.log" 2>&1 || status=1
grep -v '^ok' "$out/torch.log"  # failures and the benchmark rows
exit $status
