// Presence: an online agent whose dashboards are all gone for the grace period (300 ms in
// tests) is away, so visitors get the offline flow; coming back clears it. And /metrics.
#include "harness.hpp"

namespace livechat::itest {
namespace {

bool away_event(const json& j, const std::string& user, bool away) {
  return j.value("type", "") == "event" && j["event"].value("type", "") == "away_changed" &&
         j["event"].value("user", "") == user && j["event"].value("away", !away) == away;
}

TEST(Presence, AgentWithNoDashboardBecomesAwayAndBack) {
  Server server;
  server.start();
  Agent marco;
  ASSERT_TRUE(marco.connect(server, "marco@demo.local"));
  std::string anna_id;
  {
    Agent anna;
    ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
    anna_id = anna.user_id;
    ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");
    anna.peer.socket().close();
  }
  marco.peer.wait([&](const json& j) { return away_event(j, anna_id, true); }, 3000);

  // Anna is online but away: a visitor reaching the Live Chat card gets the offline flow.
  Visitor v;
  ASSERT_TRUE(v.connect(server));
  v.start();
  v.answer("I want a demo");
  v.answer("vera@example.it");
  v.answer("Vera");
  EXPECT_EQ(v.peer.wait([](const json& j) { return j.value("type", "") == "prompt" && j["kind"] != "capture" && j["kind"] != "buttons"; })["kind"],
            "finished");

  // She opens the dashboard again: available again, without touching the switch.
  Agent back;
  ASSERT_TRUE(back.connect(server, "anna@demo.local"));
  marco.peer.wait([&](const json& j) { return away_event(j, anna_id, false); }, 3000);
  EXPECT_EQ(back.command({{"type", "assign_to_me"}, {"conversation", v.conversation}}).value("type", ""), "ack");
}

TEST(Sessions, AnOpenDashboardClosesWhenItsSignInExpires) {
  Server server({"--session-ttl-ms", "1500"});
  server.start();
  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  EXPECT_TRUE(anna.peer.socket().wait_closed(5000)) << "the socket outlived its session";
  EXPECT_EQ(anna.peer.socket().close_reason(), "session expired");
  EXPECT_EQ(api(server, anna.token, "GET", "/api/me").status, 401);
}

TEST(Metrics, PrometheusTextCountsSocketsAndCommits) {
  Server server;
  server.start();
  Visitor v;
  ASSERT_TRUE(v.connect(server));
  v.start();
  test::HttpClient http("127.0.0.1", server.port());
  auto r = http.get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("livechat_open_sockets{kind=\"visitor\"} 1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("livechat_commit_latency_seconds_bucket"), std::string::npos);
  EXPECT_NE(r.body.find("livechat_commits_total"), std::string::npos);
}

}  // namespace
}  // namespace livechat::itest
