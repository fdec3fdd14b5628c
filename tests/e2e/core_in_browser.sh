#!/usr/bin/env bash
# ctest e2e.core_in_browser: the shared core compiled to WebAssembly runs in a real browser
# (Debian's Chromium, headless, driven by playwright-core) and must reach the same state hash
# as the native build after the recorded 100,000 seeded random commands.
# Usage: core_in_browser.sh NATIVE_CORE_TESTS NODE WASM_BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
native_bin=$1 node=$2 wasm_dir=$3

# The expected hash: what the native build computes.
native_out=$("$native_bin" --gtest_filter='Determinism.Hundred*' 2>&1) || {
  echo "native determinism test failed"; echo "$native_out" | tail -20; exit 1; }
expected=$(grep -oE 'determinism_hash=[0-9a-f]+' <<<"$native_out" | head -1 | cut -d= -f2)
[ -n "$expected" ] || { echo "no determinism_hash in the native output"; echo "$native_out" | tail -20; exit 1; }

[ -d "$here/node_modules/playwright-core" ] || {
  echo "tests/e2e/node_modules/playwright-core is missing: run scripts/setup (npm ci in tests/e2e)"; exit 1; }
for f in core_probe.js core_probe.wasm; do
  [ -f "$wasm_dir/tests/e2e/$f" ] || { echo "missing $wasm_dir/tests/e2e/$f: build the WASM tree first"; exit 1; }
done

# Run from tests/e2e so `import 'playwright-core'` resolves to tests/e2e/node_modules.
cd "$here"
exec "$node" core_in_browser.test.mjs "$wasm_dir" "$expected"
