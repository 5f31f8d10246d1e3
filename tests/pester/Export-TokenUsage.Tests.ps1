[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Export-TokenUsage' {
    BeforeAll {
        $root = New-TestWorkspace -FromSamples
        Push-Location -LiteralPath $root
    }
    AfterAll { Pop-Location }

    It 'writes the same columns as Export-Csv' {
        Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Export-TokenUsage usage.csv
        Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Export-Csv -LiteralPath ps.csv -NoTypeInformation
        $ours = Import-Csv -LiteralPath usage.csv
        $theirs = Import-Csv -LiteralPath ps.csv
        $ours[0].psobject.Properties.Name | Should -Be $theirs[0].psobject.Properties.Name
        $ours | Should -HaveCount 7
        $ours[-1].CostUsd | Should -Be '9.33'
    }

    It 'round-trips JSON' {
        $days = Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22
        $days | Export-TokenUsage usage.json
        $back = Get-Content -LiteralPath usage.json -Raw | ConvertFrom-Json
        $back | Should -HaveCount 7
        $back[0].TotalTokens | Should -Be $days[0].TotalTokens
        $back[0].CostUsd | Should -Be $days[0].CostUsd
    }

    It 'writes a Markdown table with a totals row, appending sections' {
        Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Export-TokenUsage summary.md -Title Week
        Get-TokenUsage -History -Since 2026-11-22 -Until 2026-11-22 | Export-TokenUsage summary.md -Append -Title Day
        $lines = Get-Content -LiteralPath summary.md
        $lines[0] | Should -Be '## Week'
        $lines | Should -Contain '| **Total** (7 rows) | **15** | **4253333** | **38.28** |  |  |'
        $lines[-1] | Should -Be '| **Total** (1 row) | **2** | **1036667** | **9.33** |  |  |'
    }

    It 'refuses to replace a file with -NoClobber' {
        Set-Content -LiteralPath keep.csv -Value 'keep'
        { Export-TokenUsage keep.csv -NoClobber -ErrorAction Stop } | Should -Throw -ErrorId 'ExportFileExists,RlmTokens.Cmdlets.ExportTokenUsageCommand'
        Get-Content -LiteralPath keep.csv | Should -Be 'keep'
    }

    It 'writes nothing with -WhatIf' {
        Export-TokenUsage whatif.csv -WhatIf
        Test-Path -LiteralPath whatif.csv | Should -BeFalse
    }

    It 'returns the file with -PassThru' {
        $file = Export-TokenUsage all.jsonl -PassThru
        $file | Should -BeOfType System.IO.FileInfo
        Get-Content -LiteralPath $file.FullName | Should -HaveCount 7
    }
}
