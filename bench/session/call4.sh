#!/usr/bin/env bash
# Session 27, call 4: SLA tests on both mainloops (+ the backward with the cp.async producer),
# compute-sanitizer on the SLA backward at N 65, sla_check, bench + profile, bench sla.
set -uo pipefail
out=${OUT:-gpu-results}; mkdir -p "$out"
source .gpu/gpu-env.sh
b=$(mktemp -d); tar -C "$b" -xJf .gpu/bundle.tar.xz; bin=$b/bundle
nvidia-smi --query-gpu=name,clocks.sm,power.draw --format=csv,noheader | tee "$out/gpu.txt"
for m in sm90a sm80; do
  MINFERENCE_MAINLOOP=$m timeout 300 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla." > "$out/tests-$m.log" 2>&1 &
done
MINFERENCE_SM90A_TMA=0 timeout 300 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla.&FullyQualifiedName~Backward" > "$out/tests-sm90a-notma.log" 2>&1 &
small="FullyQualifiedName~SlaBackwardGpuTests&Name~N65"
for tool in racecheck synccheck memcheck; do
  extra=(); [ $tool = racecheck ] && extra=(--racecheck-report all)
  timeout 200 compute-sanitizer --tool $tool "${extra[@]}" --error-exitcode 86 --print-limit 20 dotnet $bin/MInference.Tests.dll --filter "$small" > "$out/sanitize-$tool.log" 2>&1 &
done
wait
for m in sm90a sm80 sm90a-notma; do echo "== $m"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-$m.log" | tail -n 20; done
for tool in racecheck synccheck memcheck; do echo "== $tool: $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitize-$tool.log" | tail -n 2 | tr '\n' ' ') $(grep -E '^\s+(total|failed|succeeded):' "$out/sanitize-$tool.log" | tr -s ' ' | tr '\n' ' ')"; done
timeout 200 python3 -u bench/sla_check.py --lib $bin/libminference.so --check > "$out/sla-check.log" 2>&1; echo "check rc $?"; grep -v "^ok" "$out/sla-check.log" | tail -n 4
timeout 150 python3 -u bench/sla_check.py --lib $bin/libminference.so --bench --profile 2>&1 | grep -v Warn | tee "$out/sla-bench.log" | grep -E "^\{|^==|sparse_bwd|state_gemm"
timeout 100 dotnet $bin/minference.dll bench sla --json 2>&1 | tail -n 1 | tee "$out/bench-sla.json"
