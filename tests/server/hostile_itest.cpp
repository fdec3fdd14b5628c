// Hostile input to the running server (issue #7, item 5), beyond what resilience_itest covers
// (malformed JSON, deep nesting, floods, oversized frames, garbage HTTP) and net_*_test (slowloris):
// invalid UTF-8, wrong types in every field of every frame, very many connections from one
// address, token guessing, and spoofed Origins. Each gets a clear error or a clean close, nothing
// of it is stored, and another client is still served afterwards. Each test prints its cases.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <random>

#include "harness.hpp"
#include "livechat/model.hpp"
#include "livechat/side_panel.hpp"

namespace livechat::itest {
namespace {

// A TCP connection to the server from `source` (every 127.x.y.z address is this machine), so a
// test can be another client than the one it is throttling. -1 on failure.
int connect_from(const char* source, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in from{}, to{};
  from.sin_family = to.sin_family = AF_INET;
  inet_pton(AF_INET, source, &from.sin_addr);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  to.sin_port = htons(port);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// GET `path` from `source` with optional extra header lines; the answer's status (0: none).
int get_from(const char* source, uint16_t port, const std::string& path, const std::string& headers = "") {
  int fd = connect_from(source, port);
  if (fd < 0) return 0;
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n" + headers +
                        "Connection: close\r\n\r\n";
  std::string answer;
  if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(answer.c_str() + 9) : 0;
}

// Another client, from the same address, is still served: a widget says hello and gets a pong.
void another_client_is_served(Server& server) {
  EXPECT_TRUE(server.running());
  Visitor other;
  ASSERT_TRUE(other.connect(server));
  other.peer.send({{"v", 1}, {"type", "ping"}});
  EXPECT_EQ(other.peer.wait_type("pong").value("type", ""), "pong");
  EXPECT_EQ(get_from("127.0.0.1", server.port(), "/healthz"), 200);
}

// A visitor in live chat with anna: the conversation hostile frames aim at.
void live_chat(Server& server, Agent& anna, Visitor& v) {
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");
  ASSERT_TRUE(v.connect(server));
  to_live_chat(v);
  assign_to(anna, v);
}

uint64_t log_pos(Server& server) {
  test::HttpClient http("127.0.0.1", server.port());
  return json::parse(http.get("/healthz").body).value("pos", uint64_t{0});
}

TEST(Hostile, InvalidUtf8IsRefusedAndNeverStored) {
  Server server;
  server.start();
  Agent anna;
  Visitor v;
  live_chat(server, anna, v);
  uint64_t pos = log_pos(server);
  int cases = 0, answered = 0, closed_1007 = 0;

  // Raw bytes that are not UTF-8 in a text frame: a lone continuation byte, an overlong '/', an
  // encoded surrogate, a code point past U+10FFFF, a sequence cut short.
  const char* bad[] = {"\xff", "\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
  for (const char* bytes : bad) {
    SCOPED_TRACE(testing::PrintToString(std::string(bytes)));
    Visitor again;
    again.token = v.token;
    ASSERT_TRUE(again.connect(server));
    std::string frame = R"({"v":1,"type":"send_message","id":"u1","conversation":")" + v.conversation +
                        R"(","client_id":"u1","text":"bad )" + bytes + R"("})";
    ASSERT_TRUE(again.peer.socket().send(frame));
    // Either the WebSocket layer closes with 1007 (invalid frame payload data) or the decoder
    // answers bad_request: both are clear, neither stores anything.
    bool refused = again.peer.sees([](const json& j) { return j.value("code", "") == "bad_request"; }, 3000);
    if (!refused) {
      EXPECT_TRUE(again.peer.socket().wait_closed(3000));
      EXPECT_EQ(again.peer.socket().close_code(), 1007);
    }
    ++(refused ? answered : closed_1007);
    ++cases;
  }
  // Escaped, the bytes are valid UTF-8 but the text is not: lone surrogates.
  for (const char* escaped : {R"(\ud800)", R"(\udc00)", R"(\ud800\u0041)", R"(\udbff\udbff)"}) {
    SCOPED_TRACE(escaped);
    std::string frame = R"({"v":1,"type":"send_message","id":"u2","conversation":")" + v.conversation +
                        R"(","client_id":"u2","text":"bad )" + escaped + R"("})";
    ASSERT_TRUE(v.peer.socket().send(frame));
    EXPECT_EQ(v.peer.wait([](const json& j) { return j.value("type", "") == "error"; })["code"], "bad_request");
    ++cases;
  }
  // REST bodies: raw invalid bytes and escaped lone surrogates, on a write per kind of route.
  test::HttpClient http("127.0.0.1", server.port());
  std::string admin = login(server, "admin@demo.local");
  test::HeaderList as_anna = {{"Authorization", "Bearer " + anna.token}, {"Content-Type", "application/json"}};
  test::HeaderList as_admin = {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}};
  std::string leads_before = http.get("/api/leads", as_admin).body;
  const std::pair<std::string, std::string> writes[] = {
      {"/api/conversations/" + v.conversation + "/leads", "title"}, {"/api/leads", "title"},
      {"/api/persons", "name"}, {"/api/playbooks", "name"}, {"/api/notes", "content"}};
  for (const auto& [path, field] : writes) {
    for (std::string value : {std::string("bad \xff"), std::string("bad \xed\xa0\x80"), std::string(R"(bad \ud800)")}) {
      SCOPED_TRACE(path + " " + testing::PrintToString(value));
      auto r = http.request("POST", path, R"({")" + field + R"(":")" + value + R"("})",
                            path.find("conversations") != std::string::npos ? as_anna : as_admin);
      EXPECT_EQ(r.status, 400) << r.body;
      EXPECT_TRUE(json::parse(r.body, nullptr, false).contains("error")) << r.body;
      ++cases;
    }
  }

  // Nothing was stored: no event, no message, no record.
  EXPECT_EQ(log_pos(server), pos);
  EXPECT_EQ(http.get("/api/conversations/" + v.conversation, as_anna).body.find("bad "), std::string::npos);
  EXPECT_EQ(http.get("/api/leads", as_admin).body, leads_before);
  another_client_is_served(server);
  std::printf("[ hostile  ] invalid UTF-8: %d cases tried (raw bytes in a text frame: %d closed with 1007, %d "
              "answered bad_request)\n",
              cases, closed_1007, answered);
}

