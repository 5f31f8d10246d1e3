[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeDiscovery {
    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot '../../module/RlmTokens.psd1')
    $cmdletCases = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $module = Get-Module RlmTokens
}

Describe 'RlmTokens module' {
    It 'has a valid manifest for PowerShell 7.4+ Core' {
        $info = Test-ModuleManifest -Path $script:ModuleManifest
        $info.PowerShellVersion | Should -Be ([version] '7.4')
        $info.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'exports exactly the cmdlets of its manifest' {
        $expected = (Import-PowerShellDataFile -LiteralPath $script:ModuleManifest).CmdletsToExport
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($expected | Sort-Object)
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
    }

    Context '<Name>' -ForEach $cmdletCases {
        It 'uses an approved verb' {
            (Get-Command -Name $Name).Verb | Should -BeIn (Get-Verb).Verb
        }

        It 'has help with a synopsis, a description and at least two examples' {
            $help = Get-Help -Name $Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -Match '^\s*\w+-\w+ \['
            $help.description | Should -Not -BeNullOrEmpty
            @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        }

        It 'documents every parameter' {
            $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
            $documented = @((Get-Help -Name $Name -Full).parameters.parameter.name)
            foreach ($parameter in (Get-Command -Name $Name).Parameters.Keys | Where-Object { $_ -notin $common -or $_ -in 'WhatIf', 'Confirm' }) {
                $parameter | Should -BeIn $documented
            }
        }
    }
}
