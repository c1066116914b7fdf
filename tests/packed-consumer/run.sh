#!/usr/bin/env bash
# The packages as a user gets them (CI runs this after the test suite): ./build.sh pack, then
#   1. a fresh `dotnet new console` app outside the repository adds the MInference package from
#      artifacts/packages/, compiles Program.cs (dense attention on the CPU backend against a direct
#      computation) and runs it; when the package holds libminference.so, it must load from it;
#   2. the MInference.Cli tool is installed from artifacts/packages/ into a temporary tool path and
#      runs `info`, then `generate`, `search` and `run` on a small synthetic model (CPU backend), and
#      `demo --plot` (PNGs).
# Nothing comes from an earlier run: a fresh NuGet packages folder (the version number stays the
# same from build to build) and temporary folders for the app and the tool.
#   tests/packed-consumer/run.sh [build.sh options, e.g. --no-native or --version 1.2.3]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

./build.sh pack "$@"

packages=$root/artifacts/packages
package=$(ls "$packages"/MInference.[0-9]*.nupkg)
version=${package##*/MInference.}
version=${version%.nupkg}
consumer_args=()
if [ -f build/native/libminference.so ]; then consumer_args+=(--expect-native-library); fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES=$work/nuget-packages DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "==> consumer app: MInference $version from $packages"
"$here/new-consumer.sh" "$work/consumer" "$packages" "$version"
dotnet build "$work/consumer" -c Release -nologo -v minimal
dotnet run --project "$work/consumer" -c Release --no-build -- ${consumer_args[@]+"${consumer_args[@]}"}

echo "==> .NET tool: MInference.Cli $version"
dotnet tool install MInference.Cli --version "$version" --tool-path "$work/tools" --add-source "$packages"
minference=$work/tools/minference
"$minference" info | tee "$work/info.txt"
if [ -f build/native/libminference.so ]; then
  # The table wraps long paths onto indented lines: compare without white space.
  tr -d ' \n' < "$work/info.txt" | grep -qF "Loadedfrom$work/tools/" ||
    { echo "packed-consumer: the tool did not load the libminference.so it carries" >&2; exit 1; }
fi
"$minference" generate --out "$work/sample.safetensors" --seq 512 --layers 1
"$minference" search --input "$work/sample.safetensors" --out "$work/patterns.json" --backend cpu > "$work/search.txt"
"$minference" run --input "$work/sample.safetensors" --config "$work/patterns.json" --backend cpu
# The plots (drawn by the tool's own managed renderer, with its embedded font): a PNG per head.
"$minference" demo --seq 256 --layers 1 --heads 4 --kv-heads 1 --plot "$work/plots" --backend cpu > "$work/demo.txt"
for png in "$work"/plots/layer00-head0*.png; do
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    { echo "packed-consumer: the tool's demo --plot wrote no PNG ($png)" >&2; exit 1; }
done

echo "packed-consumer: OK (MInference $version, MInference.Cli $version)"
