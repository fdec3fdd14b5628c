#!/usr/bin/env bash
# bench/history: a year of chats (see bench.mjs for the rows). Seeds 100,000 and 1,000,000 closed
# conversations straight into the store (about a minute for the million), then measures the
# server on each beside the empty account.
#   bench/history/run.sh [--smoke]   (--smoke: 2,000 conversations, a few connects, seconds)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
native=${BENCH_NATIVE:-$root/build/native}
mode=${BENCH_MODE:-full}
[ "${1:-}" = "--smoke" ] && mode=smoke
server=$native/server/livechat-server
seed=$native/bench/history/bench_history_seed
for f in "$server" "$seed"; do
  [ -x "$f" ] || { echo "bench/history: $f is missing; build the native tree first" >&2; exit 2; }
done
[ -d "$root/tests/e2e/node_modules/ws" ] || { echo "bench/history: tests/e2e/node_modules is missing: run scripts/setup" >&2; exit 2; }
cd "$root/tests/e2e"  # so that ws resolves
exec node "$root/bench/history/bench.mjs" "$server" "$seed" "$mode"
