#!/usr/bin/env bash
# Packs the BenchmarkDotNet benchmarks (bench/MInference.Benchmarks) into .gpu/benchmarks.tar.xz
# (git-ignored), as bench/pack-for-gpu.sh packs the tests: the build output with native assets for
# linux-x64 only (no Windows tracing DLLs, no XML docs), plus libminference.so when it was built.
# bench/run-benchmarks.sh unpacks and runs it on the GPU machine with the .NET runtime only.
# Run after ./build.sh (which builds the native library); this script builds the benchmarks, which
# are not in MInference.sln: BenchmarkDotNet's 230 MB of packages stay out of the solution's restore.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet build bench/MInference.Benchmarks/MInference.Benchmarks.csproj -c Release -nologo -v minimal
bin=artifacts/bin/MInference.Benchmarks/release
[ -f "$bin/libminference.so" ] ||
  echo "warning: no libminference.so next to the benchmarks (built without nvcc): the GPU benchmarks will be skipped" >&2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/benchmarks"
cp -a "$bin/." "$stage/benchmarks/"
# Windows-only natives of BenchmarkDotNet's diagnosers (TraceEvent, msdia), and every other RID.
rm -rf "$stage/benchmarks/runtimes" "$stage/benchmarks/amd64" "$stage/benchmarks/arm64" "$stage/benchmarks/x86" "$stage/benchmarks"/*.xml
if [ -d "$bin/runtimes/linux-x64" ]; then
  mkdir -p "$stage/benchmarks/runtimes" && cp -a "$bin/runtimes/linux-x64" "$stage/benchmarks/runtimes/"
fi
mkdir -p .gpu
tar -C "$stage" -cJf .gpu/benchmarks.tar.xz benchmarks
du -h .gpu/benchmarks.tar.xz
