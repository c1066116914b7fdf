#!/usr/bin/env bash
# compute-sanitizer campaign on the GPU machine (issue #9 item 9): the NUnit suite's GPU tests on a
# slice of small shapes, run under each tool, one log per tool in $OUT (or ./sanitize-results).
#
#   source .gpu/gpu-env.sh; tar -C /tmp -xJf .gpu/bundle.tar.xz
#   bench/sanitize.sh [tool ...]        tools: memcheck racecheck initcheck synccheck (default: all)
#
# The slices (test names carry the shape, e.g. "B1 N65 D96 BFloat16"):
#   wide    every GPU test class at its smallest shapes (N 64/65, q_len 17/65), plus the plan, buffer,
#           backend, validation and rejection tests: every kernel family and every C ABI entry
#           point the bindings call (dense, dense heads, A-shape, block-sparse + its estimator,
#           vertical-slash estimate/select/index/attention, routes, graphs, streams, events, copies).
#           memcheck (with --leak-check full) and initcheck run it.
#   narrow  the same kernels at N 65 only (racecheck and synccheck instrument every shared-memory
#           access and barrier, 10-100x slower).
# A tool that reports errors, or a test that fails under it, makes the exit status non-zero;
# SANITIZE_TIMEOUT (seconds per tool, default 150) bounds each run.
set -uo pipefail
out=${OUT:-sanitize-results}
mkdir -p "$out"
bin=${BUNDLE:-/tmp/bundle}
tests=$bin/MInference.Tests.dll
[ -f "$tests" ] || { echo "no $tests: unpack .gpu/bundle.tar.xz into /tmp first" >&2; exit 2; }
limit=${SANITIZE_TIMEOUT:-150}

# (Filter values cannot hold spaces: N64, N65 and q65 name no other length of the grids; top1 is
# the block-sparse N = 1 and N = 65 cases; q17 the short dense rows over 17 and 1000 keys.)
small='Name~N64|Name~N65|Name~q65|Name~q17|Name~top1'
wide="FullyQualifiedName~.Gpu.&($small|FullyQualifiedName~PrefillPlanGpuTests|FullyQualifiedName~DeviceBufferTests|FullyQualifiedName~GpuBackendTests|FullyQualifiedName~GpuValidationTests|FullyQualifiedName~RejectionTests)"
narrow="FullyQualifiedName~.Gpu.&(Name~N65|Name~q65)"

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(memcheck racecheck initcheck synccheck)
status=0
for tool in "${tools[@]}"; do
  case "$tool" in
    # DeviceBufferTests.ImpossibleAllocationIsDeviceOutOfMemory asks for 1 PiB on purpose: memcheck
    # would report its cudaMalloc error as a finding.
    memcheck) args=(--tool memcheck --leak-check full); filter="$wide&FullyQualifiedName!~ImpossibleAllocation" ;;
    initcheck) args=(--tool initcheck); filter=$wide ;;
    racecheck) args=(--tool racecheck --racecheck-report all); filter=$narrow ;;
    synccheck) args=(--tool synccheck); filter=$narrow ;;
    *) echo "unknown tool $tool" >&2; exit 2 ;;
  esac
  log=$out/sanitize-$tool.log
  start=$SECONDS
  timeout "$limit" compute-sanitizer "${args[@]}" --error-exitcode 86 --print-limit 50 \
    dotnet "$tests" --filter "$filter" > "$log" 2>&1
  rc=$?
  summary=$(grep -E "ERROR SUMMARY|LEAK SUMMARY|RACECHECK SUMMARY" "$log" | tail -n 2 | tr '\n' ' ')
  tests_line=$(grep -E "^\s+(total|failed|succeeded|skipped):" "$log" | tr -s ' ' | tr '\n' ' ')
  verdict=clean
  case $rc in
    0) ;;
    86) verdict="SANITIZER ERRORS"; status=1 ;;
    124) verdict="TIMED OUT after ${limit}s"; status=1 ;;
    *) verdict="tests failed (exit $rc)"; status=1 ;;
  esac
  echo "$tool: $verdict in $((SECONDS - start))s; $summary; tests:$tests_line"
done
exit $status
