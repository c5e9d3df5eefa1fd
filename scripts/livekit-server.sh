#!/usr/bin/env bash
# Prints the absolute path of a working `livekit-server` on stdout (and nothing else); progress goes to stderr.
#
# Build machines reach package registries only, so the binary comes from, in order:
#   1. $LIVEKIT_SERVER_PATH (explicit choice: an unusable value is an error, never silently skipped)
#   2. `livekit-server` on PATH
#   3. a build from the Go module proxy of the pinned release (`go mod download` + `go build ./cmd/server` in the
#      module directory; later releases replace pion modules with forks the proxy does not serve, so
#      `go install …@latest` fails). Takes a few minutes on a 2-core machine the first time.
# Anything acquired lives in the git-ignored .tools/ of the repo and is reused on later runs.
# Used by test/support/livekit.ts (tests against a real server: `livekit-server --dev` plus Redis).
set -euo pipefail

readonly LIVEKIT_VERSION=1.9.11
readonly MODULE=github.com/livekit/livekit-server

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly TOOLS="$ROOT/.tools"
readonly GO_BIN="$TOOLS/livekit-server-${LIVEKIT_VERSION}/livekit-server"

TOOL=livekit-server
source "$ROOT/scripts/lib/acquire.sh"

# --- 1. explicit override, 2. PATH, then an earlier build (keeps later runs fast and offline) ---------------
use_override LIVEKIT_SERVER_PATH
use_installed livekit-server
use_cached "$GO_BIN"
print_notes
log "nothing reusable in $TOOLS yet"

# --- 3. build from the Go module proxy -------------------------------------------------------------------
command -v go >/dev/null 2>&1 \
  || die "go not found: cannot build livekit-server v$LIVEKIT_VERSION from the Go module proxy (install Go >= 1.24, put livekit-server on PATH, or set LIVEKIT_SERVER_PATH)"

mkdir -p "$TOOLS"
WORK="$(mktemp -d "$TOOLS/.acquire.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log "downloading $MODULE@v$LIVEKIT_VERSION from the Go module proxy"
# Run outside the repo so no go.mod/go.work here can interfere; -json gives the (read-only) module directory.
if ! (cd "$WORK" && GOFLAGS=-mod=mod GO111MODULE=on go mod download -json "$MODULE@v$LIVEKIT_VERSION") \
     >"$WORK/download.json" 2>"$WORK/download.log"; then
  log "go mod download $MODULE@v$LIVEKIT_VERSION failed:"
  tail_of "$WORK/download.json"
  tail_of "$WORK/download.log"
  die "no usable livekit-server: put livekit-server on PATH, set LIVEKIT_SERVER_PATH, or make the Go module proxy reachable"
fi
dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' "$WORK/download.json" | head -n1)"
[[ -n "$dir" && -f "$dir/go.mod" ]] || die "go mod download did not report a module directory (see $WORK/download.json)"

log "building livekit-server v$LIVEKIT_VERSION into $(dirname "$GO_BIN") (about 3 minutes on 2 cores with a cold Go cache)"
# The module cache is read-only: build in place (its go.mod/go.sum are complete, so nothing needs writing) with
# the output under .tools; -mod=readonly makes a missing go.sum entry an error rather than an attempted write.
# Pure Go, like the upstream Dockerfile (CGO_ENABLED=0); the tree's own build cache is the user's Go cache.
started=$SECONDS
if (cd "$dir" && CGO_ENABLED=0 GO111MODULE=on GOFLAGS="-mod=readonly -buildvcs=false" \
      go build -trimpath -o "$WORK/livekit-server" ./cmd/server) >&2; then
  log "built in $((SECONDS - started)) s"
  keep_if_works "$WORK/livekit-server" "$GO_BIN"
  log "built binary fails '--version'"
else
  log "go build ./cmd/server in $dir failed (output above)"
fi

die "no usable livekit-server: set LIVEKIT_SERVER_PATH, put livekit-server on PATH, or make the Go module proxy reachable"
