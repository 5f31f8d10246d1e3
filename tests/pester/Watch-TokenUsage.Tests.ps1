[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are used across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Watch-TokenUsage' {
    BeforeAll {
        $ws = New-TestWorkspace
        $transcripts = Join-Path $script:SamplesRoot 'transcripts'
        $common = @{ Once = $true; Now = '2026-09-29T09:30:00Z'; TranscriptRoot = $transcripts; TimeZone = 'UTC'; NoCache = $true; Path = $ws }
    }

    It 'writes one frame whose block equals the Block report row' {
        $frame = Watch-TokenUsage -Plan Max20 @common
        $frame | Should -BeOfType ([RlmTokens.TokenMonitorFrame])
        $block = Get-TokenUsage -Transcript -GroupBy Block -TranscriptRoot $transcripts -TimeZone UTC -NoCache -Path $ws |
            Where-Object { $_.Start.ToString('yyyy-MM-dd HH:mm') -eq '2026-09-29 06:00' }
        $frame.BlockTokens | Should -Be $block.TotalTokens
        $frame.TokenLimit | Should -Be 220000
        $frame.LimitExceeded | Should -BeTrue
    }

    It 'learns the limit from past blocks' {
        $later = $common.Clone()
        $later.Now = '2026-09-29T16:00:00Z'
        $frame = Watch-TokenUsage @later
        $frame.LimitSource | Should -Be 'Learned'
        $frame.TokenLimit | Should -Be 763830
    }

    It 'refuses Custom without -TokenLimit' {
        { Watch-TokenUsage -Plan Custom @common -ErrorAction Stop } | Should -Throw -ErrorId 'TokenLimitRequired,RlmTokens.Cmdlets.WatchTokenUsageCommand'
    }
}
