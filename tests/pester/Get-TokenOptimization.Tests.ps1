[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Get-TokenOptimization' {
    BeforeAll {
        $root = Join-Path $TestDrive 'samples'
        Copy-Item -LiteralPath $script:SamplesRoot -Destination $root -Recurse
        $findings = Get-TokenOptimization -Path $root
    }

    It 'rates <Agent> as <Rating>' -ForEach @(
        @{ Agent = 'architect'; Rating = 'Fair'; Figure = 28500 }
        @{ Agent = 'coder'; Rating = 'Good'; Figure = 18433.3 }
        @{ Agent = 'copilot'; Rating = 'Poor'; Figure = 54161 }
        @{ Agent = 'reviewer'; Rating = 'Excellent'; Figure = 6670 }
        @{ Agent = 'tester'; Rating = 'Poor'; Figure = 40100 }
    ) {
        $f = $findings | Where-Object { $_.Rule -eq 'AgentTokensPerTask' -and $_.Subject -eq $Agent }
        $f.Rating | Should -Be $Rating
        $f.Figure | Should -Be $Figure
    }

    It 'reports tasks above the target with figure and threshold' {
        $tasks = $findings | Where-Object Rule -EQ 'TaskAboveTarget'
        $tasks.Subject | Should -Be @('TASK-014', 'TASK-101', 'TASK-103', 'TASK-012')
        $tasks | ForEach-Object { $_.Threshold | Should -Be 20000 }
    }

    It 'reports the expensive model used for small turns' {
        $f = $findings | Where-Object Rule -EQ 'ExpensiveModelForSmallTurns'
        $f.Subject | Should -Be 'claude-opus-4'
        $f.Figure | Should -Be 1370
    }

    It 'filters by severity' {
        Get-TokenOptimization -Path $root -MinimumSeverity High | ForEach-Object { $_.Severity | Should -Be 'High' }
    }
}
