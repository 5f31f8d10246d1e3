<#
.SYNOPSIS
    The usage report of the sample workspace: what a newcomer runs first.
.DESCRIPTION
    Imports the built module (out/RlmTokens) and shows the sample workspace's open session, its
    recent operations, the week of daily history and its total, exact per-model usage from the
    sample transcripts and its total, and the budgets, the way a developer asks the module. Every
    table fits 80 columns; Format-Table -View Wide shows the cache columns too.
    Run it with pwsh, or on a machine without pwsh with the bundled host:
        dotnet run --project tools/RlmTokens.Shell -- -NoProfile -File samples/report.ps1
#>
[CmdletBinding()]
param(
    # The workspace to report on (default: this samples folder).
    [string] $Path = $PSScriptRoot
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/RlmTokens/RlmTokens.psd1') -Force

Write-Output '== Open session (estimated) =='
Get-TokenUsage -Path $Path | Format-List

Write-Output '== Recent operations =='
Get-TokenUsage -Path $Path -Detailed | Format-Table

Write-Output '== Daily history =='
$days = Get-TokenUsage -Path $Path -History -Since '2026-11-16' -Until '2026-11-22'
$days | Format-Table
$days | Measure-TokenUsage | Format-Table

Write-Output '== Exact usage from Claude Code transcripts, per model =='
$models = Get-TokenUsage -Path $Path -Transcript -TranscriptRoot (Join-Path $Path 'transcripts') -GroupBy Model -NoCache
$models | Format-Table
$models | Measure-TokenUsage | Format-Table

Write-Output '== Budgets on 2026-11-22 =='
Test-TokenBudget -Path $Path -Date '2026-11-22' | Format-Table
