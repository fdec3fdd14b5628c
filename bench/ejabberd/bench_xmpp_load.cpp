// bench_xmpp_load: the one-to-one relay load through an XMPP server over WebSocket (ejabberd),
// with the same command line and output as our own load generator, so rows compare like with like.
//
//   bench_xmpp_load latency --port P --pairs N --rate R --seconds S [--procs K]
//     -> {"mode":"latency","offered_per_s":R,"sent":n,"received":n,"p50_us":a,"p99_us":b,
//         "p999_us":c,"loadgen_cpu_pct":d}
//   bench_xmpp_load hold --port P --sockets N [--procs K]
//     -> {"mode":"hold","held":n,"failed":f} once every socket is bound or failed; the sockets stay
//        open until standard input closes or SIGTERM/SIGINT, then it exits 0.
//
// The work is split over K forked processes (load_worker.cpp), each with its share of pairs or
// sockets and of the rate; this process only coordinates: it starts every child's sending at the
// same moment, merges the latencies and sums the children's CPU (user + sys during sending and
// draining) over the wall time of that phase. Latencies are percentiles by nearest rank over every
// received message; a message that never arrives shows as sent > received.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "load_worker.hpp"

namespace {

using bench::xmpp::WorkerJob;

struct Options {
  bool latency = true;
  long port = 0, pairs = 0, sockets = 0, procs = 1;
  double rate = 0, seconds = 0;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "bench_xmpp_load: %s\n"
               "usage: bench_xmpp_load latency --port P --pairs N --rate R --seconds S [--procs K]\n"
               "       bench_xmpp_load hold --port P --sockets N [--procs K]\n"
               "  drives an XMPP server's WebSocket listener on 127.0.0.1:P (/ws, SASL ANONYMOUS)\n",
               why.c_str());
  std::exit(2);
}

double number(const std::string& name, const char* text, double low, double high) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(v >= low && v <= high))
    usage(name + " must be a number in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  return v;
}

long whole(const std::string& name, const char* text, long low, long high) {
  const double v = number(name, text, static_cast<double>(low), static_cast<double>(high));
  if (v != std::floor(v)) usage(name + " must be a whole number");
  return static_cast<long>(v);
}

Options parse(int argc, char** argv) {
  if (argc < 2) usage("missing mode (latency or hold)");
  Options o;
  const std::string_view mode = argv[1];
  if (mode != "latency" && mode != "hold") usage("unknown mode '" + std::string(mode) + "'");
  o.latency = mode == "latency";
  for (int i = 2; i < argc; i += 2) {
    const std::string name = argv[i];
    if (i + 1 >= argc) usage("missing value after " + name);
    const char* v = argv[i + 1];
    if (name == "--port") o.port = whole(name, v, 1, 65535);
    else if (name == "--procs") o.procs = whole(name, v, 1, 64);
    else if (o.latency && name == "--pairs") o.pairs = whole(name, v, 1, 1'000'000);
    else if (o.latency && name == "--rate") o.rate = number(name, v, 0.001, 10'000'000);
    else if (o.latency && name == "--seconds") o.seconds = number(name, v, 0.001, 3600);
    else if (!o.latency && name == "--sockets") o.sockets = whole(name, v, 1, 10'000'000);
    else usage("unknown option " + name + " for " + std::string(mode));
  }
  if (o.port == 0) usage("--port is required");
  if (o.latency && (o.pairs == 0 || o.rate == 0 || o.seconds == 0))
    usage("latency needs --pairs, --rate and --seconds");
  if (!o.latency && o.sockets == 0) usage("hold needs --sockets");
  const long clients = o.latency ? 2 * o.pairs : o.sockets;
  if (o.procs > clients / (o.latency ? 2 : 1)) usage("--procs is larger than the number of pairs or sockets");
  // Each process holds its share of sockets plus a few files of its own, within its open-file limit.
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  const long per_proc = (clients + o.procs - 1) / o.procs;
  if (lim.rlim_max != RLIM_INFINITY && per_proc + 32 > static_cast<long>(lim.rlim_max))
    usage(std::to_string(per_proc) + " sockets per process exceed the open-file limit (" +
          std::to_string(lim.rlim_max) + "); use more --procs");
  return o;
}

struct Child {
  pid_t pid = -1;
  FILE* up = nullptr;  // child -> parent
  int down = -1;       // parent -> child
};

// Forks one worker; in the child it runs the share and never returns.
Child spawn(const WorkerJob& job, const std::vector<Child>& earlier) {
  int up[2], down[2];
  if (pipe2(up, O_CLOEXEC) != 0 || pipe2(down, O_CLOEXEC) != 0) {
    std::perror("bench_xmpp_load: pipe");
    std::exit(1);
  }
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("bench_xmpp_load: fork");
    std::exit(1);
  }
  if (pid == 0) {
    for (const Child& c : earlier) {  // only its own pipes stay open in a child
      std::fclose(c.up);
      close(c.down);
    }
    close(up[0]);
    close(down[1]);
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    _exit(bench::xmpp::run_worker(job, up[1], down[0]));
  }
  close(up[1]);
  close(down[0]);
  return Child{pid, fdopen(up[0], "r"), down[1]};
}

