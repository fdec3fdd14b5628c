// bench_relay_load: simulated visitors and agents speaking the real protocol to livechat-server,
// spread over worker processes (one process may hold at most 20,000 open files here). The CLI is
// shared with bench/ejabberd's bench_xmpp_load; README.md has it in full.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loadgen.hpp"
#include "test_client.hpp"

using namespace livechat::bench;
using json = nlohmann::json;

namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "bench_relay_load: %s\n"
               "usage: bench_relay_load hold --port P --sockets N [--procs K]\n"
               "       bench_relay_load latency --port P --pairs N --rate R --seconds S [--procs K] [--echo]\n"
               "       bench_relay_load throughput --port P --pairs N --seconds S [--procs K] [--window W]\n"
               "       common: [--host 127.0.0.1] [--playbook pb_demo] [--password PW (LIVECHAT_DEMO_PASSWORD)]\n",
               problem.c_str());
  std::exit(2);
}

double number(const std::string& flag, const char* text) {
  char* end = nullptr;
  double v = std::strtod(text, &end);
  if (!end || *end != '\0' || !(v >= 0)) usage(flag + " wants a non-negative number, not '" + text + "'");
  return v;
}

Options parse(int argc, char** argv) {
  if (argc < 2) usage("which mode?");
  Options o;
  std::string mode = argv[1];
  if (mode == "hold") o.mode = Mode::hold;
  else if (mode == "latency") o.mode = Mode::latency;
  else if (mode == "throughput") o.mode = Mode::throughput;
  else usage("unknown mode '" + mode + "'");
  if (const char* pw = std::getenv("LIVECHAT_DEMO_PASSWORD")) o.password = pw;
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--echo") {
      o.echo = true;
      continue;
    }
    if (i + 1 >= argc) usage(flag + " needs a value");
    const char* value = argv[++i];
    if (flag == "--port") o.port = static_cast<uint16_t>(number(flag, value));
    else if (flag == "--sockets") o.sockets = static_cast<int>(number(flag, value));
    else if (flag == "--pairs") o.pairs = static_cast<int>(number(flag, value));
    else if (flag == "--rate") o.rate = number(flag, value);
    else if (flag == "--seconds") o.seconds = number(flag, value);
    else if (flag == "--procs") o.procs = std::max(1, static_cast<int>(number(flag, value)));
    else if (flag == "--window") o.window = std::max(1, static_cast<int>(number(flag, value)));
    else if (flag == "--host") o.host = value;
    else if (flag == "--playbook") o.playbook = value;
    else if (flag == "--password") o.password = value;
    else usage("unknown flag " + flag);
  }
  if (o.port == 0) usage("--port is required");
  int n = o.mode == Mode::hold ? o.sockets : o.pairs;
  if (n <= 0) usage(o.mode == Mode::hold ? "--sockets must be at least 1" : "--pairs must be at least 1");
  if (o.mode == Mode::latency && o.rate <= 0) usage("--rate must be above 0");
  if (o.mode != Mode::hold && o.seconds <= 0) usage("--seconds must be above 0");
  if (o.echo && o.mode != Mode::latency) usage("--echo goes with latency only");
  o.procs = std::min(o.procs, n);
  return o;
}

// Signs in the agents the pairs need, creating their users on first use (as the demo admin).
bool sign_in_agents(const Options& o, std::vector<Share>& shares) {
  livechat::test::HttpClient http(o.host, o.port, 60000);
  auto login = [&](const std::string& email, const std::string& password) -> std::string {
    auto r = http.post("/api/login", json{{"email", email}, {"password", password}}.dump(),
                       {{"Content-Type", "application/json"}});
    auto j = json::parse(r.body, nullptr, false);
    return r.status == 200 && j.is_object() ? j.value("token", "") : "";
  };
  std::string admin = login("admin@demo.local", o.password);
  if (admin.empty()) {
    std::fprintf(stderr, "bench_relay_load: the demo admin cannot sign in (start the server with --demo and "
                         "LIVECHAT_DEMO_PASSWORD, or pass --password)\n");
    return false;
  }
  const std::string agent_password = "bench agent password";
  int next = 0;
  for (auto& share : shares) {
    int agents = (share.sockets + kChatsPerAgent - 1) / kChatsPerAgent;
    for (int k = 0; k < agents; ++k, ++next) {
      std::string email = "bench-agent-" + std::to_string(next) + "@bench.example";
      // Added first (409 when it exists): every failed sign-in counts against the server's
      // per-address throttle, so we never try one that could fail.
      auto r = http.post("/api/users",
                         json{{"name", "Bench Agent " + std::to_string(next)}, {"email", email},
                              {"password", agent_password}, {"role", "regular"}}
                             .dump(),
                         {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + admin}});
      if (r.status != 201 && r.status != 409) {
        std::fprintf(stderr, "bench_relay_load: cannot add %s: %d %s\n", email.c_str(), r.status, r.body.c_str());
        return false;
      }
      std::string token = login(email, agent_password);
      if (token.empty()) {
        std::fprintf(stderr, "bench_relay_load: %s cannot sign in\n", email.c_str());
        return false;
      }
      share.agent_tokens.push_back(token);
    }
  }
  return true;
}

