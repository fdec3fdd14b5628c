// The server's flags (config.cpp): defaults come from the option structs, environment variables
// fill in, flags win, bad values are refused with a message, and --help lists every flag.
#include <cstdlib>

#include <gtest/gtest.h>

#include "config.hpp"

namespace livechat::server {
namespace {

// Sets an environment variable for the test's duration.
struct Env {
  const char* name;
  Env(const char* n, const char* value) : name(n) { setenv(n, value, 1); }
  ~Env() { unsetenv(name); }
};

TEST(Config, DefaultsAreTheOptionStructs) {
  auto c = parse_config({});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().net.address, NetOptions{}.address);
  EXPECT_EQ(c.value().net.port, NetOptions{}.port);
  EXPECT_EQ(c.value().net.max_connections_per_ip, 1000u);  // the one default (net.hpp says why)
  EXPECT_EQ(c.value().engine.away_grace_ms, EngineOptions{}.away_grace_ms);
  EXPECT_EQ(c.value().engine.max_frames_per_second, EngineOptions{}.max_frames_per_second);
  EXPECT_EQ(c.value().engine.max_token_failures_per_minute, EngineOptions{}.max_token_failures_per_minute);
  EXPECT_EQ(c.value().engine.closed_cache, EngineOptions{}.closed_cache);
  EXPECT_EQ(c.value().engine.max_resume_events, EngineOptions{}.max_resume_events);
  EXPECT_EQ(c.value().engine.max_snapshot_bytes, kMaxServerFrameBytes);
  EXPECT_EQ(c.value().api.session_ttl_ms, ApiOptions{}.session_ttl_ms);
  EXPECT_TRUE(c.value().store.synchronous_full);
  EXPECT_FALSE(c.value().demo);
  EXPECT_FALSE(c.value().help);
}

// Cookies are marked Secure exactly when browsers reach the server over https.
TEST(Config, HttpsPublicUrlMakesCookiesSecure) {
  auto plain = parse_config({});
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_FALSE(plain.value().net.https);
  auto tls = parse_config({"--public-url", "https://chat.example.com"});
  ASSERT_TRUE(tls.ok()) << tls.error().message;
  EXPECT_TRUE(tls.value().net.https);
  auto http = parse_config({"--public-url", "http://chat.example.com"});
  ASSERT_TRUE(http.ok()) << http.error().message;
  EXPECT_FALSE(http.value().net.https);
}

TEST(Config, FlagsEnvironmentAndPrecedence) {
  Env sync("LIVECHAT_SYNC", "normal");
  Env cap("LIVECHAT_MAX_CONNECTIONS_PER_IP", "7");
  Env demo("LIVECHAT_DEMO", "1");
  Env cache("LIVECHAT_CLOSED_CACHE", "25");
  auto c = parse_config({"--listen", "127.0.0.2:0", "--max-connections-per-ip=0", "--away-grace-ms", "5",
                         "--demo-conversations", "3", "--log-level", "warn", "--resume-events", "0",
                         "--max-snapshot-bytes", "4096"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().net.address, "127.0.0.2");
  EXPECT_EQ(c.value().net.port, 0);
  EXPECT_EQ(c.value().net.max_connections_per_ip, 0u);  // the flag wins over the variable
  EXPECT_FALSE(c.value().store.synchronous_full);        // from the variable
  EXPECT_TRUE(c.value().demo);
  EXPECT_EQ(c.value().demo_conversations, 3);
  EXPECT_EQ(c.value().engine.away_grace_ms, 5);
  EXPECT_EQ(c.value().log_level, "warn");
  EXPECT_EQ(c.value().engine.closed_cache, 25u);
  EXPECT_EQ(c.value().engine.max_resume_events, 0u);
  EXPECT_EQ(c.value().engine.max_snapshot_bytes, 4096u);
}

TEST(Config, BadValuesAreRefusedWithAMessage) {
  const std::vector<std::vector<std::string>> bad = {
      {"--listen", "8080"},          {"--listen", "127.0.0.1:70000"}, {"--sync", "fast"},
      {"--log-level", "loud"},       {"--session-ttl-ms", "5"},       {"--max-frames-per-second", "0"},
      {"--token-guesses-per-minute", "0"}, {"--max-connections-per-ip", "-1"}, {"--nope", "1"},
      {"--db"},                      {"stray"},                       {"--demo-conversations", "2"},
      {"--closed-cache", "0"},       {"--max-snapshot-bytes", "100"},
  };
  for (const auto& args : bad) {
    auto c = parse_config(args);
    EXPECT_FALSE(c.ok()) << args[0];
    if (!c.ok()) {
      EXPECT_FALSE(c.error().message.empty());
    }
  }
  Env broken("LIVECHAT_AWAY_GRACE_MS", "soon");
  EXPECT_FALSE(parse_config({}).ok());
}

TEST(Config, HelpListsEveryFlagWithItsVariableAndDefault) {
  auto c = parse_config({"--help"});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c.value().help);
  std::string help = config_help();
  for (const char* flag : {"--listen", "--db", "--static", "--public-url", "--demo", "--demo-conversations", "--sync",
                           "--log-level", "--away-grace-ms", "--session-ttl-ms", "--max-connections-per-ip",
                           "--token-guesses-per-minute", "--max-frames-per-second", "--port-file", "--help"})
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  EXPECT_NE(help.find("LIVECHAT_MAX_CONNECTIONS_PER_IP"), std::string::npos);
  EXPECT_NE(help.find("127.0.0.1:8080"), std::string::npos);
  EXPECT_NE(help.find("1000"), std::string::npos);
}

}  // namespace
}  // namespace livechat::server
