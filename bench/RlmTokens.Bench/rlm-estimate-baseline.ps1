# The work RLM's estimate-tokens.ps1 does for one operation, step for step, as the baseline the
# Add-TokenEstimate benchmark is compared with (written for this benchmark, not RLM's code):
# read token-estimates.json and current-session.json with ConvertFrom-Json, rebuild the object as
# hashtables, add the operation, keep the last 100 with Select-Object, serialize with
# ConvertTo-Json -Depth 10 and write it back with Set-Content, without any lock.
param([string] $WorkspaceRoot, [string] $ToolName = 'Bash')

$folder = Join-Path $WorkspaceRoot 'RLM/progress/token-usage'
New-Item -ItemType Directory -Force -Path $folder | Out-Null
$file = Join-Path $folder 'token-estimates.json'
$sessionFile = Join-Path $folder 'current-session.json'
$now = (Get-Date).ToUniversalTime().ToString('o')

$state = @{
    session_id = ''; started_at = $now; last_updated = $now
    tokens = @{ input_estimated = 0; output_estimated = 0; total_estimated = 0 }
    operations = @{ files_read = 0; files_written = 0; files_edited = 0; subagents_spawned = 0; tool_calls = 0 }
    by_operation = @()
}
if (Test-Path $file) {
    $old = Get-Content $file -Raw | ConvertFrom-Json
    $state = @{
        session_id = $old.session_id; started_at = $old.started_at; last_updated = $now
        tokens = @{ input_estimated = $old.tokens.input_estimated; output_estimated = $old.tokens.output_estimated; total_estimated = $old.tokens.total_estimated }
        operations = @{ files_read = $old.operations.files_read; files_written = $old.operations.files_written; files_edited = $old.operations.files_edited
                        subagents_spawned = $old.operations.subagents_spawned; tool_calls = $old.operations.tool_calls }
        by_operation = @($old.by_operation)
    }
}
if (Test-Path $sessionFile) { $state.session_id = (Get-Content $sessionFile -Raw | ConvertFrom-Json).session_id }

$state.operations.tool_calls++
$state.tokens.input_estimated += 50
$state.tokens.total_estimated = $state.tokens.input_estimated + $state.tokens.output_estimated
$state.by_operation += @{ timestamp = $now; type = 'tool_call'; file = ''; tokens_added = 50; subagent_type = ''; tool_name = $ToolName }
if ($state.by_operation.Count -gt 100) { $state.by_operation = $state.by_operation | Select-Object -Last 100 }
$cost = $state.tokens.input_estimated / 1000000 * 3 + $state.tokens.output_estimated / 1000000 * 15
$state.estimated_cost_usd = [math]::Round($cost, 4)
$state | ConvertTo-Json -Depth 10 | Set-Content -Path $file -Encoding UTF8
Write-Host "Token Estimate Updated: ~$($state.tokens.total_estimated) tokens"
