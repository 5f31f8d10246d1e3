using System;
using System.IO;

namespace RlmTokens.Estimation
{
    /// <summary>RLM's estimation rules (DESIGN.md section 4), with its rounding (banker's, as [math]::Round).</summary>
    public static class Estimator
    {
        /// <summary>Input, output and "tokens added" (RLM's tokens_added) for one operation.</summary>
        public static (long Input, long Output, long Added, long Size) Estimate(EstimateRequest request, EstimationSettings settings)
        {
            if (request is null) { throw new ArgumentNullException(nameof(request)); }
            if (settings is null) { throw new ArgumentNullException(nameof(settings)); }
            if (request.ExactTotalTokens is long total)
            {
                long output = request.ExactOutputTokens ?? 0;
                long input = request.ExactInputTokens ?? total - output;
                return (input, output, total, 0);
            }
            switch (request.Operation)
            {
                case OperationKind.Read:
                {
                    long size = EffectiveSize(request);
                    long t = Round(size * settings.TokensPerChar);
                    return (t, 0, t, size);
                }
                case OperationKind.Write:
                {
                    long size = EffectiveSize(request);
                    long t = Round(size * settings.TokensPerChar);
                    return (0, t, t, size);
                }
                case OperationKind.Edit:
                {
                    long size = EffectiveSize(request);
                    long i = Round(size * settings.TokensPerChar * settings.EditInputRatio);
                    long o = Round(size * settings.TokensPerChar * settings.EditOutputRatio);
                    return (i, o, i + o, size);
                }
                case OperationKind.Subagent:
                {
                    long t = settings.TokensForSubagent(request.SubagentType);
                    return (Round(t * settings.SubagentInputShare), Round(t * (1 - settings.SubagentInputShare)), t, 0);
                }
                case OperationKind.Tool:
                    return (settings.ToolCallTokens, 0, settings.ToolCallTokens, 0);
                default:
                    // RLM adds the tool-call overhead to tokens_added for an unknown operation, and to no counter.
                    return (0, 0, settings.ToolCallTokens, 0);
            }
        }

        /// <summary>The size given, else the file's length on disk (RLM: "if FileSize is 0 and the file exists").</summary>
        public static long EffectiveSize(EstimateRequest request)
        {
            if (request.Size is long s && s > 0) { return s; }
            if (!string.IsNullOrEmpty(request.FilePath))
            {
                try
                {
                    var info = new FileInfo(request.FilePath);
                    if (info.Exists) { return info.Length; }
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                catch (ArgumentException) { }
                catch (NotSupportedException) { }
            }
            return 0;
        }

        private static long Round(double value) => (long)Math.Round(value, MidpointRounding.ToEven);
    }
}
