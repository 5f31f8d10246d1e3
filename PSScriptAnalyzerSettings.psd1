# PSScriptAnalyzer settings for module/, build.ps1 and tests/pester (build.ps1 -Task Analyze).
# The PSGallery rule set (errors and warnings), plus compatibility with the PowerShell versions the
# manifest claims (7.4+) and consistent formatting.
@{
    Severity            = @('Error', 'Warning')
    IncludeDefaultRules = $true
    ExcludeRules        = @(
        # build.ps1 and the Pester specs are scripts run by people and CI, not exported functions.
        'PSUseShouldProcessForStateChangingFunctions'
    )
    Rules               = @{
        PSUseCompatibleSyntax      = @{
            Enable         = $true
            TargetVersions = @('7.4')
        }
        PSPlaceOpenBrace           = @{
            Enable             = $true
            OnSameLine         = $true
            NewLineAfter       = $true
            IgnoreOneLineBlock = $true
        }
        PSUseConsistentIndentation = @{
            Enable          = $true
            IndentationSize = 4
            Kind            = 'space'
        }
    }
}
