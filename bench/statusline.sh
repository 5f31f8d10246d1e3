#!/usr/bin/env bash
# Times Show-TokenStatusLine against `ccusage statusline` on the same transcripts, fed the same status
# JSON on stdin as Claude Code's statusLine setting does, and against the status line of a baseline
# commit (BASE_REF, default main) built from `git archive` in the work folder. No timing assertion
# anywhere: this prints medians and ratios (bench/README.md has the last figures).
#
#   bench/statusline.sh                 # 50 MB corpus, 15 runs each, baseline main
#   SIZE=500 RUNS=9 BASE_REF=none bench/statusline.sh
#
# What is timed (interleaved round by round, RUNS times each; the OS file cache is warm for every tool;
# each RlmTokens build keeps its own cache folder, since their cache formats differ):
#   e2e          bash -c "rlm-pwsh -NoProfile -NonInteractive -Command 'Import-Module ...; $input | Show-TokenStatusLine'"
#                with the JSON on stdin: the whole statusLine call, PowerShell's start-up included
#   native       bash -c "rlmtokens-hook statusline" with the JSON on stdin: the same line from the NativeAOT
#                binary the build puts in out/RlmTokens/bin/linux-x64/ (skipped where the build made none);
#                it shares this build's cache folder, as the same Core writes it
#   ccusage      bash -c "ccusage statusline --no-cache" (its full work on every call)
#   ccusage-hit  bash -c "ccusage statusline" with its default 1-second output cache (a hit when
#                nothing changed within the refresh interval)
#   own-cold     the first Show-TokenStatusLine of a fresh session (module imported) with an empty cache
#                folder: JIT and the first scan of every transcript
#   own-warm     Measure-Command { $json | Show-TokenStatusLine } in the same session, cache warm,
#                nothing appended: the cmdlet's own work
#   own-append   the same right after one response was appended to the session's transcript (as Claude
#                Code calls it after each response)
# Rows named base-* are the same for the baseline build; "base/this" is base time / this time.
#
# Environment: SIZE (MB, default 50), RUNS (default 15), SEED (default 42), BASE_REF (a git ref, or
# none; default main), RLMTOKENS_BENCH_DIR (work folder OUTSIDE the repository; default
# $TMPDIR/rlmtokens-bench-statusline), GEN (the generator; default ../shared/bench/gen-claude-transcripts.py,
# else bench/'s copy). Needs: python3, node + npm (ccusage is installed into the work folder), dotnet, git.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${RLMTOKENS_BENCH_DIR:-${TMPDIR:-/tmp}/rlmtokens-bench-statusline}
SIZE=${SIZE:-50}
RUNS=${RUNS:-15}
SEED=${SEED:-42}
BASE_REF=${BASE_REF:-main}
GEN=${GEN:-$REPO/../shared/bench/gen-claude-transcripts.py}
[ -f "$GEN" ] || GEN=$REPO/bench/gen-claude-transcripts.py
case "$WORK" in "$REPO"|"$REPO"/*) echo "RLMTOKENS_BENCH_DIR must be outside the repository" >&2; exit 2;; esac
mkdir -p "$WORK/emptyhome"
corpus=$WORK/corpus-$SIZE

echo "== corpus ($SIZE MB, seed $SEED) in $WORK"
[ -f "$corpus/manifest.json" ] || python3 "$GEN" --out "$corpus" --total-mb "$SIZE" --seed "$SEED"

# shellcheck source=bench/ccusage-install.sh
source "$REPO/bench/ccusage-install.sh"
install_ccusage "$WORK"

# shellcheck source=bench/rlmtokens-builds.sh
source "$REPO/bench/rlmtokens-builds.sh"
build_baseline "$REPO" "$WORK" "$BASE_REF"
build_rlmtokens "$REPO"
# rlmtokens-hook: its build publishes the native binary into the module folder (where linux-x64 and clang allow).
dotnet build -c Release "$REPO/src/RlmTokens.Hook" >/dev/null

NATIVE=$(dirname "$MODULE")/bin/linux-x64/rlmtokens-hook
[ -x "$NATIVE" ] || { echo "no $NATIVE (the build makes it on linux-x64 with clang): no native row"; NATIVE=""; }
export WORK corpus CCUSAGE SHELL_DLL MODULE BASE_SHELL_DLL BASE_MODULE RUNS SIZE NATIVE
python3 - <<'PY'
import json, os, statistics, subprocess, time, uuid, datetime

work, corpus, runs = os.environ["WORK"], os.environ["corpus"], int(os.environ["RUNS"])
# A live session with current timestamps, so today's and the active block's figures are not empty.
now = datetime.datetime.now(datetime.timezone.utc)
sid = "5e55a0b1-0000-4000-8000-00000000beef"
live_dir = os.path.join(corpus, "projects", "-bench-live")
os.makedirs(live_dir, exist_ok=True)
live = os.path.join(live_dir, sid + ".jsonl")
n = [0]
def line(t):
    n[0] += 1
    # Compact, as Claude Code writes it (a reader may pre-filter on '"type":"assistant"').
    return json.dumps({"type": "assistant", "isSidechain": False, "sessionId": sid, "cwd": "/bench/live", "version": "2.0.31",
        "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "requestId": "req_live_%d" % n[0],
        "message": {"id": "msg_live_%d" % n[0], "model": "claude-sonnet-4-5-20250929", "role": "assistant",
            "usage": {"input_tokens": 40 + n[0], "output_tokens": 300, "cache_creation_input_tokens": 2000, "cache_read_input_tokens": 30000 + 100 * n[0]}}}, separators=(",", ":")) + "\n"
with open(live, "w") as f:
    for i in range(200):
        f.write(line(now - datetime.timedelta(minutes=60) + datetime.timedelta(seconds=15 * i)))
status = json.dumps({"session_id": sid, "transcript_path": live, "cwd": "/bench/live",
    "model": {"id": "claude-sonnet-4-5-20250929", "display_name": "Sonnet 4.5"},
    "workspace": {"current_dir": "/bench/live", "project_dir": "/bench/live"},
    "version": "2.0.31", "output_style": {"name": "default"},
    "cost": {"total_cost_usd": 1.23, "total_duration_ms": 60000, "total_api_duration_ms": 30000, "total_lines_added": 10, "total_lines_removed": 2}})

env = {"PATH": os.environ["PATH"], "HOME": os.path.join(work, "emptyhome"), "TZ": "UTC", "CLAUDE_CONFIG_DIR": corpus,
       "NO_COLOR": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
builds = {"this": (os.environ["SHELL_DLL"], os.environ["MODULE"])}
if os.environ.get("BASE_MODULE"): builds["base"] = (os.environ["BASE_SHELL_DLL"], os.environ["BASE_MODULE"])
with open(os.path.join(work, "status.json"), "w") as f: f.write(status)

def cache_of(build): return os.path.join(work, "rlmtokens-cache-" + build)
def prefix(build): return "" if build == "this" else "base-"
def run(cmd, build=None):
    e = dict(env)
    if build: e["RLMTOKENS_CACHE_DIR"] = cache_of(build)
    t = time.perf_counter()
    p = subprocess.run(["bash", "-c", cmd], input=status, capture_output=True, text=True, env=e, cwd=work)
    dt = time.perf_counter() - t
    if p.returncode != 0: raise SystemExit("%s failed (%d): %s" % (cmd, p.returncode, p.stderr))
    return dt, p.stdout.strip().splitlines()[0] if p.stdout.strip() else ""

commands = {}
for b, (dll, module) in builds.items():
    commands[prefix(b) + "e2e"] = ("dotnet '%s' -NoProfile -NonInteractive -Command 'Import-Module %s; $input | Show-TokenStatusLine'" % (dll, module), b)
if os.environ.get("NATIVE"): commands["native"] = ("'%s' statusline" % os.environ["NATIVE"], "this")
commands["ccusage"] = ("'%s' statusline --no-cache" % os.environ["CCUSAGE"], None)
commands["ccusage-hit"] = ("'%s' statusline" % os.environ["CCUSAGE"], None)
for name, (cmd, b) in commands.items():   # warm-up: the RlmTokens caches, ccusage's, the OS file cache
    print("%-12s %s" % (name, run(cmd, b)[1]))

# The cmdlet's own work in a fresh session: cold (empty cache folder), warm, and right after an append.
own_script = """
Import-Module '%s'
$json = [IO.File]::ReadAllText('%s')
$cold = Join-Path '%s' ('cold-' + [guid]::NewGuid().ToString('N'))
$c = (Measure-Command { $null = $json | Show-TokenStatusLine -CacheFolder $cold }).TotalMilliseconds
Remove-Item -Recurse -Force $cold
$null = $json | Show-TokenStatusLine
$w = (Measure-Command { $null = $json | Show-TokenStatusLine }).TotalMilliseconds
[IO.File]::AppendAllText('%s', [IO.File]::ReadAllLines('%s')[-1].Replace('msg_live_', 'msg_app' + [guid]::NewGuid().ToString('N') + '_').Replace('req_live_', 'req_app' + [guid]::NewGuid().ToString('N') + '_') + "`n")
$a = (Measure-Command { $null = $json | Show-TokenStatusLine }).TotalMilliseconds
'own-cold {0:0.000}' -f $c
'own-warm {0:0.000}' -f $w
'own-append {0:0.000}' -f $a
"""
def own(build):
    dll, module = builds[build]
    e = dict(env); e["RLMTOKENS_CACHE_DIR"] = cache_of(build)
    p = subprocess.run(["dotnet", dll, "-NoProfile", "-NonInteractive", "-Command", own_script % (module, os.path.join(work, "status.json"), work, live, live)],
                       capture_output=True, text=True, env=e, cwd=work)
    if p.returncode != 0: raise SystemExit(p.stderr)
    out = {}
    for l in p.stdout.split("\n"):
        parts = l.split()
        if len(parts) == 2 and parts[0].startswith("own-"): out[prefix(build) + parts[0]] = float(parts[1]) / 1000
    return out

times = {k: [] for k in commands}
for _ in range(runs):
    for name, (cmd, b) in commands.items():
        times[name].append(run(cmd, b)[0])
    for b in builds:
        for k, v in own(b).items(): times.setdefault(k, []).append(v)

med = {k: statistics.median(v) for k, v in times.items()}
out = ["| %s MB corpus, medians of %d | median ms | ccusage (--no-cache) / this | base / this | e2e (pwsh) / this |" % (os.environ["SIZE"], runs), "|---|---|---|---|---|"]
for k in ["e2e", "base-e2e", "native", "ccusage", "ccusage-hit", "own-cold", "base-own-cold", "own-warm", "base-own-warm", "own-append", "base-own-append"]:
    if k not in med: continue
    base_k = "base-" + k
    vs_ccusage = "%.2fx" % (med["ccusage"] / med[k]) if not k.startswith("own") and not k.startswith("base-own") else ""
    vs_base = "%.2fx" % (med[base_k] / med[k]) if base_k in med else ""
    vs_pwsh = "%.2fx" % (med["e2e"] / med[k]) if k == "native" else ""
    out.append("| %s | %.1f | %s | %s | %s |" % (k, med[k] * 1000, vs_ccusage, vs_base, vs_pwsh))
print("\n== medians of %d runs" % runs)
print("\n".join(out))
with open(os.path.join(work, "summary.md"), "w") as f: f.write("\n".join(out) + "\n")
PY
