using BenchmarkDotNet.Running;

namespace RlmTokens.Bench
{
    internal static class Program
    {
        // dotnet run -c Release --project bench/RlmTokens.Bench -- --filter '*'
        private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
