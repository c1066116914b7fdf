#!/usr/bin/env bash
# Builds MInference for .NET (native CUDA library + managed projects) and runs its main jobs.
#
#   ./build.sh [build]     native library (when nvcc is found) + .NET projects, Release
#   ./build.sh demo        build, then `minference demo --plot artifacts/demo-plots` and
#                          `minference decode --plot artifacts/demo-plots` (GPU if present, else the
#                          CPU backend) and `minference video --plot artifacts/demo-plots` (CPU
#                          references): tables in the terminal, PNGs in artifacts/demo-plots/
#   ./build.sh test [-- ARGS]  build, then the NUnit suite (GPU tests report "skipped" without a
#                          GPU); ARGS go to the test runner, e.g. -- --filter "TestCategory!=Gpu"
#   ./build.sh bench       build, then the dense-attention and decode benchmark presets (needs a GPU)
#   ./build.sh info        build, then `minference info`
#   ./build.sh pack        build, then the NuGet packages in artifacts/packages/: MInference (library,
#                          bindings, libminference.so) and MInference.Cli (the `minference` .NET tool)
#
# Options: --cuda-archs "80;90a-real"  CUDA targets (default: CMakeLists.txt's MI_CUDA_ARCHS)
#          --no-native                  skip the CUDA library (managed parts + CPU backend only)
#          --ptxas-verbose              print registers/spills per kernel
#          --version X                  package and assembly version (default: Directory.Build.props)
#          --repository-url URL         the packages' repository URL (default: Directory.Build.props)
#          -h | --help
#
# nvcc is looked up on PATH, then in $CUDA_HOME/bin and /usr/local/cuda/bin. Without it the
# managed parts still build, and demo and tests run on the CPU backend; pack then makes packages
# without the native library (CPU backend only) and says so in a warning at the end.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }

command=build
cuda_archs=""
build_native=1
ptxas_verbose=OFF
test_args=()
msbuild_props=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; test_args=("$@"); break ;;
    build|demo|test|bench|info|pack) command=$1 ;;
    --cuda-archs) [ $# -ge 2 ] || { echo "--cuda-archs needs a value" >&2; exit 2; }; cuda_archs=$2; shift ;;
    --version) [ $# -ge 2 ] || { echo "--version needs a value" >&2; exit 2; }; msbuild_props+=("-p:Version=$2"); shift ;;
    --repository-url) [ $# -ge 2 ] || { echo "--repository-url needs a value" >&2; exit 2; }; msbuild_props+=("-p:RepositoryUrl=$2"); shift ;;
    --no-native) build_native=0 ;;
    --ptxas-verbose) ptxas_verbose=ON ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

find_nvcc() {
  if command -v nvcc >/dev/null 2>&1; then command -v nvcc; return; fi
  for candidate in "${CUDA_HOME:-}/bin/nvcc" /usr/local/cuda/bin/nvcc; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
}

native_lib=build/native/libminference.so
build_native_library() {
  local nvcc
  nvcc=$(find_nvcc || true)
  if [ -z "$nvcc" ]; then
    echo "==> GPU backend NOT built: no nvcc found (PATH, \$CUDA_HOME/bin, /usr/local/cuda/bin)."
    echo "    Install the CUDA toolkit 12.4+ to build it; demo and tests will use the CPU backend."
    rm -f "$native_lib"  # never ship a stale library from an earlier build
    return
  fi
  command -v cmake >/dev/null || { echo "cmake 3.24+ is required to build the native library" >&2; exit 1; }
  echo "==> native library: $(cmake --version | head -1); nvcc $("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')"
  local configure=(cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release
                   "-DCMAKE_CUDA_COMPILER=$nvcc" "-DMI_PTXAS_VERBOSE=$ptxas_verbose")
  [ -n "$cuda_archs" ] && configure+=("-DCMAKE_CUDA_ARCHITECTURES=$cuda_archs")
  echo "+ ${configure[*]}"
  "${configure[@]}"
  cmake --build build/native --parallel "$(nproc 2>/dev/null || echo 2)"
}

build_managed() {
  command -v dotnet >/dev/null || { echo "the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
  echo "==> managed projects: .NET SDK $(dotnet --version)"
  # demo, info and bench need the CLI only; build and test build everything.
  local target=MInference.sln
  case "$command" in demo|info|bench) target=src/MInference.Cli/MInference.Cli.csproj ;; esac
  # The same properties as the packs below, so that they reuse this build.
  dotnet build "$target" -c Release -nologo -v minimal ${msbuild_props[@]+"${msbuild_props[@]}"}
}

packages=artifacts/packages
pack() {
  # Only this pack's packages: a consumer must not pick up one left from an earlier version.
  rm -rf "$packages"
  local project
  for project in src/MInference/MInference.csproj src/MInference.Cli/MInference.Cli.csproj; do
    dotnet pack "$project" -c Release -nologo -v minimal ${msbuild_props[@]+"${msbuild_props[@]}"}
  done
  du -h "$packages"/*.nupkg
  # The projects pack the library exactly when this file exists.
  if [ ! -f "$native_lib" ]; then
    cat <<'WARNING'

!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!  WARNING: these packages hold NO native library (libminference.so was not built: no nvcc,   !!
!!  or --no-native). They run on the CPU backend only. Build with the CUDA toolkit (see        !!
!!  README, Requirements) before publishing them.                                              !!
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
WARNING
  fi
}

if [ "$build_native" = 1 ]; then
  build_native_library
else
  echo "==> GPU backend NOT built (--no-native); demo and tests will use the CPU backend."
  rm -f "$native_lib"
fi
build_managed

cli=(dotnet artifacts/bin/MInference.Cli/release/minference.dll)
case "$command" in
  build) ;;
  demo)
    "${cli[@]}" demo --plot artifacts/demo-plots
    "${cli[@]}" decode --plot artifacts/demo-plots
    "${cli[@]}" video --plot artifacts/demo-plots ;;
  info) "${cli[@]}" info ;;
  pack) pack ;;
  bench)
    "${cli[@]}" bench dense --seq 4096 8192 32768 --heads 32 --kv-heads 32 --head-dim 128 --dtype bf16 --causal
    "${cli[@]}" bench dense --seq 4096 8192 32768 --heads 32 --kv-heads 32 --head-dim 128 --dtype bf16
    "${cli[@]}" bench dense --seq 32768 --heads 32 --kv-heads 32 --head-dim 64 --dtype bf16 --causal
    "${cli[@]}" bench decode --seq 8192 32768 131072 --heads 32 --kv-heads 32 --head-dim 128 --subspaces 64 --dtype fp16
    "${cli[@]}" bench decode --seq 32768 131072 --heads 32 --kv-heads 8 --head-dim 128 --subspaces 64 --dtype fp16
    "${cli[@]}" bench decode --seq 32768 --batch 16 --heads 32 --kv-heads 8 --head-dim 128 --subspaces 64 --dtype fp16
    ;;
  test)
    # The test project is a Microsoft.Testing.Platform executable; running it directly is what the
    # GPU machine does too (it has the .NET runtime only).
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    set +e
    dotnet artifacts/bin/MInference.Tests/release/MInference.Tests.dll "${test_args[@]}" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # The runner's summary as one plain closing line: "N passed, N failed, N skipped".
    awk '/^ +failed:/{f=$2} /^ +succeeded:/{p=$2} /^ +skipped:/{s=$2}
         END { if (p != "") printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
    exit "$status"
    ;;
esac
