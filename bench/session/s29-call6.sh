#!/usr/bin/env bash
# Session 29, call 6 (after the review): the SLA tests of the build whose linear dq and forward runs
# share launch_in_runs, and the forward tests with MINFERENCE_SLA_LINEAR_RUNS=0, the one-block
# flow that A100 and Ada take (never run on an H100 before: there the runs always fit).
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
tests=(dotnet $bin/MInference.Tests.dll)
timeout $(( $(left) - 5 )) "${tests[@]}" --filter "FullyQualifiedName~.Sla." > "$out/tests-sm90a.log" 2>&1 &
MINFERENCE_SLA_LINEAR_RUNS=0 timeout $(( $(left) - 5 )) "${tests[@]}" --filter "FullyQualifiedName~SlaForwardGpuTests" > "$out/tests-one-block.log" 2>&1 &
wait
for f in tests-sm90a tests-one-block; do echo "== $f $(grep -E '^\s+(total|failed|succeeded|skipped):' "$out/$f.log" | tr -s ' ' | tr '\n' ' ')"; grep -E "^\s*failed " "$out/$f.log" | head -n 5; done
