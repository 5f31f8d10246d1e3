[System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', '', Justification = 'Variables are shared across Pester blocks.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    function Get-EstimatesJson([string] $Root) {
        Get-Content -LiteralPath (Join-Path $Root 'RLM/progress/token-usage/token-estimates.json') -Raw | ConvertFrom-Json
    }

    function Get-FolderState([string] $Root) {
        Get-ChildItem -LiteralPath $Root -Recurse -Force | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { "$($_.FullName)|dir" } else { "$($_.FullName)|$((Get-FileHash -LiteralPath $_.FullName).Hash)" }
        }
    }
}

Describe 'Add-TokenEstimate' {
    Context 'parameter form' {
        BeforeEach {
            $root = New-TestWorkspace
            Set-Content -LiteralPath (Join-Path $root 'app.cs') -Value ('x' * 400) -NoNewline
        }

        It 'adds a quarter of the file size to the input estimate' {
            $added = Add-TokenEstimate -Path $root -Operation Read -FilePath (Join-Path $root 'app.cs') -PassThru

            $added | Should -BeOfType ([RlmTokens.TokenEstimateRecord])
            $added.InputTokens | Should -Be 100
            $added.Precision | Should -Be 'Estimated'
            (Get-EstimatesJson $root).tokens.input_estimated | Should -Be 100
            (Get-EstimatesJson $root).operations.files_read | Should -Be 1
        }

        It 'counts a subagent by its type, split 60/40' {
            $added = Add-TokenEstimate -Path $root -Operation Subagent -SubagentType reviewer -PassThru

            $added.TotalTokens | Should -Be 6000
            $added.InputTokens | Should -Be 3600
            $added.OutputTokens | Should -Be 2400
        }

        It 'writes nothing without -PassThru' {
            Add-TokenEstimate -Path $root -Operation Tool -ToolName Bash | Should -BeNullOrEmpty
            (Get-EstimatesJson $root).tokens.input_estimated | Should -Be 50
        }

        It 'binds parameters by property name from the pipeline' {
            $ops = @(
                [pscustomobject] @{ Operation = 'Write'; FilePath = 'a.md'; FileSize = 40 }
                [pscustomobject] @{ Operation = 'Tool'; ToolName = 'Grep' }
            )
            $added = $ops | Add-TokenEstimate -Path $root -PassThru

            $added.Count | Should -Be 2
            (Get-EstimatesJson $root).operations.tool_calls | Should -Be 1
        }

        It 'rejects the Unknown operation with ParameterArgumentValidationError' {
            { Add-TokenEstimate -Path $root -Operation Unknown -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,RlmTokens.Cmdlets.AddTokenEstimateCommand'
        }

        It 'reports a missing workspace with WorkspaceNotFound' {
            { Add-TokenEstimate -Path (Join-Path $root 'missing') -Operation Tool -ErrorAction Stop } |
                Should -Throw -ErrorId 'WorkspaceNotFound,RlmTokens.Cmdlets.AddTokenEstimateCommand'
        }

        It 'leaves the folder untouched with -WhatIf' {
            $before = Get-FolderState $root
            Add-TokenEstimate -Path $root -Operation Read -FilePath (Join-Path $root 'app.cs') -WhatIf
            Get-FolderState $root | Should -Be $before
        }
    }

    Context 'hook form' {
        BeforeEach {
            $root = New-TestWorkspace
        }

        It 'estimates from a PostToolUse document on the pipeline' {
            $hook = @{ session_id = 's-1'; cwd = $root; hook_event_name = 'PostToolUse'; tool_name = 'Write'
                tool_input = @{ file_path = 'y.txt'; content = ('a' * 80) } } | ConvertTo-Json
            $hook | Add-TokenEstimate

            $json = Get-EstimatesJson $root
            $json.tokens.output_estimated | Should -Be 20
            $json.by_operation[0].session_id | Should -Be 's-1'
        }

        It 'accepts a document that arrives line by line' {
            $lines = (@{ session_id = 's-2'; cwd = $root; tool_name = 'Bash'; tool_input = @{ command = 'ls' } } | ConvertTo-Json) -split "`n"
            $lines | Add-TokenEstimate
            (Get-EstimatesJson $root).operations.tool_calls | Should -Be 1
        }

        It 'reports a document that is not JSON with InvalidHookInput' {
            { 'not json' | Add-TokenEstimate -Path $root -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidHookInput,RlmTokens.Cmdlets.AddTokenEstimateCommand'
        }
    }
}
