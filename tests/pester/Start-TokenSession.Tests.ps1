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

Describe 'Start-TokenSession' {
    It 'creates current-session.json named after the start time' {
        $root = New-TestWorkspace
        $r = Start-TokenSession -Path $root -StartedAt '2026-11-24T08:00:00Z' -PassThru

        $r | Should -BeOfType ([RlmTokens.TokenSessionRecord])
        # Stamped in the machine's zone, as RLM's scripts do.
        $expected = 'SESSION-' + ([datetimeoffset] '2026-11-24T08:00:00Z').ToLocalTime().ToString('yyyy-MM-dd-HHmmss', [cultureinfo]::InvariantCulture)
        $r.SessionId | Should -Be $expected
        $json = Get-Content -LiteralPath (Join-Path $root 'RLM/progress/token-usage/current-session.json') -Raw | ConvertFrom-Json
        $json.session_id | Should -Be $expected
    }

    It 'records the Claude Code session id from a SessionStart document' {
        $root = New-TestWorkspace
        $r = (@{ session_id = 'c-7'; source = 'startup'; cwd = $root; hook_event_name = 'SessionStart' } | ConvertTo-Json) | Start-TokenSession -PassThru
        $r.ClaudeSessionId | Should -Be 'c-7'
    }

    It 'refuses a session id that is already open with SessionAlreadyOpen and changes nothing' {
        $root = New-TestWorkspace -FromSamples
        $before = Get-FolderState $root
        { Start-TokenSession -Path $root -SessionId SESSION-2026-11-23-091500 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionAlreadyOpen,RlmTokens.Cmdlets.StartTokenSessionCommand'
        Get-FolderState $root | Should -Be $before
    }

    It 'opens a second session beside the open one, superseding nothing' {
        $root = New-TestWorkspace -FromSamples
        $new = Start-TokenSession -Path $root -StartedAt '2026-11-23T10:00:00Z' -PassThru
        $new.SessionId | Should -Not -Be 'SESSION-2026-11-23-091500'
        @(Get-TokenUsage -Path $root).SessionId | Should -Contain 'SESSION-2026-11-23-091500'
        @(Get-TokenUsage -Path $root).SessionId | Should -Contain $new.SessionId
        Test-Path (Join-Path $root 'RLM/progress/token-usage/SESSION-2026-11-23-091500.json') | Should -BeFalse
    }

    It 'leaves the folder untouched with -WhatIf' {
        $root = New-TestWorkspace
        $before = Get-FolderState $root
        Start-TokenSession -Path $root -WhatIf
        Get-FolderState $root | Should -Be $before
    }
}
