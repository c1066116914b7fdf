#!/usr/bin/env bash
# Session 29, call 4 (main's build, with call 3's shared-tile epilogue): the tests call 3 left out,
# `minference sla`'s GPU tests (SlaCommandGpuTests) on sm_90a and the SLA tests on sm_80.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
tests=(dotnet $bin/MInference.Tests.dll)
timeout $(( $(left) - 10 )) "${tests[@]}" --filter "FullyQualifiedName~SlaCommandGpuTests" > "$out/tests-sla-command.log" 2>&1 &
MINFERENCE_MAINLOOP=sm80 timeout $(( $(left) - 10 )) "${tests[@]}" --filter "FullyQualifiedName~.Sla." > "$out/tests-sm80.log" 2>&1 &
wait
for f in tests-sla-command tests-sm80; do echo "== $f $(grep -E '^\s+(total|failed|succeeded|skipped):' "$out/$f.log" | tr -s ' ' | tr '\n' ' ')"; grep -E "^\s*failed " "$out/$f.log" | head -n 5; done
