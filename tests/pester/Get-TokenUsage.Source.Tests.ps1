[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Get-TokenUsage -Source' {
    BeforeAll {
        $root = Join-Path $TestDrive 'samples'
        Copy-Item -LiteralPath $script:SamplesRoot -Destination $root -Recurse
    }

    It '<Kind> yields <Count> rows' -ForEach @(
        @{ Kind = 'ClaudeFlow'; Count = 5; Tokens = 156234 }
        @{ Kind = 'MemoryBanker'; Count = 8; Tokens = 33770 }
        @{ Kind = 'RlmLog'; Count = 9; Tokens = 191401 }
        @{ Kind = 'RlmMetrics'; Count = 13; Tokens = 104340 }
        @{ Kind = 'BranchLog'; Count = 3; Tokens = 206161 }
    ) {
        $rows = Get-TokenUsage -Path $root -Source $Kind
        $rows | Should -HaveCount $Count
        $rows | ForEach-Object { $_ | Should -BeOfType RlmTokens.TokenUsageRecord }
        $first = ($rows | Select-Object -First 1).Scope
        ($rows | Where-Object Scope -EQ $first | Measure-Object TotalTokens -Sum).Sum | Should -Be $Tokens
    }

    It 'reads ~/.claude/metrics/usage.json sessions' {
        $rows = Get-TokenUsage -Path $root -Source ClaudeFlow -LiteralPath (Join-Path $root '.claude/metrics/usage.json')
        $rows.Scope | Should -Be @('Session', 'Session')
        $rows[0].Agent | Should -Be 'coder'
    }

    It 'lists Memory Banker reports' {
        $reports = Get-TokenUsage -Path $root -Source MemoryBanker -List
        $reports | Should -HaveCount 2
        $reports[1].Failed | Should -Be 1
    }

    It 'reports a missing path as FileNotFound' {
        { Get-TokenUsage -Path $root -Source BranchLog -LiteralPath (Join-Path $root 'nope') -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileNotFound,RlmTokens.Cmdlets.GetTokenUsageCommand'
    }
}
