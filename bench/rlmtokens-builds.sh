# Sourced by bench/statusline.sh and bench/transcript-cache.sh: Release builds of RlmTokens to time.
#   build_rlmtokens REPO        sets SHELL_DLL (rlm-pwsh) and MODULE (the staged manifest) of this tree
#   build_baseline REPO WORK REF  the same for the commit REF (or nothing when REF is none), extracted
#                               with `git archive` into WORK/base-src (no worktree, the repository is not
#                               touched) and built there; sets BASE_SHELL_DLL and BASE_MODULE
build_rlmtokens() {
  local repo=$1
  echo "== RlmTokens (Release) and rlm-pwsh"
  dotnet build -c Release "$repo/src/RlmTokens.Cmdlets" >/dev/null
  dotnet build -c Release "$repo/tools/RlmTokens.Shell" >/dev/null
  SHELL_DLL=$repo/tools/RlmTokens.Shell/bin/Release/net10.0/rlm-pwsh.dll
  MODULE=$repo/out/RlmTokens/RlmTokens.psd1
}

build_baseline() {
  local repo=$1 work=$2 ref=$3 commit base
  BASE_SHELL_DLL=""; BASE_MODULE=""
  [ "$ref" = none ] && return 0
  commit=$(git -C "$repo" rev-parse "$ref^{commit}")
  base=$work/base-src
  if [ "$(cat "$base/.commit" 2>/dev/null)" != "$commit" ]; then
    echo "== baseline $ref ($commit) from git archive into $base"
    rm -rf "$base"; mkdir -p "$base"
    git -C "$repo" archive "$commit" | tar -x -C "$base"
    echo "$commit" > "$base/.commit"
  fi
  build_rlmtokens "$base"
  BASE_SHELL_DLL=$SHELL_DLL; BASE_MODULE=$MODULE
}
