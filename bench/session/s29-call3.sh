#!/usr/bin/env bash
# Session 29, call 3: racecheck on what call 2's racecheck did not reach before its time limit (it
# spent it on the backward's head_dim 128 runs): the forward's 8-warp O_l with Proj (the runs, both
# branches, and N 65 at every head_dim) and the released backward's dq runs at head_dim 64; beside
# it, sla_check --check for its per-case errors.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
tests=(dotnet $bin/MInference.Tests.dll)
filter="(FullyQualifiedName~SlaForwardGpuTests&Name~runs)|(FullyQualifiedName~SlaForwardGpuTests&Name~N65)|(FullyQualifiedName~SlaBackwardGpuTests&Name~runs&Name~D64)"
# The check's per-case errors (call 2 passed 38 of 38, but its log did not come back: 8 files a call).
timeout 200 python3 -u bench/sla_check.py --lib $lib --check > "$out/sla-check.log" 2>&1 &
timeout $(( $(left) - 10 )) compute-sanitizer --tool racecheck --racecheck-report all --error-exitcode 86 --print-limit 20 "${tests[@]}" --filter "$filter" > "$out/sanitize-racecheck.log" 2>&1
echo "rc=$?"
echo "== racecheck: $(grep -E 'RACECHECK SUMMARY' "$out/sanitize-racecheck.log" | tail -n 1) $(grep -E '^\s+(total|failed|succeeded):' "$out/sanitize-racecheck.log" | tr -s ' ' | tr '\n' ' ')"
grep -m3 "hazard" "$out/sanitize-racecheck.log"
wait
echo "== check: $(tail -n 1 "$out/sla-check.log")"
