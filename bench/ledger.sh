#!/usr/bin/env bash
# Ledger benchmarks (issue 16), rerunnable:
#   1. sync rate (rows/s) of a transcript corpus (bench/gen-claude-transcripts.py, 500 MB by default)
#      into a SQLite file and into a PostgreSQL server this script starts on loopback;
#   2. a team report over a year of a 20-person team (bench/gen-ledger-rows.py, imported with
#      Sync-TokenUsage -InputFile), on each engine, side by side with the transcript report
#      (Get-TokenUsage -Transcript -NoCache) over the corpus of step 1, as a ratio per row.
# Usage: bench/ledger.sh [corpus-MB] [responses-per-user-per-day]     (from the repository root, after dotnet build)
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-500}
PER_DAY=${2:-150}
WORK=${RLMTOKENS_BENCH_DIR:-/tmp/rlmtokens-bench-ledger}
PWSH=(dotnet tools/RlmTokens.Shell/bin/Debug/net10.0/rlm-pwsh.dll -NoProfile -NonInteractive -Command)
mkdir -p "$WORK"
[ -d "$WORK/corpus-$MB/projects" ] || python3 bench/gen-claude-transcripts.py --out "$WORK/corpus-$MB" --total-mb "$MB" --projects 24 --sessions 40 >/dev/null
[ -f "$WORK/team-$PER_DAY.jsonl" ] || python3 bench/gen-ledger-rows.py --out "$WORK/team-$PER_DAY.jsonl" --per-day "$PER_DAY" > "$WORK/team-$PER_DAY.truth.json"

# PostgreSQL on loopback (as nobody when root: postgres refuses to run as root), stopped on exit.
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PG="$WORK/pg"; rm -rf "$PG"; mkdir -p "$PG"
AS=(); if [ "$(id -u)" = 0 ]; then chown nobody "$PG"; AS=(runuser -u nobody --); fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${AS[@]}" "$BIN/initdb" -D "$PG/data" -U rlm --auth=trust -E UTF8 --no-sync >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$PG/data" -l "$PG/log" -w -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PG" start >/dev/null
trap '"${AS[@]}" "$BIN/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null' EXIT
for db in sync team; do "${AS[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U rlm -d postgres -qc "CREATE DATABASE $db"; done
CS="Host=127.0.0.1;Port=$PORT;Username=rlm;Database"

rm -f "$WORK/sync.db" "$WORK/sync.db-wal" "$WORK/sync.db-shm" "$WORK/team.db" "$WORK/team.db-wal" "$WORK/team.db-shm"
"${PWSH[@]}" "
\$ErrorActionPreference = 'Stop'
Import-Module ./out/RlmTokens/RlmTokens.psd1
\$corpus = '$WORK/corpus-$MB'
\$mb = [math]::Round(((Get-ChildItem -Recurse -File \$corpus -Filter *.jsonl | Measure-Object Length -Sum).Sum / 1MB), 0)
function Sync-Timed(\$target) {
    \$r = \$null
    \$t = Measure-Command { \$r = Sync-TokenUsage @target -TranscriptRoot \$corpus -Source Transcript -NoCache -User bench -Machine bench }
    [pscustomobject]@{ Rows = (\$r | Measure-Object Added -Sum).Sum; Seconds = \$t.TotalSeconds }
}
\$s = Sync-Timed @{ Ledger = '$WORK/sync.db' }
\$p = Sync-Timed @{ ConnectionString = '$CS=sync' }
\$read = Measure-Command { Get-TokenUsage -Transcript -TranscriptRoot \$corpus -NoCache -GroupBy Model | Out-Null }
'Transcript corpus: {0} MB, {1:N0} responses; reading it alone (Get-TokenUsage -Transcript -NoCache): {2:N1} s' -f \$mb, \$s.Rows, \$read.TotalSeconds
'Sync into SQLite:     {0:N1} s, {1:N0} rows/s' -f \$s.Seconds, (\$s.Rows / \$s.Seconds)
'Sync into PostgreSQL: {0:N1} s, {1:N0} rows/s' -f \$p.Seconds, (\$p.Rows / \$p.Seconds)

\$team = '$WORK/team-$PER_DAY.jsonl'
\$ti = Measure-Command { \$ri = Sync-TokenUsage -Ledger '$WORK/team.db' -InputFile \$team }
\$tp = Measure-Command { \$rp = Sync-TokenUsage -ConnectionString '$CS=team' -InputFile \$team }
'Team year ({0:N0} rows): import into SQLite {1:N1} s ({2:N0} rows/s), into PostgreSQL {3:N1} s ({4:N0} rows/s)' -f \$ri.Added, \$ti.TotalSeconds, (\$ri.Added / \$ti.TotalSeconds), \$tp.TotalSeconds, (\$rp.Added / \$tp.TotalSeconds)
foreach (\$g in 'User', 'Model', 'Branch', 'Month') {
    \$a = Measure-Command { Get-TokenUsage -Ledger '$WORK/team.db' -GroupBy \$g | Out-Null }
    \$b = Measure-Command { Get-TokenUsage -ConnectionString '$CS=team' -GroupBy \$g | Out-Null }
    'Team report -GroupBy {0,-6}: SQLite {1,6:N2} s, PostgreSQL {2,6:N2} s' -f \$g, \$a.TotalSeconds, \$b.TotalSeconds
}
\$a = Measure-Command { Get-TokenUsage -Ledger '$WORK/team.db' -GroupBy Model | Out-Null }
\$b = Measure-Command { Get-TokenUsage -ConnectionString '$CS=team' -GroupBy Model | Out-Null }
'Per row, the ledger report (GroupBy Model) against the transcript report over the corpus: SQLite {0:N3}x, PostgreSQL {1:N3}x of the transcript report''s time per response' -f ((\$a.TotalSeconds / \$ri.Added) / (\$read.TotalSeconds / \$s.Rows)), ((\$b.TotalSeconds / \$rp.Added) / (\$read.TotalSeconds / \$s.Rows))
"
cat "$WORK/team-$PER_DAY.truth.json"
