#!/usr/bin/env bash
# One GPU-machine call (at most 10 minutes): the whole GPU suite on both mainloops, then the sparse
# and SLA figures alone on the card.
#   1. the GPU tests under MINFERENCE_MAINLOOP=sm90a and sm80 at once, each in four shards (eight
#      test processes: the suite is bound by its double-precision CPU references, and the machine
#      has 16 cores), beside compare_torch --check-indexed on both mainloops and, unless SANITIZE=0,
#      compute-sanitizer racecheck and synccheck on the narrow slice of bench/sanitize.sh (the
#      default mainloop); a summary per shard (passed, failed, each failure's message) lands in
#      $OUT/tests.txt as the shard ends, the sanitizers' verdicts in $OUT/sanitize.txt;
#   2. only then, with the card to themselves, the benchmarks: dense on the default mainloop beside
#      SDPA FA2 and cuDNN (compare_torch --bench, 10 calls per event pair), `bench sparse` block-sparse top-100,
#      vertical-slash (1000, 6096) and grid at 128K on both mainloops, `demo` at 128K, and SLA
#      (sla_check --bench, `bench sla --json`) on the default mainloop.
#     source .gpu/gpu-env.sh; bench/both-mainloops.sh        (needs .gpu/bundle.tar.xz)
# CALL_LIMIT (seconds, default 570) bounds the whole; SHARD_TIMEOUT (default: 330, or CALL_LIMIT − 90
# if less) each test shard, so that the shards' summaries are written before the call ends. RUNS
# (default: all eight, "sm90a:0 ... sm80:3") picks the (mainloop:shard) pairs for a shorter call,
# INDEXED_MAINLOOPS (default "sm90a sm80"; empty: none) those of the indexed check.
source "$(dirname "$0")/call-prologue.sh" both-mainloops-results
shard_limit=${SHARD_TIMEOUT:-$(( limit - 90 < 330 ? limit - 90 : 330 ))}

# The shards cover FullyQualifiedName~Gpu exactly once: the dense and decode classes, the split
# and SLA classes, the permuted, PQ and prefill classes (the slowest: about 150 s alone on the
# H100), and everything else.
gpu='FullyQualifiedName~Gpu'
rest="$gpu&FullyQualifiedName!~.Gpu.D&FullyQualifiedName!~.Gpu.S&FullyQualifiedName!~.Gpu.V&FullyQualifiedName!~.Sla."
shards=("$gpu&FullyQualifiedName~.Gpu.D"
        "$gpu&(FullyQualifiedName~.Gpu.S|FullyQualifiedName~.Gpu.V|FullyQualifiedName~.Sla.)"
        "$rest&FullyQualifiedName~.Gpu.P"
        "$rest&FullyQualifiedName!~.Gpu.P")
shard() {  # mainloop, shard number
  local log=/tmp/tests-$1-$2.log
  MINFERENCE_MAINLOOP=$1 timeout "$shard_limit" dotnet "$bin/MInference.Tests.dll" --filter "${shards[$2]}" \
    --output Detailed > "$log" 2>&1
  local rc=$?
  { echo "-- $1 shard $2: rc=$rc passed $(grep -cE '^\s*passed ' "$log") failed $(grep -cE '^\s*failed ' "$log") at ${SECONDS}s"
    grep -E "^\s+(total|failed|succeeded|skipped):|still running|exceeded" "$log" | tr -s ' ' | tr '\n' ' '; echo
    grep -E -A12 "^\s*failed " "$log" | head -n 120
  } >> "$out/tests.txt"
}

step tests
pids=()
for run in ${RUNS:-sm90a:0 sm90a:1 sm90a:2 sm90a:3 sm80:0 sm80:1 sm80:2 sm80:3}; do
  shard "${run%%:*}" "${run##*:}" & pids+=($!)
done
if [ "${SANITIZE:-1}" != 0 ]; then
  for tool in racecheck synccheck; do
    ( OUT=/tmp/sanitize BUNDLE=$bin SANITIZE_TIMEOUT=$shard_limit bash bench/sanitize.sh $tool >> "$out/sanitize.txt" 2>&1 ) &
    pids+=($!)
  done
fi
for ml in ${INDEXED_MAINLOOPS-sm90a sm80}; do
  MINFERENCE_MAINLOOP=$ml timeout 90 python3 -u bench/compare_torch.py --lib "$lib" --check-indexed > /tmp/indexed-$ml.log 2>&1
  echo "indexed $ml: rc=$? $(grep -c '^ok' /tmp/indexed-$ml.log) ok" | tee -a "$out/indexed.txt"
  grep -v '^ok' /tmp/indexed-$ml.log | head -n 20 >> "$out/indexed.txt"
done
wait "${pids[@]}"
grep -E "^-- " "$out/tests.txt"; cat "$out/sanitize.txt" 2>/dev/null

if [ "$(left)" -gt 190 ]; then
  step dense
  timeout 45 python3 bench/compare_torch.py --lib "$lib" --bench --label default --calls 10 --seq 8192 32768 2>&1 \
    | tee "$out/dense.jsonl"
fi
if [ "$(left)" -gt 150 ]; then
  step sparse
  sp=("${cli[@]}" bench sparse --json --head-dim 128 --dtype bf16 --seq 131072)
  for ml in sm90a sm80; do
    export MINFERENCE_MAINLOOP=$ml
    { timeout 40 "${sp[@]}" --heads 8 --kv-heads 8 --pattern block --top-k 100 --data random
      timeout 40 "${sp[@]}" --heads 8 --kv-heads 8 --pattern vs --vertical 1000 --slash 6096 --data structured
      timeout 40 "${sp[@]}" --heads 8 --kv-heads 2 --pattern grid --grid-blocks 64 --data video
    } 2>&1 | tee -a "$out/bench.jsonl"
    [ "$(left)" -gt 150 ] || break
  done
  unset MINFERENCE_MAINLOOP
fi
if [ "$(left)" -gt 100 ]; then
  step sla
  { timeout 60 python3 -u bench/sla_check.py --lib "$lib" --bench
    timeout 60 "${cli[@]}" bench sla --json; } 2>&1 | tee "$out/sla.log"
fi
if [ "$(left)" -gt 45 ]; then
  step demo
  timeout $(( $(left) - 5 )) "${cli[@]}" demo --seq 131072 --config bench/results/2026-12-06-demo-config-128k.json --timed-runs 10 --json 2>&1 | tee "$out/demo.json" | tail -n 40
fi
step end
