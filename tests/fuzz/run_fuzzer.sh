#!/usr/bin/env bash
# Runs one libFuzzer target for LIVECHAT_FUZZ_SECONDS (default 15) from the seed corpus, keeping
# the corpus it grows in a temporary folder (the seeds in git stay as they are). A crash, a
# sanitizer report or a leak fails the test and prints the input that caused it.
# Usage: run_fuzzer.sh FUZZER SEED_DIR
set -euo pipefail
fuzzer=$1 seeds=$2
seconds=${LIVECHAT_FUZZ_SECONDS:-15}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}  # a stack with every report
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" "$seeds" 2>"$work/log" || {
  tail -40 "$work/log"
  for f in "$work"/artifacts/*; do [ -f "$f" ] && { echo "input that failed ($f):"; head -c 2000 "$f" | od -c | head -40; }; done
  exit 1
}
grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$work/log" | tail -2
