#!/usr/bin/env bash
# size_report.sh WEB_DIR: what a visitor downloads for the open widget (loader, JS glue, wasm):
# raw, gzip -9 and Brotli bytes, against the 60 KB compressed budget (issue: the visitor widget).
# The server sends the .br siblings to browsers that accept br (every current browser) and the
# .gz ones otherwise, so the budget applies to the Brotli total; the gzip total is shown too.
# Warns (does not fail the build) when over; the e2e test (tests/e2e/widget.test.mjs) fails.
set -euo pipefail
dir=$1 budget=$((60 * 1024)) total_gz=0 total_br=0
printf '%-24s %8s %8s %8s\n' file raw gzip brotli
for f in loader.js $(cd "$dir" && ls widget.*.js widget.*.wasm); do
  raw=$(stat -c %s "$dir/$f") gz=$(stat -c %s "$dir/$f.gz") br=$(stat -c %s "$dir/$f.br")
  total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-24s %8d %8d %8d\n' "$f" "$raw" "$gz" "$br"
done
printf '%-24s %8s %8d %8d  budget %d (Brotli): %s\n' total '' "$total_gz" "$total_br" "$budget" \
  "$([ "$total_br" -le "$budget" ] && echo "within, $((budget - total_br)) bytes to spare" || echo OVER)"
[ "$total_br" -le "$budget" ] || echo "WARNING: the widget is over its 60 KB compressed budget" >&2
