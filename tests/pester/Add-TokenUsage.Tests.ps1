[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    function Get-FolderState([string] $Root) {
        Get-ChildItem -LiteralPath $Root -Recurse -Force | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { "$($_.FullName)|dir" } else { "$($_.FullName)|$((Get-FileHash -LiteralPath $_.FullName).Hash)" }
        }
    }
}

Describe 'Add-TokenUsage' {
    BeforeEach {
        $root = New-TestWorkspace -FromSamples
        New-Item -ItemType Directory -Path (Join-Path $root '.git') | Out-Null
        Set-Content -LiteralPath (Join-Path $root '.git/HEAD') -Value 'ref: refs/heads/feature/login'
        $log = Join-Path $root 'RLM/progress/token-usage.log'
    }

    It 'appends a token-tracker.sh record with the branch from .git/HEAD' {
        $r = Add-TokenUsage -Path $root -InputTokens 1000 -OutputTokens 200 -Model gpt-5 -Agent codex -PassThru

        $r | Should -BeOfType ([RlmTokens.TokenUsageLogRecord])
        $r.Branch | Should -Be 'feature/login'
        $r.TotalTokens | Should -Be 1200
        $r.Precision | Should -Be 'Exact'
        (Get-Content -LiteralPath $log -Raw) | Should -Match '(?m)^\{\r?\n  "timestamp": '
    }

    It 'shows the records grouped by branch' {
        Add-TokenUsage -Path $root -Tokens 500 -Tool Cursor
        Add-TokenUsage -Path $root -UsageText 'Token usage: 54161/200000' -Branch main
        $groups = Get-TokenUsage -Path $root -Log -GroupBy Branch

        ($groups | Where-Object Branch -EQ 'feature/login').TotalTokens | Should -Be 500
        ($groups | Where-Object Branch -EQ 'main').TotalTokens | Should -Be 54161
    }

    It 'logs a JSON document from a hook or script' {
        $doc = @{ input_tokens = 4200; output_tokens = 900; model = 'gemini-2.5-pro'; tool = 'Gemini CLI'; cwd = $root } | ConvertTo-Json
        $r = $doc | Add-TokenUsage -PassThru
        $r.TotalTokens | Should -Be 5100
        $r.Tool | Should -Be 'Gemini CLI'
        $r.Branch | Should -Be 'feature/login'
    }

    It 'reports a piped document that is not JSON with InvalidHookInput' {
        { '{"input_tokens": ' | Add-TokenUsage -Path $root -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidHookInput,RlmTokens.Cmdlets.AddTokenUsageCommand'
    }

    It 'records a detached HEAD' {
        Set-Content -LiteralPath (Join-Path $root '.git/HEAD') -Value '0123456789abcdef0123456789abcdef01234567'
        (Add-TokenUsage -Path $root -Tokens 1 -PassThru).Branch | Should -Be '(HEAD detached at 0123456)'
    }

    It 'rejects <Name> with <Id>' -ForEach @(
        @{ Name = 'a negative count'; Arguments = @{ Tokens = -5 }; Id = 'NegativeValue' }
        @{ Name = 'an unreadable usage line'; Arguments = @{ UsageText = 'lots' }; Id = 'UsageTextUnreadable' }
    ) {
        { Add-TokenUsage -Path $root @Arguments -ErrorAction Stop } |
            Should -Throw -ErrorId "$Id,RlmTokens.Cmdlets.AddTokenUsageCommand"
    }

    It 'leaves the folder untouched with -WhatIf' {
        $before = Get-FolderState $root
        Add-TokenUsage -Path $root -Tokens 5 -WhatIf
        Get-FolderState $root | Should -Be $before
    }
}
