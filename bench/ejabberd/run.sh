#!/usr/bin/env bash
# The ejabberd peer rows (bench/README.md has the row contract; README.md here the set-up).
#   bash bench/ejabberd/run.sh [--smoke]
# Starts a private ejabberd (ejabberd.sh), measures the one-to-one relay latency with
# bench_xmpp_load at each offered load, then the sockets it holds and the beam's memory per held
# socket, and stops it. The "ours" column holds ejabberd's figures (rows labelled "ejabberd: ");
# bench/relay prints our server's rows and the lead combines them.
# --smoke: a tiny run (under ~30 s) that fails unless every step works.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
native=${BENCH_NATIVE:-$root/build/native}
bin=$native/bench/ejabberd/bench_xmpp_load
smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1
[ -x "$bin" ] || { echo "bench/ejabberd: $bin is missing; build the native tree first" >&2; exit 2; }

if [ $smoke = 1 ]; then
  rates=(200) pairs=4 seconds=1 lat_procs=1 sockets=100 hold_procs=2
else
  rates=(1000 5000 20000) pairs=100 seconds=10 lat_procs=2 sockets=19000 hold_procs=2
fi

work=$(mktemp -d)
chmod 755 "$work"  # ejabberd runs as its own user and must reach its folder inside
instance=$work/ejabberd
hold_pid=""
cleanup() {
  [ -n "$hold_pid" ] && kill "$hold_pid" 2>/dev/null && wait "$hold_pid" 2>/dev/null
  [ -f "$instance/ejabberdctl.cfg" ] && bash "$here/ejabberd.sh" stop "$instance"
  rm -rf "$work"
}
trap cleanup EXIT

# One numeric field of a JSON line.
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }
# 1234567 -> 1,234,567
commas() { printf "%s" "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
# microseconds -> milliseconds with 2 significant decimals below 10 ms
ms() { awk -v us="$1" 'BEGIN { ms = us / 1000; printf(ms < 10 ? "%.2f" : (ms < 100 ? "%.1f" : "%.0f"), ms) }'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system time of a process
# Waits (up to 60 s) until the beam uses under 10% of a core for a second, so that a step does
# not pay for the previous step's backlog.
settle() {
  local t0
  for _ in $(seq 1 60); do
    t0=$(cpu_ticks "$pid")
    sleep 1
    [ $(($(cpu_ticks "$pid") - t0)) -lt $((hz / 10)) ] && return 0
  done
  echo "> ejabberd was still busy 60 s after the previous step; the next row pays for it."
}

started=$(bash "$here/ejabberd.sh" start "$instance")
port=$(sed -n 's/^port=//p' <<<"$started")
pid=$(sed -n 's/^pid=//p' <<<"$started")
echo "bench/ejabberd: ejabberd $(dpkg-query -W -f='${Version}' ejabberd 2>/dev/null) on port $port, pid $pid" >&2

failed=0
if [ $smoke = 0 ]; then  # warm-up, discarded: the first messages after start-up are slower
  "$bin" latency --port "$port" --pairs "$pairs" --rate 200 --seconds 1 >/dev/null ||
    echo "bench/ejabberd: the warm-up run failed" >&2
fi
for rate in "${rates[@]}"; do
  settle
  ticks=$(cpu_ticks "$pid") t_start=$(date +%s.%N)
  if ! line=$("$bin" latency --port "$port" --pairs "$pairs" --rate "$rate" --seconds "$seconds" --procs "$lat_procs"); then
    echo "bench/ejabberd: the latency run at $rate msg/s failed" >&2
    failed=1
    continue
  fi
  beam_cpu=$(awk -v t="$(($(cpu_ticks "$pid") - ticks))" -v hz="$hz" -v s="$t_start" -v e="$(date +%s.%N)" \
    'BEGIN { printf("%.0f", 100 * t / hz / (e - s)) }')
  echo "bench/ejabberd: $line" >&2
  sent=$(field sent "$line") received=$(field received "$line")
  echo "| ejabberd: visitor→agent latency p50 / p99 / p99.9 at $(commas "$rate") msg/s | $(ms "$(field p50_us "$line")") / $(ms "$(field p99_us "$line")") / $(ms "$(field p999_us "$line")") ms | - | - | - | - |"
  echo "> ejabberd at $(commas "$rate") msg/s: $(commas "$received") of $(commas "$sent") messages arrived (within 5 s after sending stopped); $pairs pairs; load generator CPU $(field loadgen_cpu_pct "$line")%, ejabberd CPU ${beam_cpu}% of one core over the whole run (logins included)."
  if [ $smoke = 1 ] && [ "$received" != "$sent" ]; then
    echo "bench/ejabberd: only $received of $sent messages arrived" >&2
    failed=1
  fi
done

# Hold: the load generator keeps its sockets until its standard input closes.
settle
rss_before=$(rss_kb "$pid")
mkfifo "$work/hold.in"
"$bin" hold --port "$port" --sockets "$sockets" --procs "$hold_procs" <"$work/hold.in" >"$work/hold.out" &
hold_pid=$!
exec 3>"$work/hold.in"
deadline=$((SECONDS + 300))
while [ ! -s "$work/hold.out" ] && kill -0 "$hold_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
line=$(cat "$work/hold.out")
rss_after=$(rss_kb "$pid")
exec 3>&-
wait "$hold_pid" || true
hold_pid=""
held=$(field held "$line") hold_failed=$(field failed "$line")
if [ -z "$held" ] || [ "$held" = 0 ]; then
  echo "bench/ejabberd: no sockets held (${line:-no answer from bench_xmpp_load within 300 s})" >&2
  exit 1
fi
echo "bench/ejabberd: $line; beam RSS ${rss_before} KB -> ${rss_after} KB" >&2
echo "| ejabberd: sockets held (XMPP over WebSocket, bound, one process) | $(commas "$held") of $(commas "$sockets") | - | - | - | - |"
if [ "$held" -ge 1000 ]; then
  per=$(((rss_after - rss_before) * 1024 / held))
  echo "| ejabberd: memory per held socket (beam RSS growth / sockets) | $(commas "$per") B | - | - | - | - |"
else  # the beam's own allocator and GC swings swamp a few hundred sockets' worth
  echo "> ejabberd: memory per socket not reported for only $held sockets (beam RSS ${rss_before} KB -> ${rss_after} KB)."
fi
[ "$hold_failed" = 0 ] || echo "> ejabberd: $hold_failed of $sockets sockets could not be opened and bound."
[ $smoke = 1 ] && [ "$hold_failed" != 0 ] && failed=1
exit $failed
