using System.Linq;
using RlmTokens.Errors;
using RlmTokens.HookPayloads;

namespace RlmTokens.Core.Tests
{
    public sealed class HookInputTests
    {
        [Fact]
        public void Parse_Write_ShouldTakeContentLength()
        {
            HookInput h = HookInput.Parse("{\"session_id\":\"s\",\"cwd\":\"/w\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"/w/a.cs\",\"content\":\"12345678\"}}");
            Assert.Equal("s", h.SessionId);
            Assert.Equal("/w", h.Cwd);
            Assert.Equal("/w/a.cs", h.FilePath);
            Assert.Equal(8, h.MovedCharacters);
            Assert.Equal(OperationKind.Write, HookInput.OperationFor(h.ToolName));
        }

        [Fact]
        public void Parse_Edit_ShouldSumOldAndNewStrings()
        {
            HookInput h = HookInput.Parse("{\"tool_name\":\"Edit\",\"tool_input\":{\"file_path\":\"a\",\"old_string\":\"abc\",\"new_string\":\"defgh\"}}");
            Assert.Equal(8, h.MovedCharacters);
        }

        [Fact]
        public void Parse_MultiEdit_ShouldSumEveryEdit()
        {
            HookInput h = HookInput.Parse("{\"tool_name\":\"MultiEdit\",\"tool_input\":{\"file_path\":\"a\",\"edits\":[{\"old_string\":\"ab\",\"new_string\":\"c\"},{\"old_string\":\"\",\"new_string\":\"1234\"}]}}");
            Assert.Equal(7, h.MovedCharacters);
            Assert.Equal(OperationKind.Edit, HookInput.OperationFor(h.ToolName));
        }

        [Fact]
        public void Parse_ReadWithReturnedContent_ShouldTakeReturnedLength()
        {
            HookInput h = HookInput.Parse("{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"a\"},\"tool_response\":{\"type\":\"text\",\"file\":{\"filePath\":\"a\",\"content\":\"0123456789\",\"numLines\":1}}}");
            Assert.Equal(10, h.MovedCharacters);
        }

        [Fact]
        public void Parse_ReadWithoutContent_ShouldLeaveSizeToTheDisk()
        {
            HookInput h = HookInput.Parse("{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"a\"}}");
            Assert.Null(h.MovedCharacters);
        }

        [Theory]
        [InlineData("Agent", OperationKind.Subagent)]
        [InlineData("Task", OperationKind.Subagent)]
        [InlineData("NotebookEdit", OperationKind.Edit)]
        [InlineData("Bash", OperationKind.Tool)]
        [InlineData("mcp__github__create_issue", OperationKind.Tool)]
        [InlineData(null, OperationKind.Tool)]
        public void OperationFor_ShouldMapToolNames(string? tool, OperationKind expected) =>
            Assert.Equal(expected, HookInput.OperationFor(tool));

        [Fact]
        public void Parse_Agent_ShouldTakeSubagentType()
        {
            HookInput h = HookInput.Parse("{\"tool_name\":\"Task\",\"tool_input\":{\"subagent_type\":\"coder\",\"prompt\":\"x\"}}");
            Assert.Equal("coder", h.SubagentType);
        }

        [Theory]
        [InlineData("not json")]
        [InlineData("{\"tool_name\": ")]
        [InlineData("[1,2]")]
        [InlineData("\"text\"")]
        public void Parse_WithInvalidDocument_ShouldThrowInvalidHookInput(string text)
        {
            var e = Assert.Throws<InvalidHookInputException>(() => HookInput.Parse(text));
            Assert.Equal("InvalidHookInput", e.ErrorId);
        }

        [Fact]
        public void Buffer_WithPrettyPrintedLines_ShouldYieldOneDocumentAtTheClosingBrace()
        {
            var b = new HookDocumentBuffer();
            string[] lines = { "{", "  \"tool_name\": \"Write\",", "  \"tool_input\": { \"content\": \"}{ \\\" ]\" }", "}" };
            var docs = lines.SelectMany(l => b.Append(l)).ToList();
            string doc = Assert.Single(docs);
            Assert.Equal(6, HookInput.Parse(doc).MovedCharacters); // }{ " ]
            Assert.Null(b.Flush());
        }

        [Fact]
        public void Buffer_WithJsonLines_ShouldYieldEachDocument()
        {
            var b = new HookDocumentBuffer();
            var docs = b.Append("{\"a\":1}{\"b\":2}").Concat(b.Append("{\"c\":3}")).ToList();
            Assert.Equal(3, docs.Count);
        }

        [Fact]
        public void Buffer_WithUnfinishedDocument_ShouldReturnItOnFlush()
        {
            var b = new HookDocumentBuffer();
            Assert.Empty(b.Append("{\"a\": {"));
            Assert.NotNull(b.Flush());
        }
    }
}