// Every refusal made once the frame's id could be read names that id (docs/protocol.md "error"):
// a client with several requests in flight knows which one failed.
TEST(Hostile, RefusalsNameTheirRequest) {
  auto refusal = [](Peer& peer, const std::string& id) {
    return peer.wait([&](const json& j) { return j.value("type", "") == "error" && j.value("id", "") == id; });
  };
  const std::string long_text(kMaxMessageBytes + 1, 'x');
  Server server;
  server.start();
  Agent anna;
  Visitor v;
  live_chat(server, anna, v);
  uint64_t pos = log_pos(server);
  // The visitor: a message too long (refused by the decoder), a blank one (by decide), a wrong
  // JSON type, another protocol version, a command visitors may not send.
  struct Case {
    const char* id;
    json frame;
    const char* code;
    const char* field;
  };
  const Case visitor_cases[] = {
      {"too-long", {{"type", "send_message"}, {"conversation", v.conversation}, {"text", long_text}, {"client_id", "m1"}},
       "too_large", "text"},
      {"blank", {{"type", "send_message"}, {"conversation", v.conversation}, {"text", "  \n "}, {"client_id", "m2"}},
       "invalid_field", "text"},
      {"wrong-type", {{"type", "answer"}, {"conversation", v.conversation}, {"text", 7}, {"client_id", "m3"}},
       "bad_request", "text"},
      {"long-answer", {{"type", "answer"}, {"conversation", v.conversation}, {"text", long_text}, {"client_id", "m4"}},
       "too_large", "text"},
      {"not-yours", {{"type", "close_conversation"}, {"conversation", v.conversation}}, "forbidden", ""},
  };
  for (const Case& c : visitor_cases) {
    SCOPED_TRACE(c.id);
    json frame = c.frame;
    frame["v"] = 1;
    frame["id"] = c.id;
    v.peer.send(frame);
    json e = refusal(v.peer, c.id);
    EXPECT_EQ(e.value("code", ""), c.code) << e.dump();
    EXPECT_EQ(e.value("field", ""), c.field) << e.dump();
  }
  json future = {{"v", 2}, {"type", "send_message"}, {"id", "v2"}, {"conversation", v.conversation}, {"text", "Hi"},
                 {"client_id", "m5"}};
  v.peer.send(future);
  EXPECT_EQ(refusal(v.peer, "v2").value("code", ""), "unsupported_version");
  // The agent: a side panel field over kMaxPanelField is too_large (decide), a message too long
  // is too_large (decoder); both name their request.
  json panel = anna.command({{"type", "update_side_panel"}, {"conversation", v.conversation},
                             {"panel", {{"deal_value_cents", nullptr}, {"currency", ""}, {"expected_close_date", ""},
                                        {"person_name", std::string(kMaxPanelField + 1, 'n')}, {"email", ""},
                                        {"phone", ""}, {"organization_name", ""}, {"organization_address", ""},
                                        {"notes", ""}}}});
  EXPECT_EQ(panel.value("type", ""), "error");
  EXPECT_EQ(panel.value("code", ""), "too_large");
  EXPECT_EQ(panel.value("field", ""), "person_name");  // decide names the side panel field
  json message = anna.command({{"type", "send_message"}, {"conversation", v.conversation}, {"text", long_text},
                               {"client_id", "a-long"}});
  EXPECT_EQ(message.value("type", ""), "error");
  EXPECT_EQ(message.value("code", ""), "too_large");
  // Nothing was stored, and both sockets still work.
  EXPECT_EQ(log_pos(server), pos);
  EXPECT_EQ(v.say("still here").value("type", ""), "ack");
}

