#!/usr/bin/env bash
# Times `ccusage daily --json --offline` against RlmTokens' daily report on generated Claude Code
# transcript corpora, cold and warm, and checks totals against the generator's manifest.
# No timing assertion anywhere: this prints medians and ratios (bench/README.md has the last figures).
#
#   bench/ccusage.sh                 # 50 MB and 500 MB corpora, 5 runs each
#   SIZES=50 RUNS=3 bench/ccusage.sh
#
# Environment: SIZES (MB, default "50 500"), RUNS (default 5), SEED (default 42),
# RLMTOKENS_BENCH_DIR (work folder OUTSIDE the repository; default $TMPDIR/rlmtokens-bench),
# GEN (the generator; default ../shared/bench/gen-claude-transcripts.py, else bench/'s copy).
# Needs: python3, node + npm (ccusage is installed into the work folder), dotnet, /usr/bin/time.
set -euo pipefail

# shellcheck source=bench/corpora.sh
source "$(dirname "$0")/corpora.sh"
bench_setup "${TMPDIR:-/tmp}/rlmtokens-bench"
RESULTS=$WORK/results.tsv
: > "$RESULTS"

# shellcheck source=bench/ccusage-install.sh
source "$REPO/bench/ccusage-install.sh"
install_ccusage "$WORK"

echo "== RlmTokens daily report: NativeAOT harness, and the cmdlet in rlm-pwsh"
if dotnet publish -c Release "$REPO/bench/RlmTokens.DailyCli" -o "$WORK/rlmtokens-aot" >"$WORK/publish.log" 2>&1; then
  RLM=("$WORK/rlmtokens-aot/rlmtokens-daily")
else
  echo "NativeAOT publish failed (see $WORK/publish.log); using the JIT harness" >&2
  dotnet build -c Release "$REPO/bench/RlmTokens.Bench" >/dev/null
  RLM=(dotnet "$REPO/bench/RlmTokens.Bench/bin/Release/net10.0/RlmTokens.Bench.dll" daily)
fi
dotnet build -c Release "$REPO/src/RlmTokens.Cmdlets" >/dev/null
dotnet build -c Release "$REPO/tools/RlmTokens.Shell" >/dev/null
PWSH=(dotnet "$REPO/tools/RlmTokens.Shell/bin/Release/net10.0/rlm-pwsh.dll" -NoProfile -NonInteractive -Command)
MODULE=$REPO/out/RlmTokens/RlmTokens.psd1

# measure LABEL SIZE CMD... : one timed run, appended to results.tsv (seconds, peak RSS in KB)
measure() {
  local label=$1 size=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/out-$label-$size.json" 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; return 1; }
  read -r secs rss < <(tail -n 1 "$WORK/time.txt")
  printf '%s\t%s\t%s\t%s\n' "$label" "$size" "$secs" "$rss" >> "$RESULTS"
}

for mb in $SIZES; do
  corpus=$WORK/corpus-$mb
  echo "== $mb MB: checks"
  "${RLM[@]}" "$corpus" --tz UTC --quiet --check "$corpus/manifest.json"
  env -i PATH="$PATH" HOME="$WORK/emptyhome" TZ=UTC CLAUDE_CONFIG_DIR="$corpus" "$CCUSAGE" daily --json --offline > "$WORK/ccusage-$mb.json"
  check_ccusage_totals "$WORK/ccusage-$mb.json" "$corpus/manifest.json"
  echo "== $mb MB: $RUNS runs each (interleaved)"
  warm=$WORK/cache-warm-$mb; rm -rf "$warm"
  "${RLM[@]}" "$corpus" --tz UTC --quiet --cache "$warm"
  pwarm=$WORK/cache-pwsh-warm-$mb; rm -rf "$pwarm"
  "${PWSH[@]}" "Import-Module '$MODULE'; Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder '$pwarm' | Out-Null"
  for run in $(seq "$RUNS"); do
    measure ccusage "$mb" env -i PATH="$PATH" HOME="$WORK/emptyhome" TZ=UTC CLAUDE_CONFIG_DIR="$corpus" "$CCUSAGE" daily --json --offline
    cold=$WORK/cache-cold-$mb; rm -rf "$cold"
    measure rlmtokens-cold "$mb" "${RLM[@]}" "$corpus" --tz UTC --cache "$cold"
    measure rlmtokens-warm "$mb" "${RLM[@]}" "$corpus" --tz UTC --cache "$warm"
    pcold=$WORK/cache-pwsh-cold-$mb; rm -rf "$pcold"
    measure cmdlet-cold "$mb" "${PWSH[@]}" "Import-Module '$MODULE'; Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder '$pcold' | ConvertTo-Json -Compress"
    measure cmdlet-warm "$mb" "${PWSH[@]}" "Import-Module '$MODULE'; Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder '$pwarm' | ConvertTo-Json -Compress"
  done
  # The cmdlet inside one running session (module loaded, as in a user's shell): no process start-up.
  "${PWSH[@]}" "
    Import-Module '$MODULE'
    \$null = Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -NoCache
    foreach (\$i in 1..$RUNS) {
      \$c = Join-Path '$WORK' ('cache-session-' + \$i)
      if (Test-Path \$c) { Remove-Item -Recurse -Force \$c }
      \$cold = (Measure-Command { Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder \$c | Out-Null }).TotalSeconds
      \$warm = (Measure-Command { Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder \$c | Out-Null }).TotalSeconds
      'session-cold\t$mb\t{0:0.000}\t0' -f \$cold
      'session-warm\t$mb\t{0:0.000}\t0' -f \$warm
    }" | sed 's/\\t/\t/g' >> "$RESULTS"
done

echo "== medians ($RUNS runs; the OS file cache is warm for every tool; 'cold' = no RlmTokens cache)"
python3 - "$RESULTS" <<'PY' | tee "$WORK/summary.md"
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, size, secs, rss = line.split("\t")
    rows[(label, int(size))].append((float(secs), int(rss)))
sizes = sorted({s for _, s in rows})
labels = ["ccusage", "rlmtokens-cold", "rlmtokens-warm", "cmdlet-cold", "cmdlet-warm", "session-cold", "session-warm"]
print("| corpus | tool | median s | peak RSS MB | ccusage / tool |")
print("|---|---|---|---|---|")
for s in sizes:
    base = statistics.median(t for t, _ in rows[("ccusage", s)])
    for l in labels:
        if (l, s) not in rows: continue
        t = statistics.median(x for x, _ in rows[(l, s)])
        m = max(r for _, r in rows[(l, s)]) / 1024
        print("| %d MB | %s | %.3f | %s | %s |" % (s, l, t, ("%.0f" % m) if m else "-", "1.0x" if l == "ccusage" else "%.1fx" % (base / t if t else float("inf"))))
PY
