// The project's own platyPS-markdown to MAML converter, compiled by MSBuild's RoslynCodeTaskFactory
// (build/Help.targets), so every `dotnet build` ships help without platyPS. It reads the platyPS
// schema 2.0.0 (docs/help/<Cmdlet>.md) and about_ pages; `build.ps1 -Task Docs` uses platyPS's
// New-ExternalHelp instead where it is installed. Plain C# with no NuGet dependency: the task
// factory compiles it against netstandard with MSBuild's own assemblies.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class RlmHelpBuilder : Task
{
    /// <summary>The cmdlet pages (docs/help/*.md, the module page and about_ pages are recognised and handled).</summary>
    [Required]
    public ITaskItem[] Markdown { get; set; }

    /// <summary>Where the MAML file goes (out/RlmTokens/en-US/RlmTokens.Cmdlets.dll-Help.xml).</summary>
    [Required]
    public string MamlFile { get; set; }

    /// <summary>The folder that receives about_*.help.txt.</summary>
    [Required]
    public string AboutFolder { get; set; }

    /// <summary>The project's home (Directory.Build.props ProjectUri): a related link to a page beside the cmdlet's
    /// (<c>Get-TokenUsage.md</c>) becomes <c>&lt;ProjectUri&gt;/blob/main/docs/help/Get-TokenUsage.md</c>, an address
    /// Get-Help -Online can open.</summary>
    [Required]
    public string ProjectUri { get; set; }

    public override bool Execute()
    {
        try
        {
            var commands = new List<XElement>();
            foreach (ITaskItem item in Markdown.OrderBy(i => Path.GetFileName(i.ItemSpec), StringComparer.OrdinalIgnoreCase))
            {
                string path = item.GetMetadata("FullPath");
                string text = File.ReadAllText(path).Replace("\r\n", "\n");
                string name = Path.GetFileNameWithoutExtension(path);
                if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
                {
                    Directory.CreateDirectory(AboutFolder);
                    File.WriteAllText(Path.Combine(AboutFolder, name + ".help.txt"), HelpMarkdown.AboutToText(name, text), new UTF8Encoding(false));
                    continue;
                }
                HelpPage page = HelpMarkdown.Parse(text);
                if (page.Name == null || !page.Name.Contains("-"))
                {
                    continue; // the module page (RlmTokens.md) has no MAML counterpart
                }
                commands.Add(Maml.Command(page, ProjectUri.TrimEnd('/') + "/blob/main/docs/help/"));
            }
            var doc = new XDocument(new XDeclaration("1.0", "utf-8", null),
                new XElement(Maml.Msh + "helpItems", new XAttribute("schema", "maml"),
                    new XAttribute(XNamespace.Xmlns + "maml", Maml.M.NamespaceName),
                    new XAttribute(XNamespace.Xmlns + "command", Maml.C.NamespaceName),
                    new XAttribute(XNamespace.Xmlns + "dev", Maml.D.NamespaceName),
                    commands));
            Directory.CreateDirectory(Path.GetDirectoryName(MamlFile));
            var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
            using (XmlWriter w = XmlWriter.Create(MamlFile, settings))
            {
                doc.Save(w);
            }
            Log.LogMessage(MessageImportance.Normal, "RlmHelpBuilder: {0} command(s) -> {1}", commands.Count, MamlFile);
            return true;
        }
        catch (Exception e)
        {
            Log.LogError("RlmHelpBuilder: " + e.Message);
            return false;
        }
    }
}

internal sealed class HelpParameter
{
    public string Name;
    public string Description = "";
    public string Type = "String";
    public List<string> Sets = new List<string>();
    public string Aliases = "None";
    public bool Required;
    public string Position = "Named";
    public string DefaultValue = "None";
    public string PipelineInput = "False";
    public bool Globbing;
}

internal sealed class HelpTypeEntry
{
    public string Name;
    public string Description = "";
}

internal sealed class HelpExample
{
    public string Title;
    public string Code = "";
    public string Remarks = "";
}