// A valid frame of every type a client may send. Each field in turn gets a value of the wrong JSON
// type: the answer is bad_request naming the field.
const json kValidFrames[] = {
    {{"type", "add_user"}, {"id", "r"}, {"user", {{"id", "u"}, {"name", "N"}, {"email", "n@x.io"}, {"role", "regular"},
                                                   {"online", false}, {"away", false},
                                                   {"notifications", {{"new_unassigned", true}, {"assigned_to_me", true},
                                                                      {"new_message", true}}}}}},
    {{"type", "set_role"}, {"id", "r"}, {"user", "u"}, {"role", "admin"}},
    {{"type", "set_online"}, {"id", "r"}, {"online", true}},
    {{"type", "set_away"}, {"id", "r"}, {"user", "u"}, {"away", true}},
    {{"type", "set_notification_settings"}, {"id", "r"},
     {"settings", {{"new_unassigned", true}, {"assigned_to_me", true}, {"new_message", false}}}},
    {{"type", "start_conversation"}, {"id", "r"}, {"conversation", "c"}, {"visitor_id", "v"}, {"playbook_id", "p"},
     {"visitor_name", "L"}},
    {{"type", "send_message"}, {"id", "r"}, {"conversation", "c"}, {"text", "Hi"}, {"client_id", "m"}},
    {{"type", "request_live_chat"}, {"id", "r"}, {"conversation", "c"}, {"wait_seconds", 120}},
    {{"type", "expire_wait"}, {"id", "r"}, {"conversation", "c"}},
    {{"type", "assign_to_me"}, {"id", "r"}, {"conversation", "c"}},
    {{"type", "reassign"}, {"id", "r"}, {"conversation", "c"}, {"to", "u"}},
    {{"type", "close_conversation"}, {"id", "r"}, {"conversation", "c"}},
    {{"type", "update_side_panel"}, {"id", "r"}, {"conversation", "c"},
     {"panel", {{"deal_value_cents", 100}, {"currency", "EUR"}, {"expected_close_date", "2030-01-01"},
                {"person_name", "L"}, {"email", "l@x.io"}, {"phone", "1"}, {"organization_name", "O"},
                {"organization_address", "A"}, {"notes", "N"}}}},
    {{"type", "record_item"}, {"id", "r"}, {"conversation", "c"}, {"kind", "deal"}, {"item_id", "d"}},
    {{"type", "resume"}, {"conversation", "c"}, {"after", 12}},
    {{"type", "resume"}, {"after_pos", 340}},
    {{"type", "typing"}, {"conversation", "c"}, {"typing", true}},
    {{"type", "answer"}, {"id", "r"}, {"conversation", "c"}, {"text", "Pricing"}, {"client_id", "m"}},
    {{"type", "hello"}, {"token", "t"}, {"playbook", "p"}, {"lang", "it"}, {"after_pos", 3}},
    {{"type", "start"}, {"id", "r"}},
};

