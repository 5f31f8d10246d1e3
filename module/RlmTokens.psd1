@{
    RootModule           = 'RlmTokens.Cmdlets.dll'
    # Stamped from Directory.Build.props when the module is staged (module/Module.targets).
    ModuleVersion        = '0.1.0'
    GUID                 = '6d3c8f0e-2b7a-4c1e-9a55-3f1e7b2d9c41'
    Author               = 'RlmTokens contributors'
    CompanyName          = 'RlmTokens'
    Copyright            = '(c) RlmTokens contributors. MIT License.'
    Description          = 'Tracks the tokens and money AI coding agents spend: RLM token-usage files, Claude Code hook input and transcripts, budgets and reports, as typed PowerShell objects.'
    # Only PowerShell 7.4+ is claimed: no Windows PowerShell 5.1 job runs yet (STYLE.md section 1).
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('RlmTokens.format.ps1xml')
    # ProjectUri and HelpInfoURI are stamped from Directory.Build.props's ProjectUri when the module is staged.
    HelpInfoURI          = 'https://github.com/rlmtokens/RlmTokens/releases/latest/download/'
    CmdletsToExport      = @(
        'Add-TokenEstimate'
        'Add-TokenUsage'
        'ConvertTo-TokenUsage'
        'Export-TokenUsage'
        'Get-TokenOptimization'
        'Get-TokenPrice'
        'Get-TokenUsage'
        'Import-SessionCost'
        'Install-TokenHook'
        'Measure-TokenUsage'
        'Register-CompactEvent'
        'Show-TokenStatusLine'
        'Start-TokenSession'
        'Stop-TokenSession'
        'Sync-TokenUsage'
        'Test-TokenBudget'
        'Uninstall-TokenHook'
        'Update-TokenSession'
        'Watch-TokenUsage'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Claude', 'ClaudeCode', 'RLM', 'Tokens', 'Cost', 'Budget', 'AI', 'PSEdition_Core', 'Windows', 'Linux', 'macOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/rlmtokens/RlmTokens'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
