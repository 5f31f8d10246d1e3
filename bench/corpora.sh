# Sourced by bench/ccusage.sh and bench/speed.sh: the work folder, the generated corpora and the check of
# ccusage's totals against a corpus' manifest, in one place.
#
# bench_setup DEFAULT_WORK: sets REPO, WORK (RLMTOKENS_BENCH_DIR, else DEFAULT_WORK; refused inside the
# repository), SIZES (default "50 500"), RUNS (default 5), SEED (default 42) and GEN (the generator:
# ../shared/bench/gen-claude-transcripts.py, else bench/'s copy), and generates the corpora
# WORK/corpus-<MB> that are missing.
bench_setup() {
  REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  WORK=${RLMTOKENS_BENCH_DIR:-$1}
  SIZES=${SIZES:-"50 500"}
  RUNS=${RUNS:-5}
  SEED=${SEED:-42}
  GEN=${GEN:-$REPO/../shared/bench/gen-claude-transcripts.py}
  [ -f "$GEN" ] || GEN=$REPO/bench/gen-claude-transcripts.py
  case "$WORK" in "$REPO"|"$REPO"/*) echo "RLMTOKENS_BENCH_DIR must be outside the repository" >&2; exit 2;; esac
  mkdir -p "$WORK/emptyhome"
  echo "== corpora (seed $SEED) in $WORK"
  local mb
  for mb in $SIZES; do
    [ -f "$WORK/corpus-$mb/manifest.json" ] || python3 "$GEN" --out "$WORK/corpus-$mb" --total-mb "$mb" --seed "$SEED"
  done
}

# check_ccusage_totals CCUSAGE_JSON MANIFEST: prints whether `ccusage daily --json` totals equal the manifest.
check_ccusage_totals() {
  python3 - "$1" "$2" <<'PY'
import json, sys
cc = json.load(open(sys.argv[1]))["totals"]; ex = json.load(open(sys.argv[2]))["expected"]["totals"]
pairs = [("inputTokens", "input"), ("outputTokens", "output"), ("cacheCreationTokens", "cacheCreation"), ("cacheReadTokens", "cacheRead")]
same = all(cc[a] == ex[b] for a, b in pairs) and abs(cc["totalCost"] - ex["cost"]) <= 1e-6 * ex["cost"]
print("ccusage totals %s the manifest (tokens %s, cost %.6f vs %.6f)" % ("equal" if same else "DIFFER from", [cc[a] for a, _ in pairs], cc["totalCost"], ex["cost"]))
PY
}
