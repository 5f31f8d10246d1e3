using System;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>The views of the capture output types name real properties (PowerShell shows a typo as a blank column).</summary>
    public sealed class CaptureViewTests
    {
        [Theory]
        [InlineData(typeof(SessionCostRecord))]
        [InlineData(typeof(CompactEventRecord))]
        [InlineData(typeof(TokenSessionRecord))]
        [InlineData(typeof(TokenUsageLogRecord))]
        [InlineData(typeof(TokenUsageLogGroup))]
        public void FormatFile_ViewsOfCaptureTypes_ShouldNameRealPropertiesInAtMostSixColumnsOutsideWide(Type type)
        {
            XDocument format = XDocument.Load(System.IO.Path.Combine(Repo.Root, "module", "RlmTokens.format.ps1xml"));
            // Grouping rows carry their grouping after '#' (RlmTokens.TokenUsageLogGroup#Model).
            var views = format.Descendants("View").Where(v => v.Descendants("TypeName").Any(t => t.Value.Split('#')[0] == type.FullName)).ToList();

            Assert.NotEmpty(views);
            foreach (XElement view in views)
            {
                foreach (string name in view.Descendants("PropertyName").Select(p => p.Value))
                {
                    Assert.True(type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is not null, type.Name + " has no property " + name);
                }
                // The Wide views show every token column; the others fit 80 columns.
                if (view.Element("Name")!.Value == "Wide") { continue; }
                Assert.True(view.Descendants("TableColumnItem").Count() <= 6, view.Element("Name")!.Value + " has more than six columns");
            }
        }
    }
}