struct Child {
  pid_t pid = -1;
  FILE* up = nullptr;
  int down = -1;
};

bool read_line(FILE* f, std::string& line) {
  char buf[256];
  if (!std::fgets(buf, sizeof buf, f)) return false;
  line = buf;
  return true;
}

uint32_t percentile(const std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p * sorted.size()));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);
  int total = o.mode == Mode::hold ? o.sockets : o.pairs;
  std::vector<Share> shares(o.procs);
  for (int k = 0; k < o.procs; ++k) {
    shares[k].index = k;
    shares[k].sockets = total / o.procs + (k < total % o.procs ? 1 : 0);
    shares[k].rate = o.rate * shares[k].sockets / total;
  }
  if (o.mode != Mode::hold && !o.echo && !sign_in_agents(o, shares)) return 1;

  std::vector<Child> children(o.procs);
  for (int k = 0; k < o.procs; ++k) {
    int up[2], down[2];
    if (pipe(up) != 0 || pipe(down) != 0) {
      std::perror("pipe");
      return 1;
    }
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      ::close(up[0]);
      ::close(down[1]);
      for (int j = 0; j < k; ++j) ::close(children[j].down);  // so each worker sees its own EOF
      _exit(run_worker(o, shares[k], up[1], down[0]));
    }
    ::close(up[1]);
    ::close(down[0]);
    children[k] = Child{pid, fdopen(up[0], "r"), down[1]};
  }

  // Every worker sets up its share; the measurement starts only once all are ready.
  int ready = 0, failed = 0;
  bool broken = false;
  for (auto& c : children) {
    std::string line;
    int r = 0, f = 0;
    if (!read_line(c.up, line) || std::sscanf(line.c_str(), "ready %d %d", &r, &f) != 2) broken = true;
    ready += r;
    failed += f;
  }

  json out;
  std::vector<uint32_t> all;
  if (o.mode == Mode::hold) {
    out = {{"mode", "hold"}, {"held", ready}, {"failed", failed}};
    std::printf("%s\n", out.dump().c_str());
    std::fflush(stdout);
    struct sigaction sa {};
    sa.sa_handler = on_stop;  // no SA_RESTART: the read below returns on SIGTERM
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    char buf[256];
    while (!g_stop && !broken) {
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
  } else {
    for (auto& c : children)
      if (::write(c.down, "go\n", 3) != 3) broken = true;
    uint64_t sent = 0, received = 0, delivered = 0, errors = 0;
    double cpu = 0;
    for (auto& c : children) {
      std::string line;
      unsigned long long s = 0, r = 0, d = 0, e = 0;
      double cpu_s = 0;
      std::size_t n = 0;
      if (!read_line(c.up, line) ||
          std::sscanf(line.c_str(), "result %llu %llu %llu %llu %lf %zu", &s, &r, &d, &e, &cpu_s, &n) != 6) {
        broken = true;
        continue;
      }
      std::size_t at = all.size();
      all.resize(at + n);
      if (std::fread(all.data() + at, sizeof(uint32_t), n, c.up) != n) broken = true;
      sent += s;
      received += r;
      delivered += d;
      errors += e;
      cpu += cpu_s;
    }
    double cpu_pct = std::round(cpu / o.seconds * 1000) / 10;
    if (o.mode == Mode::latency) {
      std::sort(all.begin(), all.end());
      out = {{"mode", "latency"}, {"offered_per_s", o.rate}, {"sent", sent}, {"received", received},
             {"p50_us", percentile(all, 0.50)}, {"p99_us", percentile(all, 0.99)},
             {"p999_us", percentile(all, 0.999)}, {"loadgen_cpu_pct", cpu_pct}, {"pairs", ready},
             {"errors", errors}};
    } else {
      out = {{"mode", "throughput"}, {"pairs", ready}, {"seconds", o.seconds}, {"acked", received},
             {"acked_per_s", std::round(received / o.seconds)}, {"delivered", delivered},
             {"delivered_per_s", std::round(delivered / o.seconds)}, {"errors", errors}, {"loadgen_cpu_pct", cpu_pct}};
    }
    if (received == 0) broken = true;
    std::printf("%s\n", out.dump().c_str());
  }
  for (auto& c : children) ::close(c.down);
  int worst = 0;
  for (auto& c : children) {
    int status = 0;
    waitpid(c.pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) worst = 1;
    std::fclose(c.up);
  }
  if (ready == 0) broken = true;
  return broken || worst ? 1 : 0;
}
