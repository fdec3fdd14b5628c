// Command-line flags and their environment variables (flags win). Each flag is defined once, in
// config.cpp's add_flags(): its name, its variable, its help, and its default, which is the
// initial value of the field it sets (most fields are the options of the part that uses them,
// so a default lives only there). --help is generated from the same definitions (CLI11).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "api.hpp"
#include "engine.hpp"
#include "livechat/result.hpp"
#include "net.hpp"
#include "store.hpp"

namespace livechat::server {

// The most demo conversations --demo-conversations makes (a load-test helper, not a data generator).
inline constexpr int kMaxDemoConversations = 100000;

struct Config {
  NetOptions net;        // --listen, --static, --max-connections-per-ip
  EngineOptions engine;  // --away-grace-ms, --max-frames-per-second, --token-guesses-per-minute,
                         // --closed-cache, --resume-events, --max-snapshot-bytes
  ApiOptions api;        // --session-ttl-ms
  StoreOptions store;    // --sync
  std::string db = "./data/livechat.db";
  std::string store_url;  // --store: a postgres:// URL (or a file); empty: the SQLite file `db`
  std::string public_url;  // empty: http://ADDRESS:PORT
  bool demo = false;
  int demo_conversations = 0;
  std::string log_level = "info";
  std::string port_file;
  int64_t test_clock_ms = 0;  // tests only: the server's clock starts at this instant (UTC ms)
  bool help = false;  // --help was asked: print config_help() and stop

  // Where Store::open finds the store.
  const std::string& store_location() const { return store_url.empty() ? db : store_url; }
};

// Parses argv (without argv[0]) over the environment (LIVECHAT_* variables, read by the parser).
Result<Config> parse_config(const std::vector<std::string>& args);

// The --help text, generated from the flag definitions.
std::string config_help();

}  // namespace livechat::server
