using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RlmTokens.Estimation;
using RlmTokens.Storage;

namespace RlmTokens.Bench
{
    /// <summary>
    /// One hook call's own work (no PowerShell start-up), warm, in-process, on a workspace whose
    /// token-estimates.json already holds a 100-operation history:
    ///  - RlmScriptWork: the steps of RLM's estimate-tokens.ps1 (rlm-estimate-baseline.ps1) in the engine;
    ///  - AddTokenEstimateCmdlet: `Add-TokenEstimate -Operation Tool ...` in the same engine (lock, atomic replace included);
    ///  - CoreAddEstimate: TokenTracker.AddEstimate alone (the part the cmdlet adds nothing to).
    /// </summary>
    [MemoryDiagnoser]
    [Config(typeof(Config))]
    public class AddTokenEstimateBenchmarks
    {
        private sealed class Config : BenchmarkDotNet.Configs.ManualConfig
        {
            public Config() => AddJob(BenchmarkDotNet.Jobs.Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15));
        }

        private string _root = "";
        private Runspace? _runspace;
        private PowerShell? _cmdlet;
        private PowerShell? _script;
        private TokenTracker? _tracker;

        [GlobalSetup]
        public void Setup()
        {
            _root = Path.Combine(Path.GetTempPath(), "rlmtokens-bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(_root);
            _tracker = new TokenTracker(new Workspace(_root));
            for (int i = 0; i < 120; i++)
            {
                _tracker.AddEstimate(new EstimateRequest { Operation = OperationKind.Read, FilePath = "src/file" + i + ".cs", Size = 4000 + i });
            }
            string manifest = Path.Combine(FindRepo(), "out", "RlmTokens", "RlmTokens.psd1");
            InitialSessionState iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { manifest });
            _runspace = RunspaceFactory.CreateRunspace(iss);
            _runspace.Open();
            _cmdlet = PowerShell.Create();
            _cmdlet.Runspace = _runspace;
            _cmdlet.AddCommand("Add-TokenEstimate").AddParameter("Operation", OperationKind.Tool).AddParameter("ToolName", "Bash").AddParameter("Path", _root);
            _script = PowerShell.Create();
            _script.Runspace = _runspace;
            _script.AddCommand(Path.Combine(AppContext.BaseDirectory, "rlm-estimate-baseline.ps1")).AddParameter("WorkspaceRoot", _root).AddParameter("ToolName", "Bash");
            // Warm both paths once so the first measured call pays no JIT or module load.
            _cmdlet.Invoke();
            _script.Invoke();
            _tracker.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool });
        }

        [Benchmark(Baseline = true)]
        public void RlmScriptWork() => _script!.Invoke();

        [Benchmark]
        public void AddTokenEstimateCmdlet() => _cmdlet!.Invoke();

        [Benchmark]
        public void CoreAddEstimate() => _tracker!.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash" });

        [GlobalCleanup]
        public void Cleanup()
        {
            _cmdlet?.Dispose();
            _script?.Dispose();
            _runspace?.Dispose();
            try { Directory.Delete(_root, true); } catch (IOException) { }
        }

        private static string FindRepo()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "RlmTokens.sln"))) { return d.FullName; }
            }
            throw new InvalidOperationException("Run from inside the repository.");
        }
    }
}