// Closes every child's pipe (they stop) and reaps them.
void stop_children(std::vector<Child>& children) {
  for (Child& c : children) {
    if (c.down >= 0) close(c.down);
    c.down = -1;
  }
  for (Child& c : children) {
    waitpid(c.pid, nullptr, 0);
    if (c.up) std::fclose(c.up);
    c.up = nullptr;
  }
}

std::string read_line(FILE* f) {
  char buf[4096];
  if (!std::fgets(buf, sizeof buf, f)) return {};
  std::string line(buf);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

[[noreturn]] void give_up(std::vector<Child>& children, const std::string& why) {
  std::fprintf(stderr, "bench_xmpp_load: %s\n", why.c_str());
  stop_children(children);
  std::exit(1);
}

uint32_t percentile(const std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Forks --procs workers for `base`, each with its share of the pairs or sockets (the first
// total % procs get one more) and the same share of the rate.
std::vector<Child> spawn_workers(const Options& o, const WorkerJob& base) {
  const long total = o.latency ? o.pairs : o.sockets;
  std::vector<Child> children;
  for (long i = 0; i < o.procs; ++i) {
    WorkerJob job = base;
    job.clients = total / o.procs + (i < total % o.procs ? 1 : 0);
    job.rate = base.rate * static_cast<double>(job.clients) / static_cast<double>(total);
    children.push_back(spawn(job, children));
  }
  return children;
}

int run_latency(const Options& o) {
  std::vector<Child> children =
      spawn_workers(o, WorkerJob{true, static_cast<uint16_t>(o.port), o.pairs, o.rate, o.seconds});
  for (Child& c : children) {
    const std::string line = read_line(c.up);
    if (line != "ready")
      give_up(children, line.empty() ? "a worker died while logging in" : line.substr(line.find(' ') + 1));
  }
  const auto start = std::chrono::steady_clock::now();
  for (Child& c : children) {
    if (write(c.down, "g", 1) != 1) give_up(children, "a worker is gone");
  }
  uint64_t sent = 0, received = 0;
  int64_t cpu_us = 0;
  std::vector<uint32_t> samples;
  for (Child& c : children) {
    const std::string line = read_line(c.up);
    unsigned long long s = 0, r = 0, n = 0;
    long long cpu = 0;
    if (std::sscanf(line.c_str(), "result %llu %llu %lld %llu", &s, &r, &cpu, &n) != 4)
      give_up(children, line.empty() ? "a worker died while sending" : "unexpected from a worker: " + line);
    const std::size_t at = samples.size();
    samples.resize(at + n);
    if (std::fread(samples.data() + at, sizeof(uint32_t), n, c.up) != n) give_up(children, "a worker's latencies were cut short");
    sent += s;
    received += r;
    cpu_us += cpu;
  }
  const double wall_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  stop_children(children);
  std::sort(samples.begin(), samples.end());
  std::printf(
      "{\"mode\":\"latency\",\"offered_per_s\":%g,\"sent\":%llu,\"received\":%llu,\"p50_us\":%u,\"p99_us\":%u,"
      "\"p999_us\":%u,\"loadgen_cpu_pct\":%.1f}\n",
      o.rate, static_cast<unsigned long long>(sent), static_cast<unsigned long long>(received),
      percentile(samples, 0.50), percentile(samples, 0.99), percentile(samples, 0.999),
      wall_us > 0 ? 100.0 * static_cast<double>(cpu_us) / wall_us : 0.0);
  return received > 0 ? 0 : 1;
}

// Blocks until standard input reaches its end or SIGTERM / SIGINT arrives.
void wait_for_release(int signal_fd) {
  pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {signal_fd, POLLIN, 0}};
  char buf[4096];
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    if (fds[0].revents) {
      const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0 && !(n < 0 && errno == EINTR)) return;
    }
  }
}

int run_hold(const Options& o) {
  std::vector<Child> children = spawn_workers(o, WorkerJob{false, static_cast<uint16_t>(o.port), o.sockets, 0, 0});
  // From now on SIGTERM / SIGINT are read from a signalfd instead of killing this process
  // (the children keep the default actions: they were forked before).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);

  unsigned long long held = 0, failed = 0;
  for (Child& c : children) {
    const std::string line = read_line(c.up);
    unsigned long long h = 0, f = 0;
    if (std::sscanf(line.c_str(), "held %llu %llu", &h, &f) != 2)
      give_up(children, line.empty() ? "a worker died while opening sockets" : "unexpected from a worker: " + line);
    held += h;
    failed += f;
  }
  std::printf("{\"mode\":\"hold\",\"held\":%llu,\"failed\":%llu}\n", held, failed);
  std::fflush(stdout);
  wait_for_release(signal_fd);
  stop_children(children);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  return o.latency ? run_latency(o) : run_hold(o);
}
