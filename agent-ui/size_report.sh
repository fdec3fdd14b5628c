#!/usr/bin/env bash
# size_report.sh WEB_DIR: what the browser downloads before the dashboard's sign-in screen is
# usable (the page, the JS glue, the wasm and the three start fonts; the fallback fonts come only
# when text needs them): raw, gzip -9 and Brotli bytes, against the 600 KB budget (issue 19,
# item 9). The server sends the .br siblings to browsers that accept br, the .gz ones otherwise.
# Warns (does not fail the build) when over; bench/ measures the bytes as served.
set -euo pipefail
dir=$1 budget=$((600 * 1024)) total_gz=0 total_br=0
printf '%-30s %8s %8s %8s\n' file raw gzip brotli
for f in index.html index.css boot.js agent_ui.js agent_ui.wasm fonts/DejaVuSans-base.ttf fonts/DejaVuSans-Bold-base.ttf \
         fonts/DejaVuSans-Oblique-base.ttf; do
  raw=$(stat -c %s "$dir/$f") gz=$(stat -c %s "$dir/$f.gz") br=$(stat -c %s "$dir/$f.br")
  total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-30s %8d %8d %8d\n' "$f" "$raw" "$gz" "$br"
done
printf '%-30s %8s %8d %8d  budget %d (Brotli): %s\n' 'before sign-in' '' "$total_gz" "$total_br" "$budget" \
  "$([ "$total_br" -le "$budget" ] && echo "within, $((budget - total_br)) bytes to spare" || echo OVER)"
[ "$total_br" -le "$budget" ] || echo "WARNING: the dashboard's first load is over its 600 KB budget" >&2
