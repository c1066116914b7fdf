#!/usr/bin/env bash
# Session 28, the last device minutes: the SLA and `sla` command GPU tests (sm_90a), racecheck
# beside them (backward at N 65, the forward's runs at D 64) and sla_check --check; then this
# build's figures (SDPA beside) and, if time is left, its per-kernel profile.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
tests=(dotnet $bin/MInference.Tests.dll)
t=${FIRST_LIMIT:-120}
timeout $t "${tests[@]}" --filter "FullyQualifiedName~.Sla.|FullyQualifiedName~SlaCommandGpuTests" > "$out/tests-sm90a.log" 2>&1 &
small="(FullyQualifiedName~SlaBackwardGpuTests&Name~N65)|(FullyQualifiedName~SlaForwardGpuTests&Name~runs&Name~D64)"
timeout $t compute-sanitizer --tool racecheck --racecheck-report all --error-exitcode 86 --print-limit 20 "${tests[@]}" --filter "$small" > "$out/sanitize-racecheck.log" 2>&1 &
timeout $t python3 -u bench/sla_check.py --lib $lib --check > "$out/sla-check.log" 2>&1 &
wait
echo "== sm90a"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-sm90a.log" | tail -n 20
echo "== racecheck: $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitize-racecheck.log" | tail -n 2 | tr '\n' ' ') $(grep -E '^\s+(total|failed|succeeded):' "$out/sanitize-racecheck.log" | tr -s ' ' | tr '\n' ' ')"
grep -m3 "hazard" "$out/sanitize-racecheck.log"
echo "== check"; grep -v "^ok" "$out/sla-check.log" | tail -n 4
step "bench"
timeout $(( $(left) - 5 )) python3 -u bench/sla_check.py --lib $lib --bench --iters 10 2>&1 | tee "$out/sla-bench.log" | grep "^{"
[ $(left) -gt 40 ] && timeout $(( $(left) - 5 )) python3 -u bench/sla_check.py --lib $lib --profile > "$out/sla-profile.log" 2>&1
grep -E "^==|linear_|key_state" "$out/sla-profile.log" 2>/dev/null | head -n 40