internal sealed class HelpPage
{
    public string Name;
    public string OnlineVersion;
    public string Synopsis = "";
    public List<string> SyntaxSets = new List<string>();
    public string Description = "";
    public List<HelpExample> Examples = new List<HelpExample>();
    public List<HelpParameter> Parameters = new List<HelpParameter>();
    public List<HelpTypeEntry> Inputs = new List<HelpTypeEntry>();
    public List<HelpTypeEntry> Outputs = new List<HelpTypeEntry>();
    public string Notes = "";
    public List<KeyValuePair<string, string>> Links = new List<KeyValuePair<string, string>>();
}

/// <summary>Reads the platyPS markdown schema into a <see cref="HelpPage"/>.</summary>
internal static class HelpMarkdown
{
    private static readonly Regex LinkPattern = new Regex(@"\[(?<text>[^\]]*)\]\((?<uri>[^)]*)\)");

    public static HelpPage Parse(string text)
    {
        var page = new HelpPage();
        string[] lines = text.Split('\n');
        int i = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            for (i = 1; i < lines.Length && lines[i].Trim() != "---"; i++)
            {
                if (lines[i].StartsWith("online version:", StringComparison.OrdinalIgnoreCase))
                {
                    page.OnlineVersion = lines[i].Substring("online version:".Length).Trim();
                }
            }
            i++;
        }

