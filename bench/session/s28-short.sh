#!/usr/bin/env bash
# Session 28, the short form of call 1 (s28-call1.sh), for the device time left after refused
# starts: the SLA and `sla` command GPU tests (sm_90a), racecheck beside them (backward at N 65,
# the forward's runs at D 64), sla_check --check and the vertical-slash index tests; then the
# figures of this build and of the session's starting build (66326ee) in the same call, and this
# build's per-kernel profile. No sm_80 run, no synccheck.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
base=$(mktemp -d); tar -C "$base" -xJf .gpu/bundle-base.tar.xz; base_lib=$base/bundle/libminference.so
tests=(dotnet $bin/MInference.Tests.dll)
t=${FIRST_LIMIT:-150}
timeout $t "${tests[@]}" --filter "FullyQualifiedName~.Sla.|FullyQualifiedName~SlaCommandGpuTests" > "$out/tests-sm90a.log" 2>&1 &
small="(FullyQualifiedName~SlaBackwardGpuTests&Name~N65)|(FullyQualifiedName~SlaForwardGpuTests&Name~runs&Name~D64)"
timeout $t compute-sanitizer --tool racecheck --racecheck-report all --error-exitcode 86 --print-limit 20 "${tests[@]}" --filter "$small" > "$out/sanitize-racecheck.log" 2>&1 &
timeout $t python3 -u bench/sla_check.py --lib $lib --check > "$out/sla-check.log" 2>&1 &
timeout $t "${tests[@]}" --filter "FullyQualifiedName~VerticalSlashIndexGpuTests|FullyQualifiedName~VerticalSlashEndToEndGpuTests" > "$out/tests-vs-index.log" 2>&1 &
wait
echo "== vs index"; grep -E "^\s+(total|failed|succeeded|skipped):" "$out/tests-vs-index.log" | tr -s ' ' | tr '\n' ' '; echo
echo "== sm90a"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-sm90a.log" | tail -n 20
echo "== racecheck: $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitize-racecheck.log" | tail -n 2 | tr '\n' ' ') $(grep -E '^\s+(total|failed|succeeded):' "$out/sanitize-racecheck.log" | tr -s ' ' | tr '\n' ' ')"
grep -m3 "hazard" "$out/sanitize-racecheck.log"
echo "== check"; grep -v "^ok" "$out/sla-check.log" | tail -n 4
step "bench (this build, then the base)"
timeout 70 python3 -u bench/sla_check.py --lib $lib --bench --iters 10 2>&1 | tee "$out/sla-bench.log" | grep "^{"
timeout 50 python3 -u bench/sla_check.py --lib $base_lib --bench --iters 10 2>&1 | tee "$out/sla-bench-base.log" | grep "^{" | grep '"op": "sla"'
step "profile"
timeout $(( $(left) - 5 )) python3 -u bench/sla_check.py --lib $lib --profile > "$out/sla-profile.log" 2>&1
grep -E "^==|linear_|key_state" "$out/sla-profile.log" | head -n 40
