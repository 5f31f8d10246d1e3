[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are used across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Get-TokenUsage -Transcript' {
    BeforeAll {
        $transcripts = Join-Path $script:SamplesRoot 'transcripts'
        $manifest = Get-Content (Join-Path $transcripts 'manifest.json') -Raw | ConvertFrom-Json
        $ws = New-TestWorkspace
    }

    It 'gives per-day totals equal to the generator manifest' {
        $rows = Get-TokenUsage -Transcript -TranscriptRoot $transcripts -TimeZone UTC -NoCache -Path $ws
        $rows | ForEach-Object { $_ | Should -BeOfType ([RlmTokens.TranscriptUsageRow]) }
        foreach ($row in $rows) {
            $expected = $manifest.expected.days.([string]$row.Date)
            $row.OutputTokens | Should -Be $expected.output
            $row.CacheReadTokens | Should -Be $expected.cacheRead
            $row.CacheCreationTokens | Should -Be $expected.cacheCreation
            [math]::Abs($row.CostUsd - $expected.cost) | Should -BeLessThan 1e-9
            $row.Precision | Should -Be 'Exact'
        }
        @($rows).Count | Should -Be @($manifest.expected.days.PSObject.Properties).Count
    }

    It 'groups by <GroupBy>' -ForEach @(
        @{ GroupBy = 'Model' }, @{ GroupBy = 'Session' }, @{ GroupBy = 'Project' }, @{ GroupBy = 'Block' },
        @{ GroupBy = 'Week' }, @{ GroupBy = 'Month' }, @{ GroupBy = 'Agent' }, @{ GroupBy = 'Branch' }
    ) {
        $rows = Get-TokenUsage -Transcript -TranscriptRoot $transcripts -GroupBy $GroupBy -NoCache -Path $ws
        ($rows | Measure-Object TotalTokens -Sum).Sum | Should -Be $manifest.expected.totals.totalTokens
        $rows[0].GroupBy | Should -Be $GroupBy
    }

    It 'filters by project and exports flat CSV rows' {
        $csv = Join-Path $ws 'usage.csv'
        Get-TokenUsage -Transcript -TranscriptRoot $transcripts -Project '*acme-api' -GroupBy Project -NoCache -Path $ws |
            Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = Import-Csv -LiteralPath $csv
        @($back).Count | Should -Be 1
        $back.Project | Should -Be '-home-dev-work-acme-api'
        $back.PSObject.Properties.Name | Should -Contain 'CacheReadTokens'
    }

    It 'answers a second run from the cache folder' {
        $cache = Join-Path $ws 'cache'
        $first = Get-TokenUsage -Transcript -TranscriptRoot $transcripts -CacheFolder $cache -TimeZone UTC -Path $ws
        $second = Get-TokenUsage -Transcript -TranscriptRoot $transcripts -CacheFolder $cache -TimeZone UTC -Path $ws -Verbose 4>&1
        (($second | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join ' ') | Should -Match 'answered from the cache'
        ($second | Where-Object { $_ -is [RlmTokens.TranscriptUsageRow] }).TotalTokens | Should -Be $first.TotalTokens
    }

    It 'rejects an unknown time zone with UnknownTimeZone' {
        { Get-TokenUsage -Transcript -TranscriptRoot $transcripts -TimeZone 'Nowhere/Never' -Path $ws -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownTimeZone,RlmTokens.Cmdlets.GetTokenUsageCommand'
    }

    It 'rejects grouping by Tool with GroupingNotSupported' {
        { Get-TokenUsage -Transcript -TranscriptRoot $transcripts -GroupBy Tool -Path $ws -ErrorAction Stop } |
            Should -Throw -ErrorId 'GroupingNotSupported,RlmTokens.Cmdlets.GetTokenUsageCommand'
    }
}
