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

Describe 'Stop-TokenSession' {
    BeforeEach {
        $root = New-TestWorkspace -FromSamples
        $folder = Join-Path $root 'RLM/progress/token-usage'
    }

    It 'archives the session, folds its estimate into the day and clears it' {
        $r = Stop-TokenSession -Path $root -Reason done -EndedAt '2026-11-23T10:45:00Z' -PassThru

        $r.DurationMinutes | Should -Be 90
        $r.TotalTokens | Should -Be 25473
        Test-Path (Join-Path $folder 'current-session.json') | Should -BeFalse
        Test-Path (Join-Path $folder 'token-estimates.json') | Should -BeFalse
        $archive = Get-Content -LiteralPath (Join-Path $folder 'SESSION-2026-11-23-091500.json') -Raw | ConvertFrom-Json
        $archive.end_reason | Should -Be 'done'
        $archive.token_estimate.tokens.total_estimated | Should -Be 25473
        (Get-Content -LiteralPath (Join-Path $folder 'daily-2026-11-23.json') -Raw | ConvertFrom-Json).totals.estimated_tokens | Should -Be 25473
    }

    It 'closes from a SessionEnd document' {
        $hook = @{ session_id = '0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee'; reason = 'logout'; cwd = $root; hook_event_name = 'SessionEnd' } | ConvertTo-Json
        $r = $hook | Stop-TokenSession -PassThru
        $r.Reason | Should -Be 'logout'
        $r.IsOpen | Should -BeFalse
    }

    It 'refuses a session id that is not open with NoOpenSession and closes nothing' {
        { Stop-TokenSession -Path $root -SessionId SESSION-OTHER -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoOpenSession,RlmTokens.Cmdlets.StopTokenSessionCommand'
        Test-Path (Join-Path $folder 'current-session.json') | Should -BeTrue
    }

    It 'reports NoOpenSession when nothing is open' {
        Stop-TokenSession -Path $root
        { Stop-TokenSession -Path $root -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoOpenSession,RlmTokens.Cmdlets.StopTokenSessionCommand'
    }

    It 'leaves the folder untouched with -WhatIf' {
        $before = Get-FolderState $root
        Stop-TokenSession -Path $root -WhatIf
        Get-FolderState $root | Should -Be $before
    }
}
