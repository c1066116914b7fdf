#!/usr/bin/env bash
# One call on the GPU machine (no .NET SDK needed): unpacks .gpu/bundle.tar.xz (bench/pack-for-gpu.sh)
# and runs the chosen stages, writing logs and results to $OUT (or ./gpu-results).
#   bench/gpu-run.sh [stage ...]     stages: tests dense sparse prefill torch (default: all of them),
#                                    and on request: indexed sla tune
#     tests    the NUnit suite, GPU tests included ($TEST_FILTER: an optional --filter expression),
#              one line per test (a hung test ends the run after MINFERENCE_TEST_HANG_SECONDS, named)
#     dense    `bench dense` presets
#     sparse   `bench sparse`: the sparse-prefill issue's cases and the dense-fallback crossover
#     prefill  `demo` at 16K-128K with pictures, `search` on 32K tokens × 32 heads (timed)
#     torch    bench/compare_torch.py: the C ABI against PyTorch (needs the library only)
#     indexed  compare_torch.py --check-indexed: block-sparse and vertical-slash, unbuffered
#     sla      bench/sla_check.py --check and --bench, then `bench sla --json`
#     tune     .gpu/sm90a_tune (bench/build-sm90a-tune.sh) with --library: schedules and our entry point
# MINFERENCE_MAINLOOP (sm80 | sm90a) passes through to every stage.
set -uo pipefail
out=${OUT:-gpu-results}
mkdir -p "$out"
source .gpu/gpu-env.sh
bundle=$(mktemp -d)
tar -C "$bundle" -xJf .gpu/bundle.tar.xz
bin=$bundle/bundle
cli=(dotnet "$bin/minference.dll")
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(tests dense sparse prefill torch)
status=0
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,power.draw,temperature.gpu --format=csv,noheader | tee "$out/gpu.txt"
"${cli[@]}" info 2>&1 | tee "$out/info.txt"

for stage in "${stages[@]}"; do
  start=$(date +%s)
  case "$stage" in
    tests)
      dotnet "$bin/MInference.Tests.dll" --output Detailed ${TEST_FILTER:+--filter "$TEST_FILTER"} > "$out/tests.log" 2>&1 || status=1
      grep -E "^\s*failed |^\s+(total|failed|succeeded|skipped):|still running" "$out/tests.log" | tail -n 40
      ;;
    dense)
      {
        "${cli[@]}" bench dense --json --seq 4096 8192 32768 --heads 32 --kv-heads 32 --head-dim 128 --dtype bf16 --causal
        "${cli[@]}" bench dense --json --seq 32768 --heads 32 --kv-heads 32 --head-dim 128 --dtype bf16
        "${cli[@]}" bench dense --json --seq 32768 --heads 32 --kv-heads 32 --head-dim 64 --dtype bf16 --causal
      } 2>&1 | tee "$out/bench.jsonl" || status=1
      ;;
    sparse)
      sparse=("${cli[@]}" bench sparse --json --graph --head-dim 128 --dtype bf16)
      {
        "${sparse[@]}" --pattern vs --vertical 1000 --slash 6096 --seq 1048576 --heads 1 --kv-heads 1 --data structured
        "${sparse[@]}" --pattern vs --vertical 100 --slash 800 --seq 1048576 --heads 1 --kv-heads 1 --data structured
        "${sparse[@]}" --pattern vs --vertical 1000 --slash 6096 --seq 1048576 --heads 1 --kv-heads 1 --data random
        "${sparse[@]}" --pattern vs --vertical 100 --slash 800 --seq 1048576 --heads 1 --kv-heads 1 --data random
        "${sparse[@]}" --pattern vs --vertical 1000 --slash 6096 --seq 131072 --heads 8 --kv-heads 8 --data random
        "${sparse[@]}" --pattern ashape --sink 128 --local 4096 --seq 131072 --heads 8 --kv-heads 8 --data random
        "${sparse[@]}" --pattern block --top-k 100 --seq 131072 --heads 8 --kv-heads 8 --data random
        # The fallback under the H100 cost model: sparse where it wins, never much slower than dense (32 heads).
        "${sparse[@]}" --pattern vs --vertical 100 --slash 800 --seq 1024 2048 4096 8192 16384 32768 --heads 32 --kv-heads 8 --data structured --cost-model h100
        "${sparse[@]}" --pattern ashape --sink 128 --local 1024 --seq 1024 2048 4096 8192 16384 --heads 32 --kv-heads 8 --data random --cost-model h100
      } 2>&1 | tee "$out/sparse.jsonl" || status=1
      ;;
    prefill)
      ( time "${cli[@]}" demo --seq 16384 32768 65536 131072 --plot "$out/demo-plots" --json > "$out/demo.json" ) 2> "$out/demo.time" || status=1
      ( time "${cli[@]}" search --seq 32768 --layers 4 --heads 8 --kv-heads 2 --out "$out/search-32k.json" --json > "$out/search.json" ) 2> "$out/search.time" || status=1
      cat "$out/demo.time" "$out/search.time"
      ;;
    torch)
      python3 bench/compare_torch.py --lib "$bin/libminference.so" --check --bench --ashape --seq 32768 > "$out/torch.log" 2>&1 || status=1
      grep -v '^ok' "$out/torch.log"
      ;;
    indexed)
      python3 -u bench/compare_torch.py --lib "$bin/libminference.so" --check-indexed > "$out/indexed.log" 2>&1 || status=1
      echo "$(grep -c '^ok' "$out/indexed.log") ok"; grep -v '^ok' "$out/indexed.log" | head -n 20
      ;;
    sla)
      python3 -u bench/sla_check.py --lib "$bin/libminference.so" --check > "$out/sla-check.log" 2>&1 || status=1
      grep -ciE "fail" "$out/sla-check.log"; tail -n 2 "$out/sla-check.log"
      python3 -u bench/sla_check.py --lib "$bin/libminference.so" --bench 2>&1 | tee "$out/sla-bench.log" || status=1
      "${cli[@]}" bench sla --json 2>&1 | tee -a "$out/sla-bench.log" || status=1
      ;;
    tune)
      .gpu/sm90a_tune --library "$bin/libminference.so" 2>&1 | tee "$out/tune.log" || status=1
      ;;
    *) echo "unknown stage $stage" >&2; status=2 ;;
  esac
  echo "== stage $stage: $(( $(date +%s) - start )) s"
done
exit $status
