#!/usr/bin/env bash
# What a user meets, each row beside its baseline, in one interleaved run (issue 12's table):
#
#   first      the first Get-TokenUsage -Transcript in a fresh rlm-pwsh session (module just imported, no
#              RlmTokens cache, no earlier call to warm anything) against `ccusage daily --json --offline`
#   second     the same session's second call (unchanged files) against ccusage
#   proc-cold  the whole process `rlm-pwsh -NoProfile -Command "Import-Module ...; Get-TokenUsage -Transcript ..."`,
#              no cache, against ccusage
#   proc-warm  the same with the cache of an earlier run
#   budget     Test-TokenBudget -TranscriptRoot, the second call of a session, against ccusage
#   hook       the README's PostToolUse line (`$input | Add-TokenEstimate`, the hook's JSON on stdin) end to
#              end, against bare `rlm-pwsh -NoProfile -Command 1` and against RLM's script
#              (RlmTokens.Bench/rlm-estimate-baseline.ps1) in the same host; Import-Module alone, in-process;
#              the native hook (out/RlmTokens/bin/linux-x64/rlmtokens-hook, the README's native recipe) on the
#              same JSON against all three, where the build could make it
#   export     100,000 rows through Export-TokenUsage against Export-Csv, each in its own process: time,
#              bytes allocated, peak RSS above a process that only builds the rows
#
# No timing assertion anywhere: it prints medians and ratios. Every tool's totals are checked against the
# generator's manifest first. The OS file cache is warm for every tool.
#
#   bench/speed.sh                       # 50 MB and 500 MB, 5 runs
#   SIZES=50 RUNS=3 bench/speed.sh
#   ONLY=hook RUNS=10 bench/speed.sh     # the hook rows alone (no corpora, no ccusage)
#
# Environment: SIZES (default "50 500"), RUNS (default 5), SEED (42), RLMTOKENS_BENCH_DIR (work folder
# outside the repository; default $TMPDIR/rlmtokens-bench), GEN (the generator).
# Needs: python3, node + npm (ccusage goes into the work folder), dotnet, /usr/bin/time.
set -euo pipefail
# ONLY=hook: no corpus, so none is generated (SIZES must stay non-empty for bench_setup's default).
[ "${ONLY:-}" = hook ] && SIZES=" "

# shellcheck source=bench/corpora.sh
source "$(dirname "$0")/corpora.sh"
bench_setup "${TMPDIR:-/tmp}/rlmtokens-bench"
RESULTS=$WORK/speed.tsv
: > "$RESULTS"

# shellcheck source=bench/ccusage-install.sh
source "$REPO/bench/ccusage-install.sh"
if [ "${ONLY:-}" = hook ]; then CCUSAGE_VERSION=-; else install_ccusage "$WORK"; fi

echo "== building the module and rlm-pwsh (Release)"
dotnet build -c Release "$REPO/src/RlmTokens.Cmdlets" >/dev/null
dotnet build -c Release "$REPO/tools/RlmTokens.Shell" >/dev/null
dotnet build -c Release "$REPO/bench/RlmTokens.Bench" >/dev/null
# Building the hook project publishes the native hook into the module folder where clang is present.
dotnet build -c Release "$REPO/src/RlmTokens.Hook" >/dev/null
NATIVE=$REPO/out/RlmTokens/bin/linux-x64/rlmtokens-hook
[ -x "$NATIVE" ] || { echo "no native hook ($NATIVE): its rows are left out" >&2; NATIVE=; }
PWSH=(dotnet "$REPO/tools/RlmTokens.Shell/bin/Release/net10.0/rlm-pwsh.dll" -NoProfile -NonInteractive)
MODULE=$REPO/out/RlmTokens/RlmTokens.psd1
CCENV=(env -i PATH="$PATH" HOME="$WORK/emptyhome" TZ=UTC)

# A workspace for the hook and the budget rows (the samples: RLM/ with a history), reset for each run.
fresh_workspace() {
  rm -rf "$WORK/ws"; cp -r "$REPO/samples" "$WORK/ws"
}
HOOK_JSON='{"session_id":"bench-session","transcript_path":"","cwd":"WS","hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"tool_response":{"stdout":"a\nb"}}'

# timed LABEL SIZE CMD... : one whole-process run (elapsed seconds and peak RSS KB) into the results.
timed() {
  local label=$1 size=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2>"$WORK/err.txt" < "${STDIN:-/dev/null}" \
    || { echo "failed: $label" >&2; cat "$WORK/err.txt" >&2; return 1; }
  read -r secs rss < <(tail -n 1 "$WORK/time.txt")
  printf '%s\t%s\t%s\t%s\n' "$label" "$size" "$secs" "$rss" >> "$RESULTS"
}

