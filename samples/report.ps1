<#
.SYNOPSIS
    The usage report of the sample workspace: what a newcomer runs first.
.DESCRIPTION
    Imports the built module (out/RlmTokens) and shows the sample workspace's open session, its
    recent operations, the week of daily history, exact per-model usage from the sample transcripts
    and the budgets, the way a developer asks the module.
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
Get-TokenUsage -Path $Path -Detailed | Format-Table -AutoSize

Write-Output '== Daily history =='
$days = Get-TokenUsage -Path $Path -History -Since '2026-11-16' -Until '2026-11-22'
$days | Format-Table -AutoSize
$total = ($days | Measure-Object -Property TotalTokens -Sum).Sum
$cost = ($days | Measure-Object -Property CostUsd -Sum).Sum
Write-Output ('{0} days, {1:N0} tokens, ${2:N2}' -f $days.Count, $total, $cost)

Write-Output '== Exact usage from Claude Code transcripts, per model =='
Get-TokenUsage -Path $Path -Transcript -TranscriptRoot (Join-Path $Path 'transcripts') -GroupBy Model -NoCache | Format-Table -AutoSize

Write-Output '== Budgets on 2026-11-22 =='
Test-TokenBudget -Path $Path -Date '2026-11-22' | Format-Table -AutoSize
