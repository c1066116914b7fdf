#!/usr/bin/env bash
# Packs the consumer app (Program.cs here, built against the MInference package in
# artifacts/packages/) for the GPU machine, which has the .NET runtime but no SDK and no network:
# a fresh console app, published framework-dependent (portable: libminference.so stays in
# runtimes/linux-x64/native/ as the package puts it), as .gpu/consumer.tar.xz (git-ignored).
# Run after `./build.sh pack` with the CUDA toolkit; refuses packages without the native library.
# On the GPU machine, carry .gpu/ (gpu-env.sh and the runtime: ../shared/device/stage.sh) and run
#   source .gpu/gpu-env.sh && tar -C /tmp -xJf .gpu/consumer.tar.xz && dotnet /tmp/consumer/Consumer.dll --gpu
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

packages=$root/artifacts/packages
package=$(ls "$packages"/MInference.[0-9]*.nupkg 2>/dev/null) || { echo "no package: run ./build.sh pack first" >&2; exit 1; }
version=${package##*/MInference.}
version=${version%.nupkg}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fresh packages folder: the version number stays the same from build to build.
export NUGET_PACKAGES=$work/nuget-packages DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
"$here/new-consumer.sh" "$work/app" "$packages" "$version" >/dev/null
dotnet publish "$work/app" -c Release -nologo -v minimal -o "$work/consumer" \
  -p:DebugType=none -p:PublishReferencesDocumentationFiles=false
[ -f "$work/consumer/runtimes/linux-x64/native/libminference.so" ] || {
  echo "$package holds no libminference.so (packed without nvcc): build with the CUDA toolkit, then ./build.sh pack" >&2
  exit 1
}
mkdir -p .gpu
tar -C "$work" -cJf .gpu/consumer.tar.xz consumer
echo "MInference $version consumer:"
du -h .gpu/consumer.tar.xz
