#!/usr/bin/env bash
# Each ccusage report beside its Get-TokenUsage -Transcript equivalent, on the same Claude Code data:
# samples/transcripts and a generated corpus (bench/gen-claude-transcripts.py, seed 42). For each report
# (daily, weekly, monthly, session, blocks) and cost mode (calculate, auto) it prints the row count and
# the summed input, output, cache-creation, cache-read tokens and cost of both tools, and whether they
# are equal (cost within a millionth). ccusage is installed from npm into the work folder
# (bench/ccusage-install.sh); it is no test dependency. docs/ccusage.md quotes a run.
#   bench/ccusage-reports.sh                     SIZES="20" by default; RLMTOKENS_BENCH_DIR=/tmp/rb to choose the work folder
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/corpora.sh
source "$REPO/bench/corpora.sh"
SIZES=${SIZES:-20}
bench_setup "${TMPDIR:-/tmp}/rlmtokens-ccusage-reports"
# shellcheck source=bench/ccusage-install.sh
source "$REPO/bench/ccusage-install.sh"
install_ccusage "$WORK"

dotnet build -c Release "$REPO/src/RlmTokens.Cmdlets" >/dev/null
dotnet build -c Release "$REPO/tools/RlmTokens.Shell" >/dev/null
PWSH=(dotnet "$REPO/tools/RlmTokens.Shell/bin/Release/net10.0/rlm-pwsh.dll" -NoProfile -NonInteractive -Command)
MODULE="$REPO/out/RlmTokens/RlmTokens.psd1"

DATASETS=("samples=$REPO/samples/transcripts")
for mb in $SIZES; do DATASETS+=("corpus-$mb=$WORK/corpus-$mb"); done

for entry in "${DATASETS[@]}"; do
  name=${entry%%=*}; root=${entry#*=}
  for report in daily weekly monthly session blocks; do
    case $report in
      daily) group=Day ;; weekly) group=Week ;; monthly) group=Month ;; session) group=Session ;; blocks) group=Block ;;
    esac
    for mode in calculate auto; do
      out="$WORK/$name-$report-$mode"
      env -i PATH="$PATH" HOME="$WORK/emptyhome" TZ=UTC CLAUDE_CONFIG_DIR="$root" \
        "$CCUSAGE" claude "$report" --json --offline --timezone UTC --mode "$mode" > "$out-ccusage.json" 2>"$out-ccusage.err" || true
      pmode=$([ "$mode" = auto ] && echo Auto || echo Calculate)
      "${PWSH[@]}" "Import-Module '$MODULE'; Get-TokenUsage -Transcript -TranscriptRoot '$root' -Agent Claude -GroupBy $group -CostMode $pmode -TimeZone UTC -NoCache | Select-Object InputTokens, OutputTokens, CacheCreationTokens, CacheReadTokens, TotalTokens, CostUsd, CostPrecision | ConvertTo-Json -AsArray -Depth 3" > "$out-rlmtokens.json"
    done
  done
done

python3 - "$WORK" "$CCUSAGE_VERSION" "${DATASETS[@]}" <<'PY'
import json, os, sys
work, version, datasets = sys.argv[1], sys.argv[2], [d.split("=", 1)[0] for d in sys.argv[3:]]
keys = ["inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens"]

def ccusage_totals(doc, report):
    if report == "blocks":
        rows = [b for b in doc.get("blocks", []) if not b.get("isGap")]
        t = [sum(b["tokenCounts"][k] for b in rows) for k in ["inputTokens", "outputTokens", "cacheCreationInputTokens", "cacheReadInputTokens"]]
        return len(rows), t, sum(b.get("costUSD") or 0 for b in rows)
    field = {"daily": "daily", "weekly": "weekly", "monthly": "monthly", "session": "sessions"}[report]
    rows = doc.get(field, [])
    tot = doc.get("totals", {})
    return len(rows), [tot.get(k, 0) for k in keys], tot.get("totalCost", tot.get("costUSD", 0))

print(f"ccusage {version} against Get-TokenUsage -Transcript (UTC; rows, then input/output/cache-create/cache-read tokens, cost)")
print(f"{'data':10} {'report':8} {'mode':9} {'rows cc/rlm':>11}  {'tokens (ccusage)':>42}  {'cost cc':>11} {'cost rlm':>11}  same")
for name in datasets:
    for report in ["daily", "weekly", "monthly", "session", "blocks"]:
        for mode in ["calculate", "auto"]:
            base = os.path.join(work, f"{name}-{report}-{mode}")
            try:
                cc = json.load(open(base + "-ccusage.json"))
            except (OSError, ValueError):
                print(f"{name:10} {report:8} {mode:9} ccusage gave no JSON (see {base}-ccusage.err)"); continue
            rl = json.load(open(base + "-rlmtokens.json"))
            n, t, cost = ccusage_totals(cc, report)
            rt = [sum(r[k] for r in rl) for k in ["InputTokens", "OutputTokens", "CacheCreationTokens", "CacheReadTokens"]]
            rcost = sum(r["CostUsd"] or 0 for r in rl)
            same = n == len(rl) and t == rt and abs(cost - rcost) <= 1e-6 * max(cost, 1e-9)
            detail = "" if t == rt else f"  rlm tokens {rt}"
            print(f"{name:10} {report:8} {mode:9} {n:>5}/{len(rl):<5}  {str(t):>42}  {cost:>11.4f} {rcost:>11.4f}  {'yes' if same else 'NO'}{detail}")
PY
