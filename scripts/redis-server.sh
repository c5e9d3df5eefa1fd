#!/usr/bin/env bash
# Prints the absolute path of a working `redis-server` on stdout (and nothing else); progress goes to stderr.
#
# Build machines reach package registries only, so the binary comes from, in order:
#   1. $REDIS_SERVER_PATH (explicit choice: an unusable value is an error, never silently skipped)
#   2. `redis-server` on PATH (also /usr/bin and /usr/sbin, which a minimal PATH may lack)
#   3. Debian apt (`apt-get update` + `apt-get install -y --no-install-recommends redis-server`), when root
# Used by test/support/livekit.ts: `livekit-server` keeps its SIP trunks and dispatch rules in Redis.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL=redis-server
source "$ROOT/scripts/lib/acquire.sh"

# --- 1. explicit override, 2. PATH (and the Debian locations a minimal PATH may lack) -----------------------
use_override REDIS_SERVER_PATH
use_installed redis-server /usr/bin/redis-server /usr/sbin/redis-server

# --- 3. Debian apt ------------------------------------------------------------------------------------
print_notes
command -v apt-get >/dev/null 2>&1 \
  || die "apt-get not found: install redis-server with this system's package manager, or set REDIS_SERVER_PATH"
[[ "$(id -u)" -eq 0 ]] \
  || die "not root, so not installing it: run 'sudo apt-get install -y --no-install-recommends redis-server' once, or set REDIS_SERVER_PATH"

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
log "installing redis-server with apt-get (update + install)"
if ! DEBIAN_FRONTEND=noninteractive apt-get update >"$LOG" 2>&1; then
  log "apt-get update failed:"
  tail_of "$LOG"
  die "could not refresh the apt package lists; install redis-server yourself or set REDIS_SERVER_PATH"
fi
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >"$LOG" 2>&1; then
  log "apt-get install redis-server failed:"
  tail_of "$LOG"
  die "could not install redis-server; install it yourself or set REDIS_SERVER_PATH"
fi
use_installed redis-server /usr/bin/redis-server /usr/sbin/redis-server

die "apt-get installed redis-server but no working redis-server was found on PATH, /usr/bin or /usr/sbin; set REDIS_SERVER_PATH"
