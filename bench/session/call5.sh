#!/usr/bin/env bash
# Session 27, call 5 (the last device minutes): SLA tests (sm_90a) with racecheck, synccheck and
# sla_check --check beside them, then sla_check --bench (SDPA beside) and bench sla --json.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
timeout 150 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla." > "$out/tests-sm90a.log" 2>&1 &
small="FullyQualifiedName~SlaBackwardGpuTests&Name~N65"
for tool in racecheck synccheck; do
  extra=(); [ $tool = racecheck ] && extra=(--racecheck-report all)
  timeout 150 compute-sanitizer --tool $tool "${extra[@]}" --error-exitcode 86 --print-limit 20 dotnet $bin/MInference.Tests.dll --filter "$small" > "$out/sanitize-$tool.log" 2>&1 &
done
timeout 150 python3 -u bench/sla_check.py --lib $bin/libminference.so --check > "$out/sla-check.log" 2>&1 &
wait
echo "== sm90a"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-sm90a.log" | tail -n 20
for tool in racecheck synccheck; do echo "== $tool: $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitize-$tool.log" | tail -n 2 | tr '\n' ' ') $(grep -E '^\s+(total|failed|succeeded):' "$out/sanitize-$tool.log" | tr -s ' ' | tr '\n' ' ')"; done
echo "== check"; grep -v "^ok" "$out/sla-check.log" | tail -n 4
timeout 80 python3 -u bench/sla_check.py --lib $bin/libminference.so --bench --iters 10 2>&1 | tee "$out/sla-bench.log" | grep "^{"
timeout 60 dotnet $bin/minference.dll bench sla --json 2>&1 | tail -n 1 | tee "$out/bench-sla.json"
