#!/usr/bin/env bash
# One GPU-machine call (at most 10 minutes) that verifies and measures the sm_90a mainloop, in
# priority order, each step only while time is left, every log straight into $OUT (so a step cut
# off by the call's limit still leaves what it wrote):
#   1. compare_torch --check-indexed on sm_90a: block-sparse and vertical-slash (the split kernels);
#   2. the GPU tests on sm_90a (a hung test ends the run, named, after MINFERENCE_TEST_HANG_SECONDS);
#   3. sla_check --check on sm_90a (critical blocks on the split kernel, the Hopper backward);
#   4. dense beside SDPA FA2/cuDNN on both mainloops, each call alone and 10 back to back;
#   5. `bench sparse` block-sparse top-100, vertical-slash (1000, 6096) and grid at 128K on sm_90a;
#   6. the schedules (.gpu/sm90a_tune, bench/build-sm90a-tune.sh) with our entry point beside them.
#     source .gpu/gpu-env.sh; bench/hopper-verify.sh        (needs .gpu/bundle.tar.xz)
# CALL_LIMIT (seconds, default 570) is the budget the steps are fitted into.
source "$(dirname "$0")/call-prologue.sh" hopper-results

step indexed
MINFERENCE_MAINLOOP=sm90a timeout 60 python3 -u bench/compare_torch.py --lib "$lib" --check-indexed > "$out/indexed90.log" 2>&1
echo "rc=$? $(grep -c '^ok' "$out/indexed90.log") ok"; grep -v '^ok' "$out/indexed90.log" | head -n 10

step tests
MINFERENCE_MAINLOOP=sm90a timeout $(( $(left) - 150 )) dotnet "$bin/MInference.Tests.dll" --filter "${TEST_FILTER:-FullyQualifiedName~Gpu}" \
  --output Detailed > "$out/tests90.log" 2>&1
echo "rc=$? passed $(grep -cE '^\s*passed ' "$out/tests90.log")"
grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):|still running" "$out/tests90.log" | tail -n 40

if [ "$(left)" -gt 130 ]; then
  step sla
  MINFERENCE_MAINLOOP=sm90a timeout 40 python3 -u bench/sla_check.py --lib "$lib" --check > "$out/sla90.log" 2>&1
  echo "rc=$? $(grep -ciE 'fail' "$out/sla90.log") lines with FAIL"; tail -n 2 "$out/sla90.log"
fi
if [ "$(left)" -gt 90 ]; then
  step dense
  for ml in sm90a sm80; do
    for calls in 1 10; do
      MINFERENCE_MAINLOOP=$ml timeout 40 python3 bench/compare_torch.py --lib "$lib" --bench --label $ml --calls $calls \
        --seq 8192 32768 2>&1 | tee -a "$out/dense.jsonl"
      [ "$(left)" -gt 60 ] || break 2
    done
  done
fi
if [ "$(left)" -gt 60 ]; then
  step sparse
  sp=("${cli[@]}" bench sparse --json --head-dim 128 --dtype bf16 --seq 131072)
  export MINFERENCE_MAINLOOP=sm90a
  { timeout 30 "${sp[@]}" --heads 8 --kv-heads 8 --pattern block --top-k 100 --data random
    timeout 30 "${sp[@]}" --heads 8 --kv-heads 8 --pattern vs --vertical 1000 --slash 6096 --data structured
    timeout 30 "${sp[@]}" --heads 8 --kv-heads 2 --pattern grid --grid-blocks 64 --data video
  } 2>&1 | tee "$out/sparse90.jsonl"
  unset MINFERENCE_MAINLOOP
fi
if [ "$(left)" -gt 40 ] && [ -x .gpu/sm90a_tune ]; then
  step tune
  timeout $(( $(left) - 5 )) .gpu/sm90a_tune --library "$lib" 2>&1 | tee "$out/tune.log"
fi
step end
