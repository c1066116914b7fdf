#!/usr/bin/env bash
# Session 28, call 1: stop 27's LSE/D release fix (racecheck in its call 5) and this session's
# linear-branch runs (forward: W and the group state resident, the next block fetched during this
# one; backward: the group state loaded once per run; key state: two tile stages). The SLA tests (sm_90a) with racecheck and
# synccheck beside them (backward at N 65; the forward's runs at D 64), sla_check --check; then the
# figures and per-kernel profile of this build and of the session's starting build (66326ee,
# .gpu/bundle-base.tar.xz) in the same call; then the sm_80 mainloop's SLA tests. The sm_90a run
# includes `minference sla` on the GPU (SlaCommandGpuTests: bidirectional and, new, causal).
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
base=$(mktemp -d); tar -C "$base" -xJf .gpu/bundle-base.tar.xz; base_lib=$base/bundle/libminference.so
tests=(dotnet $bin/MInference.Tests.dll)
timeout 220 "${tests[@]}" --filter "FullyQualifiedName~.Sla.|FullyQualifiedName~SlaCommandGpuTests" > "$out/tests-sm90a.log" 2>&1 &
small="(FullyQualifiedName~SlaBackwardGpuTests&Name~N65)|(FullyQualifiedName~SlaForwardGpuTests&Name~runs&Name~D64)"
for tool in racecheck synccheck; do
  extra=(); [ $tool = racecheck ] && extra=(--racecheck-report all)
  timeout 220 compute-sanitizer --tool $tool "${extra[@]}" --error-exitcode 86 --print-limit 20 "${tests[@]}" --filter "$small" > "$out/sanitize-$tool.log" 2>&1 &
done
timeout 220 python3 -u bench/sla_check.py --lib $lib --check > "$out/sla-check.log" 2>&1 &
# vs_index_launch now reads the SM count and opt-in shared memory from device_info
timeout 220 "${tests[@]}" --filter "FullyQualifiedName~VerticalSlashIndexGpuTests|FullyQualifiedName~VerticalSlashEndToEndGpuTests" > "$out/tests-vs-index.log" 2>&1 &
wait
echo "== vs index"; grep -E "^\s+(total|failed|succeeded|skipped):" "$out/tests-vs-index.log" | tr -s ' ' | tr '\n' ' '; echo
echo "== sm90a"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-sm90a.log" | tail -n 20
for tool in racecheck synccheck; do echo "== $tool: $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitize-$tool.log" | tail -n 2 | tr '\n' ' ') $(grep -E '^\s+(total|failed|succeeded):' "$out/sanitize-$tool.log" | tr -s ' ' | tr '\n' ' ')"; done
grep -m3 "hazard" "$out/sanitize-racecheck.log"
echo "== check"; grep -v "^ok" "$out/sla-check.log" | tail -n 4
step "bench (this build, then the base)"
timeout 80 python3 -u bench/sla_check.py --lib $lib --bench --iters 10 2>&1 | tee "$out/sla-bench.log" | grep "^{"
timeout 60 python3 -u bench/sla_check.py --lib $base_lib --bench --iters 10 2>&1 | tee "$out/sla-bench-base.log" | grep "^{" | grep '"op": "sla"'
step "profile"
timeout 50 python3 -u bench/sla_check.py --lib $lib --profile > "$out/sla-profile.log" 2>&1
timeout 50 python3 -u bench/sla_check.py --lib $base_lib --profile > "$out/sla-profile-base.log" 2>&1
for f in sla-profile sla-profile-base; do echo "== $f"; grep -E "^==|linear_|key_state" "$out/$f.log" | head -n 40; done
step "sm80 tests"
MINFERENCE_MAINLOOP=sm80 timeout $(( $(left) - 10 )) "${tests[@]}" --filter "FullyQualifiedName~.Sla." > "$out/tests-sm80.log" 2>&1
echo "== sm80"; grep -E "^\s+(total|failed|succeeded|skipped):" "$out/tests-sm80.log"
