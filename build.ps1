# Builds MInference for .NET (native CUDA library + managed projects) and runs its main jobs.
# Mirrors build.sh:
#   ./build.ps1 [build|demo|test|bench|info|pack] [-CudaArchs "80;90a-real"] [-NoNative] [-PtxasVerbose]
#               [-Version X] [-RepositoryUrl URL]
# nvcc is looked up on PATH, then in $env:CUDA_HOME/bin (or CUDA_PATH). Without it the managed
# parts still build, and demo and tests run on the CPU backend. `pack` makes the NuGet packages in
# artifacts/packages/ (see build.sh); on Windows the MInference package also carries minference.dll
# as runtimes/win-x64/native/ when it was built here.
[CmdletBinding()]
param(
  [Parameter(Position = 0)][ValidateSet('build', 'demo', 'test', 'bench', 'info', 'pack')][string]$Command = 'build',
  [string]$CudaArchs = '',
  [switch]$NoNative,
  [switch]$PtxasVerbose,
  [string]$Version = '',
  [string]$RepositoryUrl = ''
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

function Invoke-Checked([string]$exe, [string[]]$arguments) {
  Write-Host "+ $exe $($arguments -join ' ')"
  & $exe @arguments
  if ($LASTEXITCODE -ne 0) { throw "$exe exited with code $LASTEXITCODE" }
}

function Find-Nvcc {
  $onPath = Get-Command nvcc -ErrorAction SilentlyContinue
  if ($onPath) { return $onPath.Source }
  foreach ($cudaHome in @($env:CUDA_HOME, $env:CUDA_PATH)) {
    if ($cudaHome) {
      foreach ($name in @('nvcc', 'nvcc.exe')) {
        $candidate = Join-Path (Join-Path $cudaHome 'bin') $name
        if (Test-Path $candidate) { return $candidate }
      }
    }
  }
  return $null
}

$nativeDir = Join-Path 'build' 'native'
function Remove-StaleNative {
  Get-ChildItem $nativeDir -Include 'libminference.so', 'minference.dll' -Recurse -ErrorAction SilentlyContinue |
    Remove-Item -Force
}

if ($NoNative) {
  Write-Host '==> GPU backend NOT built (-NoNative); demo and tests will use the CPU backend.'
  Remove-StaleNative
} else {
  $nvcc = Find-Nvcc
  if (-not $nvcc) {
    Write-Host '==> GPU backend NOT built: no nvcc found (PATH, CUDA_HOME, CUDA_PATH).'
    Write-Host '    Install the CUDA toolkit 12.4+ to build it; demo and tests will use the CPU backend.'
    Remove-StaleNative
  } else {
    Write-Host "==> native library: $((cmake --version)[0]); nvcc at $nvcc"
    $configure = @('-S', '.', '-B', $nativeDir, '-DCMAKE_BUILD_TYPE=Release', "-DCMAKE_CUDA_COMPILER=$nvcc",
                   "-DMI_PTXAS_VERBOSE=$(if ($PtxasVerbose) { 'ON' } else { 'OFF' })")
    if ($CudaArchs) { $configure += "-DCMAKE_CUDA_ARCHITECTURES=$CudaArchs" }
    Invoke-Checked 'cmake' $configure
    Invoke-Checked 'cmake' @('--build', $nativeDir, '--config', 'Release', '--parallel')
  }
}

# Package properties, given to the build too so that the packs reuse it.
$msbuildProps = @()
if ($Version) { $msbuildProps += "-p:Version=$Version" }
if ($RepositoryUrl) { $msbuildProps += "-p:RepositoryUrl=$RepositoryUrl" }
# The CMake output's folder depends on the generator (build/native/Release/ with Visual Studio's).
$windowsNative = Get-ChildItem $nativeDir -Filter 'minference.dll' -Recurse -ErrorAction SilentlyContinue |
  Sort-Object LastWriteTime -Descending | Select-Object -First 1
if ($windowsNative) { $msbuildProps += "-p:WindowsNativeLibrary=$($windowsNative.FullName)" }
$linuxNative = Join-Path $nativeDir 'libminference.so'

Write-Host "==> managed projects: .NET SDK $(dotnet --version)"
Invoke-Checked 'dotnet' (@('build', 'MInference.sln', '-c', 'Release', '-nologo', '-v', 'minimal') + $msbuildProps)

$cli = 'artifacts/bin/MInference.Cli/release/minference.dll'
switch ($Command) {
  'build' { }
  'demo' {
    Invoke-Checked 'dotnet' @($cli, 'demo', '--plot', 'artifacts/demo-plots')
    Invoke-Checked 'dotnet' @($cli, 'decode', '--plot', 'artifacts/demo-plots')
    Invoke-Checked 'dotnet' @($cli, 'video', '--plot', 'artifacts/demo-plots')
  }
  'info' { Invoke-Checked 'dotnet' @($cli, 'info') }
  'bench' {
    $common = @('--heads', '32', '--kv-heads', '32', '--dtype', 'bf16')
    Invoke-Checked 'dotnet' (@($cli, 'bench', 'dense', '--seq', '4096', '8192', '32768', '--head-dim', '128', '--causal') + $common)
    Invoke-Checked 'dotnet' (@($cli, 'bench', 'dense', '--seq', '4096', '8192', '32768', '--head-dim', '128') + $common)
    Invoke-Checked 'dotnet' (@($cli, 'bench', 'dense', '--seq', '32768', '--head-dim', '64', '--causal') + $common)
  }
  'test' { Invoke-Checked 'dotnet' @('artifacts/bin/MInference.Tests/release/MInference.Tests.dll') }
  'pack' {
    # Only this pack's packages: a consumer must not pick up one left from an earlier version.
    Remove-Item 'artifacts/packages' -Recurse -Force -ErrorAction SilentlyContinue
    foreach ($project in @('src/MInference/MInference.csproj', 'src/MInference.Cli/MInference.Cli.csproj')) {
      Invoke-Checked 'dotnet' (@('pack', $project, '-c', 'Release', '-nologo', '-v', 'minimal') + $msbuildProps)
    }
    Get-ChildItem 'artifacts/packages' -Filter '*.nupkg' | ForEach-Object { Write-Host "$([math]::Round($_.Length / 1MB, 1)) MB  $($_.FullName)" }
    if (-not $windowsNative -and -not (Test-Path $linuxNative)) {
      Write-Host ''
      Write-Host ('!' * 96) -ForegroundColor Yellow
      Write-Host '!!  WARNING: these packages hold NO native library (not built: no nvcc, or -NoNative).' -ForegroundColor Yellow
      Write-Host '!!  They run on the CPU backend only. Build with the CUDA toolkit before publishing them.' -ForegroundColor Yellow
      Write-Host ('!' * 96) -ForegroundColor Yellow
    }
  }
}
