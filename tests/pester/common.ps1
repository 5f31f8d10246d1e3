# Shared set-up of the Pester specs: import the built module folder (out/RlmTokens), as users do.
# Dot-source it from BeforeAll:  BeforeAll { . (Join-Path $PSScriptRoot 'common.ps1') }
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleManifest = Join-Path $script:RepoRoot 'out/RlmTokens/RlmTokens.psd1'
$script:SamplesRoot = Join-Path $script:RepoRoot 'samples'
if (-not (Test-Path -LiteralPath $script:ModuleManifest)) {
    throw "Build first (dotnet build RlmTokens.sln): $script:ModuleManifest is missing."
}
Import-Module $script:ModuleManifest -Force

function New-TestWorkspace {
    <# A fresh workspace under TestDrive with RLM/progress/token-usage; -FromSamples copies samples/ into it. #>
    [CmdletBinding()]
    param([switch] $FromSamples)
    $root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path (Join-Path $root 'RLM/progress/token-usage') -Force | Out-Null
    if ($FromSamples) {
        Copy-Item -Path (Join-Path $script:SamplesRoot 'RLM') -Destination $root -Recurse -Force
    }
    $root
}
