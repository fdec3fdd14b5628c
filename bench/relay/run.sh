#!/usr/bin/env bash
# The relay rows of bench/run (see bench/README.md for the row contract; README.md here for the
# programs). Every row is measured beside its floor or peer in this same run:
#   sockets held + memory per idle socket      beside the kernel's own cost, and ejabberd
#   latency at 1k / 5k / 20k msg/s (--sync normal)  beside the Beast echo floor, and ejabberd
#   latency at 5k msg/s with --sync full       beside this disk's fsync time
#   durable throughput, --sync full and normal beside the raw SQLite ceiling (bench/sqlite)
#   bash bench/relay/run.sh [--smoke]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
B=${BENCH_NATIVE:-$root/build/native}
smoke=0
# bench/run passes "smoke" (and BENCH_MODE=smoke); by hand it is --smoke.
case "${1:-}${BENCH_MODE:-}" in *smoke*) smoke=1 ;; esac
server_bin=$B/server/livechat-server
load=$B/bench/relay/bench_relay_load
echo_bin=$B/bench/relay/bench_echo_server
ceiling=$B/bench/sqlite/bench_sqlite_ceiling
xmpp_load=$B/bench/ejabberd/bench_xmpp_load
ejabberd_sh=$root/bench/ejabberd/ejabberd.sh
for f in "$server_bin" "$load" "$echo_bin"; do
  [ -x "$f" ] || { echo "relay: $f is missing (build the native tree)" >&2; exit 1; }
done

if [ $smoke = 1 ]; then
  REPEATS=1 HOLD=60 PAIRS=20 RATES="200" FULL_RATE=200 SECONDS_=1 TP_SECONDS=1 PROCS=2 CEIL_SECONDS=1
else
  REPEATS=3 HOLD=19000 PAIRS=1000 RATES="1000 5000 20000" FULL_RATE=5000 SECONDS_=8 TP_SECONDS=8 PROCS=2 CEIL_SECONDS=5
fi
export LIVECHAT_DEMO_PASSWORD=bench-demo-password
work=$(mktemp -d /tmp/livechat-bench-relay.XXXXXX)
chmod 755 "$work"  # the peer (ejabberd) runs as its own user and must reach its folder inside
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${ejabberd_dir:-}" ] && bash "$ejabberd_sh" stop "$ejabberd_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "relay: $*" >&2; }

# field JSON NAME: a number or string from a one-line JSON object.
field() { grep -o "\"$2\":[^,}]*" <<<"$1" | head -1 | cut -d: -f2- | tr -d '"'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
row() { echo "| $1 | $2 | $3 | $4 | $5 | $6 |"; }

# start_server NAME SYNC: a fresh server with the demo data; sets $port and $server_pid.
start_server() {
  local dir=$work/$1
  mkdir -p "$dir"
  "$server_bin" --listen 127.0.0.1:0 --db "$dir/livechat.db" --demo --sync "$2" --port-file "$dir/port" \
    --log-level warn --max-frames-per-second 1000000 --max-connections-per-ip 0 >"$dir/stdout" 2>"$dir/stderr" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 300); do
    grep -q "Live chat is running" "$dir/stdout" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { log "the server ($1) did not start: $(tail -3 "$dir/stderr")"; exit 1; }
    sleep 0.1
  done
  port=$(cat "$dir/port")
}
stop_server() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
# server_for SYNC: the server for the next measurement; sets $port. A full run starts a fresh one
# every time (nothing left by the previous load, such as a backlog at 20,000 msg/s or its
# conversations, weighs on the next); a smoke run keeps one per sync mode to stay within seconds.
declare -A kept_pid kept_port
servers=0
server_for() {
  if [ $smoke = 1 ] && [ -n "${kept_port[$1]:-}" ]; then port=${kept_port[$1]}; return; fi
  [ -n "${kept_pid[$1]:-}" ] && stop_server "${kept_pid[$1]}"
  servers=$((servers + 1))
  start_server "$1-$servers" "$1"
  kept_pid[$1]=$server_pid kept_port[$1]=$port
}
# Anonymous resident memory (heap and stacks, not the binary's pages) of a process, in KiB.
rss_anon_kib() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"; }
# Kernel memory of the socket structures (slabinfo: TCP, sock_inode_cache, filp, dentry,
# eventpoll_epi, eventpoll_pwq), in bytes. Needs root; 0 otherwise.
socket_slab_bytes() {
  awk '$1 ~ /^(TCP|sock_inode_cache|filp|dentry|eventpoll_epi|eventpoll_pwq)$/ { s += $3 * $4 } END { print s + 0 }' \
    /proc/slabinfo 2>/dev/null || echo 0
}
# TCP buffer memory in bytes (/proc/net/sockstat "TCP: ... mem <pages>").
tcp_buffer_bytes() { awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) * 4096 }' /proc/net/sockstat; }

