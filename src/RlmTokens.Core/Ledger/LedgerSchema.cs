using System;
using System.Collections.Generic;

namespace RlmTokens.Ledger
{
    /// <summary>
    /// The ledger's schema as versioned migrations, the same tables, columns, keys and indexes on both
    /// engines. Only the storage type of a timestamp differs: PostgreSQL's timestamptz, and on SQLite
    /// (which has no date type) fixed-width ISO-8601 UTC text, which sorts as time does. Money is an exact
    /// integer count of nano-dollars on both: SQLite has no decimal type (its NUMERIC affinity keeps a
    /// float), and an integer sums exactly on either engine.
    /// </summary>
    internal static class LedgerSchema
    {
        public const string Table = "usage_row";

        /// <summary>A UTC instant as SQLite stores it (fixed width, so text order is time order) and as row keys spell it.</summary>
        public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        /// <summary>Nano-dollars per dollar: the unit of cost_nanousd.</summary>
        public const decimal NanosPerUsd = 1_000_000_000m;

        /// <summary>The columns written and read, in order (row_key first).</summary>
        public static readonly string[] Columns =
        {
            "row_key", "source", "source_rank", "precision", "cost_precision", "agent", "model", "session_id", "project",
            "git_branch", "machine", "user_name", "occurred_at", "synced_at", "input_tokens", "output_tokens",
            "cache_creation_tokens", "cache_read_tokens", "total_tokens", "cost_nanousd",
        };

        /// <summary>One step of the schema: applied once, in order, recorded in schema_version.</summary>
        public sealed class Migration
        {
            public Migration(int version, string description, Func<LedgerEngine, IReadOnlyList<string>> statements)
            {
                Version = version;
                Description = description;
                Statements = statements;
            }

            public int Version { get; }

            public string Description { get; }

            public Func<LedgerEngine, IReadOnlyList<string>> Statements { get; }
        }

        public static string TimestampType(LedgerEngine engine) => engine == LedgerEngine.PostgreSql ? "TIMESTAMPTZ" : "TEXT";

        public static string VersionTable(LedgerEngine engine) =>
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at "
            + TimestampType(engine) + " NOT NULL)";

        public static readonly IReadOnlyList<Migration> Migrations = new[]
        {
            new Migration(1, "usage rows keyed by their natural key", e => new[]
            {
                "CREATE TABLE " + Table + " ("
                + "row_key TEXT NOT NULL PRIMARY KEY, "
                + "source TEXT NOT NULL, "
                + "source_rank INTEGER NOT NULL, "
                + "precision TEXT NOT NULL, "
                + "cost_precision TEXT NOT NULL, "
                + "agent TEXT NOT NULL, "
                + "model TEXT, "
                + "session_id TEXT, "
                + "project TEXT, "
                + "git_branch TEXT, "
                + "machine TEXT NOT NULL, "
                + "user_name TEXT NOT NULL, "
                + "occurred_at " + TimestampType(e) + " NOT NULL, "
                + "synced_at " + TimestampType(e) + " NOT NULL, "
                + "input_tokens BIGINT NOT NULL CHECK (input_tokens >= 0), "
                + "output_tokens BIGINT NOT NULL CHECK (output_tokens >= 0), "
                + "cache_creation_tokens BIGINT NOT NULL CHECK (cache_creation_tokens >= 0), "
                + "cache_read_tokens BIGINT NOT NULL CHECK (cache_read_tokens >= 0), "
                + "total_tokens BIGINT NOT NULL CHECK (total_tokens >= 0), "
                + "cost_nanousd BIGINT NOT NULL CHECK (cost_nanousd >= 0))",
            }),
            new Migration(2, "indexes for time ranges and a session's best source", e => new[]
            {
                "CREATE INDEX usage_row_occurred_at ON " + Table + " (occurred_at)",
                "CREATE INDEX usage_row_session ON " + Table + " (session_id, source_rank)",
            }),
        };

        /// <summary>The newest version this module knows.</summary>
        public static int Current => Migrations[Migrations.Count - 1].Version;

        /// <summary>Within a session, only rows of its most precise source count (Transcript over Log over CostCapture over Estimate).</summary>
        public static int Rank(LedgerSource source) => source switch
        {
            LedgerSource.Transcript => 4,
            LedgerSource.Log => 3,
            LedgerSource.CostCapture => 2,
            _ => 1,
        };
    }
}
