// The load generator's parts: what one worker process does (loadgen_process.cpp) and how the
// parent splits the work and merges the results (loadgen_main.cpp). See README.md for the CLI.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace livechat::bench {

enum class Mode { hold, latency, throughput };

struct Options {
  Mode mode = Mode::latency;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  int sockets = 0;         // hold: visitor sockets
  int pairs = 0;           // latency, throughput: visitor/agent pairs (conversations)
  double rate = 0;         // latency: offered messages per second, all processes together
  double seconds = 5;      // latency, throughput: measuring time
  int procs = 1;           // worker processes
  int window = 4;          // throughput: messages in flight per visitor
  bool echo = false;       // latency against bench_echo_server (the floor), not the relay
  std::string playbook = "pb_demo";
  std::string password;    // the demo admin's (LIVECHAT_DEMO_PASSWORD by default)
};

inline constexpr int kChatsPerAgent = 50;  // one agent dashboard takes this many conversations

// One worker's share of the work and the agents' sign-ins (tokens) it may use.
struct Share {
  int index = 0;
  int sockets = 0;  // hold: visitors; latency/throughput: pairs
  double rate = 0;
  std::vector<std::string> agent_tokens;
};

// What a worker reports to the parent.
struct WorkerReport {
  int ready = 0, failed = 0;  // sockets/pairs set up, and those that failed
  uint64_t sent = 0, received = 0, errors = 0;
  double cpu_seconds = 0;     // user + system CPU of this worker while measuring
  std::vector<uint32_t> latencies_us;
};

// Runs one worker in this (forked) process. `up` is written to, `down` read from:
//   worker -> parent  "ready <ready> <failed>\n"          once set up
//   parent -> worker  "go\n"                               start measuring (latency, throughput)
//   worker -> parent  "result <sent> <received> <errors> <cpu_s> <n>\n" + n uint32 latencies
// In hold mode the worker keeps its sockets until `down` is closed. Returns the exit code.
int run_worker(const Options& options, const Share& share, int up, int down);

}  // namespace livechat::bench
