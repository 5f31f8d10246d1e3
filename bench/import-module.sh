#!/usr/bin/env bash
# Import-Module time of this tree's module against another git revision's (default: main), in fresh
# rlm-pwsh processes taken in turn (ABAB...), each timing `Import-Module` plus one cmdlet call that needs
# no ledger (Get-TokenUsage on samples/). Prints the medians and their ratio.
# Usage: bench/import-module.sh [base-revision] [runs]     (from the repository root, after dotnet build)
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-main}
RUNS=${2:-21}
WORK=${RLMTOKENS_BENCH_DIR:-/tmp/rlmtokens-bench-import}/$(git rev-parse --short "$BASE")
if [ ! -f "$WORK/out/RlmTokens/RlmTokens.psd1" ]; then
    rm -rf "$WORK"; mkdir -p "$WORK"
    git archive "$BASE" | tar -x -C "$WORK"
    (cd "$WORK" && dotnet build src/RlmTokens.Cmdlets -nologo -v q >/dev/null)
fi
SHELL_DLL=tools/RlmTokens.Shell/bin/Debug/net10.0/rlm-pwsh.dll
measure() {
    dotnet "$SHELL_DLL" -NoProfile -NonInteractive -Command "\$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$1'; Get-TokenUsage -Path ./samples | Out-Null; \$t.Elapsed.TotalMilliseconds"
}
base=(); head=()
for i in $(seq "$RUNS"); do
    base+=("$(measure "$WORK/out/RlmTokens/RlmTokens.psd1")")
    head+=("$(measure "$PWD/out/RlmTokens/RlmTokens.psd1")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mb=$(median "${base[@]}"); mh=$(median "${head[@]}")
printf 'Import-Module + Get-TokenUsage, median of %d fresh processes each:\n  %s (%s): %.0f ms\n  this tree: %.0f ms\n  ratio: %.2f\n' \
    "$RUNS" "$BASE" "$(git rev-parse --short "$BASE")" "$mb" "$mh" "$(echo "$mh / $mb" | bc -l)"
