#!/usr/bin/env bash
# The shared transcript cache on a large corpus: its size, its load time, and the warm calls of the
# cmdlets that read transcripts through it, side by side with a baseline commit (BASE_REF, default
# main) built from `git archive` in the work folder. No timing assertion anywhere: this prints medians
# and ratios (bench/README.md has the last figures).
#
#   bench/transcript-cache.sh                      # 500 MB corpus, 5 rounds, baseline main
#   SIZE=50 RUNS=3 BASE_REF=none bench/transcript-cache.sh
#
# Each round starts one fresh rlm-pwsh session per build (interleaved: this, base, this, base, ...),
# module imported, the build's own cache folder already filled (their formats differ), and times in it:
#   cache-load    TranscriptCache.Load of the corpus's cache file (reflection on the internal class)
#   gtu-warm      Get-TokenUsage -Transcript -TranscriptRoot <corpus> (the cache warm, files unchanged)
#   ttb-warm      Test-TokenBudget -TranscriptRoot <corpus> (the same; the baseline never used the cache)
#   ttb-nocache   Test-TokenBudget -TranscriptRoot <corpus> -NoCache (this build only: a full read)
# and prints the cache file's size. "base/this" is base time / this time.
#
# Environment: SIZE (MB, default 500), RUNS (default 5), SEED (default 42), BASE_REF (a git ref, or none;
# default main), RLMTOKENS_BENCH_DIR (work folder OUTSIDE the repository; default
# $TMPDIR/rlmtokens-bench-cache), GEN (the generator). Needs: python3, dotnet, git.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${RLMTOKENS_BENCH_DIR:-${TMPDIR:-/tmp}/rlmtokens-bench-cache}
SIZE=${SIZE:-500}
RUNS=${RUNS:-5}
SEED=${SEED:-42}
BASE_REF=${BASE_REF:-main}
GEN=${GEN:-$REPO/../shared/bench/gen-claude-transcripts.py}
[ -f "$GEN" ] || GEN=$REPO/bench/gen-claude-transcripts.py
case "$WORK" in "$REPO"|"$REPO"/*) echo "RLMTOKENS_BENCH_DIR must be outside the repository" >&2; exit 2;; esac
mkdir -p "$WORK/ws/RLM/config"
corpus=$WORK/corpus-$SIZE
echo '{ "tokenTracking": { "enabled": true, "budgetDaily": 1000000000, "budgetMonthly": 10000000000 } }' > "$WORK/ws/RLM/config/project-config.json"

echo "== corpus ($SIZE MB, seed $SEED) in $WORK"
[ -f "$corpus/manifest.json" ] || python3 "$GEN" --out "$corpus" --total-mb "$SIZE" --seed "$SEED"

# shellcheck source=bench/rlmtokens-builds.sh
source "$REPO/bench/rlmtokens-builds.sh"
build_baseline "$REPO" "$WORK" "$BASE_REF"
build_rlmtokens "$REPO"

export WORK corpus SHELL_DLL MODULE BASE_SHELL_DLL BASE_MODULE RUNS SIZE
python3 - <<'PY'
import glob, os, statistics, subprocess

work, corpus, runs = os.environ["WORK"], os.environ["corpus"], int(os.environ["RUNS"])
builds = {"this": (os.environ["SHELL_DLL"], os.environ["MODULE"])}
if os.environ.get("BASE_MODULE"): builds["base"] = (os.environ["BASE_SHELL_DLL"], os.environ["BASE_MODULE"])
env = {"PATH": os.environ["PATH"], "HOME": os.path.join(work, "emptyhome"), "TZ": "UTC", "NO_COLOR": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
projects = os.path.join(corpus, "projects")
script = """
Import-Module '{module}'
$cache = '{cache}'
$null = Get-TokenUsage -Transcript -TranscriptRoot '{corpus}' -CacheFolder $cache
$t = [RlmTokens.Transcripts.TranscriptReader].Assembly.GetType('RlmTokens.Transcripts.TranscriptCache')
$load = $t.GetMethod('Load')
$null = $load.Invoke($null, @($cache, 'roots|{projects}'))
'cache-load {{0:0.000}}' -f (Measure-Command {{ $c = $load.Invoke($null, @($cache, 'roots|{projects}')) }}).TotalMilliseconds
'cache-files {{0}}' -f $c.Count
'gtu-warm {{0:0.000}}' -f (Measure-Command {{ $null = Get-TokenUsage -Transcript -TranscriptRoot '{corpus}' -CacheFolder $cache }}).TotalMilliseconds
$null = Test-TokenBudget -Path '{ws}' -TranscriptRoot '{corpus}' {cachearg}
'ttb-warm {{0:0.000}}' -f (Measure-Command {{ $null = Test-TokenBudget -Path '{ws}' -TranscriptRoot '{corpus}' {cachearg} }}).TotalMilliseconds
{nocache}
"""
def session(build):
    dll, module = builds[build]
    cache = os.path.join(work, "cache-" + build)
    # The baseline's Test-TokenBudget has no -CacheFolder (it never used the cache).
    s = script.format(module=module, cache=cache, corpus=corpus, projects=projects, ws=os.path.join(work, "ws"),
        cachearg="-CacheFolder $cache" if build == "this" else "",
        nocache="'ttb-nocache {0:0.000}' -f (Measure-Command { $null = Test-TokenBudget -Path '%s' -TranscriptRoot '%s' -NoCache }).TotalMilliseconds" % (os.path.join(work, "ws"), corpus) if build == "this" else "")
    p = subprocess.run(["dotnet", dll, "-NoProfile", "-NonInteractive", "-Command", s], capture_output=True, text=True, env=env, cwd=work)
    if p.returncode != 0 or p.stderr.strip(): raise SystemExit(p.stdout + p.stderr)
    out = {}
    for l in p.stdout.split("\n"):
        parts = l.split()
        if len(parts) == 2 and parts[0] == "cache-files": print("%s cache holds %s files" % (build, parts[1])); continue
        if len(parts) == 2: out[("" if build == "this" else "base-") + parts[0]] = float(parts[1]) / 1000
    return out

times = {}
for _ in range(runs):
    for b in builds:
        for k, v in session(b).items(): times.setdefault(k, []).append(v)
for b in builds:
    for f in glob.glob(os.path.join(work, "cache-" + b, "transcripts-*.bin")):
        print("%s cache file %s: %.1f MB" % (b, os.path.basename(f), os.path.getsize(f) / 1e6))
med = {k: statistics.median(v) for k, v in times.items()}
out = ["| %s MB corpus, medians of %d | median ms | base / this |" % (os.environ["SIZE"], runs), "|---|---|---|"]
for k in ["cache-load", "base-cache-load", "gtu-warm", "base-gtu-warm", "ttb-warm", "base-ttb-warm", "ttb-nocache"]:
    if k in med:
        out.append("| %s | %.1f | %s |" % (k, med[k] * 1000, "%.2fx" % (med["base-" + k] / med[k]) if "base-" + k in med else ""))
print("\n".join(out))
with open(os.path.join(work, "summary.md"), "w") as f: f.write("\n".join(out) + "\n")
PY
