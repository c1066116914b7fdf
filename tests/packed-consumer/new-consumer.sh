#!/usr/bin/env bash
# Creates a fresh console app in DIR that references the MInference package VERSION from the folder
# PACKAGES, with this folder's Program.cs; run.sh and pack-for-gpu.sh build it.
#   tests/packed-consumer/new-consumer.sh DIR PACKAGES VERSION
# The app's nuget.config takes MInference from PACKAGES only (packageSourceMapping) and everything
# else from nuget.org, as a user's project with other dependencies would.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 DIR PACKAGES VERSION" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$1 packages=$(cd "$2" && pwd) version=$3

dotnet new console --name Consumer --output "$dir" --framework net10.0 >/dev/null
cat > "$dir/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="minference-local" value="$packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="minference-local">
      <package pattern="MInference" />
      <package pattern="MInference.*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
cp "$here/Program.cs" "$dir/Program.cs"
dotnet add "$dir/Consumer.csproj" package MInference --version "$version"
