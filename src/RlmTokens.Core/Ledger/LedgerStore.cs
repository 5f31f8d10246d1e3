using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.Ledger
{
    /// <summary>Which rows a read or report covers; null or empty means no restriction.</summary>
    public sealed class LedgerFilter
    {
        /// <summary>First instant covered (inclusive).</summary>
        public DateTimeOffset? From { get; set; }

        /// <summary>End of the range (exclusive).</summary>
        public DateTimeOffset? To { get; set; }

        public IList<string>? Users { get; set; }

        public IList<string>? Machines { get; set; }

        public IList<string>? Branches { get; set; }

        public IList<string>? Agents { get; set; }

        public IList<string>? Models { get; set; }
    }

    /// <summary>Where a ledger is: an engine and its connection string, plus a name fit for messages (no password).</summary>
    public sealed class LedgerTarget
    {
        private LedgerTarget(LedgerEngine engine, string connectionString, string display, string? file)
        {
            Engine = engine;
            ConnectionString = connectionString;
            Display = display;
            File = file;
        }

        public LedgerEngine Engine { get; }

        public string ConnectionString { get; }

        /// <summary>The file path (SQLite) or the connection string without its password (PostgreSQL).</summary>
        public string Display { get; }

        /// <summary>The SQLite file, or null for PostgreSQL.</summary>
        public string? File { get; }

        /// <summary>A SQLite ledger in one file (created on first write).</summary>
        public static LedgerTarget Sqlite(string path)
        {
            var builder = new DbConnectionStringBuilder
            {
                ["Data Source"] = path,
                ["Mode"] = "ReadWriteCreate",
                ["Pooling"] = "False",
                ["Default Timeout"] = "120",
            };
            return new LedgerTarget(LedgerEngine.Sqlite, builder.ConnectionString, path, path);
        }

        /// <summary>A PostgreSQL ledger (Npgsql's connection string: Host=...;Database=...;Username=...;Password=...).</summary>
        public static LedgerTarget PostgreSql(string connectionString) =>
            new LedgerTarget(LedgerEngine.PostgreSql, connectionString, LedgerDrivers.Redact(connectionString), null);
    }

    /// <summary>
    /// An open ledger: migrates its schema on open, writes rows idempotently in batches (one transaction
    /// each), reads rows back and sums them per group. The same SQL runs on SQLite and PostgreSQL except
    /// for the day of a timestamp.
    /// </summary>
    public sealed class LedgerStore : IDisposable
    {
        /// <summary>Rows per transaction unless the caller says otherwise.</summary>
        public const int DefaultBatchSize = 2000;

        private const int RowsPerStatement = 200;
        private const int KeysPerStatement = 500;

        private readonly DbConnection _connection;
        private readonly bool _empty;

        private LedgerStore(LedgerTarget target, DbConnection connection, bool empty)
        {
            Target = target;
            _connection = connection;
            _empty = empty;
        }

        public LedgerTarget Target { get; }

        /// <summary>The schema version found (read-only open) or reached (after migrating).</summary>
        public int SchemaVersion { get; private set; }

        /// <summary>
        /// Opens the ledger. Writable: creates the SQLite file when missing and applies every pending
        /// migration. Read-only (-WhatIf, reports): changes nothing, and a ledger that does not exist yet
        /// reads as empty.
        /// </summary>
        public static LedgerStore Open(LedgerTarget target, bool readOnly, CancellationToken cancellation = default)
        {
            if (target is null) { throw new ArgumentNullException(nameof(target)); }
            if (readOnly && target.File is not null && !System.IO.File.Exists(target.File))
            {
                return new LedgerStore(target, LedgerDrivers.Create(target.Engine, target.ConnectionString), empty: true);
            }
            if (target.File is not null)
            {
                string? folder = Path.GetDirectoryName(Path.GetFullPath(target.File));
                if (folder is not null && !Directory.Exists(folder)) { throw new LedgerConnectionException(target.Display, string.Format(CultureInfo.CurrentCulture, Resources.Messages.FileNotFound, folder)); }
            }
            DbConnection connection = LedgerDrivers.Create(target.Engine, target.ConnectionString);
            try
            {
                connection.Open();
                var store = new LedgerStore(target, connection, empty: false);
                if (target.Engine == LedgerEngine.Sqlite && !readOnly) { store.Execute(null, "PRAGMA journal_mode=WAL"); }
                if (readOnly) { store.SchemaVersion = store.ReadVersion(null); }
                else { store.Migrate(cancellation); }
                if (store.SchemaVersion > LedgerSchema.Current) { throw new LedgerSchemaTooNewException(target.Display, store.SchemaVersion, LedgerSchema.Current); }
                return store;
            }
            catch (DbException e)
            {
                connection.Dispose();
                throw new LedgerConnectionException(target.Display, e.Message, e);
            }
            catch (Exception e) when (e is InvalidOperationException || e is ArgumentException || e is IOException || e is TimeoutException)
            {
                connection.Dispose();
                throw new LedgerConnectionException(target.Display, e.Message, e);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public void Dispose() => _connection.Dispose();

        private bool Empty => _empty || SchemaVersion == 0;

        private void Migrate(CancellationToken cancellation)
        {
            LedgerEngine engine = Target.Engine;
            try { Execute(null, LedgerSchema.VersionTable(engine)); }
            catch (DbException) when (engine == LedgerEngine.PostgreSql)
            {
                // Two first syncs racing on CREATE TABLE IF NOT EXISTS: one of them wins, the other finds it made.
                Execute(null, LedgerSchema.VersionTable(engine));
            }
            using DbTransaction tx = _connection.BeginTransaction(IsolationLevel.Serializable);
            // SQLite's BEGIN IMMEDIATE already excludes other writers; PostgreSQL needs the table lock.
            if (engine == LedgerEngine.PostgreSql) { Execute(tx, "LOCK TABLE schema_version IN SHARE ROW EXCLUSIVE MODE"); }
            int version = ReadVersion(tx);
            if (version > LedgerSchema.Current)
            {
                SchemaVersion = version;
                return;
            }
            foreach (LedgerSchema.Migration m in LedgerSchema.Migrations)
            {
                cancellation.ThrowIfCancellationRequested();
                if (m.Version <= version) { continue; }
                foreach (string sql in m.Statements(engine)) { Execute(tx, sql); }
                using DbCommand insert = Command(tx, "INSERT INTO schema_version (version, description, applied_at) VALUES (@v, @d, @t)");
                Add(insert, "@v", m.Version);
                Add(insert, "@d", m.Description);
                Add(insert, "@t", Timestamp(DateTimeOffset.UtcNow));
                insert.ExecuteNonQuery();
                version = m.Version;
            }
            tx.Commit();
            SchemaVersion = version;
        }

        private int ReadVersion(DbTransaction? tx)
        {
            string exists = Target.Engine == LedgerEngine.PostgreSql
                ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_version'"
                : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
            using (DbCommand c = Command(tx, exists))
            {
                if (Convert.ToInt64(c.ExecuteScalar(), CultureInfo.InvariantCulture) == 0) { return 0; }
            }
            using DbCommand v = Command(tx, "SELECT MAX(version) FROM schema_version");
            object? value = v.ExecuteScalar();
            return value is null || value is DBNull ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// Writes the rows of one source: new keys are added, a key already there with a later timestamp
        /// replaces it (a later /cost capture of the same session), anything else is skipped. Each batch is
        /// one transaction, so a run killed midway leaves whole batches and the next run adds the rest.
        /// Rows repeated within the input count once (the last one wins).
        /// </summary>
        public LedgerSyncResult Write(LedgerSource? source, string origin, IEnumerable<LedgerUsageRow> rows, int batchSize, bool whatIf, CancellationToken cancellation)
        {
            if (rows is null) { throw new ArgumentNullException(nameof(rows)); }
            if (batchSize < 1) { batchSize = DefaultBatchSize; }
            var result = new LedgerSyncResult { Ledger = Target.Display, Source = source, Origin = origin ?? string.Empty, WhatIf = whatIf };
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var batch = new Dictionary<string, LedgerUsageRow>(StringComparer.Ordinal);
            DateTimeOffset synced = DateTimeOffset.UtcNow;
            foreach (LedgerUsageRow row in rows)
            {
                cancellation.ThrowIfCancellationRequested();
                result.Read++;
                if (!seen.Add(row.RowKey) && !batch.ContainsKey(row.RowKey))
                {
                    result.Skipped++;
                    continue;
                }
                if (batch.TryGetValue(row.RowKey, out LedgerUsageRow? earlier))
                {
                    result.Skipped++;
                    if (row.Timestamp <= earlier.Timestamp) { continue; }
                }
                batch[row.RowKey] = row;
                if (batch.Count >= batchSize)
                {
                    WriteBatch(batch.Values.ToList(), synced, whatIf, result);
                    batch.Clear();
                }
            }
            if (batch.Count > 0) { WriteBatch(batch.Values.ToList(), synced, whatIf, result); }
            return result;
        }

        private void WriteBatch(List<LedgerUsageRow> rows, DateTimeOffset synced, bool whatIf, LedgerSyncResult result)
        {
            if (Empty)
            {
                if (!whatIf) { throw new InvalidOperationException("The ledger was opened read-only."); }
                result.Added += rows.Count;
                return;
            }
            DbTransaction? tx = null;
            try
            {
                if (!whatIf) { tx = _connection.BeginTransaction(); }
                Dictionary<string, DateTimeOffset> existing = ExistingKeys(tx, rows);
                var write = new List<LedgerUsageRow>(rows.Count);
                foreach (LedgerUsageRow row in rows)
                {
                    if (!existing.TryGetValue(row.RowKey, out DateTimeOffset at)) { result.Added++; write.Add(row); }
                    else if (row.Timestamp > at) { result.Updated++; write.Add(row); }
                    else { result.Skipped++; }
                }
                if (tx is null) { return; }
                for (int i = 0; i < write.Count; i += RowsPerStatement)
                {
                    Insert(tx, write.GetRange(i, Math.Min(RowsPerStatement, write.Count - i)), synced);
                }
                FaultInjection.Step("ledger batch written");
                tx.Commit();
                FaultInjection.Step("ledger batch committed");
            }
            catch (DbException e)
            {
                throw new LedgerCommandException(Target.Display, e.Message, e);
            }
            catch (InvalidOperationException e)
            {
                throw new LedgerCommandException(Target.Display, e.Message, e);
            }
            finally
            {
                tx?.Dispose();
            }
        }

        // SQLite binds a named parameter by a linear search of the statement's names, so a statement of
        // thousands of parameters costs quadratic time there: it gets one row (or key) per statement, its
        // command reused and so prepared once. PostgreSQL pays a round trip per statement instead: it gets
        // many rows per statement.
        private int RowsPerCommand => Target.Engine == LedgerEngine.Sqlite ? 1 : RowsPerStatement;

        private int KeysPerCommand => Target.Engine == LedgerEngine.Sqlite ? 1 : KeysPerStatement;

        private Dictionary<string, DateTimeOffset> ExistingKeys(DbTransaction? tx, List<LedgerUsageRow> rows)
        {
            var found = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            Chunked(tx, rows.Count, KeysPerCommand,
                n => "SELECT row_key, occurred_at FROM " + LedgerSchema.Table + " WHERE row_key IN ("
                    + string.Join(", ", Enumerable.Range(0, n).Select(j => "@k" + j.ToString(CultureInfo.InvariantCulture))) + ")",
                (c, start, n) =>
                {
                    for (int j = 0; j < n; j++) { Set(c.Parameters[j], rows[start + j].RowKey); }
                    using DbDataReader r = c.ExecuteReader();
                    while (r.Read()) { found[r.GetString(0)] = ReadTimestamp(r, 1); }
                });
            return found;
        }

        private void Insert(DbTransaction tx, List<LedgerUsageRow> rows, DateTimeOffset synced)
        {
            string[] cols = LedgerSchema.Columns;
            Chunked(tx, rows.Count, RowsPerCommand,
                n =>
                {
                    var sql = new StringBuilder("INSERT INTO " + LedgerSchema.Table + " (" + string.Join(", ", cols) + ") VALUES ");
                    for (int i = 0; i < n; i++)
                    {
                        sql.Append(i == 0 ? "(" : ", (");
                        sql.Append(string.Join(", ", cols.Select((_, j) => "@p" + i.ToString(CultureInfo.InvariantCulture) + "_" + j.ToString(CultureInfo.InvariantCulture))));
                        sql.Append(')');
                    }
                    // Another machine may have added a key since ExistingKeys looked: the unique key decides, and a
                    // later timestamp still wins.
                    sql.Append(" ON CONFLICT (row_key) DO UPDATE SET ");
                    sql.Append(string.Join(", ", cols.Skip(1).Select(col => col + " = excluded." + col)));
                    sql.Append(" WHERE excluded.occurred_at > " + LedgerSchema.Table + ".occurred_at");
                    return sql.ToString();
                },
                (c, start, n) =>
                {
                    for (int i = 0; i < n; i++)
                    {
                        LedgerUsageRow row = rows[start + i];
                        object?[] values =
                        {
                            row.RowKey, row.Source.ToString(), LedgerSchema.Rank(row.Source), row.Precision.ToString(), row.CostPrecision.ToString(),
                            row.Agent, row.Model, row.SessionId, row.Project, row.GitBranch, row.Machine, row.User,
                            Timestamp(row.Timestamp), Timestamp(synced), row.InputTokens, row.OutputTokens, row.CacheCreationTokens,
                            row.CacheReadTokens, row.TotalTokens, Nanos(row.CostUsd, row.RowKey),
                        };
                        for (int j = 0; j < values.Length; j++) { Set(c.Parameters[i * values.Length + j], values[j]); }
                    }
                    c.ExecuteNonQuery();
                });
        }

        /// <summary>
        /// Runs <paramref name="run"/> over <paramref name="count"/> items in chunks of <paramref name="per"/>,
        /// through one command per chunk size (its parameters made once: @x0... as the text names them).
        /// </summary>
        private void Chunked(DbTransaction? tx, int count, int per, Func<int, string> sql, Action<DbCommand, int, int> run)
        {
            var commands = new Dictionary<int, DbCommand>();
            try
            {
                for (int start = 0; start < count; start += per)
                {
                    int n = Math.Min(per, count - start);
                    if (!commands.TryGetValue(n, out DbCommand? c))
                    {
                        c = Command(tx, sql(n));
                        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(c.CommandText, "@[a-z]+[0-9_]+"))
                        {
                            DbParameter p = c.CreateParameter();
                            p.ParameterName = m.Value;
                            c.Parameters.Add(p);
                        }
                        commands[n] = c;
                    }
                    run(c, start, n);
                }
            }
            finally
            {
                foreach (DbCommand c in commands.Values) { c.Dispose(); }
            }
        }

        private static void Set(DbParameter p, object? value)
        {
            p.ResetDbType();
            p.Value = value ?? DBNull.Value;
            if (value is null) { p.DbType = DbType.String; }
        }

        /// <summary>Every row matching the filter, oldest first (all sources, unsummed: what an export carries).</summary>
        public IEnumerable<LedgerUsageRow> ReadRows(LedgerFilter filter)
        {
            if (Empty) { yield break; }
            using DbCommand c = Command(null, string.Empty);
            string where = Where(c, filter ?? new LedgerFilter(), "");
            c.CommandText = "SELECT " + string.Join(", ", LedgerSchema.Columns) + " FROM " + LedgerSchema.Table
                + (where.Length > 0 ? " WHERE " + where : "") + " ORDER BY occurred_at, row_key";
            DbDataReader r;
            try { r = c.ExecuteReader(); }
            catch (DbException e) { throw new LedgerCommandException(Target.Display, e.Message, e); }
            using (r)
            {
                while (true)
                {
                    try { if (!r.Read()) { break; } }
                    catch (DbException e) { throw new LedgerCommandException(Target.Display, e.Message, e); }
                    yield return new LedgerUsageRow
                    {
                        RowKey = r.GetString(0),
                        Source = ParseEnum<LedgerSource>(r.GetString(1)),
                        Precision = ParseEnum<UsagePrecision>(r.GetString(3)),
                        CostPrecision = ParseEnum<UsagePrecision>(r.GetString(4)),
                        Agent = r.GetString(5),
                        Model = Text(r, 6),
                        SessionId = Text(r, 7),
                        Project = Text(r, 8),
                        GitBranch = Text(r, 9),
                        Machine = r.GetString(10),
                        User = r.GetString(11),
                        Timestamp = ReadTimestamp(r, 12),
                        InputTokens = r.GetInt64(14),
                        OutputTokens = r.GetInt64(15),
                        CacheCreationTokens = r.GetInt64(16),
                        CacheReadTokens = r.GetInt64(17),
                        TotalTokens = r.GetInt64(18),
                        CostUsd = r.GetInt64(19) / LedgerSchema.NanosPerUsd,
                    };
                }
            }
        }

        /// <summary>
        /// Sums per group. Within a session only the rows of its most precise source count (its transcript's
        /// responses over log records over a /cost capture over estimates), so a session synced from several
        /// kinds of files counts once; rows without a session always count.
        /// </summary>
        public IReadOnlyList<LedgerUsageGroup> Report(LedgerFilter filter, UsageGrouping groupBy, CancellationToken cancellation = default)
        {
            if (Empty) { return Array.Empty<LedgerUsageGroup>(); }
            bool byTime = groupBy == UsageGrouping.Day || groupBy == UsageGrouping.Week || groupBy == UsageGrouping.Month;
            string key = byTime ? DayExpression("u.occurred_at") : "COALESCE(" + DimensionColumn(groupBy) + ", '')";
            using DbCommand c = Command(null, string.Empty);
            string where = Where(c, filter ?? new LedgerFilter(), "u.");
            c.CommandText =
                "SELECT " + key + " AS k, MIN(u.occurred_at), MAX(u.occurred_at), COUNT(*), SUM(u.input_tokens), SUM(u.output_tokens), "
                + "SUM(u.cache_creation_tokens), SUM(u.cache_read_tokens), SUM(u.total_tokens), SUM(u.cost_nanousd), "
                + "SUM(CASE WHEN u.precision = 'Exact' THEN 1 ELSE 0 END) "
                + "FROM " + LedgerSchema.Table + " u LEFT JOIN (SELECT session_id AS sid, MAX(source_rank) AS best FROM " + LedgerSchema.Table
                + " WHERE session_id IS NOT NULL GROUP BY session_id) b ON b.sid = u.session_id "
                + "WHERE (u.session_id IS NULL OR u.source_rank = b.best)" + (where.Length > 0 ? " AND " + where : "")
                + " GROUP BY " + key;
            var groups = new Dictionary<string, (LedgerUsageGroup Group, long Exact)>(StringComparer.Ordinal);
            try
            {
                using DbDataReader r = c.ExecuteReader();
                while (r.Read())
                {
                    cancellation.ThrowIfCancellationRequested();
                    string k = r.IsDBNull(0) ? string.Empty : r.GetString(0);
                    if (byTime) { k = FoldDay(k, groupBy); }
                    else if (k.Length == 0) { k = "(none)"; }
                    var part = new LedgerUsageGroup
                    {
                        GroupBy = groupBy,
                        Start = ReadTimestamp(r, 1),
                        End = ReadTimestamp(r, 2),
                        RecordCount = Int64(r, 3),
                        InputTokens = Int64(r, 4),
                        OutputTokens = Int64(r, 5),
                        CacheCreationTokens = Int64(r, 6),
                        CacheReadTokens = Int64(r, 7),
                        TotalTokens = Int64(r, 8),
                        CostUsd = Convert.ToDecimal(r.GetValue(9), CultureInfo.InvariantCulture) / LedgerSchema.NanosPerUsd,
                    };
                    part.SetKey(groupBy, k);
                    long exact = Int64(r, 10);
                    if (groups.TryGetValue(k, out var had)) { groups[k] = (Merge(had.Group, part), had.Exact + exact); }
                    else { groups[k] = (part, exact); }
                }
            }
            catch (DbException e) { throw new LedgerCommandException(Target.Display, e.Message, e); }
            catch (OverflowException) { throw Numbers.OutOfRange("ledger", "token counts"); }
            var list = new List<LedgerUsageGroup>(groups.Count);
            foreach (var (g, exact) in groups.Values)
            {
                g.Precision = exact == g.RecordCount ? UsagePrecision.Exact : exact == 0 ? UsagePrecision.Estimated : UsagePrecision.Mixed;
                list.Add(g);
            }
            list.Sort((a, b) => string.CompareOrdinal(a.GroupKey, b.GroupKey));
            return list;
        }

        private static LedgerUsageGroup Merge(LedgerUsageGroup a, LedgerUsageGroup b)
        {
            checked
            {
                a.Start = b.Start < a.Start ? b.Start : a.Start;
                a.End = b.End > a.End ? b.End : a.End;
                a.RecordCount += b.RecordCount;
                a.InputTokens += b.InputTokens;
                a.OutputTokens += b.OutputTokens;
                a.CacheCreationTokens += b.CacheCreationTokens;
                a.CacheReadTokens += b.CacheReadTokens;
                a.TotalTokens += b.TotalTokens;
                a.CostUsd += b.CostUsd;
                return a;
            }
        }

        /// <summary>A UTC day (yyyy-MM-dd) as the key of its week (that week's Monday) or month (yyyy-MM).</summary>
        internal static string FoldDay(string day, UsageGrouping groupBy)
        {
            if (groupBy == UsageGrouping.Day) { return day; }
            DateTime d = DateTime.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            return groupBy == UsageGrouping.Month
                ? d.ToString("yyyy-MM", CultureInfo.InvariantCulture)
                : d.AddDays(-(((int)d.DayOfWeek + 6) % 7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        private string DayExpression(string column) =>
            Target.Engine == LedgerEngine.PostgreSql ? "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : "substr(" + column + ", 1, 10)";

        private static string DimensionColumn(UsageGrouping groupBy) => groupBy switch
        {
            UsageGrouping.User => "u.user_name",
            UsageGrouping.Machine => "u.machine",
            UsageGrouping.Branch => "u.git_branch",
            UsageGrouping.Project => "u.project",
            UsageGrouping.Agent => "u.agent",
            UsageGrouping.Model => "u.model",
            UsageGrouping.Session => "u.session_id",
            _ => throw new InvalidArgumentException("LedgerGroupingNotSupported", groupBy, string.Format(CultureInfo.CurrentCulture, Resources.Messages.LedgerGroupingNotSupported, groupBy)),
        };

        private string Where(DbCommand c, LedgerFilter f, string prefix)
        {
            var parts = new List<string>();
            if (f.From is { } from) { parts.Add(prefix + "occurred_at >= @from"); Add(c, "@from", Timestamp(from)); }
            if (f.To is { } to) { parts.Add(prefix + "occurred_at < @to"); Add(c, "@to", Timestamp(to)); }
            void In(string column, IList<string>? values, string name)
            {
                if (values is null || values.Count == 0) { return; }
                var ps = new List<string>();
                for (int i = 0; i < values.Count; i++)
                {
                    string p = "@" + name + i.ToString(CultureInfo.InvariantCulture);
                    ps.Add(p);
                    Add(c, p, values[i]);
                }
                parts.Add(prefix + column + " IN (" + string.Join(", ", ps) + ")");
            }
            In("user_name", f.Users, "user");
            In("machine", f.Machines, "machine");
            In("git_branch", f.Branches, "branch");
            In("agent", f.Agents, "agent");
            In("model", f.Models, "model");
            return string.Join(" AND ", parts);
        }

        private object Timestamp(DateTimeOffset t) =>
            Target.Engine == LedgerEngine.PostgreSql ? t.UtcDateTime : (object)t.UtcDateTime.ToString(LedgerSchema.TimestampFormat, CultureInfo.InvariantCulture);

        private static DateTimeOffset ReadTimestamp(DbDataReader r, int i)
        {
            object v = r.GetValue(i);
            if (v is DateTime dt) { return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)); }
            if (v is DateTimeOffset dto) { return dto.ToUniversalTime(); }
            return DateTimeOffset.ParseExact(Convert.ToString(v, CultureInfo.InvariantCulture)!, LedgerSchema.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        }

        private static long Nanos(decimal usd, string key)
        {
            try { return decimal.ToInt64(decimal.Round(usd * LedgerSchema.NanosPerUsd, 0, MidpointRounding.AwayFromZero)); }
            catch (OverflowException) { throw Numbers.OutOfRange(key, "cost"); }
        }

        private static long Int64(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

        private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

        private static T ParseEnum<T>(string text) where T : struct => Enum.TryParse(text, ignoreCase: true, out T v) ? v : default;

        private DbCommand Command(DbTransaction? tx, string sql)
        {
            DbCommand c = _connection.CreateCommand();
            c.CommandText = sql;
            c.Transaction = tx;
            c.CommandTimeout = 300;
            return c;
        }

        private void Execute(DbTransaction? tx, string sql)
        {
            using DbCommand c = Command(tx, sql);
            c.ExecuteNonQuery();
        }

        private static void Add(DbCommand c, string name, object? value)
        {
            DbParameter p = c.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            if (value is null) { p.DbType = DbType.String; }
            c.Parameters.Add(p);
        }
    }
}
