[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are used across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Sync-TokenUsage' {
    BeforeAll {
        $ws = New-TestWorkspace -FromSamples
        Copy-Item -Recurse (Join-Path $SamplesRoot 'transcripts') $ws
        $transcripts = Join-Path $ws 'transcripts'
        $db = Join-Path $ws 'team.db'
    }

    It '-WhatIf leaves the folder unchanged and says what it would add' {
        $before = Get-ChildItem -Recurse -File $ws | ForEach-Object { $_.FullName + '|' + $_.Length + '|' + $_.LastWriteTimeUtc.Ticks }
        $r = Sync-TokenUsage -Ledger $db -Path $ws -TranscriptRoot $transcripts -NoCache -WhatIf
        $after = Get-ChildItem -Recurse -File $ws | ForEach-Object { $_.FullName + '|' + $_.Length + '|' + $_.LastWriteTimeUtc.Ticks }
        $after | Should -Be $before
        ($r | Where-Object Source -EQ Transcript).Added | Should -BeGreaterThan 0
        $r | ForEach-Object { $_.WhatIf | Should -BeTrue }
    }

    It 'adds every row once, and skips them all when run again' {
        $first = Sync-TokenUsage -Ledger $db -Path $ws -TranscriptRoot $transcripts -NoCache -User ann -Machine box-a
        $first | ForEach-Object { $_ | Should -BeOfType ([RlmTokens.LedgerSyncResult]) }
        $again = Sync-TokenUsage -Ledger $db -Path $ws -TranscriptRoot $transcripts -NoCache -User bob -Machine box-b
        ($again | Measure-Object Added -Sum).Sum | Should -Be 0
        ($again | Measure-Object Skipped -Sum).Sum | Should -Be ($first | Measure-Object Added -Sum).Sum
        (Get-TokenUsage -Ledger $db -GroupBy User).User | Should -Be 'ann'
    }

    It 'sums the transcript responses per model as Get-TokenUsage -Transcript does' {
        $ledger = Get-TokenUsage -Ledger $db -Agent claude-code -GroupBy Model | Where-Object Model -NE '(none)'
        $exact = Get-TokenUsage -Transcript -TranscriptRoot $transcripts -NoCache -GroupBy Model
        foreach ($m in $exact) {
            ($ledger | Where-Object Model -EQ $m.Model).TotalTokens | Should -Be $m.TotalTokens
        }
    }

    It 'reports a ledger that is not SQLite as LedgerUnavailable and leaves it alone' {
        $bad = Join-Path $ws 'notes.db'
        'plain text' | Set-Content $bad
        { Sync-TokenUsage -Ledger $bad -Path $ws -Source Log -ErrorAction Stop } | Should -Throw -ErrorId 'LedgerUnavailable,RlmTokens.Cmdlets.SyncTokenUsageCommand'
        Get-Content $bad | Should -Be 'plain text'
    }

    It 'refuses both kinds of ledger at once' {
        { Sync-TokenUsage -Ledger $db -ConnectionString 'Host=127.0.0.1' -Path $ws -ErrorAction Stop } | Should -Throw -ErrorId 'LedgerAmbiguous,RlmTokens.Cmdlets.SyncTokenUsageCommand'
    }

    It 'completes -Source from its enum' {
        $c = TabExpansion2 -inputScript 'Sync-TokenUsage -Source Co' -cursorColumn 'Sync-TokenUsage -Source Co'.Length
        $c.CompletionMatches.CompletionText | Should -Contain 'CostCapture'
    }
}
