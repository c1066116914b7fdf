#!/usr/bin/env bash
# Session 27, call 2: ncu of the sm_90a SLA sparse backward kernels, dense (k_h 100 %, 8K) and at 5 % (32K),
# and of the forward's linear-branch kernels at 5 % (32K).
set -uo pipefail
source .gpu/gpu-env.sh
source bench/call-prologue.sh gpu-results  # $out, $bin, gpu.txt
sections="--section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section SchedulerStats --section ComputeWorkloadAnalysis --section Occupancy"
run() { name=$1; shift; timeout 200 ncu "$@" $sections python3 -u bench/sla_check.py --lib $bin/libminference.so --profile $EXTRA > "$out/ncu-$name.txt" 2>&1; echo "$name rc $?"; }
EXTRA="--seq 8192 --critical 1.0 --negligible 0" run dense8k --kernel-name regex:sla_sparse_bwd_sm90 --launch-count 2
EXTRA="" run sparse32k --kernel-name regex:sla_sparse_bwd_sm90 --launch-count 2
EXTRA="" run linear32k --kernel-name regex:"state_gemm|key_state|linear_fwd|smooth_keys|pool_kernel|attention_fwd_sm90" --launch-count 7
grep -E "^  [a-z_:<>(), ]*(sla_sparse|state_gemm|key_state|linear_fwd|smooth|pool|attention_fwd)|Duration|Throughput|L2 Hit|Issue Slots Busy|Warp Cycles Per Issued|Registers Per|Achieved Occupancy" "$out"/ncu-*.txt | cut -c1-200 | head -150
