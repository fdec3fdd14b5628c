#!/usr/bin/env bash
# bench/browser: what the browser side costs, measured side by side in one run (see bench/README.md
# for the row contract). Rows: the widget's download (loader + glue + wasm, Brotli and gzip)
# against the big vendors' 100-250 KB (BRIEF) and our 60 KB budget; page load -> launcher painted
# and -> widget ready in headless Chromium beside an empty page served by the same server; the
# dashboard's first load (bytes as served before its sign-in form is usable, against 600 KB, and
# the time to that form beside an empty page's first paint); the dashboard's frame time while scrolling 10,000 conversations beside an empty inbox.
#   bench/browser/run.sh [--smoke]   (--smoke: one run of each, 200 conversations, ~30 s)
# Needs the native tree (server + web/) and the WASM tree (widget), Chromium, tests/e2e/node_modules.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
native=${BENCH_NATIVE:-$root/build/native}
wasm=${BENCH_WASM:-$root/build/wasm}
mode=${BENCH_MODE:-full}
[ "${1:-}" = "--smoke" ] && mode=smoke
widget=$wasm/wasm-widget/web
server=$native/server/livechat-server
for f in "$server" "$native/web/agent/agent_ui.wasm" "$widget/loader.js.br" "$widget/loader.js.gz"; do
  [ -e "$f" ] || { echo "bench/browser: missing $f (build the WASM tree, then the native one)" >&2; exit 2; }
done
[ -d "$root/tests/e2e/node_modules/playwright-core" ] || {
  echo "bench/browser: tests/e2e/node_modules is missing: run scripts/setup" >&2; exit 2; }

# Widget bytes: what a browser downloads for the open widget (the server sends the .br files
# to browsers that accept Brotli, the .gz ones otherwise).
br=0 gz=0
for f in loader.js $(cd "$widget" && ls widget.*.js widget.*.wasm); do  # the glue and wasm are content-hashed
  br=$((br + $(stat -c %s "$widget/$f.br"))) gz=$((gz + $(stat -c %s "$widget/$f.gz")))
  echo "> widget $f: $(stat -c %s "$widget/$f") bytes raw, $(stat -c %s "$widget/$f.gz") gzip, $(stat -c %s "$widget/$f.br") Brotli"
done
budget=$((60 * 1024)) vendor=$((100 * 1024))
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
for z in br gz; do
  bytes=$([ $z = br ] && echo $br || echo $gz) name=$([ $z = br ] && echo Brotli || echo gzip)
  # The budget is for what browsers get (Brotli); the gzip total is shown for older clients.
  target='-' met='-'
  [ $z = br ] && target='<= 60 KB' met=$([ "$bytes" -le "$budget" ] && echo yes || echo no)
  printf '| widget download, %s (loader + glue + wasm) | %s | %s (the smallest big vendor, BRIEF) | %s | %s | %s |\n' \
    "$name" "$(kb "$bytes")" "$(kb $vendor)" "$(awk -v a="$bytes" -v b=$vendor 'BEGIN { printf "%.2f", a / b }')" \
    "$target" "$met"
done

# The pages: a copy of the native web/ folder with the widget and an empty page beside the demo.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$native/web" "$tmp/web"
mkdir -p "$tmp/web/widget" "$tmp/web/empty"
cp "$widget"/* "$tmp/web/widget/"
printf '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>empty</title></head><body></body></html>\n' \
  >"$tmp/web/empty/index.html"
cd "$root/tests/e2e"  # so that playwright-core and ws resolve
exec node "$root/bench/browser/bench.mjs" "$server" "$tmp" "$mode"