# hold_sockets PROGRAM PORT N: holds N sockets with PROGRAM until told to stop; sets $hold_json
# and $hold_pid; the caller closes fd 7 (the loader's stdin) to end it.
hold_sockets() {
  local fifo=$work/hold.fifo
  rm -f "$fifo"
  mkfifo "$fifo"
  "$1" hold --port "$2" --sockets "$3" --procs "$PROCS" <"$fifo" >"$work/hold.out" &
  hold_pid=$!
  pids+=("$hold_pid")
  exec 7>"$fifo"
  for _ in $(seq 3000); do
    [ -s "$work/hold.out" ] && break
    kill -0 "$hold_pid" 2>/dev/null || break
    sleep 0.1
  done
  hold_json=$(head -1 "$work/hold.out" 2>/dev/null || true)
}
end_hold() { exec 7>&-; wait "$hold_pid" 2>/dev/null || true; }

ejabberd_dir=""
peer=0
if [ $smoke = 0 ] && [ -f "$ejabberd_sh" ] && [ -x "$xmpp_load" ]; then
  ejabberd_dir=$work/ejabberd
  mkdir -p "$ejabberd_dir"
  if out=$(bash "$ejabberd_sh" start "$ejabberd_dir" 2>"$work/ejabberd.err"); then
    ej_port=$(sed -n 's/^port=//p' <<<"$out")
    ej_pid=$(sed -n 's/^pid=//p' <<<"$out")
    [ -n "$ej_port" ] && [ -n "$ej_pid" ] && peer=1
  fi
  [ $peer = 1 ] || log "ejabberd did not start: $(tail -3 "$work/ejabberd.err")"
fi
[ $peer = 1 ] || echo "> peer: not available (bench/ejabberd not built or ejabberd did not start): relay rows stand beside their floors only"

# --- sockets held and memory per idle socket ----------------------------------------------------
log "sockets held: $HOLD visitor WebSockets"
start_server hold full
sleep 1
before=$(rss_anon_kib "$server_pid") slab_before=$(socket_slab_bytes) buf_before=$(tcp_buffer_bytes)
hold_sockets "$load" "$port" "$HOLD"
sleep 2
after=$(rss_anon_kib "$server_pid") slab_after=$(socket_slab_bytes) buf_after=$(tcp_buffer_bytes)
end_hold
stop_server "$server_pid"
held=$(field "$hold_json" held)
[ -n "$held" ] && [ "$held" -gt 0 ] || { log "hold failed: $hold_json"; exit 1; }
user_b=$(( (after - before) * 1024 / held ))
kernel_b=$(( (slab_after - slab_before) / (2 * held) ))  # both ends of each loopback socket
buf_b=$(( (buf_after - buf_before) / (2 * held) ))
[ "$buf_b" -ge 0 ] || buf_b=0
peer_held="-" peer_mem="" held_ratio="-"
if [ $peer = 1 ]; then
  ej_before=$(rss_anon_kib "$ej_pid")
  hold_sockets "$xmpp_load" "$ej_port" "$HOLD"
  sleep 2
  ej_after=$(rss_anon_kib "$ej_pid")
  end_hold
  peer_held=$(field "$hold_json" held)
  if [ -n "$peer_held" ] && [ "$peer_held" -gt 0 ]; then
    held_ratio=$(ratio "$held" "$peer_held")
    peer_mem="; ejabberd $(( (ej_after - ej_before) * 1024 / peer_held )) B"
    peer_held="ejabberd: $peer_held"
  fi
