[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are used across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Get-TokenUsage -Transcript over Codex CLI, Gemini CLI and OpenCode data' {
    BeforeAll {
        # samples/agents: a home folder with each agent's files; the figures are counted by hand in the
        # Core AgentReaderTests.
        $agents = Join-Path $script:SamplesRoot 'agents'
        $ws = New-TestWorkspace
    }

    It 'gives <Agent> its hand-computed totals' -ForEach @(
        @{ Agent = 'Claude'; Total = 6210; Cost = 0.00828 },
        @{ Agent = 'Codex'; Total = 6150; Cost = 0.014625 },
        @{ Agent = 'Gemini'; Total = 13270; Cost = 0.017005 },
        @{ Agent = 'OpenCode'; Total = 16610; Cost = 0.0235125 }
    ) {
        $row = Get-TokenUsage -Transcript -TranscriptRoot $agents -Agent $Agent -GroupBy Cli -TimeZone UTC -NoCache -Path $ws
        $row.Cli | Should -Be $Agent
        $row.Agents | Should -Be $Agent
        $row.TotalTokens | Should -Be $Total
        [math]::Abs($row.CostUsd - $Cost) | Should -BeLessThan 1e-9
    }

    It 'splits Codex days by model and keeps one session by id' {
        $rows = Get-TokenUsage -Transcript -TranscriptRoot $agents -Agent Codex -Breakdown Model -SessionId '0199aaaa*' -TimeZone UTC -NoCache -Path $ws
        $rows.Breakdown | Should -Be @('gpt-5', 'gpt-5-codex', 'gpt-5-codex')
        ($rows | Measure-Object TotalTokens -Sum).Sum | Should -Be 6000
    }

    It 'shows the active block with its projection against the largest past block' {
        $block = Get-TokenUsage -Transcript -TranscriptRoot $agents -Agent Codex -Active -TokenLimit Max -Now ([DateTimeOffset]'2026-11-21T12:00:00Z') -TimeZone UTC -NoCache -Path $ws
        $block.Start.ToString('yyyy-MM-dd HH:mm') | Should -Be '2026-11-21 08:00'
        $block.IsActive | Should -BeTrue
        $block.MinutesLeft | Should -Be 60
        $block.TokenLimit | Should -Be 4900
        $block.ProjectedTokens | Should -BeGreaterThan $block.TotalTokens
    }

    It 'reports a rollout of an unknown layout as UnknownAgentFormat' {
        $home2 = Join-Path $ws 'home'
        $old = Join-Path $home2 '.codex/sessions/rollout-old.jsonl'
        New-Item -ItemType Directory -Path (Split-Path $old) -Force | Out-Null
        Set-Content -LiteralPath $old -Value '{"id":"x","instructions":null}'
        { Get-TokenUsage -Transcript -TranscriptRoot $home2 -NoCache -Path $ws -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownAgentFormat,RlmTokens.Cmdlets.GetTokenUsageCommand'
    }

    It 'names the days one way only' {
        { Get-TokenUsage -Transcript -TranscriptRoot $agents -Last 3 -Period Today -Path $ws -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConflictingDateRange,RlmTokens.Cmdlets.GetTokenUsageCommand'
    }
}
