#!/usr/bin/env bash
# Prints the absolute path of a working `sipp` (SIPp, the SIP traffic generator) on stdout (and nothing else);
# progress goes to stderr.
#
# Build machines reach package registries only, so the binary comes from, in order:
#   1. $SIPP_PATH (explicit choice: an unusable value is an error, never silently skipped)
#   2. `sipp` on PATH (also /usr/bin, which a minimal PATH may lack)
#   3. Debian apt (`apt-get update` + `apt-get install -y --no-install-recommends sip-tester`), when root
# Used by test/support/sipp.ts: a SIPp UAS answering OPTIONS for the tests of sip/options-probe.ts.
# Debian's build has no TLS transport (`-t l1`): test/support/sipp.ts puts a Node TLS server in front of it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL=sipp
VERSION_FLAG=-v
source "$ROOT/scripts/lib/acquire.sh"
# `sipp -v` prints "SIPp v3.6.1-…" and exits 99 ("normal exit without calls processed"): a working sipp is one
# whose -v says so, whatever the exit status.
works() { [[ "$("$1" -v 2>/dev/null)" == *"SIPp v"* ]]; }

# --- 1. explicit override, 2. PATH (and the Debian location a minimal PATH may lack) ------------------------
use_override SIPP_PATH
use_installed sipp /usr/bin/sipp

# --- 3. Debian apt ------------------------------------------------------------------------------------
print_notes
install_with_apt sip-tester SIPP_PATH
use_installed sipp /usr/bin/sipp

die "apt-get installed sip-tester but no working sipp was found on PATH or /usr/bin; set SIPP_PATH"
