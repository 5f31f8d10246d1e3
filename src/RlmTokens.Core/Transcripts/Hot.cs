using System.Runtime.CompilerServices;

namespace RlmTokens.Transcripts
{
    /// <summary>
    /// MethodImplOptions.AggressiveOptimization (512; .NET Core 3.0+, missing from netstandard2.0's enum):
    /// the hot loops of a transcript read are compiled optimized at once instead of starting unoptimized
    /// (tier 0), which matters in a PowerShell session where a report runs once.
    /// </summary>
    internal static class HotPath
    {
        public const MethodImplOptions Hot = (MethodImplOptions)512;
    }
}
