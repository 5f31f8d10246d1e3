using System;
using RlmTokens.Errors;

namespace RlmTokens.Errors
{
    /// <summary>The drivers' folder (ledger/ in the module) is missing or incomplete.</summary>
    public sealed class LedgerDriversMissingException : RlmTokensException
    {
        public LedgerDriversMissingException(string folder)
            : base("LedgerDriversMissing", folder, Format(Resources.Messages.LedgerDriversMissing, folder)) { }
    }

    /// <summary>The ledger could not be opened or reached (a bad path or connection string, a server down, a refused login).</summary>
    public sealed class LedgerConnectionException : RlmTokensException
    {
        public LedgerConnectionException(string ledger, string detail, Exception? inner = null)
            : base("LedgerUnavailable", ledger, Format(Resources.Messages.LedgerUnavailable, ledger, detail), inner) =>
            RecommendedAction = Resources.Messages.LedgerUnavailableAction;
    }

    /// <summary>A statement failed on an open ledger (the transaction was rolled back).</summary>
    public sealed class LedgerCommandException : RlmTokensException
    {
        public LedgerCommandException(string ledger, string detail, Exception? inner = null)
            : base("LedgerCommandFailed", ledger, Format(Resources.Messages.LedgerCommandFailed, ledger, detail), inner) { }
    }

    /// <summary>The ledger was made by a newer RlmTokens: its schema version is above the one this module knows.</summary>
    public sealed class LedgerSchemaTooNewException : RlmTokensException
    {
        public LedgerSchemaTooNewException(string ledger, int found, int known)
            : base("LedgerSchemaTooNew", ledger, Format(Resources.Messages.LedgerSchemaTooNew, ledger, found, known)) { }
    }

    /// <summary>A record of an input file (Export-TokenUsage JSON/JSONL) cannot become a ledger row.</summary>
    public sealed class LedgerInputException : RlmTokensException
    {
        public LedgerInputException(string location, string detail)
            : base("LedgerInputInvalid", location, Format(Resources.Messages.LedgerInputInvalid, location, detail)) { }
    }
}
