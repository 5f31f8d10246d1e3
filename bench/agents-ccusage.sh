#!/usr/bin/env bash
# Compares Get-TokenUsage -Transcript with ccusage on the same agent data: samples/agents (a home folder
# with Claude Code, Codex CLI, Gemini CLI and OpenCode data) or the home folder given as $1. For each
# agent, per UTC day: input, output, total tokens and cost from both tools, side by side.
# ccusage is installed from npm into the work folder (bench/ccusage-install.sh); it is no test dependency.
#   bench/agents-ccusage.sh [home-folder]        RLMTOKENS_BENCH_DIR=/tmp/rb to choose the work folder
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${RLMTOKENS_BENCH_DIR:-${TMPDIR:-/tmp}/rlmtokens-agents-bench}
SOURCE=$(cd "${1:-$REPO/samples/agents}" && pwd)
mkdir -p "$WORK"
# shellcheck source=bench/ccusage-install.sh
source "$REPO/bench/ccusage-install.sh"
install_ccusage "$WORK"

# ccusage finds every agent from $HOME (and CODEX_HOME): give it a copy of the data as its home.
HOME_COPY="$WORK/home"
rm -rf "$HOME_COPY"; mkdir -p "$HOME_COPY"; cp -r "$SOURCE/." "$HOME_COPY/"

dotnet build -c Release "$REPO/src/RlmTokens.Cmdlets" >/dev/null
dotnet build -c Release "$REPO/tools/RlmTokens.Shell" >/dev/null
PWSH=(dotnet "$REPO/tools/RlmTokens.Shell/bin/Release/net10.0/rlm-pwsh.dll" -NoProfile -NonInteractive -Command)
MODULE="$REPO/out/RlmTokens/RlmTokens.psd1"

for agent in claude codex gemini opencode; do
  env -i PATH="$PATH" HOME="$HOME_COPY" CODEX_HOME="$HOME_COPY/.codex" TZ=UTC \
    "$CCUSAGE" "$agent" daily --json --offline --timezone UTC > "$WORK/ccusage-$agent.json" 2>"$WORK/ccusage-$agent.err" || true
  "${PWSH[@]}" "Import-Module '$MODULE'; Get-TokenUsage -Transcript -TranscriptRoot '$HOME_COPY' -Agent $agent -TimeZone UTC -NoCache | Select-Object @{ Name = 'Date'; Expression = { [string]\$_.Date } }, InputTokens, OutputTokens, TotalTokens, CostUsd | ConvertTo-Json -AsArray" > "$WORK/rlmtokens-$agent.json"
done

python3 - "$WORK" "$CCUSAGE_VERSION" <<'PY'
import json, sys, os
work, version = sys.argv[1], sys.argv[2]
print(f"ccusage {version} against Get-TokenUsage -Transcript (per UTC day)")
print(f"{'agent':9} {'day':10} {'input cc/rlm':>17} {'output cc/rlm':>15} {'total cc/rlm':>17} {'cost cc/rlm':>21}")
for agent in ["claude", "codex", "gemini", "opencode"]:
    try:
        cc = json.load(open(os.path.join(work, f"ccusage-{agent}.json")))
    except (OSError, ValueError):
        print(f"{agent:9} ccusage gave no JSON (see ccusage-{agent}.err)"); continue
    rl = {r["Date"]: r for r in json.load(open(os.path.join(work, f"rlmtokens-{agent}.json")))}
    for d in cc.get("daily", []):
        r = rl.get(d["date"], {})
        cost = d.get("costUSD", d.get("totalCost"))
        print(f"{agent:9} {d['date']:10} {d['inputTokens']:>8}/{r.get('InputTokens','-'):<8} {d['outputTokens']:>7}/{r.get('OutputTokens','-'):<7} "
              f"{d['totalTokens']:>8}/{r.get('TotalTokens','-'):<8} {cost:>10.6f}/{(r.get('CostUsd') or 0):<10.6f}")
PY