// Values of other JSON types than `value`'s.
std::vector<json> wrong_types(const json& value) {
  std::vector<json> out;
  if (!value.is_string()) out.push_back("7");
  if (!value.is_number()) out.push_back(7);
  if (!value.is_boolean()) out.push_back(true);
  if (!value.is_object()) out.push_back(json::object());
  out.push_back(json::array());
  if (value.is_number_integer()) out.push_back(1.5);
  return out;
}

// Every (path, frame) with one field, at any depth, replaced by a value of a wrong type.
void mutations(const json& frame, const json& node, const std::string& prefix, json::json_pointer at,
               std::vector<std::pair<std::string, json>>& out) {
  for (const auto& [key, value] : node.items()) {
    if (prefix.empty() && key == "type") continue;
    std::string path = prefix.empty() ? key : prefix + "." + key;
    for (const json& wrong : wrong_types(value)) {
      json changed = frame;
      changed[at / key] = wrong;
      out.emplace_back(path, changed);
    }
    if (value.is_object()) mutations(frame, value, path, at / key, out);
  }
}

TEST(Hostile, WrongTypesInEveryFieldOfEveryFrame) {
  Server server;
  server.start();
  uint64_t pos = log_pos(server);
  std::vector<std::pair<std::string, json>> cases;
  for (const json& frame : kValidFrames) {
    json f = frame;
    f["v"] = 1;
    mutations(f, f, "", json::json_pointer(), cases);
  }
  // Frames are decoded before anything else, so a socket that never says hello answers them too;
  // a new one every 30 frames stays inside the per-connection rate limit.
  Peer peer;
  int on_peer = 30;
  for (const auto& [field, frame] : cases) {
    SCOPED_TRACE(frame.dump());
    if (++on_peer > 30) {
      ASSERT_TRUE(peer.connect(server, "/ws/visitor?playbook=pb_demo", server.origin()));
      on_peer = 1;
    }
    peer.send(frame);
    json error = peer.wait_type("error");
    EXPECT_EQ(error.value("code", ""), "bad_request") << error.dump();
    EXPECT_EQ(error.value("field", ""), field) << error.dump();
  }
  int ws_cases = static_cast<int>(cases.size());

  // REST: each field of one write per kind of route, and bodies that are not JSON objects.
  std::string admin = login(server, "admin@demo.local");
  test::HttpClient http("127.0.0.1", server.port());
  test::HeaderList as_admin = {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}};
  const std::pair<std::string, json> writes[] = {
      {"POST /api/leads", {{"title", "L"}, {"person_id", ""}, {"organization_id", ""}, {"conversation_id", ""},
                           {"value_cents", 100}, {"currency", "EUR"}, {"expected_close_date", "2030-01-01"},
                           {"owner_id", ""}, {"status", "open"}}},
      {"POST /api/activities", {{"subject", "S"}, {"type", "call"}, {"done", false}, {"note", "n"}}},
      {"POST /api/users", {{"name", "N"}, {"email", "n@x.io"}, {"password", "12345678"}, {"role", "regular"}}},
      {"PUT /api/me/notifications", {{"new_unassigned", true}, {"assigned_to_me", true}, {"new_message", true}}},
      {"POST /api/playbooks", {{"name", "P"}, {"template", "live_chat"}}},
      {"PATCH /api/playbooks/pb_demo/cards/live_chat", {{"wait_seconds", 30}, {"online_message", "Hi"}}},
      {"POST /api/login", {{"email", "admin@demo.local"}, {"password", "x"}}}};
  int rest_cases = 0;
  for (const auto& [route, body] : writes) {
    std::string method = route.substr(0, route.find(' ')), path = route.substr(route.find(' ') + 1);
    for (const auto& [key, value] : body.items())
      for (const json& wrong : wrong_types(value)) {
        json changed = body;
        changed[key] = wrong;
        SCOPED_TRACE(route + " " + changed.dump());
        auto r = http.request(method, path, changed.dump(), as_admin);
        EXPECT_EQ(r.status, 400) << r.body;
        EXPECT_TRUE(json::parse(r.body, nullptr, false).contains("error")) << r.body;
        ++rest_cases;
      }
  }
  for (std::string body : {std::string("[]"), std::string("\"x\""), std::string("{\"title\":"), std::string(5000, '['),
                           std::string("{\"title\":\"a\"} trailing")}) {
    auto r = http.request("POST", "/api/leads", body, as_admin);
    EXPECT_EQ(r.status, 400) << body.substr(0, 40) << " " << r.body;
    ++rest_cases;
  }

  EXPECT_EQ(log_pos(server), pos) << "nothing was stored";
  another_client_is_served(server);
  std::printf("[ hostile  ] wrong types: %d frames (%zu frame types, every field) + %d REST bodies tried\n",
              ws_cases, std::size(kValidFrames), rest_cases);
}

