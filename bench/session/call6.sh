#!/usr/bin/env bash
# Session 27's planned call 6, run as session 28's first: after the LSE/D release fix (racecheck in call 5): the SLA tests (sm_90a) with
# racecheck and synccheck on the backward at N 65 beside them, then sla_check --check.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
timeout 120 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla." > "$out/tests-sm90a.log" 2>&1 &
small="FullyQualifiedName~SlaBackwardGpuTests&Name~N65"
timeout 120 compute-sanitizer --tool racecheck --racecheck-report all --error-exitcode 86 --print-limit 20 dotnet $bin/MInference.Tests.dll --filter "$small" > "$out/sanitize-racecheck.log" 2>&1 &
timeout 120 compute-sanitizer --tool synccheck --error-exitcode 86 --print-limit 20 dotnet $bin/MInference.Tests.dll --filter "$small" > "$out/sanitize-synccheck.log" 2>&1 &
timeout 120 python3 -u bench/sla_check.py --lib $bin/libminference.so --check > "$out/sla-check.log" 2>&1 &
wait
echo "== sm90a"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-sm90a.log" | tail -n 20
for tool in racecheck synccheck; do echo "== $tool: $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitize-$tool.log" | tail -n 2 | tr '\n' ' ') $(grep -E '^\s+(total|failed|succeeded):' "$out/sanitize-$tool.log" | tr -s ' ' | tr '\n' ' ')"; done
grep -m3 "hazard" "$out/sanitize-racecheck.log"
echo "== check"; grep -v "^ok" "$out/sla-check.log" | tail -n 4
# Then the sm_80 mainloop's SLA tests, the figures (SDPA beside) and the per-kernel profile: the
# baseline of session 28.
MINFERENCE_MAINLOOP=sm80 timeout 120 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla." > "$out/tests-sm80.log" 2>&1
echo "== sm80"; grep -E "^\s+(total|failed|succeeded|skipped):" "$out/tests-sm80.log"
timeout 80 python3 -u bench/sla_check.py --lib $bin/libminference.so --bench --iters 10 2>&1 | tee "$out/sla-bench.log" | grep "^{"
timeout 60 python3 -u bench/sla_check.py --lib $bin/libminference.so --profile > "$out/sla-profile.log" 2>&1
grep -E "^==|ms  x" "$out/sla-profile.log" | head -n 60
