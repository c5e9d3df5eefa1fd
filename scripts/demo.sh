#!/usr/bin/env bash
# The demo, from a fresh clone: installs what it needs, then runs scripts/demo.ts (flags pass through,
# e.g. --keep-running to explore the Temporal UI afterwards).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-node.sh
source scripts/ensure-node-deps.sh
scripts/temporal-cli.sh >/dev/null
exec node_modules/.bin/tsx scripts/demo.ts "$@"
