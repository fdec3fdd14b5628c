// A year of chats: the real server on a database seeded with a large history of closed
// conversations (straight into the store, in big transactions, before the server starts). The
// dashboard's snapshot holds the working set only, a restart reads the open state only (counted
// in events read, not timed), a closed conversation long evicted from memory is acted on with the
// same rules and durability, the cache of closed conversations stays bounded, and a dashboard
// that reconnects with after_pos gets exactly what changed.
//
// LIVECHAT_HISTORY_CONVERSATIONS (default 200000) sets the seeded history's size.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "harness.hpp"
#include "livechat/protocol.hpp"
#include "demo.hpp"
#include "store.hpp"

namespace livechat::itest {
namespace {

using server::Store;

int history_size() {
  const char* v = std::getenv("LIVECHAT_HISTORY_CONVERSATIONS");
  return v && *v ? std::max(1, std::atoi(v)) : 200'000;
}

std::string seeded_id(int i) { return "c_h_" + std::to_string(i); }

// The seeded history (server::seed_history): conversation c_h_<i> started by visitor v_h_<i>, one
// question, closed by the bot; three events each, positions 1..3n.
class History : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/livechat-history-XXXXXX";
    dir_ = mkdtemp(tmpl);
    seed_ = dir_ + "/seed.db";
    server::StoreOptions options;
    options.synchronous_full = false;
    auto store = Store::open(seed_, options, [](std::function<void()> f) { f(); });
    ASSERT_TRUE(store.ok()) << store.error().message;
    Status seeded = server::seed_history(*store.value(), history_size());
    ASSERT_TRUE(seeded.ok()) << seeded.error().message;
    events_ = store.value()->last_pos();
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  // A server on a copy of the seeded database.
  void start(Server& server) {
    std::filesystem::copy_file(seed_, server.db(), std::filesystem::copy_options::overwrite_existing);
    server.start();
  }

  static inline std::string dir_, seed_;
  static inline uint64_t events_ = 0;
};

uint64_t healthz_pos(Server& server) {
  test::HttpClient http("127.0.0.1", server.port());
  return json::parse(http.get("/healthz").body).value("pos", uint64_t{0});
}

// Every frame up to and including the first of `type`.
std::vector<json> frames_until(Peer& peer, const std::string& type) {
  json last = peer.wait_type(type, 10'000);
  std::vector<json> out;
  for (const json& f : peer.log()) {
    out.push_back(f);
    if (f == last) break;
  }
  return out;
}

TEST_F(History, SnapshotHoldsTheWorkingSetAndStartUpReadsOnlyTheOpenState) {
  Server server;
  start(server);
  ASSERT_FALSE(HasFatalFailure());
  // The log holds the history; start-up read the users' events and nothing of the closed chats.
  EXPECT_GE(healthz_pos(server), events_);
  EXPECT_LT(metric(server, "livechat_startup_events_read"), 1000);
  EXPECT_EQ(metric(server, "livechat_conversations_held"), 0);
  EXPECT_GE(metric(server, "livechat_loop_lag_seconds"), 0);  // reported

  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}})["type"], "ack");
  Visitor v;
  ASSERT_TRUE(v.connect(server));
  to_live_chat(v);
  ASSERT_FALSE(HasFatalFailure());

  Agent marco;
  ASSERT_TRUE(marco.connect(server, "marco@demo.local"));
  EXPECT_LT(marco.snapshot.dump().size(), std::size_t{64 * 1024});
  ASSERT_EQ(marco.snapshot["conversations"].size(), 1u);
  EXPECT_EQ(marco.snapshot["conversations"][0]["id"], v.conversation);
  EXPECT_EQ(marco.snapshot["conversations"][0]["phase"], "unassigned");
  EXPECT_EQ(marco.snapshot["users"].size(), 3u);

  // A restart on the same file is as cheap: the open conversation's events, the users'.
  server.stop();
  server.start();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_LT(metric(server, "livechat_startup_events_read"), 1000);
  EXPECT_EQ(metric(server, "livechat_conversations_held"), 1);
  Agent again;
  ASSERT_TRUE(again.connect(server, "marco@demo.local"));
  ASSERT_EQ(again.snapshot["conversations"].size(), 1u);
}

