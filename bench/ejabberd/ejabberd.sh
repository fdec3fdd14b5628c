#!/usr/bin/env bash
# A private ejabberd instance for the benchmarks (never the system service).
#   bash bench/ejabberd/ejabberd.sh start DIR   -> prints port=<n> and pid=<n> (the beam process)
#   bash bench/ejabberd/ejabberd.sh stop DIR    -> stops it and removes what start wrote in DIR
# DIR holds the config, spool (Mnesia), logs and pid file of this instance only; it must be empty
# or missing at start. The node listens on 127.0.0.1 only: one ejabberd_http listener with
# /ws: ejabberd_http_ws (XMPP over WebSocket, RFC 7395), SASL ANONYMOUS, no TLS, no shapers.
# Erlang distribution uses its own port without epmd, so nothing is shared with other nodes.
# README.md in this folder says why each setting is what it is.
set -euo pipefail

die() {
  echo "ejabberd.sh: $*" >&2
  exit 1
}

# A TCP port nobody listens on right now, below the kernel's range for outgoing connections (a
# load generator's thousands of client sockets take ports there and would block the listener).
free_port() {
  local p low
  low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 12000 ] || die "the ephemeral port range starts at $low; no room below it for a listener"
  for _ in $(seq 1 200); do
    p=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free TCP port found"
}

write_config() {  # DIR PORT DIST_PORT
  local dir=$1 port=$2 dist=$3
  cat >"$dir/ejabberd.yml" <<YML
# Written by bench/ejabberd/ejabberd.sh for one benchmark run; see bench/ejabberd/README.md.
hosts: [localhost]
loglevel: warning
log_rotate_count: 0
listen:
  - port: $port
    ip: "127.0.0.1"
    module: ejabberd_http
    backlog: 4096
    request_handlers:
      /ws: ejabberd_http_ws
auth_method: [anonymous]
anonymous_protocol: sasl_anon
allow_multiple_connections: true
shaper_rules:
  c2s_shaper: none
  s2s_shaper: none
max_fsm_queue: 100000
websocket_timeout: 3600
access_rules:
  c2s:
    allow: all
modules: {}
YML
  # ejabberdctl reads this (shell syntax): node name, limits and where the pid file goes.
  cat >"$dir/ejabberdctl.cfg" <<CFG
ERLANG_NODE=lcbench$port@localhost
ERL_DIST_PORT=$dist
INET_DIST_INTERFACE=127.0.0.1
ERL_MAX_PORTS=32000
ERL_PROCESSES=1000000
EJABBERD_PID_PATH=$dir/ejabberd.pid
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
CFG
}

# ejabberdctl with this instance's files. As root it runs as the ejabberd user through setpriv,
# not through ejabberdctl's own "su", whose PAM session would cut the open-file limit to 1,024.
# HOME is DIR, so the Erlang cookie is this instance's own too.
ctl() {
  local dir=$1
  shift
  local as=()
  if [ "$(id -u)" = 0 ]; then as=(setpriv --reuid=ejabberd --regid=ejabberd --init-groups); fi
  env HOME="$dir" "${as[@]}" ejabberdctl --config-dir "$dir" --config "$dir/ejabberd.yml" --ctl-config "$dir/ejabberdctl.cfg" \
    --spool "$dir/db" --logs "$dir/logs" "$@"
}

start() {
  local dir=$1
  command -v ejabberdctl >/dev/null ||
    die "ejabberd is not installed (Debian package 'ejabberd'; scripts/setup installs it)"
  [ "$(id -u)" = 0 ] || [ "$(id -un)" = ejabberd ] || die "run as root or as the ejabberd user"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty; give an empty or new folder"
  local port dist
  port=$(free_port)
  dist=$(free_port)
  [ "$dist" != "$port" ] || dist=$(free_port)
  mkdir -p "$dir/db" "$dir/logs"
  write_config "$dir" "$port" "$dist"
  echo "$port" >"$dir/port"
  if [ "$(id -u)" = 0 ]; then
    chown -R ejabberd: "$dir"
    setpriv --reuid=ejabberd --regid=ejabberd --init-groups test -w "$dir/db" ||
      die "the ejabberd user cannot reach $dir (a parent folder is private?)"
  fi
  # As many open files as this machine allows (the hard limit; 20,000 here).
  ulimit -n "$(ulimit -Hn)"
  ctl "$dir" start >"$dir/start.out" 2>&1 || {
    cat "$dir/start.out" >&2
    die "ejabberdctl start failed"
  }
  local deadline=$((SECONDS + 60)) pid=""
  while [ $SECONDS -lt $deadline ]; do
    [ -z "$pid" ] && [ -s "$dir/ejabberd.pid" ] && pid=$(cat "$dir/ejabberd.pid")
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then break; fi
    if [ -n "$pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port=$port"
      echo "pid=$pid"
      return 0
    fi
    sleep 0.2
  done
  if [ -z "$pid" ]; then
    echo "ejabberd.sh: ejabberd wrote no pid file within 60 s" >&2
  elif kill -0 "$pid" 2>/dev/null; then
    echo "ejabberd.sh: ejabberd (pid $pid) did not accept connections on 127.0.0.1:$port within 60 s" >&2
  else
    echo "ejabberd.sh: ejabberd (pid $pid) exited while starting" >&2
  fi
  for f in "$dir/start.out" "$dir"/logs/*.log; do
    [ -s "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
  done
  stop "$dir" || true
  exit 1
}

stop() {
  local dir=$1
  [ -f "$dir/ejabberdctl.cfg" ] || die "$dir holds no instance started by ejabberd.sh"
  local pid=""
  [ -s "$dir/ejabberd.pid" ] && pid=$(cat "$dir/ejabberd.pid")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # The beam handles SIGTERM as init:stop() (an orderly shutdown), faster than "ejabberdctl stop",
    # which boots a second Erlang VM to ask for the same thing.
    kill -TERM "$pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "ejabberd.sh: ejabberd (pid $pid) ignored SIGTERM for 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir/db" "$dir/logs" "$dir/ejabberd.yml" "$dir/ejabberdctl.cfg" "$dir/ejabberd.pid" \
    "$dir/port" "$dir/start.out" "$dir/.erlang.cookie"
  rmdir "$dir" 2>/dev/null || true
}

case "${1:-}" in
  start | stop)
    [ -n "${2:-}" ] || die "usage: ejabberd.sh start|stop DIR"
    "$1" "$2"
    ;;
  *) die "usage: ejabberd.sh start|stop DIR" ;;
esac