        // Split into level-2 sections, with level-3 subsections inside them.
        string section = null;
        var body = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        for (; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("# ", StringComparison.Ordinal) && page.Name == null)
            {
                page.Name = line.Substring(2).Trim();
                continue;
            }
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line.Substring(3).Trim().ToUpperInvariant();
                body[section] = new List<string>();
                continue;
            }
            if (section != null) { body[section].Add(line); }
        }

        page.Synopsis = Prose(Get(body, "SYNOPSIS"));
        page.Description = Prose(Get(body, "DESCRIPTION"));
        page.Notes = Prose(Get(body, "NOTES"));
        foreach (KeyValuePair<string, List<string>> sub in Subsections(Get(body, "SYNTAX")))
        {
            string set = sub.Key;
            int paren = set.IndexOf(" (", StringComparison.Ordinal);
            if (paren > 0) { set = set.Substring(0, paren); }
            page.SyntaxSets.Add(set.Trim());
        }
        foreach (KeyValuePair<string, List<string>> sub in Subsections(Get(body, "EXAMPLES")))
        {
            var example = new HelpExample { Title = Plain(sub.Key) };
            var code = new List<string>();
            var rest = new List<string>();
            bool inCode = false, codeDone = false;
            foreach (string l in sub.Value)
            {
                if (l.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    if (!inCode && !codeDone) { inCode = true; continue; }
                    if (inCode) { inCode = false; codeDone = true; continue; }
                }
                if (inCode) { code.Add(l); } else if (codeDone) { rest.Add(l); }
            }
            example.Code = string.Join("\n", code).TrimEnd();
            example.Remarks = Prose(rest);
            page.Examples.Add(example);
        }
        foreach (KeyValuePair<string, List<string>> sub in Subsections(Get(body, "PARAMETERS")))
        {
            if (!sub.Key.StartsWith("-", StringComparison.Ordinal)) { continue; } // CommonParameters
            var p = new HelpParameter { Name = sub.Key.Substring(1).Trim() };
            var prose = new List<string>();
            bool inYaml = false;
            foreach (string l in sub.Value)
            {
                if (l.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inYaml = !inYaml; continue; }
                if (!inYaml) { prose.Add(l); continue; }
                int colon = l.IndexOf(':');
                if (colon < 0) { continue; }
                string key = l.Substring(0, colon).Trim();
                string value = l.Substring(colon + 1).Trim();
                switch (key)
                {
                    case "Type": p.Type = value; break;
                    case "Parameter Sets":
                        p.Sets = value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
                        break;
                    case "Aliases": p.Aliases = value.Length == 0 ? "None" : value; break;
                    case "Required": p.Required = value.StartsWith("True", StringComparison.OrdinalIgnoreCase); break;
                    case "Position": p.Position = value; break;
                    case "Default value": p.DefaultValue = value; break;
                    case "Accept pipeline input": p.PipelineInput = value; break;
                    case "Accept wildcard characters": p.Globbing = value.StartsWith("True", StringComparison.OrdinalIgnoreCase); break;
                }
            }
            p.Description = Prose(prose);
            page.Parameters.Add(p);
        }
        page.Inputs = TypeEntries(Get(body, "INPUTS"));
        page.Outputs = TypeEntries(Get(body, "OUTPUTS"));
        foreach (string l in Get(body, "RELATED LINKS"))
        {
            foreach (Match m in LinkPattern.Matches(l))
            {
                page.Links.Add(new KeyValuePair<string, string>(m.Groups["text"].Value, m.Groups["uri"].Value));
            }
        }
        return page;
    }

    private static List<string> Get(Dictionary<string, List<string>> body, string key)
    {
        List<string> lines;
        return body.TryGetValue(key, out lines) ? lines : new List<string>();
    }

    private static List<KeyValuePair<string, List<string>>> Subsections(List<string> lines)
    {
        var result = new List<KeyValuePair<string, List<string>>>();
        bool inFence = false;
        foreach (string l in lines)
        {
            if (l.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inFence = !inFence; }
            if (!inFence && l.StartsWith("### ", StringComparison.Ordinal))
            {
                result.Add(new KeyValuePair<string, List<string>>(l.Substring(4).Trim(), new List<string>()));
                continue;
            }
            if (result.Count > 0) { result[result.Count - 1].Value.Add(l); }
        }
        return result;
    }

    private static List<HelpTypeEntry> TypeEntries(List<string> lines) =>
        Subsections(lines).Select(s => new HelpTypeEntry { Name = s.Key, Description = Prose(s.Value) }).ToList();

    /// <summary>
    /// Paragraphs joined by blank lines; lines of one paragraph joined by spaces; list items kept on their own
    /// lines; a Markdown table as aligned text columns; inline markup (code spans, bold, links) as plain text,
    /// since Get-Help shows a para's text as it is.
    /// </summary>
    public static string Prose(IEnumerable<string> lines)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        var table = new List<string>();
        bool inFence = false, hasCode = false;
        // Inline markup is removed per paragraph, so a code span broken across two source lines is still one span.
        Action endParagraph = () =>
        {
            if (current.Length > 0) { paragraphs.Add(hasCode ? current.ToString() : Plain(current.ToString())); current.Clear(); }
            hasCode = false;
        };
        Action endTable = () =>
        {
            if (table.Count == 0) { return; }
            endParagraph();
            paragraphs.Add(Table(table));
            table.Clear();
        };
        foreach (string raw in lines)
        {
            string l = raw.TrimEnd();
            if (l.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                endTable();
                inFence = !inFence;
                continue;
            }
            if (inFence)
            {
                if (current.Length > 0) { current.Append('\n'); }
                current.Append("    ").Append(l);
                hasCode = true;
                continue;
            }
            string t = l.Trim();
            if (t.StartsWith("|", StringComparison.Ordinal))
            {
                if (table.Count == 0) { endParagraph(); }
                table.Add(t);
                continue;
            }
            endTable();
            if (t.Length == 0)
            {
                endParagraph();
                continue;
            }
            bool listItem = t.StartsWith("- ", StringComparison.Ordinal) || t.StartsWith("* ", StringComparison.Ordinal) || Regex.IsMatch(t, @"^\d+\. ");
            if (current.Length > 0) { current.Append(listItem ? "\n" : " "); }
            current.Append(hasCode ? Plain(t) : t);
        }
        endTable();
        endParagraph();
        return string.Join("\n\n", paragraphs);
    }

    private static readonly Regex CodeSpan = new Regex("`+(?<code>[^`]*?)`+");
    private static readonly Regex Bold = new Regex(@"\*\*(?<text>[^*]+?)\*\*|__(?<text>[^_]+?)__");

    /// <summary>
    /// Inline Markdown as the plain text a console shows: code spans keep their text (nothing inside them is
    /// markup), bold loses its stars, a link shows its text, followed by its address when that is a URL.
    /// </summary>
    public static string Plain(string text)
    {
        var sb = new StringBuilder();
        int at = 0;
        foreach (Match m in CodeSpan.Matches(text))
        {
            sb.Append(PlainOutsideCode(text.Substring(at, m.Index - at)));
            sb.Append(m.Groups["code"].Value);
            at = m.Index + m.Length;
        }
        sb.Append(PlainOutsideCode(text.Substring(at)));
        return sb.ToString();
    }

    private static string PlainOutsideCode(string text)
    {
        text = LinkPattern.Replace(text, m =>
        {
            string uri = m.Groups["uri"].Value;
            string label = m.Groups["text"].Value;
            return uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? (label == uri ? uri : label + " (" + uri + ")")
                : label;
        });
        return Bold.Replace(text, m => m.Groups["text"].Value);
    }

    private const int TableWidth = 100;

    /// <summary>A Markdown table as text columns: cells in plain text, padded to the widest, the header underlined.</summary>
    public static string Table(List<string> rows)
    {
        var cells = new List<List<string>>();
        foreach (string row in rows)
        {
            List<string> parsed = Cells(row);
            if (parsed.All(c => Regex.IsMatch(c, @"^:?-+:?$"))) { continue; } // the alignment row
            cells.Add(parsed.Select(Plain).ToList());
        }
        int columns = cells.Count == 0 ? 0 : cells.Max(r => r.Count);
        var widths = new int[columns];
        foreach (List<string> r in cells)
        {
            for (int c = 0; c < r.Count; c++) { widths[c] = Math.Max(widths[c], r[c].Length); }
        }
        var lines = new List<string>();
        if (widths.Sum() + 2 * (columns - 1) > TableWidth && cells.Count > 1)
        {
            // Too wide for a console: each row as its first cell with the other cells under it, named by their headers.
            for (int i = 1; i < cells.Count; i++)
            {
                if (i > 1) { lines.Add(""); }
                lines.Add(cells[i][0]);
                for (int c = 1; c < cells[i].Count; c++)
                {
                    string header = c < cells[0].Count ? cells[0][c] : "";
                    lines.Add("    " + (header.Length > 0 ? header + ": " : "") + cells[i][c]);
                }
            }
            return string.Join("\n", lines);
        }
        for (int i = 0; i < cells.Count; i++)
        {
            lines.Add(Line(cells[i], widths));
            if (i == 0) { lines.Add(Line(widths.Select(w => new string('-', w)).ToList(), widths)); }
        }
        return string.Join("\n", lines);
    }

    private static string Line(List<string> cells, int[] widths)
    {
        var sb = new StringBuilder();
        for (int c = 0; c < widths.Length; c++)
        {
            string cell = c < cells.Count ? cells[c] : "";
            if (c > 0) { sb.Append("  "); }
            sb.Append(c == widths.Length - 1 ? cell : cell.PadRight(widths[c]));
        }
        return sb.ToString().TrimEnd();
    }

    // The cells of one table row: split at | that is neither escaped (\|) nor inside a code span.
    private static List<string> Cells(string row)
    {
        string t = row.Trim();
        if (t.StartsWith("|", StringComparison.Ordinal)) { t = t.Substring(1); }
        if (t.EndsWith("|", StringComparison.Ordinal) && !t.EndsWith("\\|", StringComparison.Ordinal)) { t = t.Substring(0, t.Length - 1); }
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool inCode = false;
        for (int i = 0; i < t.Length; i++)
        {
            char ch = t[i];
            if (ch == '\\' && i + 1 < t.Length && t[i + 1] == '|') { cell.Append('|'); i++; continue; }
            if (ch == '`') { inCode = !inCode; }
            if (ch == '|' && !inCode) { cells.Add(cell.ToString().Trim()); cell.Clear(); continue; }
            cell.Append(ch);
        }
        cells.Add(cell.ToString().Trim());
        return cells;
    }

    /// <summary>An about_ page as the plain text Get-Help shows: headings in capitals, text indented and wrapped.</summary>
    public static string AboutToText(string name, string text)
    {
        var sb = new StringBuilder();
        string[] lines = text.Split('\n');
        int i = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            for (i = 1; i < lines.Length && lines[i].Trim() != "---"; i++) { }
            i++;
        }
        sb.Append("TOPIC\n    ").Append(name).Append("\n");
        bool inFence = false;
        var paragraph = new List<string>();
        Action flush = () =>
        {
            if (paragraph.Count == 0) { return; }
            bool list = paragraph.All(p => p.StartsWith("- ", StringComparison.Ordinal) || p.StartsWith("  ", StringComparison.Ordinal));
            if (list)
            {
                foreach (string p in paragraph) { Wrap(sb, Plain(p.Trim()), p.StartsWith("- ", StringComparison.Ordinal) ? "    " : "      ", "      "); }
            }
            else
            {
                Wrap(sb, Plain(string.Join(" ", paragraph.Select(p => p.Trim()))), "    ", "    ");
            }
            sb.Append('\n');
            paragraph.Clear();
        };
        var table = new List<string>();
        Action flushTable = () =>
        {
            if (table.Count == 0) { return; }
            foreach (string row in Table(table).Split('\n')) { sb.Append("    ").Append(row).Append('\n'); }
            sb.Append('\n');
            table.Clear();
        };
        for (; i < lines.Length; i++)
        {
            string l = lines[i].TrimEnd();
            if (!l.TrimStart().StartsWith("|", StringComparison.Ordinal)) { flushTable(); }
            if (l.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                flush();
                inFence = !inFence;
                if (!inFence) { sb.Append('\n'); }
                continue;
            }
            if (inFence) { sb.Append("        ").Append(l).Append('\n'); continue; }
            if (l.StartsWith("#", StringComparison.Ordinal))
            {
                flush();
                int level = l.TakeWhile(c => c == '#').Count();
                string heading = l.Substring(level).Trim();
                if (level == 1 && heading.Equals(name, StringComparison.OrdinalIgnoreCase)) { continue; }
                sb.Append('\n').Append(level <= 2 ? heading.ToUpperInvariant() : "  " + heading).Append('\n');
                continue;
            }
            if (l.TrimStart().StartsWith("|", StringComparison.Ordinal))
            {
                flush();
                table.Add(l.Trim());
                continue;
            }
            flushTable();
            if (l.Trim().Length == 0) { flush(); continue; }
            if (l.TrimStart().StartsWith("- ", StringComparison.Ordinal)) { paragraph.Add(l.TrimStart()); }
            else if (paragraph.Count > 0 && paragraph[paragraph.Count - 1].StartsWith("- ", StringComparison.Ordinal)) { paragraph[paragraph.Count - 1] += " " + l.Trim(); }
            else { paragraph.Add(l); }
        }
        flushTable();
        flush();
        return sb.ToString().Replace("\n", Environment.NewLine);
    }

    private static void Wrap(StringBuilder sb, string text, string firstIndent, string indent)
    {
        const int Width = 80;
        string prefix = firstIndent;
        var line = new StringBuilder();
        foreach (string word in text.Split(' ').Where(w => w.Length > 0))
        {
            if (line.Length > 0 && prefix.Length + line.Length + 1 + word.Length > Width)
            {
                sb.Append(prefix).Append(line).Append('\n');
                line.Clear();
                prefix = indent;
            }
            if (line.Length > 0) { line.Append(' '); }
            line.Append(word);
        }
        if (line.Length > 0) { sb.Append(prefix).Append(line).Append('\n'); }
    }
}

