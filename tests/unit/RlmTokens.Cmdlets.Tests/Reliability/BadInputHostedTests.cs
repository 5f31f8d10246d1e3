using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// One hosted bad-input case: how to spoil the workspace, what to run, which error ids (the part of
    /// FullyQualifiedErrorId before the comma, in order) and category must come out, and what must stay
    /// byte-identical or be set aside intact.
    /// </summary>
    public sealed record HostedCase(string Name, string Script, string[] Ids, ErrorCategory? Category = null,
        bool Unchanged = true, string? SetAside = null, Action<TempWorkspace>? Setup = null, object? Argument = null)
    {
        public override string ToString() => Name;
    }

    /// <summary>
    /// The bad-input corpus through the real engine: malformed hook JSON, hostile parameters and paths,
    /// damaged and blocked files. For each: the expected error id and category, no exception type that is
    /// not the project's own (or PowerShell's parameter binding), and files byte-identical or set aside intact.
    /// Cmdlets that land later add rows to <see cref="Cases"/>.
    /// </summary>
    [Trait("Suite", "BadInput")]
    public sealed class BadInputHostedTests
    {
        private const string Estimates = "RLM/progress/token-usage/token-estimates.json";
        private const string Garbage = "\u0001\u0002 this is not JSON {{{";

        private static void WriteGarbage(TempWorkspace ws) => ws.Write(Estimates, Garbage);

        private static void Sparse(TempWorkspace ws, string relative)
        {
            string path = ws.PathOf(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var f = new FileStream(path, FileMode.Create);
            f.SetLength(1L << 30);
        }

        private static string Hook(string json) => json;

        public static IReadOnlyList<HostedCase> Cases { get; } = new List<HostedCase>
        {
            // Malformed hook JSON (passed as -HookInput, as $input would).
            new HostedCase("hook: not JSON", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "not json at all"),
            new HostedCase("hook: unfinished object", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "{ \"tool_name\": \"Read\""),
            new HostedCase("hook: truncated string", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "{ \"tool_name\": \"Re"),
            new HostedCase("hook: array", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "[ { \"tool_name\": \"Read\" } ]"),
            new HostedCase("hook: string", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "\"Read\""),
            new HostedCase("hook: number", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "42"),
            new HostedCase("hook: null", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "null"),
            new HostedCase("hook: control characters", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "\u0000\u0001\u001b[31m"),
            new HostedCase("hook: raw control character inside a string", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "{ \"tool_name\": \"Re\u0001ad\" }"),
            new HostedCase("hook: nesting 300 deep", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData,
                Argument: "{ \"x\": " + new string('[', 300) + new string(']', 300) + " }"),
            new HostedCase("hook: single quotes", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Argument: "{ 'tool_name': 'Read' }"),
            new HostedCase("hook: good document then an unfinished one", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData, Unchanged: false,
                Argument: "{ \"tool_name\": \"Bash\" }\n{ \"tool_name\": "),
            new HostedCase("hook: cwd that does not exist", "Add-TokenEstimate -HookInput $args[0]", new[] { "WorkspaceNotFound" }, ErrorCategory.ObjectNotFound,
                Argument: "{ \"cwd\": \"/definitely/not/here/rlmtokens\", \"tool_name\": \"Bash\" }"),
            new HostedCase("hook: cwd of a wrong type (number)", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false, Argument: "{ \"cwd\": 12, \"tool_name\": \"Bash\" }"),
            new HostedCase("hook: relative cwd escaping", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false, Argument: "{ \"cwd\": \"../../x\", \"tool_name\": \"Bash\" }"),
            new HostedCase("hook: tool_name of a wrong type", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false, Argument: "{ \"tool_name\": 5 }"),
            new HostedCase("hook: tool_input a string", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false, Argument: "{ \"tool_name\": \"Write\", \"tool_input\": \"x\" }"),
            new HostedCase("hook: edits not an array", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false, Argument: "{ \"tool_name\": \"MultiEdit\", \"tool_input\": { \"edits\": 5 } }"),
            new HostedCase("hook: tool_response of every type", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false,
                Argument: "{ \"tool_name\": \"Read\", \"tool_response\": [1, \"a\", null, {}] }"),
            // A hook's session_id is the key of the session's record (a file name): a hostile one is refused, nothing written.
            new HostedCase("hook: hostile session id", "Add-TokenEstimate -HookInput $args[0]", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument,
                Argument: "{ \"session_id\": \"../../../x\\u0000\", \"tool_name\": \"Bash\" }"),
            new HostedCase("hook: lone surrogate escape", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false,
                Argument: "{ \"tool_name\": \"Write\", \"tool_input\": { \"content\": \"\\ud800\" } }"),
            new HostedCase("hook: duplicate keys", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false,
                Argument: "{ \"tool_name\": \"Read\", \"tool_name\": \"Bash\" }"),
            new HostedCase("hook: 5 MB content", "Add-TokenEstimate -HookInput $args[0]", Array.Empty<string>(), Unchanged: false,
                Argument: "{ \"tool_name\": \"Write\", \"tool_input\": { \"file_path\": \"/x\", \"content\": \"" + new string('a', 5 << 20) + "\" } }"),

            // Hostile parameters and paths.
            new HostedCase("param: negative file size", "Add-TokenEstimate -Operation Read -FileSize -5", new[] { "NegativeFileSize" }, ErrorCategory.InvalidArgument),
            new HostedCase("param: operation Unknown", "Add-TokenEstimate -Operation Unknown", new[] { "ParameterArgumentValidationError" }, ErrorCategory.InvalidData),
            new HostedCase("param: operation not in the set", "Add-TokenEstimate -Operation Bogus", new[] { "CannotConvertArgumentNoMessage" }, ErrorCategory.InvalidArgument),
            new HostedCase("param: file size not a number", "Add-TokenEstimate -Operation Read -FileSize lots", new[] { "CannotConvertArgumentNoMessage" }, ErrorCategory.InvalidArgument),
            new HostedCase("param: workspace that does not exist", "Add-TokenEstimate -Operation Tool -Path '/definitely/not/here/rlmtokens'", new[] { "WorkspaceNotFound" }, ErrorCategory.ObjectNotFound),
            new HostedCase("param: reader on a workspace that does not exist", "Get-TokenUsage -Path '/definitely/not/here/rlmtokens'", new[] { "WorkspaceNotFound" }, ErrorCategory.ObjectNotFound),
            // -SessionId names the session's record (a file name): an unsafe one is refused, nothing written.
            new HostedCase("param: session id ../../x", "Add-TokenEstimate -Operation Tool -SessionId '../../x'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("param: session id with control characters", "Add-TokenEstimate -Operation Tool -SessionId \"a`0b`e[31m\"", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("param: reserved device name as session id", "Add-TokenEstimate -Operation Tool -SessionId 'CON'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("param: 5000-character session id", "Add-TokenEstimate -Operation Tool -SessionId ('x' * 5000)", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("param: file path outside the workspace", "Add-TokenEstimate -Operation Read -FilePath '../../../../etc/hostname' -FileSize 40", Array.Empty<string>(), Unchanged: false),
            new HostedCase("param: absolute file path", "Add-TokenEstimate -Operation Write -FilePath ([IO.Path]::GetTempPath()) -FileSize 40", Array.Empty<string>(), Unchanged: false),
            new HostedCase("param: largest file size", "Add-TokenEstimate -Operation Read -FileSize 9223372036854775807", Array.Empty<string>(), Unchanged: false),

            // Damaged or blocked files.
            new HostedCase("file: garbage estimates, reader", "Get-TokenUsage", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Setup: WriteGarbage),
            new HostedCase("file: garbage estimates, -Detailed", "Get-TokenUsage -Detailed", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Setup: WriteGarbage),
            new HostedCase("file: garbage estimates, writer sets aside", "Add-TokenEstimate -Operation Tool", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Unchanged: false, SetAside: Estimates, Setup: WriteGarbage),
            new HostedCase("file: garbage session file, writer sets aside", "Add-TokenEstimate -Operation Tool", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Unchanged: false,
                SetAside: "RLM/progress/token-usage/current-session.json", Setup: ws => ws.Write("RLM/progress/token-usage/current-session.json", "{ \"session_id\": ")),
            new HostedCase("file: garbage daily file, -History", "Get-TokenUsage -History -Since 2026-11-01 -Until 2026-11-30", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData,
                Setup: ws => ws.Write("RLM/progress/token-usage/daily-2026-11-20.json", "{ \"totals\": [ }")),
            new HostedCase("file: garbage config, estimate still added", "Add-TokenEstimate -Operation Tool", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Unchanged: false,
                Setup: ws => ws.Write("RLM/config/project-config.json", "{ \"tokenTracking\": { \"estimation\": { \"tokensPerChar\": \"many\" } } }")),
            new HostedCase("file: 1 GB sparse estimates, reader", "Get-TokenUsage", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Setup: ws => Sparse(ws, Estimates)),
            new HostedCase("file: 1 GB sparse daily file, -History", "Get-TokenUsage -History -Since 2026-11-01 -Until 2026-11-30", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData,
                Setup: ws => Sparse(ws, "RLM/progress/token-usage/daily-2026-11-20.json")),
            new HostedCase("file: folder where estimates should be, reader", "Get-TokenUsage", new[] { "ReadFailed" }, ErrorCategory.ReadError, Setup: ws => Directory.CreateDirectory(ws.PathOf(Estimates))),
            new HostedCase("file: folder where estimates should be, writer", "Add-TokenEstimate -Operation Tool", new[] { "ReadFailed" }, ErrorCategory.ReadError, Setup: ws => Directory.CreateDirectory(ws.PathOf(Estimates))),
            new HostedCase("file: read-only estimates", "Add-TokenEstimate -Operation Tool", new[] { "AccessDenied" }, ErrorCategory.PermissionDenied,
                Setup: ws => { ws.Write(Estimates, "{ \"operations\": { \"tool_calls\": 3 } }"); File.SetAttributes(ws.PathOf(Estimates), FileAttributes.ReadOnly); }),
            new HostedCase("file: a file where token-usage should be", "Add-TokenEstimate -Operation Tool", new[] { "WriteFailed" }, ErrorCategory.WriteError,
                Setup: ws => { Directory.Delete(ws.TokenUsage); File.WriteAllText(ws.TokenUsage, "not a folder"); }),
            // No RLM/ folder, and -Path named none: not a workspace, nothing written (issue 11).
            new HostedCase("file: a file where RLM should be", "Add-TokenEstimate -Operation Tool", new[] { "NotAWorkspace" }, ErrorCategory.ObjectNotFound,
                Setup: ws => { Directory.Delete(ws.PathOf("RLM"), recursive: true); File.WriteAllText(ws.PathOf("RLM"), "not a folder"); }),
            new HostedCase("file: empty estimates, reader", "Get-TokenUsage", Array.Empty<string>(), Setup: ws => ws.Write(Estimates, string.Empty, bom: false)),
            new HostedCase("file: NaN cost", "Get-TokenUsage", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Setup: ws => ws.Write(Estimates, "{ \"estimated_cost_usd\": \"NaN\" }")),
            new HostedCase("file: cost past decimal", "Get-TokenUsage", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Setup: ws => ws.Write(Estimates, "{ \"estimated_cost_usd\": 1e300 }")),
            new HostedCase("file: huge count", "Get-TokenUsage", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Setup: ws => ws.Write(Estimates, "{ \"tokens\": { \"input_estimated\": 1e400 } }")),
            new HostedCase("file: deep nesting", "Get-TokenUsage", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData,
                Setup: ws => ws.Write(Estimates, "{ \"x\": " + new string('[', 500) + new string(']', 500) + " }")),

            // Malformed /cost text, transcripts and hostile values for the capture cmdlets.
            new HostedCase("cost: no total line", "Import-SessionCost -SessionId s1 -CostOutput 'hello world'", new[] { "CostTotalMissing" }, ErrorCategory.InvalidData),
            new HostedCase("cost: blank", "Import-SessionCost -SessionId s1 -CostOutput ' '", new[] { "CostOutputEmpty" }, ErrorCategory.InvalidData),
            new HostedCase("cost: total not money", "Import-SessionCost -SessionId s1 -CostOutput 'Total cost: $abc'", new[] { "InvalidCostValue" }, ErrorCategory.InvalidData),
            new HostedCase("cost: negative total", "Import-SessionCost -SessionId s1 -CostOutput 'Total cost: -$5'", new[] { "InvalidCostValue" }, ErrorCategory.InvalidData),
            new HostedCase("cost: 400-digit total", "Import-SessionCost -SessionId s1 -CostOutput ('Total cost: $' + ('9' * 400))", new[] { "InvalidCostValue" }, ErrorCategory.InvalidData),
            new HostedCase("cost: two totals", "Import-SessionCost -SessionId s1 -CostOutput \"Total cost: `$1.00`nTotal cost: `$2.00\"", new[] { "ConflictingCostTotals" }, ErrorCategory.InvalidData),
            new HostedCase("cost: control characters", "Import-SessionCost -SessionId s1 -CostOutput \"`0`e[31m`b\"", new[] { "CostTotalMissing" }, ErrorCategory.InvalidData),
            new HostedCase("cost: huge numbers beside the total", "Import-SessionCost -SessionId s1 -CostOutput (\"Total cost: `$1.00`nTotal duration (API): \" + ('9' * 40) + \"d`nTotal code changes: \" + ('9' * 30) + ' lines added')",
                Array.Empty<string>(), Unchanged: false),
            new HostedCase("cost: session id ../../x", "Import-SessionCost -SessionId '../../x' -CostOutput 'Total cost: $1.00'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("cost: session id /etc/passwd", "Import-SessionCost -SessionId '/etc/passwd' -CostOutput 'Total cost: $1.00'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("cost: reserved device name", "Import-SessionCost -SessionId 'NUL' -CostOutput 'Total cost: $1.00'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("cost: 200-character session id", "Import-SessionCost -SessionId ('a' * 200) -CostOutput 'Total cost: $1.00'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("cost: session id with control characters", "Import-SessionCost -SessionId \"a`nb\" -CostOutput 'Total cost: $1.00'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("cost: hook without transcript", "Import-SessionCost -HookInput '{\"session_id\":\"s\"}'", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData),
            new HostedCase("cost: malformed hook", "Import-SessionCost -HookInput '{\"session_id\":'", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData),
            new HostedCase("cost: transcript missing", "Import-SessionCost -TranscriptPath ./nope.jsonl", new[] { "FileNotFound" }, ErrorCategory.ObjectNotFound),
            new HostedCase("cost: transcript is a folder", "Import-SessionCost -TranscriptPath ./notes", new[] { "ReadFailed" }, ErrorCategory.ReadError),
            new HostedCase("cost: transcript of malformed lines", "Import-SessionCost -SessionId s3 -TranscriptPath ./t.jsonl",
                Array.Empty<string>(), Unchanged: false, Setup: ws => ws.Write("t.jsonl",
                    "not json\n{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":\"x\"}}}\n\u0000\u0000\n{\"type\":\"assistant\",\"message\":" + new string('[', 400) + "\n"
                    + "{\"type\":\"assistant\",\"sessionId\":\"s3\",\"requestId\":\"r\",\"timestamp\":\"2026-11-23T09:20:00Z\",\"message\":{\"id\":\"m\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":99999999999999999999,\"output_tokens\":-5}}}\n", bom: false, crlf: false)),
            new HostedCase("compact: session id ../../x", "Register-CompactEvent -Trigger manual -SessionId '../../x'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            new HostedCase("compact: malformed hook", "Register-CompactEvent -HookInput 'nope'", new[] { "InvalidHookInput" }, ErrorCategory.InvalidData),
            new HostedCase("compact: garbage compact-events.json sets aside", "Register-CompactEvent -Trigger manual -SessionId s1", new[] { "CorruptDataFile" }, ErrorCategory.InvalidData, Unchanged: false,
                SetAside: "RLM/progress/token-usage/compact-events.json", Setup: ws => ws.Write("RLM/progress/token-usage/compact-events.json", "[ { \"event\": ")),
            new HostedCase("usage: negative tokens", "Add-TokenUsage -Tokens -5", new[] { "NegativeValue" }, ErrorCategory.InvalidArgument),
            new HostedCase("usage: session id ../x", "Add-TokenUsage -Tokens 5 -SessionId '../x'", new[] { "InvalidSessionId" }, ErrorCategory.InvalidArgument),
            // -CostUsd is [decimal]: NaN, Infinity and amounts past decimal's range are refused by PowerShell's binder.
            new HostedCase("usage: NaN cost", "Add-TokenUsage -Tokens 5 -CostUsd ([double]::NaN)", new[] { "CannotConvertArgumentNoMessage" }, ErrorCategory.InvalidArgument),
            new HostedCase("usage: infinite cost", "Add-TokenUsage -Tokens 5 -CostUsd ([double]::PositiveInfinity)", new[] { "CannotConvertArgumentNoMessage" }, ErrorCategory.InvalidArgument),
            new HostedCase("usage: cost past decimal", "Add-TokenUsage -Tokens 5 -CostUsd 1e30", new[] { "CannotConvertArgumentNoMessage" }, ErrorCategory.InvalidArgument),
            new HostedCase("budget: USD limit past decimal", "Test-TokenBudget -LimitUsd 1e30", new[] { "CannotConvertArgumentNoMessage" }, ErrorCategory.InvalidArgument),
            new HostedCase("usage: counts that overflow", "Add-TokenUsage -InputTokens ([long]::MaxValue) -OutputTokens 5", new[] { "NumberOutOfRange" }, ErrorCategory.InvalidArgument),
            new HostedCase("usage: unreadable usage text", "Add-TokenUsage -UsageText 'garbage'", new[] { "UsageTextUnreadable" }, ErrorCategory.InvalidData),

            // Issue 11, items 4 and 5: transcript numbers, settings files and logs that are links out of the workspace.
            new HostedCase("transcript: counts past long, Get-TokenUsage", "Get-TokenUsage -Transcript -TranscriptRoot ./claude -NoCache -TimeZone UTC", new[] { "NumberOutOfRange" }, ErrorCategory.InvalidArgument,
                Setup: ws => FilesHostedTests.WriteOverflowing(ws, "claude/projects/p/s.jsonl")),
            new HostedCase("transcript: counts past long, Import-SessionCost", "Import-SessionCost -SessionId s1 -TranscriptPath ./t.jsonl", new[] { "NumberOutOfRange" }, ErrorCategory.InvalidArgument,
                Setup: ws => FilesHostedTests.WriteOverflowing(ws, "t.jsonl")),
            new HostedCase("transcript: counts past long, Test-TokenBudget", "Test-TokenBudget -Period Daily -Limit 1000 -Date 2026-11-23 -TranscriptRoot ./claude -Quiet", new[] { "NumberOutOfRange" }, ErrorCategory.InvalidArgument,
                Setup: ws => FilesHostedTests.WriteOverflowing(ws, "claude/projects/p/s.jsonl")),
            new HostedCase("transcript: negative and fractional usage, Import-SessionCost", "Import-SessionCost -SessionId s4 -TranscriptPath ./t.jsonl", Array.Empty<string>(), Unchanged: false,
                Setup: ws => ws.Write("t.jsonl",
                    "{\"type\":\"assistant\",\"timestamp\":\"2026-11-23T09:00:00Z\",\"requestId\":\"a\",\"message\":{\"id\":\"a\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":-1000000,\"output_tokens\":1}}}\n"
                    + "{\"type\":\"assistant\",\"timestamp\":\"2026-11-23T09:00:01Z\",\"requestId\":\"b\",\"message\":{\"id\":\"b\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":2.5,\"output_tokens\":1}}}\n", bom: false, crlf: false)),
            new HostedCase("hooks: settings.json linked out of the workspace", "Install-TokenHook", new[] { "LinkOutsideWorkspace" }, ErrorCategory.PermissionDenied,
                Setup: ws => LinkOut(ws, ".claude/settings.json", "{ \"model\": \"sonnet\" }\n")),
            new HostedCase("log: token-usage.log linked out of the workspace", "Add-TokenUsage -Tokens 5", new[] { "LinkOutsideWorkspace" }, ErrorCategory.PermissionDenied,
                Setup: ws => LinkOut(ws, "RLM/progress/token-usage.log")),
            new HostedCase("log: the day's compaction log linked out of the workspace", "Register-CompactEvent -Trigger manual -SessionId s1 -Timestamp '2026-11-23T12:00:00Z'", new[] { "LinkOutsideWorkspace" }, ErrorCategory.PermissionDenied,
                Setup: ws => LinkOut(ws, "RLM/progress/logs/" + TimeZoneInfo.ConvertTime(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), TimeZoneInfo.Local).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ".md")),
        };

        // A link from the workspace to a small file beside it, outside it (the fingerprints read through links).
        private static void LinkOut(TempWorkspace ws, string relative, string content = "outside\n")
        {
            string link = ws.PathOf(relative);
            string outside = ws.Root + ".outside-" + Path.GetFileName(relative);
            File.WriteAllText(outside, content);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, outside);
        }

        public static IEnumerable<object[]> CaseNames => Cases.Select(c => new object[] { c.Name });

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void Cmdlet_WithBadInput_ShouldWriteExpectedErrorAndKeepFiles(string name)
        {
            HostedCase c = Cases.Single(x => x.Name == name);
            using var ws = new TempWorkspace();
            ws.Write("notes/keep.txt", "outside token-usage");
            c.Setup?.Invoke(ws);
            var before = Fingerprints(ws.Root);
            byte[]? original = c.SetAside is null ? null : File.ReadAllBytes(ws.PathOf(c.SetAside));
            using var ps = new PowerShellHost(ws.Root);

            ps.Run(c.Script, c.Argument);

            Assert.Equal(c.Ids, ps.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray());
            if (c.Category is ErrorCategory category) { Assert.Equal(category, ps.Errors[0].CategoryInfo.Category); }
            foreach (ErrorRecord e in ps.Errors)
            {
                Assert.True(IsOwnOrBinding(e), "foreign exception " + e.Exception.GetType().FullName + ": " + e.FullyQualifiedErrorId);
                if (e.Exception is RlmTokens.Errors.RlmTokensException) { Assert.NotNull(e.TargetObject); }
            }
            var after = Fingerprints(ws.Root);
            if (c.Unchanged) { Assert.Equal(before, after); }
            // Whatever happened, nothing changed outside RLM's token files: RLM/progress/token-usage, the
            // compaction entries of RLM/progress/logs and RLM/progress/token-usage.log.
            Assert.Equal(before.Where(kv => !IsTokenFile(kv.Key)), after.Where(kv => !IsTokenFile(kv.Key)));
            if (c.SetAside is not null)
            {
                string aside = Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(ws.PathOf(c.SetAside))!, Path.GetFileName(c.SetAside) + ".corrupt-*"));
                Assert.Equal(original, File.ReadAllBytes(aside));
            }
            Assert.Empty(Directory.Exists(ws.TokenUsage) ? Directory.EnumerateFiles(ws.TokenUsage, "*.tmp") : Array.Empty<string>());
        }

        [Fact]
        public void Corpus_ShouldHaveTheStatedSize() => Assert.Equal(54 + 29 + 7, Cases.Count);

        private static bool IsTokenFile(string relative) =>
            relative.StartsWith(Path.Combine("RLM", "progress", "token-usage"), StringComparison.Ordinal)
            || relative.StartsWith(Path.Combine("RLM", "progress", "logs"), StringComparison.Ordinal);

        // The project's own exceptions, PowerShell's parameter binding, and the cmdlet layer's argument errors.
        private static bool IsOwnOrBinding(ErrorRecord e) =>
            e.Exception is RlmTokens.Errors.RlmTokensException
            || e.Exception is ParameterBindingException
            || (e.Exception.GetType() == typeof(ArgumentException) && e.FullyQualifiedErrorId.Contains(",RlmTokens.Cmdlets.", StringComparison.Ordinal));

        // Hashes (files above 64 MiB by length), the lock file left out: writers may create it.
        private static Dictionary<string, string> Fingerprints(string root) =>
            Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(p) != ".rlmtokens.lock")
                .OrderBy(p => p, StringComparer.Ordinal)
                .ToDictionary(p => Path.GetRelativePath(root, p), p =>
                {
                    if (!File.Exists(p)) { return "<dir>"; }
                    var info = new FileInfo(p);
                    return info.Length > 64L * 1024 * 1024 ? "len " + info.Length : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)));
                });
    }
}
