[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Measure-TokenUsage' {
    BeforeAll {
        $root = New-TestWorkspace -FromSamples
        Push-Location -LiteralPath $root
        $week = Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22
    }
    AfterAll { Pop-Location }

    It 'sums the week into one total object' {
        $total = $week | Measure-TokenUsage
        $total | Should -BeOfType ([RlmTokens.TokenUsageTotal])
        $total.RowCount | Should -Be 7
        $total.TotalTokens | Should -Be ($week | Measure-Object TotalTokens -Sum).Sum
        $total.CostUsd | Should -BeOfType ([decimal])
        [math]::Round($total.CostUsd, 2) | Should -Be 38.28
        $total.Precision | Should -Be 'Estimated'
    }

    It 'shows the total under a Total heading within 80 columns' {
        $text = $week | Measure-TokenUsage | Out-String -Width 80
        $text | Should -Match 'Total: 7 rows'
        $text | Should -Match '4,253,333'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'refuses an object without TotalTokens with NotAUsageRow' {
        { [pscustomobject]@{ Used = 1 } | Measure-TokenUsage -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAUsageRow,RlmTokens.Cmdlets.MeasureTokenUsageCommand'
    }
}

Describe 'Output views' {
    BeforeAll {
        $root = New-TestWorkspace -FromSamples
        Push-Location -LiteralPath $root
    }
    AfterAll { Pop-Location }

    It 'sorts and filters days by the Date the table shows' {
        $days = Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Where-Object Date -ge '2026-11-20' | Sort-Object Date -Descending
        $days.Date.ForEach({ "$_" }) | Should -Be @('2026-11-22', '2026-11-21', '2026-11-20')
    }

    It 'writes ISO days to CSV in the de-DE culture' {
        $csv = Join-Path $root 'days.csv'
        $culture = [System.Threading.Thread]::CurrentThread.CurrentCulture
        try {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = 'de-DE'
            Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Export-Csv -LiteralPath $csv
        }
        finally { [System.Threading.Thread]::CurrentThread.CurrentCulture = $culture }
        (Import-Csv -LiteralPath $csv)[0].Date | Should -Be '2026-11-16'
    }
}
