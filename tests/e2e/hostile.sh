#!/usr/bin/env bash
# ctest e2e.hostile: hostile content rendered inert in the visitor widget and the agent dashboard,
# in headless Chromium against the real server binary (see hostile.test.mjs).
# Usage: hostile.sh SERVER_BINARY NODE WEB_DIR SHOT_DIR   (WEB_DIR: the native tree's web/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
server=$(realpath "$1") node=$2 web=$(realpath "$3") shots=$(realpath -m "$4")
for f in agent/index.html agent/agent_ui.js agent/agent_ui.wasm widget/loader.js demo/index.html; do
  [ -f "$web/$f" ] || { echo "missing $web/$f: build the WASM tree, then the native one"; exit 1; }
done
for m in playwright-core ws; do
  [ -d "$here/node_modules/$m" ] || { echo "tests/e2e/node_modules/$m is missing: run scripts/setup (npm ci in tests/e2e)"; exit 1; }
done
cd "$here"  # so `import 'playwright-core'` and `import 'ws'` resolve to tests/e2e/node_modules
exec "$node" hostile.test.mjs "$server" "$web" "$shots"
