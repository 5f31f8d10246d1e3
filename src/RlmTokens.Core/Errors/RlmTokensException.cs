using System;

namespace RlmTokens.Errors
{
    /// <summary>
    /// Base of every failure Core reports. Carries a stable, never-localized <see cref="ErrorId"/>
    /// and the offending path or value as <see cref="Target"/>. Core knows no ErrorCategory:
    /// the cmdlets map each subclass to one.
    /// </summary>
    public abstract class RlmTokensException : Exception
    {
        private protected static string Format(string template, params object?[] args) =>
            string.Format(System.Globalization.CultureInfo.CurrentCulture, template, args);

        protected RlmTokensException(string errorId, object? target, string message, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Target = target;
        }

        /// <summary>PascalCase id, one per condition, never built from data.</summary>
        public string ErrorId { get; }

        /// <summary>The path or value the error is about.</summary>
        public object? Target { get; }

        /// <summary>What the user can do about it, when there is something to say.</summary>
        public string? RecommendedAction { get; protected set; }
    }

    /// <summary>A data file could not be parsed. It was left in place (readers) or set aside (writers).</summary>
    public sealed class CorruptDataFileException : RlmTokensException
    {
        public CorruptDataFileException(string path, string? setAsidePath, string detail, Exception? inner = null)
            : base("CorruptDataFile", path,
                setAsidePath is null
                    ? Format(Resources.Messages.CorruptDataFile, path, detail)
                    : Format(Resources.Messages.CorruptDataFileSetAside, path, detail, setAsidePath),
                inner)
        {
            SetAsidePath = setAsidePath;
            RecommendedAction = Resources.Messages.CorruptDataFileAction;
        }

        /// <summary>Where the unreadable content was moved, or null when it was left in place.</summary>
        public string? SetAsidePath { get; }
    }

    /// <summary>The workspace root does not exist.</summary>
    public sealed class WorkspaceNotFoundException : RlmTokensException
    {
        public WorkspaceNotFoundException(string path)
            : base("WorkspaceNotFound", path, Format(Resources.Messages.WorkspaceNotFound, path)) =>
            RecommendedAction = Resources.Messages.WorkspaceNotFoundAction;
    }

    /// <summary>A file the caller named does not exist.</summary>
    public sealed class DataFileNotFoundException : RlmTokensException
    {
        public DataFileNotFoundException(string path)
            : base("FileNotFound", path, Format(Resources.Messages.FileNotFound, path)) { }
    }

    /// <summary>The folder lock could not be taken within the timeout.</summary>
    public sealed class LockTimeoutException : RlmTokensException
    {
        public LockTimeoutException(string lockPath, TimeSpan timeout)
            : base("LockTimeout", lockPath, Format(Resources.Messages.LockTimeout, lockPath, timeout.TotalSeconds)) =>
            RecommendedAction = Resources.Messages.LockTimeoutAction;
    }

    /// <summary>The operating system refused access to a file or folder.</summary>
    public sealed class DataFileAccessDeniedException : RlmTokensException
    {
        public DataFileAccessDeniedException(string path, Exception inner)
            : base("AccessDenied", path, Format(Resources.Messages.AccessDenied, path, inner.Message), inner) =>
            RecommendedAction = Resources.Messages.AccessDeniedAction;
    }

    /// <summary>A file could not be written for another I/O reason (disk full, a folder in the way).</summary>
    public sealed class DataFileWriteException : RlmTokensException
    {
        public DataFileWriteException(string path, Exception inner)
            : base("WriteFailed", path, Format(Resources.Messages.WriteFailed, path, inner.Message), inner) { }
    }

    /// <summary>A file could not be read for an I/O reason other than a parse error.</summary>
    public sealed class DataFileReadException : RlmTokensException
    {
        public DataFileReadException(string path, Exception inner)
            : base("ReadFailed", path, Format(Resources.Messages.ReadFailed, path, inner.Message), inner) { }
    }

    /// <summary>A Claude Code hook document is not JSON, or not the shape expected.</summary>
    public sealed class InvalidHookInputException : RlmTokensException
    {
        public InvalidHookInputException(string excerpt, string detail, Exception? inner = null)
            : base("InvalidHookInput", excerpt, Format(Resources.Messages.InvalidHookInput, detail), inner) =>
            RecommendedAction = Resources.Messages.InvalidHookInputAction;
    }

    /// <summary>An argument value cannot be used (a session id that is not a safe file name, a negative size).</summary>
    public sealed class InvalidArgumentException : RlmTokensException
    {
        public InvalidArgumentException(string errorId, object? value, string message)
            : base(errorId, value, message) { }
    }
}

namespace RlmTokens.Errors
{
    /// <summary>
    /// A path that must be a regular file (a data file, a log, the lock, a transcript) is a FIFO, a
    /// device, a socket or a symbolic link where none may be. Checked before any blocking open, so it
    /// fails at once instead of hanging.
    /// </summary>
    public sealed class NotRegularFileException : RlmTokensException
    {
        public NotRegularFileException(string path, string kind)
            : base("NotARegularFile", path, Format(Resources.Messages.NotARegularFile, path, kind)) =>
            RecommendedAction = Resources.Messages.NotARegularFileAction;
    }

    /// <summary>An append or the lock would follow a symbolic link to a place outside the workspace.</summary>
    public sealed class LinkOutsideWorkspaceException : RlmTokensException
    {
        public LinkOutsideWorkspaceException(string path, string realPath, string workspace)
            : base("LinkOutsideWorkspace", path, Format(Resources.Messages.LinkOutsideWorkspace, path, realPath, workspace)) =>
            RecommendedAction = Resources.Messages.LinkOutsideWorkspaceAction;
    }

    /// <summary>A writer was asked to record in a folder that holds no RLM/ and that -Path did not name.</summary>
    public sealed class NotAWorkspaceException : RlmTokensException
    {
        public NotAWorkspaceException(string path)
            : base("NotAWorkspace", path, Format(Resources.Messages.NotAWorkspace, path)) =>
            RecommendedAction = Resources.Messages.NotAWorkspaceAction;
    }
}
