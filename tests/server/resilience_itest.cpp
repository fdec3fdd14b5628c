// Permission denials, restart and resume with nothing lost or duplicated, and bad input that
// gets a clear error while the server stays up.
#include <thread>

#include "harness.hpp"

namespace livechat::itest {
namespace {

bool is_event(const json& j, const std::string& type) {
  return j.value("type", "") == "event" && j["event"].value("type", "") == type;
}

// A visitor in live chat with anna (assigned), ready for messages both ways.
void live_chat(Server& server, Agent& anna, Visitor& v) {
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  anna.command({{"type", "set_online"}, {"online", true}});
  ASSERT_TRUE(v.connect(server));
  v.start();
  v.answer("I want a demo");
  v.answer("vera@example.it");
  v.answer("Vera");
  anna.peer.wait_type("conversation");
  ASSERT_EQ(anna.command({{"type", "assign_to_me"}, {"conversation", v.conversation}}).value("type", ""), "ack");
}

TEST(Permissions, DeniedAcrossRolesAndVisitors) {
  Server server;
  server.start();
  Agent anna;
  Visitor v;
  live_chat(server, anna, v);

  // A regular agent cannot manage playbooks or users.
  std::string marco = login(server, "marco@demo.local");
  EXPECT_EQ(api(server, marco, "POST", "/api/playbooks", json{{"name", "x"}}).status, 403);
  EXPECT_EQ(api(server, marco, "PATCH", "/api/playbooks/pb_demo/cards/live_chat", json{{"wait_seconds", 5}}).status, 403);
  EXPECT_EQ(api(server, marco, "POST", "/api/users", json{{"name", "Eve"}, {"email", "eve@x.io"}, {"password", "12345678"}}).status,
            403);
  // Wrong passwords and unknown emails get the same answer.
  test::HttpClient sign_in("127.0.0.1", server.port());
  EXPECT_EQ(sign_in.post("/api/login", json{{"email", "anna@demo.local"}, {"password", "wrong"}}.dump()).status, 401);
  EXPECT_EQ(sign_in.post("/api/login", json{{"email", "nobody@demo.local"}, {"password", "wrong"}}.dump()).status, 401);
  // Nobody unauthenticated gets in.
  EXPECT_EQ(api(server, "forged-token", "GET", "/api/leads").status, 401);
  EXPECT_EQ(api(server, "", "GET", "/api/me").status, 401);
  // Marco cannot read anna's chat over REST either.
  EXPECT_EQ(api(server, marco, "GET", "/api/conversations/" + v.conversation).status, 403);

  // Another visitor guessing the conversation id gets nothing.
  Visitor eve;
  ASSERT_TRUE(eve.connect(server));
  eve.peer.send({{"v", 1}, {"type", "resume"}, {"conversation", v.conversation}, {"after", 0}});
  EXPECT_EQ(eve.peer.wait_type("error")["code"], "not_found");
  eve.conversation = v.conversation;
  EXPECT_EQ(eve.say("let me in")["code"], "not_found");
  EXPECT_FALSE(anna.peer.sees([](const json& j) { return is_event(j, "message_posted") && j["event"]["text"] == "let me in"; }, 200));

  // Visitors cannot use agent commands.
  json assign = {{"v", 1}, {"type", "assign_to_me"}, {"id", "x1"}, {"conversation", v.conversation}};
  v.peer.send(assign);
  EXPECT_EQ(v.peer.wait([](const json& j) { return j.value("id", "") == "x1"; })["code"], "forbidden");

  // Origins: the dashboard only from our own pages; the widget only from allowed sites.
  test::WsClient foreign;
  EXPECT_FALSE(foreign.connect("127.0.0.1", server.port(), "/ws/agent", "https://evil.example"));
  EXPECT_EQ(foreign.http_status(), 403);
  test::WsClient foreign_widget;
  EXPECT_FALSE(foreign_widget.connect("127.0.0.1", server.port(), "/ws/visitor?playbook=pb_demo", "https://evil.example"));
  EXPECT_EQ(foreign_widget.http_status(), 403);
  // A dashboard socket with a bad token is refused and closed.
  Peer intruder;
  ASSERT_TRUE(intruder.connect(server, "/ws/agent", server.origin()));
  intruder.send({{"v", 1}, {"type", "hello"}, {"token", "0000"}});
  EXPECT_EQ(intruder.wait_type("error")["code"], "forbidden");
  EXPECT_TRUE(intruder.socket().wait_closed(2000));
  // Cookie-authenticated writes from another site are refused (CSRF).
  test::HttpClient http("127.0.0.1", server.port());
  auto csrf = http.request("POST", "/api/conversations/" + v.conversation + "/leads", "{}",
                           {{"Cookie", "lc_session=" + anna.token}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(csrf.status, 403);
}

TEST(Restart, NothingLostNothingDuplicated) {
  Server server;
  server.start();
  Agent anna;
  Visitor v;
  live_chat(server, anna, v);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(v.say("before crash " + std::to_string(i), "k" + std::to_string(i)).value("type", ""), "ack");
  json last = v.peer.wait([](const json& j) { return is_event(j, "message_posted") && j["event"]["text"] == "before crash 4"; });
  uint64_t seen_seq = last["event"]["seq"];

  server.kill9();  // a crash: every acknowledged message must survive
  server.start();

  // The visitor comes back with its token: same identity, same conversation.
  Visitor again;
  again.token = v.token;
  ASSERT_TRUE(again.connect(server));
  EXPECT_EQ(again.visitor_id, v.visitor_id);
  EXPECT_EQ(again.conversation, v.conversation);
  // Resending an acknowledged message with its idempotency id is answered, not applied twice.
  json dup = again.say("before crash 4", "k4");
  EXPECT_EQ(dup.value("type", ""), "ack");
  EXPECT_EQ(dup.value("duplicate", false), true);
  // Resume from the last seq seen: nothing before it comes again.
  again.peer.send({{"v", 1}, {"type", "resume"}, {"conversation", again.conversation}, {"after", seen_seq}});
  json resumed = again.peer.wait_type("resumed");
  EXPECT_EQ(resumed["last_seq"], seen_seq) << "nothing new happened while it was down";
  for (const auto& f : again.peer.log())
    if (f.value("type", "") == "event" && f["event"].contains("seq")) {
      EXPECT_GT(f["event"]["seq"].get<uint64_t>(), seen_seq) << f.dump();
    }

  // Anna reconnects: the conversation and every message are there exactly once.
  Agent anna2;
  ASSERT_TRUE(anna2.connect(server, "anna@demo.local"));
  const json* conv = nullptr;
  for (const auto& c : anna2.snapshot["conversations"])
    if (c["id"] == v.conversation) conv = &c;
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ((*conv)["assignee"], anna2.user_id);
  int copies = 0;
  for (const auto& m : (*conv)["messages"]) copies += m["text"] == "before crash 4";
  EXPECT_EQ(copies, 1);

  // Messages made while the visitor was away arrive on resume, in order, once.
  ASSERT_EQ(anna2.command({{"type", "send_message"}, {"conversation", v.conversation}, {"text", "missed 1"}, {"client_id", "z1"}})
                .value("type", ""),
            "ack");
  ASSERT_EQ(anna2.command({{"type", "send_message"}, {"conversation", v.conversation}, {"text", "missed 2"}, {"client_id", "z2"}})
                .value("type", ""),
            "ack");
  Visitor third;
  third.token = v.token;
  ASSERT_TRUE(third.connect(server));
  third.peer.send({{"v", 1}, {"type", "resume"}, {"conversation", third.conversation}, {"after", seen_seq}});
  third.peer.wait_type("resumed");
  std::vector<std::string> texts;
  for (const auto& f : third.peer.log())
    if (is_event(f, "message_posted")) texts.push_back(f["event"]["text"]);
  EXPECT_EQ(texts, (std::vector<std::string>{"missed 1", "missed 2"}));

  // The file is sound.
  server.stop();
  std::string check = "sqlite3 '" + server.db() + "' 'PRAGMA integrity_check' | grep -qx ok";
  EXPECT_EQ(std::system(check.c_str()), 0);
}

TEST(HostileInput, ClearErrorsAndTheServerStaysUp) {
  Server server;
  server.start();
  Visitor v;
  ASSERT_TRUE(v.connect(server));
  const char* bad[] = {"not json", "[]", "{\"v\":1}", "{\"v\":2,\"type\":\"ping\"}", "{\"v\":1,\"type\":\"answer\",\"id\":5}",
                       "{\"v\":1,\"type\":\"nope\"}"};
  for (const char* text : bad) {
    ASSERT_TRUE(v.peer.socket().send(text));
    json e = v.peer.wait_type("error");
    EXPECT_FALSE(e.value("message", "").empty()) << text;
  }
  std::string deep(2000, '[');
  ASSERT_TRUE(v.peer.socket().send(deep));
  EXPECT_EQ(v.peer.wait_type("error")["code"], "bad_request");
  // Still usable after all that.
  v.peer.send({{"v", 1}, {"type", "ping"}});
  v.peer.wait_type("pong");

  // A flood is answered with rate_limited, not a crash.
  for (int i = 0; i < 100; ++i) v.peer.socket().send("{\"v\":1,\"type\":\"ping\"}");
  EXPECT_TRUE(v.peer.sees([](const json& j) { return j.value("code", "") == "rate_limited"; }, 3000));
  // A refused frame with a request id is named in the error, so its sender can send it again.
  for (int i = 0; i < 100; ++i)
    v.peer.socket().send(json{{"v", 1}, {"type", "answer"}, {"id", "flood-" + std::to_string(i)},
                              {"conversation", "c_nope"}, {"text", "hi"}, {"client_id", "k" + std::to_string(i)}}
                             .dump());
  EXPECT_TRUE(v.peer.sees([](const json& j) {
    return j.value("code", "") == "rate_limited" && j.value("id", "").starts_with("flood-");
  }, 3000));

  // An oversized frame closes that connection only.
  Visitor big;
  ASSERT_TRUE(big.connect(server));
  big.peer.socket().send(std::string(200'000, 'x'));
  EXPECT_TRUE(big.peer.socket().wait_closed(3000));
  // Garbage HTTP and a huge body get errors; the server keeps serving.
  test::RawClient raw;
  ASSERT_TRUE(raw.connect("127.0.0.1", server.port()));
  raw.write("GARBAGE \x01\x02 nonsense\r\n\r\n");
  EXPECT_NE(raw.read_until_closed(3000).find("400"), std::string::npos);
  std::string admin = login(server, "admin@demo.local");
  EXPECT_EQ(api(server, admin, "POST", "/api/leads", json{{"title", std::string(3'000'000, 'a')}}).status, 413);
  EXPECT_EQ(api(server, admin, "POST", "/api/leads", json{{"title", 42}}).status, 400);
  test::HttpClient http("127.0.0.1", server.port());
  EXPECT_EQ(http.get("/healthz").status, 200);
  EXPECT_TRUE(server.running());
}

}  // namespace
}  // namespace livechat::itest
