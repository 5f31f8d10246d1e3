[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are used across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Get-TokenPrice' {
    BeforeAll {
        $ws = New-TestWorkspace
    }

    It 'lists the built-in table as ModelPrice objects' {
        $all = Get-TokenPrice -Path $ws
        $all.Count | Should -BeGreaterThan 20
        $all | ForEach-Object { $_ | Should -BeOfType ([RlmTokens.ModelPrice]) }
        ($all | Where-Object Model -EQ 'claude-opus-4-6').InputPerToken | Should -Be 5e-6
    }

    It 'matches a dated, provider-prefixed name' {
        $p = Get-TokenPrice -Model 'anthropic/claude-sonnet-4-5-20250929' -Path $ws
        $p.InputPerToken | Should -Be 3e-6
        $p.InputAbove200kPerToken | Should -Be 6e-6
        $p.CacheWrite1hPerToken | Should -Be 6e-6
    }

    It 'filters with wildcards from the pipeline' {
        $p = 'gpt-5*' | Get-TokenPrice -Path $ws
        $p.Model | Should -Contain 'gpt-5-codex'
        $p.Model | ForEach-Object { $_ | Should -BeLike 'gpt-5*' }
    }

    It 'applies a LiteLLM price file, then costPerToken of project-config.json' {
        $root = New-TestWorkspace
        New-Item -ItemType Directory -Path (Join-Path $root 'RLM/config') -Force | Out-Null
        '{ "tokenTracking": { "costPerToken": { "claude-haiku-4-5-output": 9e-6 } } }' | Set-Content (Join-Path $root 'RLM/config/project-config.json')
        '{ "claude-haiku-4-5": { "input_cost_per_token": 2e-6, "output_cost_per_token": 6e-6 } }' | Set-Content (Join-Path $root 'prices.json')
        $p = Get-TokenPrice -Model claude-haiku-4-5-20251001 -Path $root -PriceFile (Join-Path $root 'prices.json')
        $p.InputPerToken | Should -Be 2e-6
        $p.OutputPerToken | Should -Be 9e-6
        $p.Source | Should -Be 'ProjectConfig'
    }

    It 'reports an unknown model with ModelPriceNotFound' {
        { Get-TokenPrice -Model 'no-such-model' -Path $ws -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelPriceNotFound,RlmTokens.Cmdlets.GetTokenPriceCommand'
    }

    It 'completes model names' {
        $line = 'Get-TokenPrice -Model claude-hai'
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Should -Contain 'claude-haiku-4-5'
    }
}
