using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    public sealed class AddTokenEstimateTests
    {
        [Fact]
        public void ParameterForm_ReadWithFileOnDisk_ShouldAddQuarterOfSizeToInput()
        {
            using var ws = new TempWorkspace();
            ws.Write("src/app.cs", new string('x', 400), bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            TokenEstimateRecord added = ps.RunAs<TokenEstimateRecord>("Add-TokenEstimate -Operation Read -FilePath src/app.cs -PassThru").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(OperationKind.Read, added.Operation);
            Assert.Equal(100, added.InputTokens);
            Assert.Equal(100, added.TokensAdded);
            Assert.Equal(ws.PathOf("src/app.cs"), added.File);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws.TokenUsage, "token-estimates.json")));
            Assert.Equal(100, doc.RootElement.GetProperty("tokens").GetProperty("input_estimated").GetInt64());
            Assert.Equal(1, doc.RootElement.GetProperty("operations").GetProperty("files_read").GetInt64());
        }

        [Fact]
        public void HookForm_PrettyPrintedPostToolUseOnStdin_ShouldEstimateWhatTheToolWrote()
        {
            using var ws = new TempWorkspace();
            string hook = "{\n  \"session_id\": \"s-1\",\n  \"cwd\": " + JsonSerializer.Serialize(ws.Root) + ",\n  \"hook_event_name\": \"PostToolUse\",\n"
                + "  \"tool_name\": \"Write\",\n  \"tool_input\": {\n    \"file_path\": \"/x/y.txt\",\n    \"content\": \"" + new string('a', 80) + "\"\n  }\n}\n";

            ShellProcess.Result r = ShellProcess.Run(
                "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; $input | Add-TokenEstimate", Path.GetTempPath(), hook);

            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws.TokenUsage, "token-estimates.json")));
            Assert.Equal(20, doc.RootElement.GetProperty("tokens").GetProperty("output_estimated").GetInt64());
            JsonElement op = doc.RootElement.GetProperty("by_operation")[0];
            Assert.Equal("file_write", op.GetProperty("type").GetString());
            Assert.Equal("s-1", op.GetProperty("session_id").GetString());
        }
    }
}
