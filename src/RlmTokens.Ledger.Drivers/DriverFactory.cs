using System;
using System.Data.Common;

namespace RlmTokens.Ledger.Drivers
{
    /// <summary>
    /// Creates an unopened connection of one engine. Called by reflection from Core's LedgerDrivers,
    /// which only sees the result as the framework's <see cref="DbConnection"/>: no driver type crosses
    /// the load context's boundary.
    /// </summary>
    public static class DriverFactory
    {
        /// <param name="engine">"sqlite" or "postgresql".</param>
        /// <param name="connectionString">The engine's connection string.</param>
        public static DbConnection Create(string engine, string connectionString)
        {
            switch (engine)
            {
                case "sqlite":
                    SQLitePCL.Batteries_V2.Init();
                    return new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
                case "postgresql":
                    return new Npgsql.NpgsqlConnection(connectionString);
                default:
                    throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown ledger engine.");
            }
        }
    }
}
