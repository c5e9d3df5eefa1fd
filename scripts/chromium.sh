#!/usr/bin/env bash
# Prints the absolute path of a working headless-capable `chromium` on stdout (and nothing else); progress goes to
# stderr. For scripts/ui-screenshots.ts (screenshots of the Temporal UI), not for the test suite.
#
# Build machines reach package registries only, so the browser comes from, in order:
#   1. $CHROMIUM_PATH (explicit choice: an unusable value is an error, never silently skipped)
#   2. `chromium` on PATH (also /usr/bin, which a minimal PATH may lack)
#   3. Debian apt (`apt-get update` + `apt-get install -y --no-install-recommends chromium`), when root
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL=chromium
VERSION_FLAG=--version
source "$ROOT/scripts/lib/acquire.sh"
works() { [[ "$("$1" --version 2>/dev/null)" == *"Chromium"* ]]; }

use_override CHROMIUM_PATH
use_installed chromium /usr/bin/chromium

print_notes
install_with_apt chromium CHROMIUM_PATH
use_installed chromium /usr/bin/chromium

die "apt-get installed chromium but no working chromium was found on PATH or /usr/bin; set CHROMIUM_PATH"
