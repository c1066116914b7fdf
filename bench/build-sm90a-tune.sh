#!/usr/bin/env bash
# Builds bench/sm90a_tune.cu (a plain CUDA program: the GPU machine has no .NET) into
# ${1:-.gpu/sm90a_tune}, with the CUDA toolchain on PATH (../shared/toolchain/install-cuda.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.gpu/sm90a_tune}
mkdir -p "$(dirname "$out")"
nvcc -O3 -std=c++17 --expt-relaxed-constexpr -lineinfo --generate-code=arch=compute_90a,code=sm_90a \
  -Xptxas=-v -Inative/include bench/sm90a_tune.cu native/src/hopper/tma_maps.cpp -ldl -o "$out" 2> "$out.ptxas.txt" ||
  { cat "$out.ptxas.txt" >&2; exit 1; }
grep -E "spill|error" "$out.ptxas.txt" | sort | uniq -c | sort -rn | head -n 20
