[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Transcript = Join-Path $script:SamplesRoot 'transcripts/0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee.jsonl'

    function Get-FolderState([string] $Root) {
        Get-ChildItem -LiteralPath $Root -Recurse -Force | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { "$($_.FullName)|dir" } else { "$($_.FullName)|$((Get-FileHash -LiteralPath $_.FullName).Hash)" }
        }
    }
}

Describe 'Register-CompactEvent' {
    BeforeEach {
        $root = New-TestWorkspace -FromSamples
        $events = Join-Path $root 'RLM/progress/token-usage/compact-events.json'
    }

    It 'records a manual PreCompact document and writes an array' {
        $hook = @{ session_id = 'c-1'; transcript_path = $script:Transcript; cwd = $root; hook_event_name = 'PreCompact'; trigger = 'manual'; custom_instructions = 'keep notes' } | ConvertTo-Json
        $r = $hook | Register-CompactEvent -Timestamp '2026-11-23T11:00:00Z' -PassThru

        $r.Trigger | Should -Be 'Manual'
        $r.ContextTokens | Should -Be 3101
        (Get-Content -LiteralPath $events -Raw).TrimStart([char]0xFEFF).TrimStart().StartsWith('[') | Should -BeTrue
        $json = Get-Content -LiteralPath $events -Raw | ConvertFrom-Json
        $json.Count | Should -Be 2
        $json[1].reason | Should -Be 'manual'
        Get-Content -LiteralPath (Join-Path $root 'RLM/progress/logs/2026-11-23.md') -Raw | Should -Match 'Trigger\*\*: manual'
    }

    It 'records an automatic compaction from parameters' {
        $r = Register-CompactEvent -Path $root -Trigger Auto -PassThru
        $r.Trigger | Should -Be 'Auto'
        $r.SessionId | Should -Be 'SESSION-2026-11-23-091500'
        $r.EventCount | Should -Be 2
    }

    It 'rejects -Trigger Unknown with UnknownTrigger' {
        { Register-CompactEvent -Path $root -Trigger Unknown -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownTrigger,RlmTokens.Cmdlets.RegisterCompactEventCommand'
    }

    It 'reports a document that is not JSON with InvalidHookInput' {
        { 'trigger=manual' | Register-CompactEvent -Path $root -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidHookInput,RlmTokens.Cmdlets.RegisterCompactEventCommand'
    }

    It 'leaves the folder untouched with -WhatIf' {
        $before = Get-FolderState $root
        Register-CompactEvent -Path $root -Trigger Manual -WhatIf
        Get-FolderState $root | Should -Be $before
    }
}