TEST(Hostile, ManyConnectionsFromOneAddressAreCapped) {
  int cases = 0;
  {
    // The default cap (1000): the 1001st connection from one address is refused with 429.
    Server server;
    server.start();
    std::vector<int> held;
    while (held.size() < 1000) {
      int fd = connect_from("127.0.0.1", server.port());
      ASSERT_GE(fd, 0);
      held.push_back(fd);
    }
    // The server accepts them one by one: wait until it holds all of them (each answer is a
    // 429 until it does, so the wait ends when the slots are full).
    int status = 0;
    for (int i = 0; i < 200 && status != 429; ++i) status = get_from("127.0.0.1", server.port(), "/healthz");
    EXPECT_EQ(status, 429);
    EXPECT_EQ(get_from("127.0.0.2", server.port(), "/healthz"), 200) << "another address is served";
    for (int fd : held) ::close(fd);
    ++cases;
  }
  Server server({"--max-connections-per-ip", "20"});
  server.start();
  std::vector<int> held;
  for (int i = 0; i < 20; ++i) held.push_back(connect_from("127.0.0.1", server.port()));
  test::HttpClient http("127.0.0.1", server.port());
  test::HttpReply refused;
  for (int i = 0; i < 200 && refused.status != 429; ++i) refused = http.get("/healthz");  // until all 20 are held
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(json::parse(refused.body, nullptr, false)["error"]["code"], "rate_limited") << refused.body;
  // A WebSocket upgrade sees the same answer.
  test::WsClient ws;
  EXPECT_FALSE(ws.connect("127.0.0.1", server.port(), "/ws/visitor?playbook=pb_demo", server.origin()));
  EXPECT_EQ(ws.http_status(), 429);
  cases += 2;
  // Others are served meanwhile; once the address lets go, it is served again.
  EXPECT_EQ(get_from("127.0.0.2", server.port(), "/healthz"), 200);
  for (int fd : held) ::close(fd);
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) status = get_from("127.0.0.1", server.port(), "/healthz");
  EXPECT_EQ(status, 200);
  another_client_is_served(server);
  ++cases;
  std::printf("[ hostile  ] connections per address: %d cases tried\n", cases);
}