TEST_F(History, AnEvictedConversationIsActedOnWithTheSameRulesAndDurability) {
  Server server({"--closed-cache", "50", "--max-frames-per-second", "1000"});
  start(server);
  ASSERT_FALSE(HasFatalFailure());
  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  const std::string old = seeded_id(17);
  json panel = {{"deal_value_cents", 120000}, {"currency", "EUR"},  {"expected_close_date", "2027-01-31"},
                {"person_name", "Ida Neri"},  {"email", "ida@example.it"}, {"phone", ""},
                {"organization_name", "Neri Spa"}, {"organization_address", ""}, {"notes", "came back"}};
  // Anyone may edit a closed chat's side panel and make a lead of it; nobody may write in it.
  json ack = anna.command({{"type", "update_side_panel"}, {"conversation", old}, {"panel", panel}});
  ASSERT_EQ(ack["type"], "ack") << ack.dump();
  EXPECT_EQ(ack["seq"], 4);
  auto lead = api(server, anna.token, "POST", "/api/conversations/" + old + "/leads", json{{"title", "Back after a year"}});
  ASSERT_EQ(lead.status, 201) << lead.body;
  json refused = anna.command({{"type", "send_message"}, {"conversation", old}, {"text", "hi"}, {"client_id", "x1"}});
  EXPECT_EQ(refused["type"], "error");
  EXPECT_EQ(refused["code"], "closed") << refused.dump();
  EXPECT_GE(metric(server, "livechat_closed_loads_total"), 1);
  EXPECT_EQ(metric(server, "livechat_conversations_held"), 0);  // back in the cache once durable

  // Acting on many closed conversations keeps the cache at its bound. (Reading one over REST
  // goes to the store's history thread and leaves the cache alone: api_search.cpp.)
  for (int i = 1000; i < 1120; ++i) {
    json done = anna.command({{"type", "update_side_panel"}, {"conversation", seeded_id(i)}, {"panel", panel}});
    ASSERT_EQ(done["type"], "ack") << done.dump();
  }
  EXPECT_LE(metric(server, "livechat_closed_cached"), 50);
  EXPECT_GE(metric(server, "livechat_closed_evictions_total"), 70);
  EXPECT_GE(metric(server, "livechat_closed_loads_total"), 121);

  // Evicted again, then read from the store after a crash: the acked edits are there.
  server.kill9();
  server.start();
  ASSERT_FALSE(HasFatalFailure());
  auto got = api(server, anna.token, "GET", "/api/conversations/" + old);
  ASSERT_EQ(got.status, 200) << got.body;
  json c = json::parse(got.body);
  EXPECT_EQ(c["phase"], "closed");
  EXPECT_EQ(c["panel"]["person_name"], "Ida Neri");
  ASSERT_EQ(c["items"].size(), 1u);
  EXPECT_EQ(c["items"][0]["kind"], "lead");
  EXPECT_EQ(c["messages"].back()["note"], "lead_created");
}

