// One process's share of a bench_xmpp_load run (bench_xmpp_load.cpp forks K of them). It talks
// to the parent over two pipes, in lines:
//   latency: child -> "ready" (all its clients bound) or "error <why>"; parent -> "g" (go, the
//            same moment for every child); child -> "result <sent> <received> <cpu_us> <n>" and
//            then n latencies (uint32 microseconds, native byte order).
//   hold:    child -> "held <bound> <failed>"; it keeps its sockets until the parent's pipe closes.
// Closing the parent -> child pipe always makes the child stop.
#pragma once
#include <cstdint>

namespace bench::xmpp {

struct WorkerJob {
  bool latency = true;  // else hold
  uint16_t port = 0;    // ejabberd's WebSocket listener on 127.0.0.1
  long clients = 0;     // latency: pairs (2 sockets each); hold: sockets
  double rate = 0;      // latency: this process's messages per second
  double seconds = 0;   // latency: how long to send
};

// Runs the share; returns the process's exit code (0 when it could report).
int run_worker(const WorkerJob& job, int up_fd, int down_fd);

}  // namespace bench::xmpp
