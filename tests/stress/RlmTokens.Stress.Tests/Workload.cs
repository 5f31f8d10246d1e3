using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RlmTokens.Stress.Tests
{
    /// <summary>
    /// One kind of write the stress writers perform: the PowerShell that performs it (with <c>$id</c>,
    /// a unique id per attempt, in scope) and how its effect is counted. Add a cmdlet to the stress run
    /// by adding an entry to <see cref="Workload.Kinds"/> and, for record files, a <see cref="RecordSource"/>.
    /// </summary>
    public sealed record WriteKind(string Name, string Script, string? Counter = null, long InputTokens = 0, long OutputTokens = 0);

    /// <summary>
    /// Where the records of one write kind live (cost files, daily entries, compact events, log objects)
    /// and how to list their ids, given the workspace root: each acknowledged id must appear exactly once.
    /// </summary>
    public sealed record RecordSource(string Name, string Kind, Func<string, IEnumerable<string>> Ids);

    /// <summary>The attempts and acknowledgements of every writer, read back from their logs.</summary>
    public sealed class Ledger
    {
        public Dictionary<string, HashSet<string>> Attempted { get; } = new Dictionary<string, HashSet<string>>();

        public Dictionary<string, HashSet<string>> Acknowledged { get; } = new Dictionary<string, HashSet<string>>();

        public List<string> Errors { get; } = new List<string>();

        public long MaxCallMs { get; set; }

        public int AttemptCount => Attempted.Values.Sum(s => s.Count);

        public int AckCount => Acknowledged.Values.Sum(s => s.Count);

        public HashSet<string> AttemptedOf(string kind) => Attempted.TryGetValue(kind, out var s) ? s : new HashSet<string>();

        public HashSet<string> AckedOf(string kind) => Acknowledged.TryGetValue(kind, out var s) ? s : new HashSet<string>();

        /// <summary>Reads writer logs: "A|kind|id" before the call, "K|kind|id|ms" after it returned without error, "E|kind|id|errorId".</summary>
        public static Ledger Read(IEnumerable<string> logFiles)
        {
            var ledger = new Ledger();
            foreach (string file in logFiles)
            {
                if (!File.Exists(file)) { continue; }
                foreach (string raw in File.ReadAllText(file).Split('\n'))
                {
                    string[] p = raw.Trim().Split('|');
                    if (p.Length < 3) { continue; }
                    switch (p[0])
                    {
                        case "A": Add(ledger.Attempted, p[1], p[2]); break;
                        case "K":
                            Add(ledger.Acknowledged, p[1], p[2]);
                            if (p.Length > 3 && long.TryParse(p[3], out long ms)) { ledger.MaxCallMs = Math.Max(ledger.MaxCallMs, ms); }
                            break;
                        case "E": ledger.Errors.Add(raw.Trim()); break;
                    }
                }
            }
            return ledger;
        }

        private static void Add(Dictionary<string, HashSet<string>> map, string kind, string id)
        {
            if (!map.TryGetValue(kind, out var set)) { map[kind] = set = new HashSet<string>(StringComparer.Ordinal); }
            set.Add(id);
        }
    }

    public static class Workload
    {
        /// <summary>
        /// What the writers do, in turn. Estimates use explicit sizes so each adds known tokens:
        /// read 400 chars = 100 input, write 400 = 100 output, edit 400 = 50 + 30, coder subagent = 7200 + 4800,
        /// tool call = 50 input. The id goes into tool_name so by_operation entries can be traced.
        /// </summary>
        public static IReadOnlyList<WriteKind> Kinds { get; } = new List<WriteKind>
        {
            new WriteKind("estimate-read", "Add-TokenEstimate -Operation Read -FilePath \"f/$id.txt\" -FileSize 400 -ToolName $id", "files_read", 100, 0),
            new WriteKind("estimate-write", "Add-TokenEstimate -Operation Write -FilePath \"f/$id.txt\" -FileSize 400 -ToolName $id", "files_written", 0, 100),
            new WriteKind("estimate-edit", "Add-TokenEstimate -Operation Edit -FilePath \"f/$id.txt\" -FileSize 400 -ToolName $id", "files_edited", 50, 30),
            new WriteKind("estimate-subagent", "Add-TokenEstimate -Operation Subagent -SubagentType coder -ToolName $id", "subagents_spawned", 7200, 4800),
            new WriteKind("estimate-tool", "Add-TokenEstimate -Operation Tool -ToolName $id", "tool_calls", 50, 0),
            new WriteKind("cost", "Import-SessionCost -SessionId $id -CostOutput \"Total cost: `$0.0100`nTotal duration (API): 1m 2.0s`nTotal duration (wall): 2m 3.0s`nTotal code changes: 1 lines added, 0 lines removed\""),
            new WriteKind("compact", "Register-CompactEvent -Trigger manual -SessionId $id"),
            new WriteKind("usage", "Add-TokenUsage -Tokens 100 -Model sonnet -Note $id"),
        };

        /// <summary>Record files whose every acknowledged id must appear exactly once.</summary>
        public static IReadOnlyList<RecordSource> RecordSources { get; } = new List<RecordSource>
        {
            new RecordSource("cost-*.json", "cost", RecordFiles.CostFiles),
            new RecordSource("daily-*.json sessions", "cost", RecordFiles.DailyEntries),
            new RecordSource("compact-events.json", "compact", RecordFiles.CompactEvents),
            new RecordSource("logs/*.md compaction entries", "compact", RecordFiles.CompactLogEntries),
            new RecordSource("token-usage.log", "usage", RecordFiles.UsageLog),
        };

        /// <summary>
        /// The writer script: resumes after the attempts already logged (a restarted writer continues), logs
        /// each attempt before the call and each acknowledgement after the call returned without error.
        /// </summary>
        public static string WriterScript(IReadOnlyList<WriteKind> kinds)
        {
            var cases = string.Join("\n", kinds.Select((k, n) => "        " + n + " { " + k.Script + " }"));
            return """
param([string]$Workspace, [int]$Writer, [int]$Writes, [string]$Log, [string]$Manifest)
$ErrorActionPreference = 'Continue'
Import-Module $Manifest
Set-Location -LiteralPath $Workspace
$start = 0
if (Test-Path -LiteralPath $Log) {
    $text = [IO.File]::ReadAllText($Log)
    if ($text.Length -gt 0 -and -not $text.EndsWith("`n")) { [IO.File]::AppendAllText($Log, "`n") }
    $start = @($text -split "`n" | Where-Object { $_.StartsWith('A|') }).Count
}
$kinds = @(
""" + string.Join(",\n", kinds.Select(k => "    '" + k.Name + "'")) + """

)
for ($i = $start; $i -lt $Writes; $i++) {
    $n = ($i + $Writer) % $kinds.Count
    $kind = $kinds[$n]
    $id = "w$Writer-$i"
    [IO.File]::AppendAllText($Log, "A|$kind|$id`n")
    $Error.Clear()
    $sw = [Diagnostics.Stopwatch]::StartNew()
    switch ($n) {
""" + cases + """

    }
    $ok = $?
    $ms = $sw.ElapsedMilliseconds
    if ($ok -and $Error.Count -eq 0) { [IO.File]::AppendAllText($Log, "K|$kind|$id|$ms`n") }
    else { [IO.File]::AppendAllText($Log, "E|$kind|$id|$($Error[0].FullyQualifiedErrorId)`n") }
}
""";
        }

        /// <summary>
        /// RLM's estimate-tokens.ps1 pattern, for the baseline: read the whole file, change it, write it
        /// back with Set-Content, no lock; a file it cannot parse is started afresh.
        /// </summary>
        public static string RlmStyleWriterScript() => """
param([string]$Workspace, [int]$Writer, [int]$Writes, [string]$Log, [string]$Manifest)
$ErrorActionPreference = 'Continue'
$f = Join-Path $Workspace 'RLM/progress/token-usage/token-estimates.json'
for ($i = 0; $i -lt $Writes; $i++) {
    $id = "w$Writer-$i"
    [IO.File]::AppendAllText($Log, "A|estimate-tool|$id`n")
    $Error.Clear()
    $d = $null
    if (Test-Path $f) { try { $d = Get-Content $f -Raw -ErrorAction Stop | ConvertFrom-Json -ErrorAction Stop } catch { $d = $null } }
    if (-not $d -or -not $d.operations) {
        $d = [pscustomobject]@{ session_id = 'S'; tokens = [pscustomobject]@{ input_estimated = 0; output_estimated = 0; total_estimated = 0 }; operations = [pscustomobject]@{ files_read = 0; files_written = 0; files_edited = 0; subagents_spawned = 0; tool_calls = 0 } }
    }
    $d.operations.tool_calls = [long]$d.operations.tool_calls + 1
    $d.tokens.input_estimated = [long]$d.tokens.input_estimated + 50
    try { $d | ConvertTo-Json -Depth 10 | Set-Content -Path $f -Encoding UTF8 -ErrorAction Stop; [IO.File]::AppendAllText($Log, "K|estimate-tool|$id|0`n") }
    catch { [IO.File]::AppendAllText($Log, "E|estimate-tool|$id|$($_.FullyQualifiedErrorId)`n") }
}
""";

        /// <summary>Parses a data file with System.Text.Json (a BOM is allowed), independent of Core's readers.</summary>
        public static JsonDocument ParseFile(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return JsonDocument.Parse(bytes.AsMemory(start));
        }
    }
}
