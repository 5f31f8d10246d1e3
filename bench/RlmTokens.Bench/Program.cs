using BenchmarkDotNet.Running;

namespace RlmTokens.Bench
{
    internal static class Program
    {
        // dotnet run -c Release --project bench/RlmTokens.Bench -- --filter '*'
        // dotnet bench/RlmTokens.Bench/bin/Release/net10.0/RlmTokens.Bench.dll daily <corpus> [--cache DIR] (bench/ccusage.sh)
        private static int Main(string[] args)
        {
            if (args.Length > 1 && args[0] == "daily") { return TranscriptDaily.Run(args); }
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }
    }
}
