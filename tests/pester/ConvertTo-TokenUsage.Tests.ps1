[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'ConvertTo-TokenUsage' {
    BeforeAll {
        $root = New-TestWorkspace -FromSamples
        Push-Location -LiteralPath $root
        $week = Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22
    }
    AfterAll { Pop-Location }

    It 'returns the Markdown text Export-TokenUsage writes' {
        $text = $week | ConvertTo-TokenUsage -Format Markdown -Title Week
        $week | Export-TokenUsage -Path week.md -Title Week
        $text | Should -HaveCount 1
        $text | Should -BeOfType [string]
        $text | Should -Match '^## Week'
        $text | Should -Match '\| \*\*Total\*\* \(7 rows\) \|'
        $text | Should -BeExactly (Get-Content -LiteralPath week.md -Raw).TrimEnd("`n")
    }

    It 'returns CSV lines that Import-Csv reads back' {
        $lines = $week | ConvertTo-TokenUsage -Format Csv
        $lines | Should -HaveCount 8
        $back = $lines | ConvertFrom-Csv
        $back[-1].CostUsd | Should -Be '9.33'
        $back.Date | Should -Be ($week | ForEach-Object { $_.Date.ToString('yyyy-MM-dd') })
    }

    It 'returns one JSON object per line with -Format Jsonl' {
        $lines = $week | ConvertTo-TokenUsage -Format Jsonl
        $lines | Should -HaveCount 7
        ($lines | ForEach-Object { ($_ | ConvertFrom-Json).TotalTokens }) | Should -Be $week.TotalTokens
    }

    It 'appends to an extensionless job summary through Add-Content' {
        Set-Content -LiteralPath step_summary -Value '# Job'
        $week | ConvertTo-TokenUsage | Add-Content -LiteralPath step_summary
        Get-Content -LiteralPath step_summary -Raw | Should -Match '(?s)^# Job\r?\n## Token usage'
    }

    It 'warns on an empty pipeline and returns nothing' {
        $out = @() | ConvertTo-TokenUsage -WarningVariable w -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $w | Should -HaveCount 1
    }
}

Describe 'Export-TokenUsage file parameters' {
    BeforeAll {
        $root = New-TestWorkspace -FromSamples
        $elsewhere = New-TestWorkspace
        Push-Location -LiteralPath $elsewhere
    }
    AfterAll { Pop-Location }

    It 'writes the file named by -Path, as Export-Csv does' {
        Get-TokenUsage -History -Path $root -Since 2026-11-16 -Until 2026-11-22 | Export-TokenUsage -Path x.csv
        Import-Csv -LiteralPath x.csv | Should -HaveCount 7
    }

    It 'exports the workspace named by -WorkspaceRoot without a warning' {
        Export-TokenUsage -LiteralPath new.csv -WorkspaceRoot $root -WarningVariable w
        $w | Should -BeNullOrEmpty
        Import-Csv -LiteralPath new.csv | Should -HaveCount 7
    }

    It 'still takes the deprecated spelling, with a warning naming -WorkspaceRoot' {
        Export-TokenUsage -Path $root -LiteralPath old.csv -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -HaveCount 1
        "$w" | Should -Match 'deprecated'
        "$w" | Should -Match '-WorkspaceRoot'
        Import-Csv -LiteralPath old.csv | Should -HaveCount 7
    }

    It 'asks for -Format when appending to a file without an extension' {
        { Get-TokenUsage -History -Path $root -Since 2026-11-22 -Until 2026-11-22 | Export-TokenUsage -Path summary -Append -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownExportFormat,RlmTokens.Cmdlets.ExportTokenUsageCommand'
        Get-TokenUsage -History -Path $root -Since 2026-11-22 -Until 2026-11-22 | Export-TokenUsage -Path summary -Append -Format Markdown
        Get-Content -LiteralPath summary -Raw | Should -Match '^## Token usage'
    }
}
