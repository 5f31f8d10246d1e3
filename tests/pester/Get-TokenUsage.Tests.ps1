[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Get-TokenUsage' {
    BeforeAll {
        $root = New-TestWorkspace -FromSamples
    }

    It 'returns the open session estimate by default' {
        $summary = Get-TokenUsage -Path $root

        $summary | Should -BeOfType ([RlmTokens.TokenSessionSummary])
        $summary.SessionId | Should -Be 'SESSION-2026-11-23-091500'
        $summary.TotalTokens | Should -BeGreaterThan 0
        $summary.Precision | Should -Be 'Estimated'
    }

    It 'lists recent operations with -Detailed' {
        $ops = @(Get-TokenUsage -Path $root -Detailed)

        $ops.Count | Should -BeGreaterThan 0
        $ops | ForEach-Object { $_ | Should -BeOfType ([RlmTokens.TokenEstimateRecord]) }
    }

    It 'returns one row per day with -History' {
        $days = @(Get-TokenUsage -Path $root -History -Since '2026-11-16' -Until '2026-11-22')

        $days.Count | Should -Be 7
        $days[0].Date | Should -Be ([datetime] '2026-11-16')
        ($days | Measure-Object -Property TotalTokens -Sum).Sum | Should -BeGreaterThan 0
    }

    It 'counts -Days back from -Until' {
        @(Get-TokenUsage -Path $root -History -Days 3 -Until '2026-11-22').Count | Should -Be 3
    }

    It 'exports history to CSV without glue' {
        $csv = Join-Path $TestDrive 'usage.csv'
        Get-TokenUsage -Path $root -History -Since '2026-11-16' -Until '2026-11-22' | Export-Csv -LiteralPath $csv -NoTypeInformation
        @(Import-Csv -LiteralPath $csv).Count | Should -Be 7
    }

    It 'warns and returns nothing for a workspace without token files' {
        $empty = New-TestWorkspace
        $result = Get-TokenUsage -Path $empty -WarningVariable warnings -WarningAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $warnings.Count | Should -Be 1
    }

    It 'reports a missing workspace with WorkspaceNotFound' {
        { Get-TokenUsage -Path (Join-Path $TestDrive 'nowhere') -ErrorAction Stop } |
            Should -Throw -ErrorId 'WorkspaceNotFound,RlmTokens.Cmdlets.GetTokenUsageCommand'
    }

    It 'reports an unreadable daily file with CorruptDataFile and keeps it' {
        $broken = New-TestWorkspace -FromSamples
        $daily = Join-Path $broken 'RLM/progress/token-usage/daily-2026-11-20.json'
        Set-Content -LiteralPath $daily -Value '{ not json'

        $days = @(Get-TokenUsage -Path $broken -History -Since '2026-11-16' -Until '2026-11-22' -ErrorVariable problems -ErrorAction SilentlyContinue)

        $days.Count | Should -Be 6
        $problems[0].FullyQualifiedErrorId | Should -Be 'CorruptDataFile,RlmTokens.Cmdlets.GetTokenUsageCommand'
        Get-Content -LiteralPath $daily -Raw | Should -Match 'not json'
    }
}
