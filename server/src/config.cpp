#include "config.hpp"

#include <charconv>
#include <limits>

#include <CLI/CLI.hpp>

#include "log.hpp"

namespace livechat::server {

namespace {

// "ADDRESS:PORT" -> address and port; the problem as text, "" when fine.
std::string split_listen(const std::string& value, std::string* address, uint16_t* port) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) return "wants ADDRESS:PORT, e.g. 127.0.0.1:8080";
  int n = -1;
  std::string p = value.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
  if (ec != std::errc() || end != p.data() + p.size() || n < 0 || n > 65535) return "the port must be 0..65535";
  if (address) *address = value.substr(0, colon);
  if (port) *port = static_cast<uint16_t>(n);
  return "";
}

// Every flag, once: name, environment variable, help; the default is the field's initial value.
void add_flags(CLI::App& app, Config& c, std::string& listen, std::string& sync) {
  app.get_formatter()->column_width(40);
  app.set_help_flag("-h,--help", "this text");
  listen = c.net.address + ":" + std::to_string(c.net.port);
  app.add_option("--listen", listen, "where to listen, ADDRESS:PORT (port 0 picks a free one)")
      ->envname("LIVECHAT_LISTEN")
      ->capture_default_str()
      ->check([](const std::string& v) { return split_listen(v, nullptr, nullptr); });
  app.add_option("--db", c.db, "the SQLite database file")->envname("LIVECHAT_DB")->capture_default_str();
  app.add_option("--store", c.store_url, "where the store lives: postgres://USER:PASSWORD@HOST:PORT/DATABASE "
                                         "for PostgreSQL (the database must exist), else an SQLite file "
                                         "(default: --db's)")
      ->envname("LIVECHAT_STORE");
  app.add_option("--static", c.net.static_dir, "the folder of web files: widget, dashboard, demo page "
                                               "(default: the build's web folder)")
      ->envname("LIVECHAT_STATIC");
  app.add_option("--public-url", c.public_url, "how browsers reach this server (default http://ADDRESS:PORT)")
      ->envname("LIVECHAT_PUBLIC_URL");
  app.add_flag("--demo", c.demo, "add demo users and the demo playbook, and print their sign-ins "
                                 "(passwords: LIVECHAT_DEMO_PASSWORD, else new ones at each start)")
      ->envname("LIVECHAT_DEMO");
  app.add_option("--demo-conversations", c.demo_conversations,
                 "with --demo: also N closed demo conversations (scale tests)")
      ->capture_default_str()
      ->check(CLI::Range(0, kMaxDemoConversations));
  sync = c.store.synchronous_full ? "full" : "normal";
  app.add_option("--sync", sync, "full survives power loss, normal may lose the last commits (SQLite: "
                                 "synchronous mode; PostgreSQL: synchronous_commit on or off)")
      ->envname("LIVECHAT_SYNC")
      ->capture_default_str()
      ->check(CLI::IsMember({"full", "normal"}));
  app.add_option("--log-level", c.log_level, "debug, info, warn or error")
      ->envname("LIVECHAT_LOG_LEVEL")
      ->capture_default_str()
      ->check([](const std::string& v) {
        LogLevel level;
        return parse_log_level(v, level) ? std::string() : "debug, info, warn or error";
      });
  app.add_option("--away-grace-ms", c.engine.away_grace_ms,
                 "an online agent with no open dashboard for this long counts as away")
      ->envname("LIVECHAT_AWAY_GRACE_MS")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--session-ttl-ms", c.api.session_ttl_ms, "how long a sign-in lasts; open dashboards close then")
      ->envname("LIVECHAT_SESSION_TTL_MS")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1000}, std::numeric_limits<int64_t>::max()));
  app.add_option("--max-connections-per-ip", c.net.max_connections_per_ip,
                 "open connections one address may hold (0: no cap)")
      ->envname("LIVECHAT_MAX_CONNECTIONS_PER_IP")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}));
  app.add_option("--token-guesses-per-minute", c.engine.max_token_failures_per_minute,
                 "invalid tokens one address may present a minute before its tokens are refused unchecked")
      ->envname("LIVECHAT_TOKEN_GUESSES_PER_MINUTE")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--max-frames-per-second", c.engine.max_frames_per_second,
                 "frames one WebSocket may send per second, sustained (a burst of twice as many); benchmarks raise it")
      ->envname("LIVECHAT_MAX_FRAMES_PER_SECOND")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--closed-cache", c.engine.closed_cache,
                 "closed conversations kept in memory besides the open ones (the most recently used); "
                 "older ones are read from the database when needed")
      ->envname("LIVECHAT_CLOSED_CACHE")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  app.add_option("--dormant-after-ms", c.engine.dormant_after_ms,
                 "a chatbot conversation whose visitor left this many milliseconds ago leaves memory (the visitor's "
                 "return reads it back)")
      ->envname("LIVECHAT_DORMANT_AFTER_MS")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{100}, int64_t{30} * 24 * 3'600'000));
  app.add_option("--resume-events", c.engine.max_resume_events,
                 "a dashboard reconnecting at most this many events behind gets only the changes; further behind, "
                 "a snapshot")
      ->envname("LIVECHAT_RESUME_EVENTS")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{0}, uint64_t{10'000'000}));
  app.add_option("--max-snapshot-bytes", c.engine.max_snapshot_bytes,
                 "a larger snapshot is sent as one frame per conversation (tests lower it)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, kMaxServerFrameBytes));
  app.add_option("--port-file", c.port_file, "write the port listened on to this file (scripts and tests)");
  app.add_option("--test-clock-ms", c.test_clock_ms,
                 "tests only: the server's clock starts at this instant (UTC milliseconds) and runs on from there")
      ->check(CLI::Range(int64_t{0}, int64_t{253402300799000}));
}

CLI::App make_app() {
  return CLI::App("livechat-server: the live chat relay (HTTP, WebSockets, SQLite).", "livechat-server");
}

}  // namespace

Result<Config> parse_config(const std::vector<std::string>& args) {
  Config c;
  CLI::App app = make_app();
  std::string listen, sync;
  add_flags(app, c, listen, sync);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    c.help = true;
    return c;
  } catch (const CLI::ParseError& e) {
    return make_error(ErrorCode::bad_request, std::string(e.what()) + " (see --help)");
  }
  split_listen(listen, &c.net.address, &c.net.port);
  c.store.synchronous_full = sync == "full";
  c.net.https = c.public_url.rfind("https://", 0) == 0;  // Secure cookies (net_detail::security_headers)
  if (c.demo_conversations > 0 && !c.demo)
    return make_error(ErrorCode::invalid_field, "--demo-conversations needs --demo", "demo-conversations");
  return c;
}

std::string config_help() {
  Config c;
  CLI::App app = make_app();
  std::string listen, sync;
  add_flags(app, c, listen, sync);
  return app.help();
}

}  // namespace livechat::server
