#!/usr/bin/env bash
# Session 29, call 3. Racecheck on what call 2's racecheck did not reach before its time limit
# (it spent it on the backward's head_dim 128 runs): the forward's 8-warp O_l with Proj (the runs,
# both branches, and N 65 at every head_dim; the backward's runs, which took call 2's time, are left),
# for main's build (.gpu/bundle-s29c2.tar.xz, call 2's) and for this build (.gpu/bundle.tar.xz:
# O and O_l stored through shared tiles in 16-byte chunks). Then this build's SLA tests and
# sla_check --check, the bench of both builds and `bench sla --json` of this build.
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin (this build), gpu.txt
main=$(mktemp -d); tar -C "$main" -xJf .gpu/bundle-s29c2.tar.xz; main_bin=$main/bundle
filter="(FullyQualifiedName~SlaForwardGpuTests&Name~runs)|(FullyQualifiedName~SlaForwardGpuTests&Name~N65)"
for b in main this; do
  dir=$bin; [ $b = main ] && dir=$main_bin
  timeout 170 compute-sanitizer --tool racecheck --racecheck-report all --error-exitcode 86 --print-limit 20 \
    dotnet $dir/MInference.Tests.dll --filter "$filter" > "$out/racecheck-$b.log" 2>&1 &
done
timeout 170 dotnet $bin/MInference.Tests.dll --filter "FullyQualifiedName~.Sla." > "$out/tests-sm90a.log" 2>&1 &
timeout 170 python3 -u bench/sla_check.py --lib $lib --check > "$out/sla-check.log" 2>&1 &
wait
for b in main this; do
  echo "== racecheck $b: $(grep -E 'RACECHECK SUMMARY' "$out/racecheck-$b.log" | tail -n 1) $(grep -E '^\s+(total|failed|succeeded):' "$out/racecheck-$b.log" | tr -s ' ' | tr '\n' ' ')"
  grep -m3 "hazard" "$out/racecheck-$b.log"
done
echo "== sm90a $(grep -E '^\s+(total|failed|succeeded|skipped):' "$out/tests-sm90a.log" | tr -s ' ' | tr '\n' ' ')"
grep -E "^\s*failed " "$out/tests-sm90a.log" | head
echo "== check: $(tail -n 1 "$out/sla-check.log")"; grep "^FAIL" "$out/sla-check.log" | head -n 4
[ $(left) -lt 100 ] && { echo "no time left for the bench"; exit 0; }
step "bench (this build, then main's)"
timeout 80 python3 -u bench/sla_check.py --lib $lib --bench --iters 10 2>&1 | tee "$out/sla-bench.log" | grep "^{"
timeout 60 python3 -u bench/sla_check.py --lib $main_bin/libminference.so --bench --iters 10 2>&1 | grep "^{" | grep '"op": "sla"'
[ $(left) -lt 60 ] && { echo "no time left for bench sla"; exit 0; }
step "bench sla --json (this build), both branches"
timeout 50 dotnet $bin/minference.dll bench sla --json 2>&1 | tail -n 1
timeout 50 dotnet $bin/minference.dll bench sla --linear-branch all --json 2>&1 | tail -n 1