TEST(Hostile, TokenGuessingIsThrottledAndNeverSucceeds) {
  Server server;  // the default: 60 invalid tokens a minute per address
  server.start();
  Agent anna;
  Visitor v;
  live_chat(server, anna, v);
  std::mt19937_64 random(7);
  auto guess = [&] {
    char hex[65];
    for (int i = 0; i < 64; ++i) hex[i] = "0123456789abcdef"[random() % 16];
    hex[64] = 0;
    return std::string(hex);
  };
  // The first guess on the dashboard socket: refused, naming the token (the dashboard's cue to
  // show its sign-in), and closed.
  Peer first;
  ASSERT_TRUE(first.connect(server, "/ws/agent", server.origin()));
  first.send({{"v", 1}, {"type", "hello"}, {"token", guess()}});
  json refused = first.wait_type("error");
  EXPECT_EQ(refused["code"], "forbidden");
  EXPECT_EQ(refused.value("field", ""), "token");
  EXPECT_TRUE(first.socket().wait_closed(3000));
  // REST: the next 59 guesses are answered 401, then the address is refused unchecked (429), even
  // with a valid token: a right guess could not be told from a wrong one.
  int unauthorized = 0, throttled = 0, cases = 1;
  for (int i = 0; i < 80; ++i, ++cases) {
    int s = api(server, guess(), "GET", "/api/me").status;
    unauthorized += s == 401;
    throttled += s == 429;
    EXPECT_TRUE(s == 401 || s == 429) << s;
  }
  EXPECT_EQ(unauthorized, 59);
  EXPECT_EQ(throttled, 21);
  EXPECT_EQ(api(server, anna.token, "GET", "/api/me").status, 429);
  // The dashboard socket: refused with rate_limited and closed.
  Peer dashboard;
  ASSERT_TRUE(dashboard.connect(server, "/ws/agent", server.origin()));
  dashboard.send({{"v", 1}, {"type", "hello"}, {"token", anna.token}});
  json limited = dashboard.wait_type("error");
  EXPECT_EQ(limited["code"], "rate_limited");
  EXPECT_EQ(limited.value("field", ""), "token");
  EXPECT_TRUE(dashboard.socket().wait_closed(3000));
  // The widget: the token is not looked up, the visitor starts afresh (never someone else).
  Visitor returning;
  returning.token = v.token;
  ASSERT_TRUE(returning.connect(server));
  EXPECT_NE(returning.visitor_id, v.visitor_id);
  EXPECT_EQ(returning.conversation, "");
  cases += 3;
  // Another address is served, with the same valid token; already open sockets are untouched.
  EXPECT_EQ(get_from("127.0.0.2", server.port(), "/api/me", "Authorization: Bearer " + anna.token + "\r\n"), 200);
  EXPECT_EQ(anna.command({{"type", "send_message"}, {"conversation", v.conversation}, {"text", "still here"},
                          {"client_id", "t1"}}).value("type", ""),
            "ack");

  // Passwords: 10 wrong ones a minute per address, then even the right one is refused.
  test::HttpClient http("127.0.0.1", server.port());
  int wrong = 0;
  for (int i = 0; i < 10; ++i, ++cases)
    wrong += http.post("/api/login", json{{"email", "marco@demo.local"}, {"password", guess()}}.dump()).status == 401;
  EXPECT_EQ(wrong, 10);
  EXPECT_EQ(http.post("/api/login", json{{"email", "marco@demo.local"}, {"password", kPassword}}.dump()).status, 429);
  ++cases;
  another_client_is_served(server);
  std::printf("[ hostile  ] token guessing: %d cases tried\n", cases);
}

