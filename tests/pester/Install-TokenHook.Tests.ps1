[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Fixtures = Join-Path $PSScriptRoot '../unit/RlmTokens.Cmdlets.Tests/Fixtures'

    function New-HookWorkspace {
        $root = New-TestWorkspace
        New-Item -ItemType Directory -Path (Join-Path $root '.claude/hooks') -Force | Out-Null
        Copy-Item -LiteralPath (Join-Path $script:Fixtures 'rlm-hooks.json') -Destination (Join-Path $root '.claude/hooks/hooks.json')
        Copy-Item -LiteralPath (Join-Path $script:Fixtures 'claude-settings.json') -Destination (Join-Path $root '.claude/settings.json')
        $root
    }

    function Get-FolderState([string] $Root) {
        Get-ChildItem -LiteralPath $Root -Recurse -Force | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { "$($_.FullName)|dir" } else { "$($_.FullName)|$((Get-FileHash -LiteralPath $_.FullName).Hash)" }
        }
    }
}

Describe 'Install-TokenHook' {
    BeforeEach {
        $root = New-HookWorkspace
        $hooksFile = Join-Path $root '.claude/hooks/hooks.json'
    }

    It 'replaces the RLM script calls and adds the missing tools, sources and events' {
        $changes = Install-TokenHook -Path $root -PassThru

        $changes | ForEach-Object { $_ | Should -BeOfType ([RlmTokens.TokenHookChange]) }
        @($changes | Where-Object Action -EQ 'Replaced').Count | Should -Be 6
        @($changes | Where-Object Action -EQ 'Added').Event | Should -Be @('PostToolUse', 'PreCompact', 'SessionStart', 'Stop', 'SessionEnd')
        $json = Get-Content -LiteralPath $hooksFile -Raw | ConvertFrom-Json
        $json.hooks.PreCompact.matcher | Should -Be @('auto', 'manual')
        $json.hooks.SessionEnd.hooks.command | Should -Match 'Stop-TokenSession'
        $json.hooks.Stop.hooks.command | Should -Not -Match 'session-end\.ps1'
        ($json.hooks.Stop.hooks.command -join "`n") | Should -Match 'Update-TokenSession'
        Get-Content -LiteralPath $hooksFile -Raw | Should -Not -Match 'estimate-tokens\.ps1'
    }

    It 'keeps a backup of each changed file and leaves unrelated files alone' {
        $settingsBefore = (Get-FileHash -LiteralPath (Join-Path $root '.claude/settings.json')).Hash
        $hooksBefore = (Get-FileHash -LiteralPath $hooksFile).Hash

        $changes = Install-TokenHook -Path $root -PassThru

        $backup = @($changes.BackupPath | Select-Object -Unique)
        $backup.Count | Should -Be 1
        (Get-FileHash -LiteralPath $backup[0]).Hash | Should -Be $hooksBefore
        (Get-FileHash -LiteralPath (Join-Path $root '.claude/settings.json')).Hash | Should -Be $settingsBefore
    }

    It 'leaves the folder untouched with -WhatIf' {
        $before = Get-FolderState $root
        Install-TokenHook -Path $root -WhatIf
        Get-FolderState $root | Should -Be $before
    }

    It 'changes nothing when run twice' {
        Install-TokenHook -Path $root
        $before = Get-FolderState $root
        Install-TokenHook -Path $root -PassThru | Should -BeNullOrEmpty
        Get-FolderState $root | Should -Be $before
    }

    It 'reports a settings file that is not JSON with CorruptDataFile' {
        Set-Content -LiteralPath (Join-Path $root '.claude/settings.json') -Value '{ oops'
        { Install-TokenHook -Path $root -ErrorAction Stop } |
            Should -Throw -ErrorId 'CorruptDataFile,RlmTokens.Cmdlets.InstallTokenHookCommand'
    }
}

Describe 'Uninstall-TokenHook' {
    BeforeEach {
        $root = New-HookWorkspace
        $hooksFile = Join-Path $root '.claude/hooks/hooks.json'
    }

    It 'restores the hooks file byte for byte' {
        $original = (Get-FileHash -LiteralPath $hooksFile).Hash
        Install-TokenHook -Path $root

        $undone = Uninstall-TokenHook -Path $root -PassThru

        @($undone).Count | Should -Be 12
        (Get-FileHash -LiteralPath $hooksFile).Hash | Should -Be $original
        Join-Path $root '.claude/rlmtokens-hooks.json' | Should -Not -Exist
    }

    It 'leaves the folder untouched with -WhatIf' {
        Install-TokenHook -Path $root
        $before = Get-FolderState $root
        Uninstall-TokenHook -Path $root -WhatIf
        Get-FolderState $root | Should -Be $before
    }

    It 'does nothing where nothing was installed' {
        $before = Get-FolderState $root
        Uninstall-TokenHook -Path $root -PassThru | Should -BeNullOrEmpty
        Get-FolderState $root | Should -Be $before
    }

    It 'reports a missing workspace with WorkspaceNotFound' {
        { Uninstall-TokenHook -Path (Join-Path $root 'missing') -ErrorAction Stop } |
            Should -Throw -ErrorId 'WorkspaceNotFound,RlmTokens.Cmdlets.UninstallTokenHookCommand'
    }
}
