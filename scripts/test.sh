#!/usr/bin/env bash
# The whole check, from a fresh clone: installs what it needs, then typecheck, lint and the test suite
# (which starts its own Temporal dev server, LiveKit server and simulators).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-node.sh
source scripts/ensure-node-deps.sh
scripts/temporal-cli.sh >/dev/null
# The LiveKit tests run a real livekit-server (built from the Go module proxy the first time: minutes) with Redis.
scripts/redis-server.sh >/dev/null
scripts/livekit-server.sh >/dev/null
# The SIP reachability probe is tested against SIPp (Debian's sip-tester).
scripts/sipp.sh >/dev/null

echo "== typecheck"; node_modules/.bin/tsc -p tsconfig.json --noEmit
echo "== lint"; node_modules/.bin/eslint .
echo "== import cycles"; npm run --silent lint:cycles
echo "== tests"
mkdir -p .dev
status=0
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.dev/vitest-results.json "$@" || status=$?
# One plain closing line with the counts, whatever the reporter printed above.
node -e '
  const r = require("./.dev/vitest-results.json");
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' || status=1
exit "$status"
