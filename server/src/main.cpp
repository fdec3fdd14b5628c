// livechat-server: wires the store, the engine, the API and the network together on one loop.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "api.hpp"
#include "auth.hpp"
#include "config.hpp"
#include "demo.hpp"
#include "engine.hpp"
#include "log.hpp"
#include "loop.hpp"
#include "metrics.hpp"
#include "net.hpp"
#include "store.hpp"

using namespace livechat;
using namespace livechat::server;

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string metrics_text(const Net& net, const Store& store, const Engine& engine, const LagProbe& lag) {
  MetricsWriter m;
  m.gauge("livechat_loop_lag_seconds",
          "Longest time the I/O thread was busy without serving sockets (timer lateness), last 10-20 s.",
          lag.max_lag_seconds());
  NetStats n = net.stats();
  m.family("livechat_open_sockets", "Open connections by kind.", MetricType::gauge);
  m.sample("livechat_open_sockets", {{"kind", "http"}}, static_cast<double>(n.http_sessions_open));
  m.sample("livechat_open_sockets", {{"kind", "visitor"}}, static_cast<double>(n.visitor_sockets_open));
  m.sample("livechat_open_sockets", {{"kind", "agent"}}, static_cast<double>(n.agent_sockets_open));
  m.counter("livechat_frames_in_total", "WebSocket frames received.", static_cast<double>(n.frames_in));
  m.counter("livechat_frames_out_total", "WebSocket frames sent.", static_cast<double>(n.frames_out));
  m.counter("livechat_slow_consumers_closed_total", "Sockets closed for not reading.", static_cast<double>(n.slow_consumers_closed));
  m.counter("livechat_connections_rejected_total", "Connections refused at accept.", static_cast<double>(n.rejected_connections));
  EngineStats e = engine.stats();
  m.counter("livechat_commands_total", "Commands decided.", static_cast<double>(e.commands));
  m.counter("livechat_commands_rejected_total", "Commands refused by the rules.", static_cast<double>(e.rejected));
  m.counter("livechat_events_total", "Events committed.", static_cast<double>(e.events));
  m.gauge("livechat_conversations_held", "Conversations in the engine's state: open ones, and closed ones a command is "
          "on its way for.", static_cast<double>(e.held_conversations));
  m.gauge("livechat_closed_cached", "Closed conversations in the cache (--closed-cache).", static_cast<double>(e.cached_closed));
  m.counter("livechat_closed_evictions_total", "Closed conversations dropped from the cache.", static_cast<double>(e.evictions));
  m.counter("livechat_closed_loads_total", "Closed conversations read back from the database.", static_cast<double>(e.loads));
  m.counter("livechat_dormant_total", "Chatbot conversations whose visitor left, put out of memory (--dormant-after-ms).",
            static_cast<double>(e.dormant));
  m.counter("livechat_dormant_woken_total", "Dormant chatbot conversations read back when their visitor returned.",
            static_cast<double>(e.woken));
  m.gauge("livechat_startup_events_read", "Events read from the database at start-up (users' and open conversations').",
          static_cast<double>(e.startup_events_read));
  m.family("livechat_agent_syncs_total", "Dashboards synced: by position (changes only) or with a snapshot.",
           MetricType::counter);
  m.sample("livechat_agent_syncs_total", {{"kind", "changes"}}, static_cast<double>(e.resumes));
  m.sample("livechat_agent_syncs_total", {{"kind", "snapshot"}}, static_cast<double>(e.snapshots));
  m.counter("livechat_split_snapshots_total", "Snapshots too large for one frame, sent a conversation per frame.",
            static_cast<double>(e.split_snapshots));
  StoreStats s = store.stats();
  m.counter("livechat_commits_total", "Store transactions committed (group commits).", static_cast<double>(s.commits));
  m.counter("livechat_committed_writes_total", "Writes made durable.", static_cast<double>(s.writes));
  static const char* kBuckets[] = {"1", "3", "7", "15", "63", "255", "1023", "+Inf"};
  m.family("livechat_commit_batch_size", "Writes per commit.", MetricType::histogram);
  uint64_t cumulative = 0;
  for (int i = 0; i < 8; ++i) {
    cumulative += s.batch_histogram[i];
    m.sample("livechat_commit_batch_size_bucket", {{"le", kBuckets[i]}}, static_cast<double>(cumulative));
  }
  m.sample("livechat_commit_batch_size_sum", static_cast<double>(s.writes));
  m.sample("livechat_commit_batch_size_count", static_cast<double>(s.commits));
  if (s.wal) {  // SQLite's own checkpoints (PostgreSQL checkpoints by itself: see its own statistics)
    m.family("livechat_checkpoint_seconds",
             "WAL checkpoints: passive (own thread) or forced (WAL past its limit; commits wait).", MetricType::histogram);
    for (CheckpointKind kind : {CheckpointKind::passive, CheckpointKind::forced}) {
      if (const Histogram* h = store.checkpoint_seconds(kind))
        m.histogram_samples("livechat_checkpoint_seconds", *h,
                            {{"kind", kind == CheckpointKind::passive ? "passive" : "forced"}});
    }
    m.gauge("livechat_wal_bytes", "WAL in use after the last commit.", static_cast<double>(s.wal->bytes));
  }
  m.histogram("livechat_commit_latency_seconds", "From a command's decision to its durable commit.",
              engine.commit_latency());
  return m.take();
}
}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_config(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed) {
    std::fprintf(stderr, "livechat-server: %s\n", parsed.error().message.c_str());
    return 2;
  }
  Config config = parsed.value();
  if (config.help) {
    std::fputs(config_help().c_str(), stdout);
    return 0;
  }
  LogLevel level = LogLevel::info;
  parse_log_level(config.log_level, level);  // one of the names --log-level accepts
  set_log_level(level);
  if (!auth_init()) {
    log_error("libsodium failed to start");
    return 1;
  }
  if (config.net.static_dir.empty()) config.net.static_dir = LIVECHAT_DEFAULT_STATIC_DIR;
  const std::string& where = config.store_location();
  const std::string store_name = store_display_name(where);
  if (store_name == where) {  // an SQLite file: its folder is made if needed
    std::error_code ec;
    auto parent = std::filesystem::path(where).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }

  auto loop = Loop::create(config.test_clock_ms);
  if (config.test_clock_ms) log_warn("the clock is a test's", {{"starts_at_ms", config.test_clock_ms}});
  auto store = Store::open(where, config.store, [&loop](std::function<void()> task) { loop->post(std::move(task)); });
  if (!store) {
    log_error("cannot open the database", {{"db", store_name}, {"error", store.error().message}});
    return 1;
  }
  Engine engine(*loop, *store.value(), config.engine);
  if (auto s = engine.load(); !s) {
    log_error("cannot load the event log", {{"error", s.error().message}});
    return 1;
  }
  Api api(*loop, *store.value(), engine, config.api);

  auto net = Net::start(*loop, config.net, api, engine);
  if (!net) {
    log_error("cannot listen",
              {{"address", config.net.address}, {"port", config.net.port}, {"error", net.error().message}});
    return 1;
  }
  uint16_t port = net.value()->port();
  std::string origin = !config.public_url.empty() ? config.public_url
                                                   : "http://" + config.net.address + ":" + std::to_string(port);
  while (!origin.empty() && origin.back() == '/') origin.pop_back();
  engine.set_public_origin(origin);
  api.set_public_origin(origin);
  LagProbe lag(*loop);
  api.metrics = [&]() { return metrics_text(*net.value(), *store.value(), engine, lag); };
  log_info("listening", {{"address", config.net.address + ":" + std::to_string(port)}, {"db", store_name}, {"store", store.value()->engine()},
                         {"static", config.net.static_dir}, {"origin", origin}});
  if (!config.port_file.empty()) std::ofstream(config.port_file) << port << "\n";

  if (config.demo) {
    auto built = [&config](const char* file) {
      return std::filesystem::exists(std::filesystem::path(config.net.static_dir) / file) ? "" : "  (not built yet)";
    };
    std::string widget_note = built("widget/loader.js"), agent_note = built("agent/index.html");
    if (!widget_note.empty()) widget_note = "  (the page works; its chat widget is not built yet)";
    seed_demo(engine, *store.value(), origin, env("LIVECHAT_DEMO_PASSWORD"), config.demo_conversations,
              [origin, widget_note, agent_note](std::vector<DemoLogin> logins) {
      std::printf("\nLive chat is running.\n  Visitor demo page: %s/demo/%s\n  Agent dashboard:   %s/agent/%s\n"
                  "  REST API:          %s/api/  (sign in with POST /api/login)\n\nDemo sign-ins:\n",
                  origin.c_str(), widget_note.c_str(), origin.c_str(), agent_note.c_str(), origin.c_str());
      for (const auto& l : logins)
        std::printf("  %-14s %-18s password %s%s\n", l.name.c_str(), l.email.c_str(), l.password.c_str(),
                    l.admin ? "  (admin)" : "");
      std::printf("\n");
      std::fflush(stdout);
    });
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::function<void()> watch = [&]() {
    if (g_stop) {
      log_info("stopping");
      net.value()->stop();
      loop->stop();
      return;
    }
    loop->after(200, watch);
  };
  loop->after(200, watch);
  loop->run();
  store.value()->flush();
  log_info("stopped");
  return 0;
}
