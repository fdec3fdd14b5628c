#!/usr/bin/env bash
# ctest e2e.widget and e2e.embed: the visitor widget in headless Chromium against the real server
# (see widget.test.mjs: the demo page; embed.test.mjs: pages on other origins).
# Usage: widget.sh SERVER_BIN NODE WEB_DIR WIDGET_DIR SHOT_DIR [TEST (default widget.test.mjs)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
server_bin=$1 node=$2 web_dir=$3 widget_dir=$4 shot_dir=$5 test=${6:-widget.test.mjs}

for m in playwright-core ws; do
  [ -d "$here/node_modules/$m" ] || {
    echo "tests/e2e/node_modules/$m is missing: run scripts/setup (npm ci in tests/e2e)"; exit 1; }
done
for f in loader.js loader.js.gz; do
  [ -f "$widget_dir/$f" ] || { echo "missing $widget_dir/$f: build the WASM tree first"; exit 1; }
done
[ -x "$server_bin" ] || { echo "missing server binary $server_bin"; exit 1; }

# Run from tests/e2e so `import 'playwright-core'` and `import 'ws'` resolve to its node_modules.
cd "$here"
exec "$node" "$test" "$server_bin" "$web_dir" "$widget_dir" "$shot_dir"
