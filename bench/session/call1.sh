#!/usr/bin/env bash
# Session 27, call 1: the SLA GPU tests on both mainloops, sla_check, bench sla, and a per-kernel profile.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
for m in sm90a sm80; do
  MINFERENCE_MAINLOOP=$m timeout 300 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla." > "$out/tests-$m.log" 2>&1 &
done
wait
for m in sm90a sm80; do echo "== $m"; grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):" "$out/tests-$m.log" | tail -n 20; done
timeout 200 python3 -u bench/sla_check.py --lib $bin/libminference.so --check > "$out/sla-check.log" 2>&1; echo "check rc $?"; grep -ciE "fail" "$out/sla-check.log"; tail -n 2 "$out/sla-check.log"
timeout 150 python3 -u bench/sla_check.py --lib $bin/libminference.so --bench --profile 2>&1 | tee "$out/sla-bench.log"
timeout 100 dotnet $bin/minference.dll bench sla --json 2>&1 | tail -n 3 | tee "$out/bench-sla.json"
