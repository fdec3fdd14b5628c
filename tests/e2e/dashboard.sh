#!/usr/bin/env bash
# ctest e2e.dashboard: the agent dashboard (agent-ui/, served at /agent/) in headless Chromium
# against the real server binary with demo data. See dashboard.test.mjs for the steps.
# Usage: dashboard.sh SERVER_BINARY NODE WEB_DIR SHOT_DIR [TEST_SCRIPT (default dashboard.test.mjs)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
server=$(realpath "$1") node=$2 web=$(realpath "$3") shots=$(realpath -m "$4") script=${5:-dashboard.test.mjs}
for f in index.html agent_ui.js agent_ui.wasm fonts/DejaVuSans-base.ttf; do
  [ -f "$web/agent/$f" ] || { echo "missing $web/agent/$f: build the WASM tree, then the native one"; exit 1; }
done
for m in playwright-core ws; do
  [ -d "$here/node_modules/$m" ] || { echo "tests/e2e/node_modules/$m is missing: run scripts/setup (npm ci in tests/e2e)"; exit 1; }
done
cd "$here"
exec "$node" "$script" "$server" "$web" "$shots"