TEST(Hostile, SpoofedOriginsAreRefusedOnBothSocketsAndCookieWrites) {
  Server server;
  server.start();
  std::string port = std::to_string(server.port());
  const std::string spoofed[] = {"https://evil.example",
                                 "null",
                                 "",
                                 "http://127.0.0.1:" + port + ".evil.example",
                                 "http://127.0.0.1:" + port + "@evil.example",
                                 "http://evil.example/http://127.0.0.1:" + port,
                                 "http://127.0.0.1:" + port + "/",
                                 "http://localhost:" + port,
                                 "http://127.0.0.1:1",
                                 "http://127.0.0.1"};
  std::string admin = login(server, "admin@demo.local");
  test::HttpClient http("127.0.0.1", server.port());
  test::HeaderList as_admin = {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}};
  auto made = http.request("POST", "/api/persons", R"({"name":"Pia"})", as_admin);
  ASSERT_EQ(made.status, 201);
  std::string person = json::parse(made.body)["id"];
  uint64_t pos = log_pos(server);
  std::string persons = http.get("/api/persons", as_admin).body;
  int cases = 0;
  for (const std::string& origin : spoofed) {
    SCOPED_TRACE("Origin: '" + origin + "'");
    test::WsClient agent, widget;
    EXPECT_FALSE(agent.connect("127.0.0.1", server.port(), "/ws/agent", origin, "lc_session=" + admin));
    EXPECT_EQ(agent.http_status(), 403);
    EXPECT_FALSE(widget.connect("127.0.0.1", server.port(), "/ws/visitor?playbook=pb_demo", origin));
    EXPECT_EQ(widget.http_status(), 403);
    // Writes carried by the session cookie, one per method.
    test::HeaderList cookie = {{"Cookie", "lc_session=" + admin}, {"Content-Type", "application/json"}};
    if (!origin.empty()) cookie.push_back({"Origin", origin});
    const std::pair<const char*, std::string> writes[] = {{"POST", "/api/persons"},
                                                          {"PATCH", "/api/persons/" + person},
                                                          {"PUT", "/api/me/notifications"},
                                                          {"DELETE", "/api/playbooks/pb_demo"}};
    for (const auto& [method, path] : writes) {
      auto r = http.request(method, path, R"({"name":"Mallory","new_message":false})", cookie);
      EXPECT_EQ(r.status, 403) << method << " " << path << " " << r.body;
    }
    cases += 6;
  }
  EXPECT_EQ(log_pos(server), pos) << "no refused write was stored";
  EXPECT_EQ(http.get("/api/persons", as_admin).body, persons);
  EXPECT_EQ(http.get("/api/playbooks/pb_demo", as_admin).status, 200);
  // The same requests from the server's own pages are accepted (the checks are not blanket).
  test::HeaderList own = {{"Cookie", "lc_session=" + admin}, {"Origin", server.origin()}, {"Content-Type", "application/json"}};
  EXPECT_EQ(http.request("PATCH", "/api/persons/" + person, R"({"name":"Pia B."})", own).status, 200);
  test::WsClient agent;
  EXPECT_TRUE(agent.connect("127.0.0.1", server.port(), "/ws/agent", server.origin(), "lc_session=" + admin));
  // A bearer token is not sent by browsers on their own: its writes need no Origin.
  test::HeaderList bearer = as_admin;
  bearer.push_back({"Origin", "https://evil.example"});
  EXPECT_EQ(http.request("PATCH", "/api/persons/" + person, R"({"name":"Pia C."})", bearer).status, 200);
  cases += 3;
  another_client_is_served(server);
  std::printf("[ hostile  ] spoofed origins: %d cases tried\n", cases);
}

}  // namespace
}  // namespace livechat::itest
