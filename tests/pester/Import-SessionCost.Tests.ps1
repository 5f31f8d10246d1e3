[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Transcript = Join-Path $script:SamplesRoot 'transcripts/0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee.jsonl'

    function Get-TokenJson([string] $Root, [string] $Name) {
        Get-Content -LiteralPath (Join-Path $Root "RLM/progress/token-usage/$Name") -Raw | ConvertFrom-Json
    }

    function Get-FolderState([string] $Root) {
        Get-ChildItem -LiteralPath $Root -Recurse -Force | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { "$($_.FullName)|dir" } else { "$($_.FullName)|$((Get-FileHash -LiteralPath $_.FullName).Hash)" }
        }
    }
}

Describe 'Import-SessionCost' {
    Context '/cost text' {
        BeforeEach {
            $root = New-TestWorkspace -FromSamples
        }

        It 'reads the classic block with compound durations' {
            $r = Import-SessionCost -Path $root -LiteralPath (Join-Path $script:SamplesRoot 'cost/classic.txt') -SessionId S-1 -CapturedAt '2026-11-23T12:00:00Z' -PassThru

            $r | Should -BeOfType ([RlmTokens.SessionCostRecord])
            $r.CostUsd | Should -Be 0.55
            $r.WallDurationSeconds | Should -Be 23590.2
            $r.LinesAdded | Should -Be 12
            (Get-TokenJson $root 'cost-S-1.json').parsed.api_duration_seconds | Should -Be 379.7
        }

        It 'keeps per-model tokens of the newer block' {
            $r = Get-Content -LiteralPath (Join-Path $script:SamplesRoot 'cost/per-model.txt') |
                Import-SessionCost -Path $root -SessionId S-2 -CapturedAt '2026-11-23T12:00:00Z' -PassThru

            $r.CostUsd | Should -Be 1234.56
            $r.CacheReadTokens | Should -Be 940000
            $models = (Get-TokenJson $root 'cost-S-2.json').models
            ($models | Where-Object model -EQ 'claude-sonnet-4-6').cache_write_tokens | Should -Be 50000
        }

        It 'leaves the daily totals unchanged when a session is imported twice' {
            1..2 | ForEach-Object {
                Import-SessionCost -Path $root -CostOutput 'Total cost: $3.95' -SessionId SESSION-2026-11-22-124012 -CapturedAt '2026-11-22T13:00:00Z'
            }
            $totals = (Get-TokenJson $root 'daily-2026-11-22.json').totals
            $totals.sessions_count | Should -Be 2
            $totals.total_cost_usd | Should -Be 9.33
        }

        It 'rejects <Name> with <Id> and writes nothing' -ForEach @(
            @{ Name = 'empty output'; Text = ' '; Id = 'CostOutputEmpty' }
            @{ Name = 'text without a total'; Text = 'Total duration (API): 1s'; Id = 'CostTotalMissing' }
            @{ Name = 'a total that is no amount'; Text = 'Total cost: soon'; Id = 'InvalidCostValue' }
            @{ Name = 'two different totals'; Text = "Total cost: `$1`nTotal cost: `$2"; Id = 'ConflictingCostTotals' }
        ) {
            $before = Get-FolderState $root
            { Import-SessionCost -Path $root -CostOutput $Text -ErrorAction Stop } |
                Should -Throw -ErrorId "$Id,RlmTokens.Cmdlets.ImportSessionCostCommand"
            Get-FolderState $root | Should -Be $before
        }

        It 'warns about a garbled duration and still captures' {
            Import-SessionCost -Path $root -CostOutput "Total cost: `$0.10`nTotal duration (wall): ages" -SessionId S-3 -WarningVariable w -WarningAction SilentlyContinue
            $w.Count | Should -Be 1
            Test-Path (Join-Path $root 'RLM/progress/token-usage/cost-S-3.json') | Should -BeTrue
        }

        It 'leaves the folder untouched with -WhatIf' {
            $before = Get-FolderState $root
            Import-SessionCost -Path $root -CostOutput 'Total cost: $1' -WhatIf
            Get-FolderState $root | Should -Be $before
        }
    }

    Context 'transcript and hook form' {
        BeforeEach {
            $root = New-TestWorkspace
        }

        It 'counts a transcript exactly, duplicates once' {
            $r = Import-SessionCost -Path $root -TranscriptPath $script:Transcript -SessionId S-T -PassThru
            $r.Precision | Should -Be 'Exact'
            $r.InputTokens | Should -Be 411
            $r.OutputTokens | Should -Be 102
        }

        It 'imports from a SessionEnd document on the pipeline' {
            $hook = @{ session_id = '0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee'; transcript_path = $script:Transcript; cwd = $root; hook_event_name = 'SessionEnd'; reason = 'logout' } | ConvertTo-Json
            $hook | Import-SessionCost

            # Booked under the session's RLM id (RLM's file names), with Claude Code's id inside.
            $cost = Get-ChildItem -LiteralPath (Join-Path $root 'RLM/progress/token-usage') -Filter 'cost-SESSION-*.json' |
                ForEach-Object { Get-Content -LiteralPath $_.FullName -Raw | ConvertFrom-Json } |
                Where-Object claude_session_id -EQ '0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee'
            @($cost).Count | Should -Be 1
            $cost.precision | Should -Be 'exact'
            ($cost.models | Where-Object model -EQ 'claude-sonnet-4-6').input_tokens | Should -Be 111
        }

        It 'reports a hook document without transcript_path with InvalidHookInput' {
            { '{"session_id":"x"}' | Import-SessionCost -Path $root -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidHookInput,RlmTokens.Cmdlets.ImportSessionCostCommand'
        }
    }
}
