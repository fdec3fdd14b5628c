#include "config.hpp"

#include <charconv>

namespace livechat::server {

namespace {
Status set_listen(Config& c, const std::string& value) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return make_error(ErrorCode::invalid_field, "--listen wants ADDRESS:PORT, e.g. 127.0.0.1:8080", "listen");
  int port = -1;
  std::string p = value.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port < 0 || port > 65535)
    return make_error(ErrorCode::invalid_field, "--listen: the port must be 0..65535", "listen");
  c.address = value.substr(0, colon);
  c.port = static_cast<uint16_t>(port);
  return ok_status();
}

Status set(Config& c, const std::string& name, const std::string& value) {
  if (name == "listen") return set_listen(c, value);
  if (name == "db") c.db = value;
  else if (name == "static") c.static_dir = value;
  else if (name == "public-url") c.public_url = value;
  else if (name == "log-level") c.log_level = value;
  else if (name == "port-file") c.port_file = value;
  else if (name == "sync") {
    if (value != "full" && value != "normal")
      return make_error(ErrorCode::invalid_field, "--sync is full or normal", "sync");
    c.sync_full = value == "full";
  } else if (name == "session-ttl-ms") {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), c.session_ttl_ms);
    if (ec != std::errc() || end != value.data() + value.size() || c.session_ttl_ms < 1000)
      return make_error(ErrorCode::invalid_field, "--session-ttl-ms wants at least 1000 milliseconds", "session-ttl-ms");
  } else if (name == "demo-conversations") {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), c.demo_conversations);
    if (ec != std::errc() || end != value.data() + value.size() || c.demo_conversations < 0 ||
        c.demo_conversations > kMaxDemoConversations)
      return make_error(ErrorCode::invalid_field, "--demo-conversations wants 0..100000", "demo-conversations");
  } else if (name == "away-grace-ms") {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), c.away_grace_ms);
    if (ec != std::errc() || end != value.data() + value.size() || c.away_grace_ms < 0)
      return make_error(ErrorCode::invalid_field, "--away-grace-ms wants a number of milliseconds", "away-grace-ms");
  } else if (name == "max-connections-per-ip" || name == "token-guesses-per-minute") {
    int64_t& n = name == "max-connections-per-ip" ? c.max_connections_per_ip : c.token_guesses_per_minute;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    int64_t least = name == "max-connections-per-ip" ? 0 : 1;
    if (ec != std::errc() || end != value.data() + value.size() || n < least || n > 1'000'000)
      return make_error(ErrorCode::invalid_field,
                        "--" + name + " wants a number from " + std::to_string(least) + " to 1000000", name);
  } else if (name == "max-frames-per-second") {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), c.max_frames_per_second);
    if (ec != std::errc() || end != value.data() + value.size() || c.max_frames_per_second < 1)
      return make_error(ErrorCode::invalid_field, "--max-frames-per-second wants a whole number of at least 1",
                        "max-frames-per-second");
  } else {
    return make_error(ErrorCode::bad_request, "unknown option --" + name + " (see --help)", name);
  }
  return ok_status();
}
}  // namespace

Result<Config> parse_config(const std::vector<std::string>& args, std::string (*env)(const char*)) {
  Config c;
  const std::pair<const char*, const char*> vars[] = {
      {"LIVECHAT_LISTEN", "listen"},       {"LIVECHAT_DB", "db"},           {"LIVECHAT_STATIC", "static"},
      {"LIVECHAT_PUBLIC_URL", "public-url"}, {"LIVECHAT_SYNC", "sync"},     {"LIVECHAT_LOG_LEVEL", "log-level"},
      {"LIVECHAT_AWAY_GRACE_MS", "away-grace-ms"}, {"LIVECHAT_SESSION_TTL_MS", "session-ttl-ms"},
      {"LIVECHAT_MAX_CONNECTIONS_PER_IP", "max-connections-per-ip"},
      {"LIVECHAT_TOKEN_GUESSES_PER_MINUTE", "token-guesses-per-minute"},
      {"LIVECHAT_MAX_FRAMES_PER_SECOND", "max-frames-per-second"}};
  for (const auto& [var, name] : vars)
    if (std::string v = env(var); !v.empty())
      if (auto s = set(c, name, v); !s) return make_error(s.error().code, std::string(var) + ": " + s.error().message);
  if (std::string v = env("LIVECHAT_DEMO"); v == "1" || v == "true") c.demo = true;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      c.help = true;
      continue;
    }
    if (a == "--demo") {
      c.demo = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) return make_error(ErrorCode::bad_request, "unexpected argument '" + a + "' (see --help)");
    std::string name = a.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else {
      if (i + 1 >= args.size()) return make_error(ErrorCode::bad_request, "--" + name + " needs a value");
      value = args[++i];
    }
    if (auto s = set(c, name, value); !s) return s.error();
  }
  if (c.demo_conversations > 0 && !c.demo)
    return make_error(ErrorCode::invalid_field, "--demo-conversations needs --demo", "demo-conversations");
  return c;
}

std::string config_help() {
  return R"(livechat-server: the live chat relay (HTTP, WebSockets, SQLite).

Usage: livechat-server [options]

  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0 picks a free one)   LIVECHAT_LISTEN
  --db PATH            the SQLite database file (default ./data/livechat.db)               LIVECHAT_DB
  --static DIR         the folder of web files: widget, dashboard, demo page               LIVECHAT_STATIC
  --public-url URL     how browsers reach this server (default http://ADDR:PORT)           LIVECHAT_PUBLIC_URL
  --demo               add demo users, the demo playbook and print their sign-ins         LIVECHAT_DEMO=1
  --demo-conversations N  with --demo: also N closed demo conversations (scale tests, at most 100000)
  --sync full|normal   SQLite synchronous mode: full survives power loss (default)       LIVECHAT_SYNC
  --log-level LEVEL    debug, info, warn or error (default info)                          LIVECHAT_LOG_LEVEL
  --away-grace-ms N    an online agent with no open dashboard for N ms counts as away    LIVECHAT_AWAY_GRACE_MS
  --session-ttl-ms N   how long a sign-in lasts (default 30 days); open dashboards close then LIVECHAT_SESSION_TTL_MS
  --max-connections-per-ip N  open connections one address may hold (default 1000; 0: no cap)
                              LIVECHAT_MAX_CONNECTIONS_PER_IP
  --token-guesses-per-minute N  invalid tokens one address may present a minute before its
                              tokens are refused unchecked (default 60)  LIVECHAT_TOKEN_GUESSES_PER_MINUTE
  --max-frames-per-second N  frames one WebSocket may send per second, sustained (default 20;
                       a burst of twice as many); benchmarks raise it   LIVECHAT_MAX_FRAMES_PER_SECOND
  --port-file PATH     write the port listened on to PATH (for scripts and tests)
  --help               this text

Demo passwords come from LIVECHAT_DEMO_PASSWORD when set; otherwise new ones are generated
and printed at each start with --demo.
)";
}

}  // namespace livechat::server
