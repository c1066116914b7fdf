#!/usr/bin/env bash
# The decode kernels' first GPU check (issue #10), from the repo root on the GPU machine after
# bench/pack-for-gpu.sh: their GPU tests, then `bench decode` on the issue's shapes. Logs in $OUT.
set -uo pipefail
out=${OUT:-decode-results}
mkdir -p "$out"
source .gpu/gpu-env.sh
tar -C /tmp -xJf .gpu/bundle.tar.xz
cli=(dotnet /tmp/bundle/minference.dll)
dotnet /tmp/bundle/MInference.Tests.dll \
  --filter "FullyQualifiedName~DenseDecodeGpuTests|FullyQualifiedName~PqEncodeGpuTests|FullyQualifiedName~PqDecodeGpuTests|FullyQualifiedName~StructLayout" \
  > "$out/decode-tests.log" 2>&1
echo "tests rc=$?"; grep -E "^(failed|  (total|failed|succeeded|skipped))" "$out/decode-tests.log" | head -n 20
{
  "${cli[@]}" bench decode --json --seq 8192 32768 131072 --heads 32 --kv-heads 32 --head-dim 128 --subspaces 64
  "${cli[@]}" bench decode --json --seq 32768 131072 --heads 32 --kv-heads 8 --head-dim 128 --subspaces 64
  "${cli[@]}" bench decode --json --seq 32768 --batch 16 --heads 32 --kv-heads 8 --head-dim 128 --subspaces 64
} > "$out/decode-bench.jsonl" 2> "$out/decode-bench.err"
echo "bench rc=$?"; cat "$out/decode-bench.jsonl"