TEST_F(History, ReconnectWithAfterPosGetsExactlyTheChanges) {
  Server server;
  start(server);
  ASSERT_FALSE(HasFatalFailure());
  Agent anna, marco;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_TRUE(marco.connect(server, "marco@demo.local"));
  for (Agent* a : {&anna, &marco}) ASSERT_EQ(a->command({{"type", "set_online"}, {"online", true}})["type"], "ack");
  Visitor x, z;
  const std::string mine = assigned_chat(server, anna, x);  // anna's: she sees its events
  ASSERT_TRUE(z.connect(server));
  to_live_chat(z);  // unassigned: anna sees it now, and will not once marco takes it
  ASSERT_FALSE(HasFatalFailure());
  anna.peer.wait([&](const json& j) { return j.value("type", "") == "conversation" && j["conversation"]["id"] == z.conversation; });
  anna.peer.drain(200);
  const uint64_t seen = healthz_pos(server);
  anna.peer.socket().close();

  Visitor y;
  ASSERT_EQ(x.say("are you there?")["type"], "ack");                      // an event of a chat she sees
  ASSERT_TRUE(y.connect(server));
  to_live_chat(y);                                                         // came into view
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(marco.command({{"type", "assign_to_me"}, {"conversation", z.conversation}})["type"], "ack");  // left it
  json panel = {{"deal_value_cents", nullptr}, {"currency", ""}, {"expected_close_date", ""}, {"person_name", "Old friend"},
                {"email", ""}, {"phone", ""}, {"organization_name", ""}, {"organization_address", ""}, {"notes", ""}};
  const std::string old = seeded_id(5);
  ASSERT_EQ(marco.command({{"type", "update_side_panel"}, {"conversation", old}, {"panel", panel}})["type"], "ack");
  marco.peer.drain(500);  // anna's away mark (a user event) lands too
  const uint64_t now = healthz_pos(server);
  ASSERT_GT(now, seen);

  Peer back;
  ASSERT_TRUE(back.connect(server, "/ws/agent", server.origin()));
  back.send({{"v", 1}, {"type", "hello"}, {"token", anna.token}, {"after_pos", seen}});
  std::vector<json> frames = frames_until(back, "resumed");
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back()["type"], "resumed");
  EXPECT_EQ(frames.back()["last_pos"], now);
  std::multiset<std::string> events;  // "conversation/type" of each conversation event
  std::vector<std::string> whole, hidden;
  uint64_t last = seen;
  for (const json& f : frames) {
    std::string type = f.value("type", "");
    EXPECT_NE(type, "snapshot");
    if (type == "event") {
      EXPECT_GT(f["pos"].get<uint64_t>(), last) << "in order, after what she had";
      last = f["pos"];
      if (f["event"].contains("conversation")) events.insert(f["event"].value("conversation", "") + "/" + f["event"].value("type", ""));
    } else if (type == "conversation") {
      whole.push_back(f["conversation"]["id"]);
      EXPECT_EQ(f["pos"], now);
    } else if (type == "hidden") {
      hidden.push_back(f["conversation"]);
    }
  }
  EXPECT_EQ(events, (std::multiset<std::string>{mine + "/message_posted", old + "/side_panel_updated"}));
  EXPECT_EQ(whole, std::vector<std::string>{y.conversation});
  EXPECT_EQ(hidden, std::vector<std::string>{z.conversation});
  EXPECT_EQ(metric(server, "livechat_agent_syncs_total{kind=\"changes\"}"), 1);
  // Live again from there.
  ASSERT_EQ(x.say("hello again")["type"], "ack");
  back.wait_event("message_posted", mine);
}

// Far behind (more than --resume-events), or ahead of the server: a snapshot instead.
TEST(HistorySync, FarBehindGetsASnapshot) {
  Server server({"--resume-events", "2"});
  server.start();
  ASSERT_FALSE(HasFatalFailure());
  Agent anna, marco;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_TRUE(marco.connect(server, "marco@demo.local"));
  const uint64_t seen = healthz_pos(server);
  for (bool online : {true, false, true}) ASSERT_EQ(marco.command({{"type", "set_online"}, {"online", online}})["type"], "ack");
  for (uint64_t after : {seen, healthz_pos(server) + 100}) {
    Peer back;
    ASSERT_TRUE(back.connect(server, "/ws/agent", server.origin()));
    back.send({{"v", 1}, {"type", "hello"}, {"token", anna.token}, {"after_pos", after}});
    json snap = back.wait_type("snapshot");
    ASSERT_TRUE(snap.is_object()) << after;
    EXPECT_EQ(snap["pos"], healthz_pos(server));
    EXPECT_FALSE(back.sees([](const json& j) { return j.value("type", "") == "resumed"; }, 200));
  }
  // Up to date: nothing but resumed.
  Peer current;
  ASSERT_TRUE(current.connect(server, "/ws/agent", server.origin()));
  current.send({{"v", 1}, {"type", "hello"}, {"token", anna.token}, {"after_pos", healthz_pos(server)}});
  frames_until(current, "resumed");
  std::vector<json> got = current.log();
  ASSERT_EQ(got.size(), 2u);  // agent_welcome, resumed
  EXPECT_EQ(got[1]["type"], "resumed");
}

