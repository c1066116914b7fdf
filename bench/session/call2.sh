#!/usr/bin/env bash
# Session 27, call 2: ncu of the sm_90a SLA sparse backward kernels, dense (k_h 100 %, 8K) and at 5 % (32K).
set -uo pipefail
out=${OUT:-gpu-results}; mkdir -p "$out"
source .gpu/gpu-env.sh
b=$(mktemp -d); tar -C "$b" -xJf .gpu/bundle.tar.xz; bin=$b/bundle
sections="--section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section SchedulerStats --section ComputeWorkloadAnalysis --section Occupancy"
timeout 250 ncu --kernel-name regex:"sla_sparse_bwd_sm90|state_gemm|key_state|linear_fwd" --launch-count 6 $sections python3 -u bench/sla_check.py --lib $bin/libminference.so --profile --seq 8192 --critical 1.0 --negligible 0 > "$out/ncu-dense8k.txt" 2>&1; echo "rc $?"
timeout 250 ncu --kernel-name regex:"sla_sparse_bwd_sm90" --launch-count 2 $sections python3 -u bench/sla_check.py --lib $bin/libminference.so --profile > "$out/ncu-sparse32k.txt" 2>&1; echo "rc $?"
grep -E "sla_sparse_bwd_sm90|state_gemm|key_state|linear_fwd|Duration|Throughput|L2 Hit|Issue Slots Busy|Warp Cycles Per Issued|Stall|One or More" "$out"/ncu-*.txt | head -120
