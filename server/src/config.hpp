// Command-line flags, each with an environment variable equivalent (flags win).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "livechat/result.hpp"

namespace livechat::server {

// The most demo conversations --demo-conversations makes (a load-test helper, not a data generator).
inline constexpr int kMaxDemoConversations = 100000;

struct Config {
  std::string address = "127.0.0.1";  // --listen ADDR:PORT        LIVECHAT_LISTEN
  uint16_t port = 8080;
  std::string db = "./data/livechat.db";  // --db PATH             LIVECHAT_DB
  std::string static_dir;                 // --static DIR          LIVECHAT_STATIC
  std::string public_url;                 // --public-url URL      LIVECHAT_PUBLIC_URL
  bool demo = false;                      // --demo                LIVECHAT_DEMO=1
  int demo_conversations = 0;             // --demo-conversations N  (with --demo; load tests)
  bool sync_full = true;                  // --sync full|normal    LIVECHAT_SYNC
  std::string log_level = "info";         // --log-level LEVEL     LIVECHAT_LOG_LEVEL
  int64_t away_grace_ms = 60'000;         // --away-grace-ms N     LIVECHAT_AWAY_GRACE_MS
  int64_t session_ttl_ms = 30LL * 24 * 3600 * 1000;  // --session-ttl-ms N  LIVECHAT_SESSION_TTL_MS
  int64_t max_connections_per_ip = 1000;  // --max-connections-per-ip N  LIVECHAT_MAX_CONNECTIONS_PER_IP (0: no cap)
  int64_t token_guesses_per_minute = 60;  // --token-guesses-per-minute N  LIVECHAT_TOKEN_GUESSES_PER_MINUTE
  int max_frames_per_second = 20;         // --max-frames-per-second N  LIVECHAT_MAX_FRAMES_PER_SECOND
  std::string port_file;                  // --port-file PATH      (tests: the port chosen)
  bool help = false;                      // --help
};

// Parses argv (without argv[0]) over the environment. `env` looks a variable up ("" if unset).
Result<Config> parse_config(const std::vector<std::string>& args, std::string (*env)(const char*));

std::string config_help();

}  // namespace livechat::server
