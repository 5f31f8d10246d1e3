using System;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Storage;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Lets a date parameter take ccusage's yyyyMMdd form (-Since 20260801, typed as a number or a string) beside
    /// everything PowerShell converts to a DateTime itself. Without it PowerShell reads the number 20260801 as
    /// ticks, a moment in the year 1, and the report is silently empty.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class DateArgumentAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject ps ? ps.BaseObject : inputData;
            string? text = value switch
            {
                string s => s,
                int i => i.ToString(CultureInfo.InvariantCulture),
                long l => l.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            return RlmTime.TryParseCompactDate(text, out DateTime day) ? day : inputData;
        }
    }
}
