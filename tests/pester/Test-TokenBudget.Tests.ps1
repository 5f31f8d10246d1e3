[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    function New-BudgetWorkspace {
        param([long] $Tokens, [double] $Usd, [bool] $Enabled = $true)
        $root = New-TestWorkspace
        New-Item -ItemType Directory -Path (Join-Path $root 'RLM/config') -Force | Out-Null
        @{ tokenTracking = @{ enabled = $Enabled; alertThreshold = 0; budgetDaily = 1000000; budgetDailyUsd = 10 } } |
            ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Join-Path $root 'RLM/config/project-config.json') -Encoding utf8
        @{ date = '2026-11-20'; sessions = @(@{ session_id = 'S-1'; cost_usd = $Usd; estimated_tokens = $Tokens; captured_at = '2026-11-20T17:00:00Z' })
           totals = @{ total_cost_usd = $Usd; estimated_tokens = $Tokens; sessions_count = 1 } } |
            ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Join-Path $root 'RLM/progress/token-usage/daily-2026-11-20.json') -Encoding utf8
        $root
    }
}

Describe 'Test-TokenBudget' {
    It 'reports <State> for <Tokens> tokens and $<Usd>' -ForEach @(
        @{ Tokens = 100000; Usd = 1.0; State = 'Ok'; Quiet = $true }
        @{ Tokens = 600000; Usd = 6.0; State = 'Warning'; Quiet = $true }
        @{ Tokens = 800000; Usd = 8.0; State = 'Critical'; Quiet = $true }
        @{ Tokens = 1200000; Usd = 12.5; State = 'Exceeded'; Quiet = $false }
    ) {
        $root = New-BudgetWorkspace -Tokens $Tokens -Usd $Usd
        $statuses = Test-TokenBudget -Path $root -Period Daily -Date 2026-11-20 -WarningAction SilentlyContinue
        $statuses | Should -HaveCount 2
        $statuses | ForEach-Object { $_.State | Should -Be $State }
        ($statuses | Where-Object Unit -EQ 'Tokens').Used | Should -Be $Tokens
        ($statuses | Where-Object Unit -EQ 'Usd').Used | Should -Be $Usd
        Test-TokenBudget -Path $root -Period Daily -Date 2026-11-20 -Quiet -WarningAction SilentlyContinue | Should -Be $Quiet
    }

    It 'writes a warning when a threshold is crossed' {
        $root = New-BudgetWorkspace -Tokens 800000 -Usd 1
        $null = Test-TokenBudget -Path $root -Period Daily -Date 2026-11-20 -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match 'Critical'
    }

    It 'says so when tracking is disabled' {
        $root = New-BudgetWorkspace -Tokens 1200000 -Usd 12.5 -Enabled $false
        $statuses = Test-TokenBudget -Path $root -Date 2026-11-20 -WarningVariable warnings -WarningAction SilentlyContinue
        $statuses.State | Should -Be @('Disabled', 'Disabled')
        "$warnings" | Should -Match 'disabled'
        Test-TokenBudget -Path $root -Date 2026-11-20 -Quiet -WarningAction SilentlyContinue | Should -BeTrue
    }

    It 'reports an unconfigured period with the error id BudgetNotConfigured' {
        $root = New-BudgetWorkspace -Tokens 1 -Usd 0
        { Test-TokenBudget -Path $root -Period Monthly -Date 2026-11-20 -ErrorAction Stop } |
            Should -Throw -ErrorId 'BudgetNotConfigured,RlmTokens.Cmdlets.TestTokenBudgetCommand'
    }
}