// A working set larger than one frame may hold goes out as the users, then one conversation a frame.
TEST(HistorySync, ALargeSnapshotIsSplitIntoFrames) {
  Server server({"--max-snapshot-bytes", "1024"});
  server.start();
  ASSERT_FALSE(HasFatalFailure());
  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}})["type"], "ack");
  Visitor a, b;
  for (Visitor* v : {&a, &b}) {
    ASSERT_TRUE(v->connect(server));
    to_live_chat(*v);
    ASSERT_FALSE(HasFatalFailure());
  }
  Peer fresh;
  ASSERT_TRUE(fresh.connect(server, "/ws/agent", server.origin()));
  fresh.send({{"v", 1}, {"type", "hello"}, {"token", anna.token}});
  json snap = fresh.wait_type("snapshot");
  ASSERT_TRUE(snap.is_object());
  EXPECT_TRUE(snap["conversations"].empty());
  EXPECT_EQ(snap["users"].size(), 3u);
  std::set<std::string> got;
  for (int i = 0; i < 2; ++i) {
    json c = fresh.wait_type("conversation");
    EXPECT_EQ(c["pos"], snap["pos"]);
    EXPECT_LE(c.dump().size(), 64u * 1024);
    got.insert(c["conversation"].value("id", ""));
  }
  EXPECT_EQ(got, (std::set<std::string>{a.conversation, b.conversation}));
  EXPECT_EQ(metric(server, "livechat_split_snapshots_total"), 1);
}


// Waits up to `ms` for a /metrics sample to reach `at_least`.
bool metric_reaches(Server& server, const std::string& name, double at_least, int ms = 10'000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (metric(server, name) < at_least) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// A visitor who comes back to a dormant conversation: the same one, its transcript replayed, the
// chatbot asking what it asked when they left, and the flow going on from there.
void comes_back(Server& server, const Visitor& left, const std::string& expected_prompt) {
  Visitor back;
  back.token = left.token;
  back.next_request = left.next_request;  // new client ids: the widget keeps counting
  ASSERT_TRUE(back.connect(server));
  ASSERT_EQ(back.conversation, left.conversation);
  back.peer.send({{"v", 1}, {"type", "resume"}, {"conversation", back.conversation}, {"after", 0}});
  back.peer.wait_type("resumed");
  EXPECT_EQ(back.prompt().value("kind", ""), expected_prompt);
  int answers = 0;
  for (const json& f : back.peer.log())
    if (f.value("type", "") == "event" && f["event"].value("type", "") == "message_posted" &&
        f["event"].value("author", "") == "visitor")
      ++answers;
  EXPECT_EQ(answers, 1) << "the transcript is replayed from the store";
  ASSERT_EQ(back.answer("vera@example.it").value("type", ""), "ack");
  ASSERT_EQ(back.answer("Vera").value("type", ""), "ack");
  back.peer.wait_event("live_chat_requested", back.conversation);
}

// A visitor who leaves mid-flow leaves memory after --dormant-after-ms (their conversation is in
// the store alone), a restart does not read it back, and their return wakes it where they left.
TEST(HistoryDormant, AVisitorWhoLeftMidFlowSleepsAndWakesWhereTheyLeft) {
  Server server({"--dormant-after-ms", "2000"});
  server.start();
  ASSERT_FALSE(HasFatalFailure());
  Visitor first, second;
  for (Visitor* v : {&first, &second}) {
    ASSERT_TRUE(v->connect(server));
    ASSERT_EQ(v->start().value("type", ""), "ack");
    ASSERT_EQ(v->answer("I want a demo").value("type", ""), "ack");
    v->peer.wait([](const json& j) { return j.value("type", "") == "prompt" && j.value("field", "") == "email"; });
    v->peer.socket().close();
  }
  ASSERT_TRUE(metric_reaches(server, "livechat_dormant_total", 2)) << "both left memory";
  EXPECT_EQ(metric(server, "livechat_conversations_held"), 0);

  comes_back(server, first, "capture");
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(metric(server, "livechat_dormant_woken_total"), 1);
  EXPECT_EQ(metric(server, "livechat_conversations_held"), 1);  // first's chat, now in Unassigned

  // A restart reads the unassigned chat, not the dormant one; its visitor still finds it.
  server.kill9();
  server.start();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(metric(server, "livechat_conversations_held"), 1);
  comes_back(server, second, "capture");
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(metric(server, "livechat_conversations_held"), 2);
}

}  // namespace
}  // namespace livechat::itest
