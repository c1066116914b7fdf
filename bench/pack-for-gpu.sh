#!/usr/bin/env bash
# Packs what the GPU machine needs to run the tests and the CLI into .gpu/bundle.tar.xz (git-ignored):
# the test output (which holds the CLI, the core library and libminference.so; no package brings
# native assets into it), plus the CLI's runtimeconfig/deps so `dotnet minference.dll` runs from it.
# The device tool carries at most 64 MiB; this keeps the bundle near 15 MB. Run after ./build.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tests=artifacts/bin/MInference.Tests/release
cli=artifacts/bin/MInference.Cli/release
[ -f "$tests/MInference.Tests.dll" ] || { echo "build first: ./build.sh" >&2; exit 1; }
[ -f "$tests/libminference.so" ] || { echo "no libminference.so next to the tests: build with nvcc" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bundle"
cp -a "$tests/." "$stage/bundle/"
rm -rf "$stage/bundle"/*.xml
cp "$cli/minference.runtimeconfig.json" "$cli/minference.deps.json" "$stage/bundle/"
# The header-consistency tests look for native/include/minference.h above their directory.
mkdir -p "$stage/bundle/native/include" && cp native/include/minference.h "$stage/bundle/native/include/"
mkdir -p .gpu
tar -C "$stage" -cJf .gpu/bundle.tar.xz bundle
du -h .gpu/bundle.tar.xz