fi
met=$([ "$held" -ge "$HOLD" ] && echo yes || echo no)
[ $smoke = 1 ] && met="-"
row "sockets held (visitor WebSockets past welcome, one server process)" "$held" "$peer_held" "$held_ratio" \
  "$HOLD (per-process file limit 20,000)" "$met"
met=$([ "$user_b" -le 2048 ] && echo yes || echo no)
kernel_cell="kernel $kernel_b B (slabinfo)" kernel_ratio="$(ratio "$user_b" "$kernel_b") x kernel"
if [ "$kernel_b" -le 0 ]; then  # a few sockets are lost in the other processes' churn
  kernel_cell="kernel: below the noise at $held sockets" kernel_ratio="-"
fi
row "server memory per idle visitor socket (user space, RssAnon)" "$user_b B" \
  "$kernel_cell + $buf_b B TCP buffers (sockstat)$peer_mem" "$kernel_ratio" \
  "<= 2048 B (Beast ~2.9 KB, ws 6.4 KB, Socket.IO 22.9 KB)" "$met"

# --- latency --------------------------------------------------------------------------------------
latency_cells() {  # JSON -> "p50 / p99 / p99.9 ms"
  echo "$(ms "$(field "$1" p50_us)") / $(ms "$(field "$1" p99_us)") / $(ms "$(field "$1" p999_us)") ms"
}
"$echo_bin" --port-file "$work/echo.port" &
echo_pid=$!
pids+=("$echo_pid")
for _ in $(seq 100); do [ -s "$work/echo.port" ] && break; sleep 0.05; done
echo_port=$(cat "$work/echo.port")
# median_run JSON...: the run whose p99 is the median (its other figures come with it).
median_run() {
  local j
  for j in "$@"; do echo "$(field "$j" p99_us) $j"; done | sort -g -k1,1 |
    awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }' | cut -d' ' -f2-
}
for rate in $RATES; do
  floors=() ours_runs=() theirs_runs=()
  for rep in $(seq "$REPEATS"); do
    log "latency at $rate msg/s, run $rep of $REPEATS: floor, relay$([ $peer = 1 ] && echo ", peer" || true)"
    out=$("$load" latency --port "$echo_port" --pairs "$PAIRS" --rate "$rate" --seconds "$SECONDS_" --procs "$PROCS" --echo)
    floors+=("$out")
    server_for normal
    out=$("$load" latency --port "$port" --pairs "$PAIRS" --rate "$rate" --seconds "$SECONDS_" --procs "$PROCS")
    ours_runs+=("$out")
    if [ $peer = 1 ] && out=$("$xmpp_load" latency --port "$ej_port" --pairs "$PAIRS" --rate "$rate" --seconds "$SECONDS_" --procs "$PROCS"); then
      theirs_runs+=("$out")
    fi
  done
  floor=$(median_run "${floors[@]}") ours=$(median_run "${ours_runs[@]}")
  beside="echo floor $(latency_cells "$floor")"
  if [ ${#theirs_runs[@]} -gt 0 ]; then
    theirs=$(median_run "${theirs_runs[@]}")
    beside="$beside; ejabberd $(latency_cells "$theirs") (received $(field "$theirs" received)/$(field "$theirs" sent))"
  fi
  p99=$(field "$ours" p99_us) floor99=$(field "$floor" p99_us)
  target="-" met="-"
  if [ "$rate" = 5000 ]; then
    target="p99 <= 2 ms and <= 5x floor"
    met=$(awk -v a="$p99" -v f="$floor99" 'BEGIN { print (a <= 2000 && a <= 5 * f) ? "yes" : "no" }')
  fi
  row "latency visitor -> agent at $rate msg/s, p50 / p99 / p99.9 (--sync normal; median of $REPEATS runs by p99, each side; received $(field "$ours" received)/$(field "$ours" sent), loadgen CPU $(field "$ours" loadgen_cpu_pct)%)" \
    "$(latency_cells "$ours")" "$beside" "$(ratio "$p99" "$floor99") x floor (p99)" "$target" "$met"
done

# --- durable: latency and throughput with --sync full -------------------------------------------
server_for full
log "latency at $FULL_RATE msg/s with --sync full"
ours=$("$load" latency --port "$port" --pairs "$PAIRS" --rate "$FULL_RATE" --seconds "$SECONDS_" --procs "$PROCS")
# This disk's fsync: 200 synchronous 4 KiB writes (dd oflag=dsync), the time of one.
dd_out=$(dd if=/dev/zero of="$work/fsync.probe" bs=4k count=200 oflag=dsync 2>&1 | tail -1)
fsync_ms=$(awk -v s="$(sed -E 's/.* copied, ([0-9.]+) s.*/\1/' <<<"$dd_out")" 'BEGIN { printf "%.2f", s * 1000 / 200 }')
p99=$(field "$ours" p99_us)
met=$(awk -v a="$p99" 'BEGIN { print (a <= 2000) ? "yes" : "no" }')
row "latency visitor -> agent at $FULL_RATE msg/s, --sync full (durable before delivery; received $(field "$ours" received)/$(field "$ours" sent))" \
  "$(latency_cells "$ours")" "one fsync on this disk: $fsync_ms ms (dd oflag=dsync)" \
  "$(ratio "$(ms "$p99")" "$fsync_ms") x fsync (p99)" "p99 <= 2 ms" "$met"

throughput_row() {  # SYNC LABEL TARGET_PER_S
  local tp acked ceil_json ceil_rate beside="ceiling: not built" ratio_cell="-" met
  log "durable throughput, --sync $1"
  server_for "$1"
  tp=$("$load" throughput --port "$port" --pairs "$PAIRS" --seconds "$TP_SECONDS" --procs "$PROCS" --window 8)
  # Acknowledged AND delivered to the agent in the window: the smaller of the two counts.
  acked=$(field "$tp" acked_per_s) delivered=$(field "$tp" delivered_per_s)
  acked=${acked%.*} delivered=${delivered%.*}
  [ "${delivered:-0}" -lt "$acked" ] && acked=${delivered:-0}
  if [ -x "$ceiling" ] && ceil_json=$("$ceiling" --sync "${1^^}" --seconds "$CEIL_SECONDS" --batch 256 --db "$work/ceiling-$1.db" | tail -1); then
    ceil_rate=$(field "$ceil_json" rows_per_s)
    ceil_rate=${ceil_rate%.*}
    beside="raw SQLite ceiling $ceil_rate rows/s (same schema, batches of 256, synchronous=${1^^})"
    ratio_cell="$(ratio "$acked" "$ceil_rate") x ceiling"
  fi
  if [ "$3" = "-" ]; then met="-"; else
    met=$(awk -v a="$acked" -v c="${ceil_rate:-0}" -v t="$3" 'BEGIN { print (a >= t && (c == 0 || a >= c / 2)) ? "yes" : "no" }')
  fi
  row "$2 (msg/s acknowledged and delivered to the agent, $PAIRS visitors x 8 in flight; acked $(field "$tp" acked_per_s)/s, delivered $(field "$tp" delivered_per_s)/s; errors $(field "$tp" errors), loadgen CPU $(field "$tp" loadgen_cpu_pct)%)" \
    "$acked" "$beside" "$ratio_cell" "$([ "$3" = "-" ] && echo "-" || echo ">= $3 msg/s and >= half the ceiling")" "$met"
}
throughput_row full "durable throughput, --sync full, group commit" 50000
throughput_row normal "throughput, --sync normal (NOT power-loss safe)" -
for p in "${kept_pid[@]}"; do stop_server "$p"; done
[ -x "$ceiling" ] || echo "> ceiling: not built (bench/sqlite/bench_sqlite_ceiling is missing): the durable rows have no ceiling beside them"
echo "> relay: loadgen = bench/relay/bench_relay_load in $PROCS processes sharing the machine's $(nproc) cores with the server; latency is scheduled send -> receipt (open loop); memory from /proc/PID/status RssAnon before/after, kernel from /proc/slabinfo (both ends of each loopback socket counted, halved)"
