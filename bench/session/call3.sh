#!/usr/bin/env bash
# Session 27, call 3: SLA tests on both mainloops (TMA bwd producer, stateless rows), sla_check,
# bench + profile, and the backward with MINFERENCE_SM90A_TMA=0 (cp.async producer) for A/B.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
for m in sm90a sm80; do
  MINFERENCE_MAINLOOP=$m timeout 300 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla." > "$out/tests-$m.log" 2>&1 &
done
MINFERENCE_SM90A_TMA=0 timeout 300 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla.&FullyQualifiedName~Backward" > "$out/tests-sm90a-notma.log" 2>&1 &
wait
for m in sm90a sm80 sm90a-notma; do echo "== $m"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-$m.log" | tail -n 20; done
timeout 200 python3 -u bench/sla_check.py --lib $bin/libminference.so --check > "$out/sla-check.log" 2>&1; echo "check rc $?"; grep -ciE "fail" "$out/sla-check.log"; tail -n 1 "$out/sla-check.log"
timeout 150 python3 -u bench/sla_check.py --lib $bin/libminference.so --bench --profile 2>&1 | grep -v Warn | tee "$out/sla-bench.log" | grep -E "^\{|^==|sparse_bwd|state_gemm|smooth"
MINFERENCE_SM90A_TMA=0 timeout 100 python3 -u bench/sla_check.py --lib $bin/libminference.so --profile 2>&1 | grep -E "^==|sparse_bwd" | tee "$out/sla-profile-notma.log"
timeout 100 dotnet $bin/minference.dll bench sla --json 2>&1 | tail -n 1 | tee "$out/bench-sla.json"
