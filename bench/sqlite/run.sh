#!/usr/bin/env bash
# The raw SQLite ceiling rows (bench/README.md has the row contract).
#   bash bench/sqlite/run.sh [--smoke]
# Runs bench_sqlite_ceiling on a fresh file for synchronous=FULL and NORMAL (batch 256, and
# batch 1 for the one-fsync-per-message floor) and prints one row each; full mode reports the
# median of three runs. Ceiling rows have no peer or target, so the other columns are "-".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
native=${BENCH_NATIVE:-$root/build/native}
bin=$native/bench/sqlite/bench_sqlite_ceiling
smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1
if [ ! -x "$bin" ]; then
  echo "bench/sqlite: $bin is missing; build the native tree first" >&2
  exit 2
fi
if [ $smoke = 1 ]; then seconds=0.3 runs=1; else seconds=3 runs=3; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One field of the program's JSON line.
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }
# 1234567 -> 1,234,567
commas() { printf "%s" "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# measure SYNC BATCH: prints the median rows/s of $runs runs (each on a fresh file).
measure() {
  local rates=() i line rate
  for ((i = 0; i < runs; i++)); do
    local db=$work/ceiling-$1-$2-$i.db
    line=$("$bin" --sync "$1" --seconds "$seconds" --batch "$2" --db "$db")
    echo "bench/sqlite: $line" >&2
    rate=$(field rows_per_s "$line")
    if [ -z "$rate" ] || [ "$(field rows "$line")" = 0 ]; then
      echo "bench/sqlite: no rows measured for synchronous=$1 batch $2" >&2
      return 1
    fi
    rates+=("$rate")
    rm -f "$db" "$db-wal" "$db-shm"
  done
  printf "%s\n" "${rates[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

for sync in FULL NORMAL; do
  for batch in 256 1; do
    rate=$(measure "$sync" "$batch")
    echo "| raw SQLite ceiling, synchronous=$sync, batch $batch | $(commas "$rate") rows/s | - | - | - | - |"
  done
done
fs=$(df -PT "$work" | awk 'NR == 2 {print $2}')
echo "> raw SQLite ceiling: one row is one chat message as the server writes it (event-log row + conversation last_seq update; messages is a view over the log), WAL, on a fresh $fs file; $([ $smoke = 1 ] && echo "one ${seconds} s run" || echo "median of $runs runs of ${seconds} s") per row; only the transactions are timed."
