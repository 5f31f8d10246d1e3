[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:SampleSession = '0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee'
    $script:Transcripts = Join-Path $script:SamplesRoot 'transcripts'
    $script:Status = @{
        session_id = $script:SampleSession
        transcript_path = Join-Path $script:Transcripts "$($script:SampleSession).jsonl"
        model = @{ id = 'claude-sonnet-4-6'; display_name = 'Sonnet 4.6' }
        cost = @{ total_cost_usd = 0.05 }
    } | ConvertTo-Json -Depth 3
}

Describe 'Show-TokenStatusLine' {
    It 'prints one line with the figures Get-TokenUsage -Transcript gives' {
        $root = New-TestWorkspace
        $line = $script:Status | Show-TokenStatusLine -Path $root -TranscriptRoot $script:Transcripts -NoCache -TimeZone UTC -Now 2026-09-29T15:00:00Z -Color Never
        $s = $script:Status | Show-TokenStatusLine -Path $root -TranscriptRoot $script:Transcripts -NoCache -TimeZone UTC -Now 2026-09-29T15:00:00Z -AsObject
        $day = Get-TokenUsage -Transcript -TranscriptRoot $script:Transcripts -NoCache -TimeZone UTC | Where-Object Date -EQ '2026-09-29'
        $block = Get-TokenUsage -Transcript -TranscriptRoot $script:Transcripts -NoCache -TimeZone UTC -GroupBy Block | Select-Object -Last 1
        $line | Should -BeOfType [string]
        $line | Should -Be $s.Line
        $s.TodayCostUsd | Should -BeExactly $day.CostUsd
        $s.BlockCostUsd | Should -BeExactly $block.CostUsd
        $s.BlockTimeLeft | Should -Be ([timespan]::FromHours(4))
        $s.Problem | Should -BeNullOrEmpty
    }

    It 'prints the fallback line for <Name> and writes no error' -ForEach @(
        @{ Name = 'empty input'; Text = ''; Expected = 'Claude | no status input' }
        @{ Name = 'garbage'; Text = '{ nope'; Expected = 'Claude | no status input' }
        @{ Name = 'a missing transcript'; Text = '{"model":{"display_name":"Opus"},"transcript_path":"/nonexistent/x.jsonl"}'; Expected = 'Opus | no transcript yet' }
    ) {
        $errors = $null
        $line = $Text | Show-TokenStatusLine -NoCache -ErrorVariable errors
        $line | Should -Be $Expected
        $errors | Should -BeNullOrEmpty
    }
}