for mb in $SIZES; do
  corpus=$WORK/corpus-$mb
  echo "== $mb MB: totals against the manifest"
  dotnet "$REPO/bench/RlmTokens.Bench/bin/Release/net10.0/RlmTokens.Bench.dll" daily "$corpus" --tz UTC --quiet --check "$corpus/manifest.json"
  "${CCENV[@]}" CLAUDE_CONFIG_DIR="$corpus" "$CCUSAGE" daily --json --offline > "$WORK/ccusage-$mb.json"
  check_ccusage_totals "$WORK/ccusage-$mb.json" "$corpus/manifest.json"
  warm=$WORK/cache-warm-$mb; rm -rf "$warm"
  "${PWSH[@]}" -Command "Import-Module '$MODULE'; Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder '$warm' | Out-Null"
done

echo "== $RUNS interleaved runs"
for run in $(seq "$RUNS"); do
  for mb in $SIZES; do
    corpus=$WORK/corpus-$mb
    timed ccusage "$mb" "${CCENV[@]}" CLAUDE_CONFIG_DIR="$corpus" "$CCUSAGE" daily --json --offline
    cold=$WORK/cache-cold-$mb; rm -rf "$cold"
    timed proc-cold "$mb" "${PWSH[@]}" -Command "Import-Module '$MODULE'; Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder '$cold' | ConvertTo-Json -Compress"
    timed proc-warm "$mb" "${PWSH[@]}" -Command "Import-Module '$MODULE'; Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder '$warm' | ConvertTo-Json -Compress"
    # A fresh session: import, then the first call (nothing warmed before it), then the second.
    session=$WORK/cache-session-$mb; rm -rf "$session"
    "${PWSH[@]}" -Command "
      Import-Module '$MODULE'
      \$first = (Measure-Command { Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder '$session' | Out-Null }).TotalSeconds
      \$second = (Measure-Command { Get-TokenUsage -Transcript -TranscriptRoot '$corpus' -TimeZone UTC -CacheFolder '$session' | Out-Null }).TotalSeconds
      (@('first', $mb, ('{0:0.000}' -f \$first), 0) -join [char]9)
      (@('second', $mb, ('{0:0.000}' -f \$second), 0) -join [char]9)" >> "$RESULTS"
    # Test-TokenBudget over the transcripts: its cache lives under the local application data folder.
    fresh_workspace
    rm -rf "$WORK/budget-data-$mb"
    XDG_DATA_HOME=$WORK/budget-data-$mb LOCALAPPDATA=$WORK/budget-data-$mb "${PWSH[@]}" -Command "
      Import-Module '$MODULE'
      \$null = Test-TokenBudget -Path '$WORK/ws' -TranscriptRoot '$corpus' -Date 2026-11-22 -WarningAction SilentlyContinue
      \$second = (Measure-Command { Test-TokenBudget -Path '$WORK/ws' -TranscriptRoot '$corpus' -Date 2026-11-22 -WarningAction SilentlyContinue | Out-Null }).TotalSeconds
      (@('budget', $mb, ('{0:0.000}' -f \$second), 0) -join [char]9)" >> "$RESULTS"
  done
  # The hook line, bare pwsh and RLM's script, one after another.
  fresh_workspace
  printf '%s' "${HOOK_JSON/WS/$WORK/ws}" > "$WORK/hook.json"
  STDIN=$WORK/hook.json timed hook 0 "${PWSH[@]}" -Command "Import-Module '$MODULE'; \$input | Add-TokenEstimate"
  if [ -n "$NATIVE" ]; then STDIN=$WORK/hook.json timed native-hook 0 "$NATIVE"; fi
  timed bare-pwsh 0 "${PWSH[@]}" -Command 1
  timed rlm-script 0 "${PWSH[@]}" -File "$REPO/bench/RlmTokens.Bench/rlm-estimate-baseline.ps1" -WorkspaceRoot "$WORK/ws"
  # Import-Module in a fresh process: as the first command (PowerShell's own module machinery still cold),
  # and after one command that autoloads a built-in module (what is left is RlmTokens' own share).
  "${PWSH[@]}" -Command "
    \$s = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$MODULE'
    (@('import-first', 0, ('{0:0.0000}' -f \$s.Elapsed.TotalSeconds), 0) -join [char]9)" >> "$RESULTS"
  "${PWSH[@]}" -Command "
    \$null = Get-Item .
    \$s = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$MODULE'
    (@('import', 0, ('{0:0.0000}' -f \$s.Elapsed.TotalSeconds), 0) -join [char]9)" >> "$RESULTS"
  [ "${ONLY:-}" = hook ] && continue
  # 100,000 rows, each exporter in its own process (the order alternating), beside a process that only builds
  # the rows: the export's time in-process, its allocations, and its peak RSS above the rows-only process.
  for which in $([ $((run % 2)) -eq 0 ] && echo "none csv ours" || echo "none ours csv"); do
    timed "rss-$which" 0 "${PWSH[@]}" -Command "
      Import-Module '$MODULE'
      \$rows = [System.Collections.Generic.List[object]]::new()
      for (\$i = 0; \$i -lt 100000; \$i++) {
        \$rows.Add([pscustomobject]@{ Date = [datetime]'2020-01-01' + [timespan]::FromDays(\$i % 3000); Sessions = [long](\$i % 7); TotalTokens = [long]\$i * 1234; CostUsd = \$i * 0.0123; Precision = 'Estimated'; Workspace = \"/src/ws, \$(\$i % 10)\" })
      }
      # A first small round, so the timed one does not carry the session's first pipeline.
      if ('$which' -eq 'csv') { \$rows[0..999] | Export-Csv -LiteralPath '$WORK/export-csv.csv' -NoTypeInformation }
      if ('$which' -eq 'ours') { \$rows[0..999] | Export-TokenUsage -LiteralPath '$WORK/export-ours.csv' }
      \$a0 = [GC]::GetTotalAllocatedBytes(\$true)
      \$t = Measure-Command {
        if ('$which' -eq 'csv') { \$rows | Export-Csv -LiteralPath '$WORK/export-csv.csv' -NoTypeInformation }
        if ('$which' -eq 'ours') { \$rows | Export-TokenUsage -LiteralPath '$WORK/export-ours.csv' }
      }
      \$alloc = [GC]::GetTotalAllocatedBytes(\$true) - \$a0
      (@('export-$which', 0, ('{0:0.000}' -f \$t.TotalSeconds), [long](\$alloc / 1KB)) -join [char]9)"
    cat "$WORK/out.txt" >> "$RESULTS"
  done
done

echo "== medians of $RUNS (seconds; ratio above 1 = RlmTokens faster / cheaper)"
python3 - "$RESULTS" "$CCUSAGE_VERSION" <<'PY' | tee "$WORK/speed.md"
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    fields = line.rstrip("\n").split("\t")
    if len(fields) != 4: continue  # anything else a host printed
    label, size, secs, kb = fields
    rows[(label, int(size))].append((float(secs), int(kb)))
med = lambda k, i=0: statistics.median(x[i] for x in rows[k])
print("ccusage %s; %d runs" % (sys.argv[2], len(rows[("bare-pwsh", 0)])))
print()
print("| row | corpus | RlmTokens s | baseline | baseline s | ratio |")
print("|---|---|---|---|---|---|")
for s in sorted({s for _, s in rows if s}):
    cc = med(("ccusage", s))
    for label, what in [("first", "first call in a fresh session"), ("second", "second call, same session"),
                        ("proc-cold", "whole process, no cache"), ("proc-warm", "whole process, warm cache"),
                        ("budget", "Test-TokenBudget -TranscriptRoot, second call")]:
        if (label, s) in rows:
            t = med((label, s))
            print("| %s | %d MB | %.3f | ccusage | %.3f | %.2fx |" % (what, s, t, cc, cc / t))
hook, bare, script = med(("hook", 0)), med(("bare-pwsh", 0)), med(("rlm-script", 0))
print("| PostToolUse hook line, end to end | - | %.3f | bare rlm-pwsh -Command 1 | %.3f | hook costs %.2fx bare |" % (hook, bare, hook / bare))
print("| PostToolUse hook line, end to end | - | %.3f | RLM's script | %.3f | %.2fx |" % (hook, script, script / hook))
print("| Import-Module, first command of a fresh process | - | %.4f | - | - | - |" % med(("import-first", 0)))
print("| Import-Module, after one built-in command | - | %.4f | - | - | - |" % med(("import", 0)))
if rows[("native-hook", 0)]:
    native = med(("native-hook", 0))
    print("| native hook (rlmtokens-hook), end to end | - | %.3f | bare rlm-pwsh -Command 1 | %.3f | %.1fx faster |" % (native, bare, bare / native))
    print("| native hook (rlmtokens-hook), end to end | - | %.3f | PostToolUse pwsh hook line | %.3f | %.1fx faster |" % (native, hook, hook / native))
    print("| native hook (rlmtokens-hook), end to end | - | %.3f | RLM's script | %.3f | %.1fx faster |" % (native, script, script / native))
if not rows[("export-ours", 0)]:
    sys.exit(0)
ours, csv = med(("export-ours", 0)), med(("export-csv", 0))
print("| Export 100k rows: time | - | %.3f | Export-Csv | %.3f | %.2fx |" % (ours, csv, csv / ours))
ao, ac = med(("export-ours", 0), 1), med(("export-csv", 0), 1)
print("| Export 100k rows: allocated MB | - | %.1f | Export-Csv | %.1f | %.2fx |" % (ao / 1024, ac / 1024, ac / ao))
base = med(("rss-none", 0), 1)
ro, rc = med(("rss-ours", 0), 1) - base, med(("rss-csv", 0), 1) - base
print("| Export 100k rows: peak RSS above building the rows, MB | - | %.1f | Export-Csv | %.1f | %s |" % (ro / 1024, rc / 1024, "%.2fx" % (rc / ro) if ro > 0 else "-"))
PY
