# Sourced by bench/ccusage.sh and bench/statusline.sh: installs ccusage from npm into $1/ccusage (once
# per version) and sets CCUSAGE (the launcher) and CCUSAGE_VERSION. It takes the newest ccusage whose
# native binary for this platform is published (ccusage is a native binary behind a small node
# launcher; without its platform package the launcher cannot run).
install_ccusage() {
  local work=$1 latest native version
  echo "== ccusage from npm into $work/ccusage"
  latest=$(npm view ccusage version)
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) native=@ccusage/ccusage-linux-x64 ;;
    Linux-aarch64) native=@ccusage/ccusage-linux-arm64 ;;
    Darwin-arm64) native=@ccusage/ccusage-darwin-arm64 ;;
    *) native=@ccusage/ccusage-darwin-x64 ;;
  esac
  version=$latest
  if [ -z "$(npm view "$native@$latest" version 2>/dev/null)" ]; then version=$(npm view "$native" version); fi
  if [ ! -x "$work/ccusage/node_modules/.bin/ccusage" ] || [ "$(cat "$work/ccusage/.version" 2>/dev/null)" != "$version" ]; then
    rm -rf "$work/ccusage"; mkdir -p "$work/ccusage"
    npm install --prefix "$work/ccusage" --no-audit --no-fund "ccusage@$version" >/dev/null
    echo "$version" > "$work/ccusage/.version"
  fi
  CCUSAGE=$work/ccusage/node_modules/.bin/ccusage
  CCUSAGE_VERSION=$version
  echo "ccusage $version (latest on npm: $latest)"
}
