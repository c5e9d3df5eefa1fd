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
install_with_apt redis-server REDIS_SERVER_PATH
use_installed redis-server /usr/bin/redis-server /usr/sbin/redis-server

die "apt-get installed redis-server but no working redis-server was found on PATH, /usr/bin or /usr/sbin; set REDIS_SERVER_PATH"
