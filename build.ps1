#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, documents, analyzes and packages the RlmTokens module.

.DESCRIPTION
    One entry point over the .NET SDK for developers and CI. Every task checks the exit code of each
    dotnet call and stops at the first failure.

      Build    dotnet build RlmTokens.sln; stages the importable module at out/RlmTokens/ (with MAML help
               from docs/help, made by the project's own converter).
      Test     Build, then the xunit tests (dotnet test, without the in-process Pester run), then the
               Pester specs in tests/pester in a fresh pwsh process, so no DLL stays locked.
      Docs     Build, then regenerate out/RlmTokens/en-US with platyPS's New-ExternalHelp when platyPS
               is installed (-Bootstrap installs it); without platyPS the build's own help is kept.
      Analyze  PSScriptAnalyzer with PSScriptAnalyzerSettings.psd1 over module/, build.ps1,
               tests/pester and the staged manifest; any finding fails the task.
      Package  Release build, then a gallery-ready folder artifacts/RlmTokens/ and, where
               Microsoft.PowerShell.PSResourceGet is available, artifacts/RlmTokens.<version>.nupkg.
      Clean    Removes out/, artifacts/ and every bin/ and obj/ folder.

.PARAMETER Task
    The tasks to run, in order. Default: Build.

.PARAMETER Configuration
    The dotnet configuration (Debug or Release). Package always builds Release.

.PARAMETER Bootstrap
    Installs the pinned build modules (Pester, platyPS, PSScriptAnalyzer) for the current user from
    the PowerShell Gallery before running the tasks.

.PARAMETER PwshPath
    The pwsh that runs the Pester specs for -Task Test. Default: the pwsh on PATH, else the bundled
    console host tools/RlmTokens.Shell (rlm-pwsh).

.EXAMPLE
    ./build.ps1 -Bootstrap -Task Build, Test

    Installs the pinned modules, builds and runs every test.

.EXAMPLE
    ./build.ps1 -Task Package

    Produces artifacts/RlmTokens/ and the nupkg to publish.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Analyze', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    [switch] $Bootstrap,

    [string] $PwshPath
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# Pinned versions of the build modules.
$script:Pins = [ordered] @{
    'Pester'           = '5.7.1'
    'platyPS'          = '0.14.2'
    'PSScriptAnalyzer' = '1.23.0'
}
$script:Root = $PSScriptRoot
$script:ModuleOut = Join-Path $PSScriptRoot 'out/RlmTokens'
$script:Artifacts = Join-Path $PSScriptRoot 'artifacts'

function Write-Step([string] $Message) {
    Write-Information "==> $Message" -InformationAction Continue
}

function Invoke-Dotnet {
    [CmdletBinding()]
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    Write-Verbose "dotnet $($Arguments -join ' ')"
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

function Install-BuildModule {
    foreach ($name in $script:Pins.Keys) {
        $version = $script:Pins[$name]
        if (Get-Module -ListAvailable -Name $name | Where-Object { $_.Version -eq [version] $version }) {
            Write-Verbose "$name $version is installed."
            continue
        }
        Write-Step "Installing $name $version"
        if (Get-Command -Name Install-PSResource -ErrorAction SilentlyContinue) {
            Install-PSResource -Name $name -Version $version -Scope CurrentUser -TrustRepository -Reinstall -Quiet
        }
        else {
            Install-Module -Name $name -RequiredVersion $version -Scope CurrentUser -Force -SkipPublisherCheck -AllowClobber
        }
    }
}

function Import-PinnedModule([string] $Name) {
    $version = $script:Pins[$Name]
    $module = Get-Module -ListAvailable -Name $Name | Where-Object { $_.Version -eq [version] $version } | Select-Object -First 1
    if (-not $module) { return $null }
    Import-Module $module.Path -Force -PassThru
}

function Invoke-BuildTask {
    Write-Step "Build ($Configuration)"
    Invoke-Dotnet build (Join-Path $script:Root 'RlmTokens.sln') -c $Configuration -nologo
}

function Invoke-TestTask {
    Invoke-BuildTask
    Write-Step 'xunit'
    # PesterSpecs runs tests/pester inside rlm-pwsh; here Pester runs next in a real, fresh pwsh.
    Invoke-Dotnet test (Join-Path $script:Root 'RlmTokens.sln') -c $Configuration --no-build -nologo --filter 'FullyQualifiedName!~PesterSpecs'

    Write-Step 'Pester (fresh pwsh)'
    $pester = if ($env:RLMTOKENS_PESTER) { $env:RLMTOKENS_PESTER } else { "Pester" }
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -MinimumVersion 5.5.0
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $script:Root 'tests/pester')'
`$c.Run.Exit = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $script:Root 'artifacts/pester-results.xml')'
Invoke-Pester -Configuration `$c
"@
    New-Item -ItemType Directory -Path $script:Artifacts -Force | Out-Null
    $shell = Get-PwshCommand
    & $shell[0] @($shell | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
    if ($LASTEXITCODE -ne 0) { throw "Pester failed (exit code $LASTEXITCODE)." }
}

function Get-PwshCommand {
    if ($PwshPath) { return , @($PwshPath) }
    $pwsh = Get-Command -Name pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($pwsh) { return , @($pwsh.Source) }
    $shell = Join-Path $script:Root "tools/RlmTokens.Shell/bin/$Configuration/net10.0/rlm-pwsh.dll"
    if (Test-Path -LiteralPath $shell) { return , @('dotnet', $shell) }
    throw 'No pwsh found: install PowerShell 7.4+ or pass -PwshPath.'
}

function Invoke-DocsTask {
    Invoke-BuildTask
    $platyPS = Import-PinnedModule 'platyPS'
    if (-not $platyPS) {
        Write-Warning "platyPS $($script:Pins['platyPS']) is not installed (run with -Bootstrap); the build's own converter made the help in $script:ModuleOut/en-US."
        return
    }
    Write-Step 'Help with platyPS (New-ExternalHelp)'
    $pages = Get-ChildItem -Path (Join-Path $script:Root 'docs/help') -Filter '*.md' |
        Where-Object { $_.Name -ne 'RlmTokens.md' } | ForEach-Object FullName
    New-ExternalHelp -Path $pages -OutputPath (Join-Path $script:ModuleOut 'en-US') -Force | Out-Null
}

function Invoke-AnalyzeTask {
    $analyzer = Import-PinnedModule 'PSScriptAnalyzer'
    if (-not $analyzer) { throw "PSScriptAnalyzer $($script:Pins['PSScriptAnalyzer']) is not installed: run with -Bootstrap." }
    if (-not (Test-Path -LiteralPath (Join-Path $script:ModuleOut 'RlmTokens.psd1'))) { Invoke-BuildTask }
    Write-Step 'PSScriptAnalyzer'
    $settings = Join-Path $script:Root 'PSScriptAnalyzerSettings.psd1'
    # The staged copy in out/ (its ModuleVersion stamped from Directory.Build.props) is analyzed instead of module/RlmTokens.psd1.
    $targets = @(
        Get-ChildItem -Path (Join-Path $script:Root 'module') -File | Where-Object { $_.Extension -in '.ps1', '.psm1', '.psd1' -and $_.Name -ne 'RlmTokens.psd1' }
        Get-Item -LiteralPath (Join-Path $script:ModuleOut 'RlmTokens.psd1')
        Get-Item -LiteralPath (Join-Path $script:Root 'build.ps1')
        Get-ChildItem -Path (Join-Path $script:Root 'tests/pester') -Filter '*.ps1' -File
    )
    $findings = @($targets | ForEach-Object { Invoke-ScriptAnalyzer -Path $_.FullName -Settings $settings })
    $findings | Format-Table -AutoSize -Property Severity, RuleName, ScriptName, Line, Message | Out-String -Width 200 | Write-Information -InformationAction Continue
    if ($findings.Count -gt 0) { throw "PSScriptAnalyzer reported $($findings.Count) finding(s)." }
}

function Invoke-PackageTask {
    Set-Variable -Name Configuration -Value 'Release' -Scope Script
    Invoke-BuildTask
    Write-Step 'Package'
    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $script:ModuleOut 'RlmTokens.psd1')
    $psData = $manifest.PrivateData.PSData
    foreach ($key in 'Tags', 'LicenseUri', 'ReleaseNotes') {
        if (-not $psData[$key]) { throw "The manifest lacks PrivateData.PSData.$key, which the gallery shows." }
    }
    if (-not $psData['ProjectUri']) { Write-Warning 'The manifest has no PrivateData.PSData.ProjectUri.' }
    $folder = Join-Path $script:Artifacts 'RlmTokens'
    if (Test-Path -LiteralPath $folder) { Remove-Item -LiteralPath $folder -Recurse -Force }
    New-Item -ItemType Directory -Path $folder -Force | Out-Null
    Get-ChildItem -LiteralPath $script:ModuleOut | Where-Object { $_.Extension -ne '.pdb' } |
        Copy-Item -Destination $folder -Recurse -Force
    Test-ModuleManifest -Path (Join-Path $folder 'RlmTokens.psd1') | Out-Null

    if (Get-Command -Name Publish-PSResource -ErrorAction SilentlyContinue) {
        $feed = Join-Path $script:Artifacts 'feed'
        New-Item -ItemType Directory -Path $feed -Force | Out-Null
        $repository = 'RlmTokensLocalFeed'
        if (-not (Get-PSResourceRepository -Name $repository -ErrorAction SilentlyContinue)) {
            Register-PSResourceRepository -Name $repository -Uri $feed -Trusted
        }
        try {
            Publish-PSResource -Path $folder -Repository $repository -SkipDependenciesCheck
        }
        finally {
            Unregister-PSResourceRepository -Name $repository
        }
        Get-ChildItem -LiteralPath $feed -Filter '*.nupkg' | Move-Item -Destination $script:Artifacts -Force
        Remove-Item -LiteralPath $feed -Recurse -Force
    }
    else {
        Write-Verbose 'Microsoft.PowerShell.PSResourceGet is not available: writing the nupkg directly.'
        New-ModuleNupkg -Folder $folder -Manifest $manifest
    }
    Get-ChildItem -LiteralPath $script:Artifacts | ForEach-Object FullName
}

function New-ModuleNupkg {
    # The package Publish-PSResource makes: the module files at the root, a .nuspec with the gallery's
    # metadata (tags, license, project URI, release notes), [Content_Types].xml and _rels/.rels.
    param([string] $Folder, [hashtable] $Manifest)
    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
    $psData = $Manifest.PrivateData.PSData
    $version = $Manifest.ModuleVersion
    $esc = { param($text) [System.Security.SecurityElement]::Escape([string] $text) }
    $tags = @($psData.Tags) + @('PSModule') + @($Manifest.CmdletsToExport | ForEach-Object { "PSCmdlet_$_", "PSCommand_$_" })
    $nuspec = @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>RlmTokens</id>
    <version>$version</version>
    <authors>$(& $esc $Manifest.Author)</authors>
    <owners>$(& $esc $Manifest.CompanyName)</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <licenseUrl>$(& $esc $psData.LicenseUri)</licenseUrl>
$(if ($psData['ProjectUri']) { "    <projectUrl>$(& $esc $psData.ProjectUri)</projectUrl>" })
    <description>$(& $esc $Manifest.Description)</description>
    <releaseNotes>$(& $esc $psData.ReleaseNotes)</releaseNotes>
    <copyright>$(& $esc $Manifest.Copyright)</copyright>
    <tags>$(& $esc ($tags -join ' '))</tags>
  </metadata>
</package>
"@
    $path = Join-Path $script:Artifacts "RlmTokens.$version.nupkg"
    if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Force }
    $zip = [System.IO.Compression.ZipFile]::Open($path, 'Create')
    try {
        $add = {
            param($name, $text)
            $entry = $zip.CreateEntry($name)
            $writer = [System.IO.StreamWriter]::new($entry.Open(), [System.Text.UTF8Encoding]::new($false))
            try { $writer.Write($text) } finally { $writer.Dispose() }
        }
        & $add 'RlmTokens.nuspec' $nuspec
        & $add '[Content_Types].xml' '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /><Default Extension="psd1" ContentType="application/octet" /><Default Extension="ps1xml" ContentType="application/octet" /><Default Extension="xml" ContentType="application/octet" /><Default Extension="txt" ContentType="application/octet" /><Default Extension="md" ContentType="application/octet" /></Types>'
        & $add '_rels/.rels' '<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/RlmTokens.nuspec" Id="R0" /></Relationships>'
        Get-ChildItem -LiteralPath $Folder -File -Recurse | ForEach-Object {
            $relative = [System.IO.Path]::GetRelativePath($Folder, $_.FullName).Replace('\', '/')
            [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $_.FullName, $relative) | Out-Null
        }
    }
    finally {
        $zip.Dispose()
    }
}

function Invoke-CleanTask {
    Write-Step 'Clean'
    foreach ($path in @($script:ModuleOut, $script:Artifacts)) {
        if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Recurse -Force }
    }
    Get-ChildItem -Path (Join-Path $script:Root 'src'), (Join-Path $script:Root 'tests'), (Join-Path $script:Root 'tools') -Directory -Recurse -Include 'bin', 'obj' |
        Remove-Item -Recurse -Force
}

if ($Bootstrap) { Install-BuildModule }
foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-BuildTask }
        'Test' { Invoke-TestTask }
        'Docs' { Invoke-DocsTask }
        'Analyze' { Invoke-AnalyzeTask }
        'Package' { Invoke-PackageTask }
        'Clean' { Invoke-CleanTask }
    }
}
