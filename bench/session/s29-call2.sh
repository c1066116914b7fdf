#!/usr/bin/env bash
# Session 29, call 2: the backward's linear dq/dk/dv after call 1 (runs only for the released
# branch's dq; the paper's dq and every dk/dv one block per CTA again, as measured), and
# sla_check's mask agreement measuring each misclassed block against the boundary it crossed; the
# forward's O_l with Proj on 8 warps (two per scheduler; a warp a row group and a column half).
# SLA tests (sm_90a) with racecheck/synccheck on the backward at N 65 and the forward's runs, the
# check, bench (sla_check with SDPA, and `minference bench sla --json`) + profile of this build and of 66326ee (.gpu/bundle-base.tar.xz), ncu of the
# released forward's linear kernels, the sm_80 SLA tests.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
base=$(mktemp -d); tar -C "$base" -xJf .gpu/bundle-base.tar.xz; base_lib=$base/bundle/libminference.so
tests=(dotnet $bin/MInference.Tests.dll)
timeout 200 "${tests[@]}" --filter "FullyQualifiedName~.Sla.|FullyQualifiedName~SlaCommandGpuTests" > "$out/tests-sm90a.log" 2>&1 &
small="(FullyQualifiedName~SlaBackwardGpuTests&Name~N65)|(FullyQualifiedName~SlaBackwardGpuTests&Name~runs)|(FullyQualifiedName~SlaForwardGpuTests&Name~runs)|(FullyQualifiedName~SlaForwardGpuTests&Name~N65)"
for tool in racecheck synccheck; do
  extra=(); [ $tool = racecheck ] && extra=(--racecheck-report all)
  timeout 240 compute-sanitizer --tool $tool "${extra[@]}" --error-exitcode 86 --print-limit 20 "${tests[@]}" --filter "$small" > "$out/sanitize-$tool.log" 2>&1 &
done
timeout 200 python3 -u bench/sla_check.py --lib $lib --check > "$out/sla-check.log" 2>&1 &
wait
echo "== sm90a"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-sm90a.log" | tail -n 20
for tool in racecheck synccheck; do echo "== $tool: $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitize-$tool.log" | tail -n 2 | tr '\n' ' ') $(grep -E '^\s+(total|failed|succeeded):' "$out/sanitize-$tool.log" | tr -s ' ' | tr '\n' ' ')"; done
grep -m3 "hazard" "$out/sanitize-racecheck.log"
echo "== check"; grep -v "^ok" "$out/sla-check.log" | tail -n 4; grep "N4096 D128 bfloat16 phi0 branch1" "$out/sla-check.log"
step "bench (this build, then the base)"
timeout 80 python3 -u bench/sla_check.py --lib $lib --bench --iters 10 2>&1 | tee "$out/sla-bench.log" | grep "^{"
timeout 60 python3 -u bench/sla_check.py --lib $base_lib --bench --iters 10 2>&1 | tee "$out/sla-bench-base.log" | grep "^{" | grep '"op": "sla"'
step "bench sla --json (the C# CLI), both branches"
timeout 60 dotnet $bin/minference.dll bench sla --json 2>&1 | tail -n 1 | tee "$out/bench-sla.json"
timeout 60 dotnet $bin/minference.dll bench sla --linear-branch all --json 2>&1 | tail -n 1 | tee "$out/bench-sla-all.json"
step "profile"
timeout 50 python3 -u bench/sla_check.py --lib $lib --profile > "$out/sla-profile.log" 2>&1
timeout 50 python3 -u bench/sla_check.py --lib $base_lib --profile --cases marginal,all > "$out/sla-profile-base.log" 2>&1
for f in sla-profile sla-profile-base; do echo "== $f"; grep -E "^==|linear_|key_state" "$out/$f.log" | grep -v "dense backward" | head -n 30; done
step "ncu: the released forward's key state and linear branch"
timeout 90 ncu -k regex:"key_state_kernel|linear_fwd_kernel" -c 2 --section SpeedOfLight --section Occupancy --section LaunchStats --section WarpStateStats --section MemoryWorkloadAnalysis \
  python3 bench/sla_check.py --lib $lib --profile --cases all > "$out/ncu-linear-fwd.txt" 2>&1
grep -E "linear_fwd_kernel|key_state_kernel|Duration|Throughput|Achieved Occupancy|Registers Per|Stall|Warp Cycles Per Issued|Block Limit" "$out/ncu-linear-fwd.txt" | head -n 40
step "sm80 tests"
MINFERENCE_MAINLOOP=sm80 timeout $(( $(left) - 10 )) "${tests[@]}" --filter "FullyQualifiedName~.Sla." > "$out/tests-sm80.log" 2>&1
echo "== sm80"; grep -E "^\s+(total|failed|succeeded|skipped):" "$out/tests-sm80.log"