/// <summary>Writes a <see cref="HelpPage"/> as a MAML command:command element (the shape platyPS writes).</summary>
internal static class Maml
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace M = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace C = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace D = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XElement Command(HelpPage page, string helpPages)
    {
        int dash = page.Name.IndexOf('-');
        var command = new XElement(C + "command",
            new XElement(C + "details",
                new XElement(C + "name", page.Name),
                new XElement(C + "verb", page.Name.Substring(0, dash)),
                new XElement(C + "noun", page.Name.Substring(dash + 1)),
                Description(page.Synopsis)),
            Description(page.Description),
            new XElement(C + "syntax", SyntaxItems(page)),
            new XElement(C + "parameters", page.Parameters.Select(p => Parameter(p, p.Sets.Contains("(All)") ? "(All)" : string.Join(", ", p.Sets)))),
            new XElement(C + "inputTypes", page.Inputs.Select(t => new XElement(C + "inputType", TypeOf(t.Name), Description(t.Description)))),
            new XElement(C + "returnValues", page.Outputs.Select(t => new XElement(C + "returnValue", TypeOf(t.Name), Description(t.Description)))),
            new XElement(M + "alertSet", new XElement(M + "alert", Paras(page.Notes))),
            new XElement(C + "examples", page.Examples.Select(Example)),
            new XElement(C + "relatedLinks", Links(page, helpPages)));
        return command;
    }

    private static IEnumerable<XElement> SyntaxItems(HelpPage page)
    {
        List<string> sets = page.SyntaxSets.Count > 0 ? page.SyntaxSets : new List<string> { "(All)" };
        foreach (string set in sets)
        {
            IEnumerable<HelpParameter> members = page.Parameters
                .Where(p => p.Sets.Count == 0 || p.Sets.Contains("(All)") || p.Sets.Contains(set) || set == "(All)")
                .OrderBy(p => PositionKey(p.Position))
                .ThenBy(p => p.Required ? 0 : 1);
            yield return new XElement(C + "syntaxItem",
                new XElement(M + "name", page.Name),
                members.Select(p => Parameter(p, null)));
        }
    }

    private static int PositionKey(string position)
    {
        int n;
        return int.TryParse(position, out n) ? n : int.MaxValue;
    }

    private static bool IsSwitch(HelpParameter p) =>
        p.Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase) || p.Type.EndsWith(".SwitchParameter", StringComparison.OrdinalIgnoreCase);

    private static XElement Parameter(HelpParameter p, string setNames)
    {
        string position = PositionKey(p.Position) == int.MaxValue ? "named" : p.Position;
        var e = new XElement(C + "parameter",
            new XAttribute("required", p.Required ? "true" : "false"),
            new XAttribute("variableLength", p.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false"),
            new XAttribute("globbing", p.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", position),
            new XAttribute("aliases", p.Aliases),
            new XElement(M + "name", p.Name),
            Description(p.Description));
        if (setNames != null || !IsSwitch(p))
        {
            e.Add(new XElement(C + "parameterValue", new XAttribute("required", IsSwitch(p) ? "false" : "true"),
                new XAttribute("variableLength", "false"), p.Type));
        }
        e.Add(TypeOf(p.Type));
        e.Add(new XElement(D + "defaultValue", p.DefaultValue));
        return e;
    }

    private static XElement TypeOf(string name) => new XElement(D + "type", new XElement(M + "name", name), new XElement(M + "uri"));

    private static XElement Description(string text) => new XElement(M + "description", Paras(text));

    private static IEnumerable<XElement> Paras(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) { return new[] { new XElement(M + "para") }; }
        return text.Split(new[] { "\n\n" }, StringSplitOptions.None).Select(p => new XElement(M + "para", p));
    }

    private static XElement Example(HelpExample x) =>
        new XElement(C + "example",
            new XElement(M + "title", "-------------------------- " + x.Title + " --------------------------"),
            new XElement(D + "code", x.Code),
            new XElement(D + "remarks", Paras(x.Remarks)));

    private static IEnumerable<XElement> Links(HelpPage page, string helpPages)
    {
        if (!string.IsNullOrEmpty(page.OnlineVersion))
        {
            yield return Link("Online Version:", page.OnlineVersion);
        }
        foreach (KeyValuePair<string, string> l in page.Links)
        {
            // A page beside this one (Get-TokenUsage.md) is published at the same place as this page: link its address.
            bool url = l.Value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || l.Value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            bool sibling = !url && l.Value.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && l.Value.IndexOfAny(new[] { '/', '\\' }) < 0;
            yield return Link(l.Key, url ? l.Value : sibling ? helpPages + l.Value : "");
        }
    }

    private static XElement Link(string text, string uri) =>
        new XElement(M + "navigationLink", new XElement(M + "linkText", text), new XElement(M + "uri", uri));
}
