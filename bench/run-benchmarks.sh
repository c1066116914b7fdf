#!/usr/bin/env bash
# Runs the BenchmarkDotNet host-cost benchmarks (bench/MInference.Benchmarks) with the .NET runtime
# only (`dotnet MInference.Benchmarks.dll`, every job in process: nothing is built at run time).
# Results, GitHub markdown and JSON per benchmark class, go to RESULTS_DIR/results/; the console
# log to RESULTS_DIR/benchmarks.log.
#
#   bench/run-benchmarks.sh RESULTS_DIR [BenchmarkDotNet arguments ...]
#   bench/run-benchmarks.sh artifacts/host-bench --job short              # everything, short job
#   bench/run-benchmarks.sh "$OUT" --filter '*Gpu*' '*Estimation*'        # some classes
#   bench/run-benchmarks.sh /tmp/b --anyCategories Cpu                    # the CPU group
#
# Without --filter every benchmark runs. GPU benchmarks (category Gpu) are skipped, with a message,
# where no usable GPU is found. The DLL is taken from $MI_BENCHMARKS_DLL, else
# artifacts/bin/MInference.Benchmarks/release/ (after bench/pack-benchmarks.sh), else .gpu/benchmarks.tar.xz
# (bench/pack-benchmarks.sh), unpacked to a temporary folder. Where `dotnet` is not on PATH and
# .gpu/gpu-env.sh exists (the staged runtime on the GPU machine), it is sourced first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -ge 1 ] && [ "${1#-}" = "$1" ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
mkdir -p "$1"
results=$(cd "$1" && pwd)
shift

if ! command -v dotnet >/dev/null 2>&1 && [ -f .gpu/gpu-env.sh ]; then
  source .gpu/gpu-env.sh
fi
command -v dotnet >/dev/null 2>&1 || { echo "no dotnet on PATH (the .NET 10 runtime is enough)" >&2; exit 1; }

dll=${MI_BENCHMARKS_DLL:-}
if [ -z "$dll" ] && [ -f artifacts/bin/MInference.Benchmarks/release/MInference.Benchmarks.dll ]; then
  dll=artifacts/bin/MInference.Benchmarks/release/MInference.Benchmarks.dll
elif [ -z "$dll" ] && [ -f .gpu/benchmarks.tar.xz ]; then
  unpacked=$(mktemp -d)
  trap 'rm -rf "$unpacked"' EXIT
  tar -C "$unpacked" -xJf .gpu/benchmarks.tar.xz
  dll=$unpacked/benchmarks/MInference.Benchmarks.dll
fi
[ -n "$dll" ] && [ -f "$dll" ] || { echo "no benchmarks DLL: run bench/pack-benchmarks.sh, or set MI_BENCHMARKS_DLL" >&2; exit 1; }

echo "==> $dll -> $results"
set +e
dotnet "$dll" --artifacts "$results" "$@" 2>&1 | tee "$results/benchmarks.log"
status=${PIPESTATUS[0]}
set -e
ls "$results"/results/*-report-github.md 2>/dev/null | sed 's/^/report: /'
exit "$status"
