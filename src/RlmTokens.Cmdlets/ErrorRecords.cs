using System;
using System.Management.Automation;
using RlmTokens.Errors;

namespace RlmTokens.Cmdlets
{
    /// <summary>Maps Core's exceptions to ErrorRecords: stable id, category, target and a recommended action.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(RlmTokensException e)
        {
            var record = new ErrorRecord(e, e.ErrorId, CategoryOf(e), e.Target);
            if (e.RecommendedAction is not null)
            {
                record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = e.RecommendedAction };
            }
            return record;
        }

        public static ErrorCategory CategoryOf(RlmTokensException e)
        {
            switch (e)
            {
                case CorruptDataFileException _:
                case InvalidHookInputException _:
                case InvalidHookSettingsException _:
                case InvalidCostOutputException _:
                case InvalidTranscriptException _:
                case UnknownAgentFormatException _:
                    return ErrorCategory.InvalidData;
                case NoOpenSessionException _:
                    return ErrorCategory.ObjectNotFound;
                case SessionAlreadyOpenException _:
                    return ErrorCategory.ResourceExists;
                case WorkspaceNotFoundException _:
                case DataFileNotFoundException _:
                case NotAWorkspaceException _:
                    return ErrorCategory.ObjectNotFound;
                case NotRegularFileException _:
                    return ErrorCategory.InvalidType;
                case LinkOutsideWorkspaceException _:
                    return ErrorCategory.PermissionDenied;
                case LockTimeoutException _:
                    return ErrorCategory.ResourceBusy;
                case DataFileAccessDeniedException _:
                    return ErrorCategory.PermissionDenied;
                case DataFileWriteException _:
                    return ErrorCategory.WriteError;
                case DataFileReadException _:
                    return ErrorCategory.ReadError;
                case InvalidArgumentException _:
                    return ErrorCategory.InvalidArgument;
                case Export.ExportFileExistsException _:
                    return ErrorCategory.ResourceExists;
                case Export.ExportAppendMismatchException _:
                    return ErrorCategory.InvalidData;
                case LedgerDriversMissingException _:
                    return ErrorCategory.NotInstalled;
                case LedgerConnectionException _:
                    return ErrorCategory.ConnectionError;
                case LedgerCommandException _:
                    return ErrorCategory.WriteError;
                case LedgerSchemaTooNewException _:
                case LedgerInputException _:
                    return ErrorCategory.InvalidData;
                default:
                    return ErrorCategory.NotSpecified;
            }
        }

        /// <summary>An error of the cmdlet layer itself (argument checks that need no Core call).</summary>
        public static ErrorRecord Create(string errorId, ErrorCategory category, object? target, string message) =>
            new ErrorRecord(new ArgumentException(message), errorId, category, target);

        /// <summary>Operation cancelled by Ctrl+C: surfaces as PipelineStoppedException, never as a stack trace.</summary>
        public static bool IsCancellation(Exception e) => e is OperationCanceledException;
    }
}
