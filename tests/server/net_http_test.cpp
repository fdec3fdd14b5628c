// The server over sockets, HTTP: the handler's routes, limits and malformed input; then the
// connection limits and start-up errors (fixture: net_fixture.hpp).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cstdio>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "net_fixture.hpp"

namespace livechat::server::net_fixture {
namespace {

// --------------------------------------------------------------------------------------------
// HTTP: the handler routes, limits, malformed input
// --------------------------------------------------------------------------------------------

TEST_F(NetHttp, ApiGoesToTheHandlerWithDecodedPathQueryAndHeaders) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply reply = client.post("/api/echo%20x?q=a%20b&plus=1+2&flag", "{\"hello\":1}",
                                {{"Cookie", "a=1; lc_session=tok123"}, {"X-Custom", "Yes"}});
  ASSERT_TRUE(reply.ok()) << reply.error;
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.header("set-cookie"), "a=1, b=2") << "repeated headers both sent";
  EXPECT_EQ(reply.header("x-bad"), "") << "a header with CR/LF is dropped";
  EXPECT_EQ(reply.header("injected"), "");
  auto echo = nlohmann::json::parse(reply.body, nullptr, false);
  ASSERT_FALSE(echo.is_discarded()) << reply.body;
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["path"], "/api/echo x");
  EXPECT_EQ(echo["query"]["q"], "a b");
  EXPECT_EQ(echo["query"]["plus"], "1 2");
  EXPECT_EQ(echo["query"]["flag"], "");
  EXPECT_EQ(echo["body"], "{\"hello\":1}");
  EXPECT_EQ(echo["cookie"], "tok123");
  EXPECT_EQ(echo["remote"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
  auto requests = http_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("x-custom"), "Yes") << "header names are lower-case";

  for (const char* path : {"/healthz", "/metrics", "/api"}) {
    HttpReply routed = client.get(path);
    EXPECT_EQ(routed.status, 200) << path;
    EXPECT_EQ(nlohmann::json::parse(routed.body, nullptr, false)["path"], path);
  }
  EXPECT_EQ(client.get("/apiary").status, 404) << "only /api and /api/* go to the handler";
}

TEST_F(NetHttp, HandlerMayAnswerLaterAndKeepAliveHolds) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  for (int i = 0; i < 3; ++i) {
    auto started = Clock::now();
    HttpReply reply = client.get("/api/later");
    ASSERT_TRUE(reply.ok()) << reply.error;
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, R"({"later":true})");
    EXPECT_GE(elapsed_ms(started), 40) << "answered from the loop timer, not inline";
  }
  EXPECT_EQ(client.get("/api/twice").body, "first") << "a second respond is ignored";
  EXPECT_EQ(client.get("/api/echo").status, 200) << "and does not answer the next request";
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(NetHttp, AnswerAfterTheClientLeftIsDroppedQuietly) {
  ASSERT_NO_FATAL_FAILURE(start());
  {
    RawClient client;
    ASSERT_TRUE(client.connect("127.0.0.1", net_->port()));
    ASSERT_TRUE(client.write("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  }  // gone before the handler answers (300 ms)
  ASSERT_TRUE(eventually([&] { return http_->late_answers() == 1; }));
  EXPECT_TRUE(eventually([&] { return net_->stats().http_sessions_open == 0; }));
  EXPECT_EQ(http().get("/healthz").status, 200) << "the server carries on";
}

TEST_F(NetHttp, HandlerDroppingRespondClosesTheConnection) {
  ASSERT_NO_FATAL_FAILURE(start());
  bool closed = false;
  std::string answer = raw("GET /api/never HTTP/1.1\r\nHost: x\r\n\r\n", &closed);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(answer.empty()) << answer;
  EXPECT_TRUE(eventually([&] { return net_->stats().http_sessions_open == 0; }));
}

TEST_F(NetHttp, BodyOverTheLimitIs413) {
  ASSERT_NO_FATAL_FAILURE(start());  // max_body_bytes = 4096
  HttpClient client = http();
  EXPECT_EQ(client.post("/api/echo", std::string(4096, 'a')).status, 200) << "at the limit";
  HttpReply reply = client.post("/api/echo", std::string(64 * 1024, 'a'));
  ASSERT_TRUE(reply.ok()) << reply.error;
  EXPECT_EQ(reply.status, 413);
  auto body = nlohmann::json::parse(reply.body, nullptr, false);
  EXPECT_EQ(body["error"]["code"], "too_large");
  EXPECT_EQ(reply.header("connection"), "close");
  EXPECT_EQ(client.get("/healthz").status, 200) << "a new connection works";

  // Chunked: the limit is found while reading the body.
  std::string chunk(3000, 'b');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  std::string request = "POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += std::string(size) + "\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  std::string answer = raw(request);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
}

TEST_F(NetHttp, MalformedRequestsAre400AndCloseTheConnection) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::pair<const char*, const char*> rows[] = {
      {"request line without version", "hello world\r\n\r\n"},
      {"bad content length", "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"},
      {"header without colon", "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"},
      {"invalid percent-encoding in path", "GET /app%zz.js HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"invalid percent-encoding in query", "GET /api/echo?x=%4 HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"NUL in path", "GET /app%00.js HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"absolute-form target of another scheme", "GET ftp://x/app.js HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"binary garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"},
  };
  for (const auto& [label, request] : rows) {
    bool closed = false;
    std::string answer = raw(request, &closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << label << ": " << answer;
    EXPECT_NE(answer.find("\"code\":\"bad_request\""), std::string::npos) << label << ": " << answer;
    EXPECT_TRUE(closed) << label;
  }
  // RFC 9112 section 3.2.2: the absolute form is served like its path.
  std::string absolute = raw("GET http://x/app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(absolute.rfind("HTTP/1.1 200", 0), 0u) << absolute;
  EXPECT_NE(absolute.find("console.log('plain')"), std::string::npos) << absolute;
  std::string huge_header = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n";
  std::string answer = raw(huge_header);
  EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer.substr(0, 200);
  EXPECT_EQ(http().get("/healthz").status, 200) << "the server carries on";
}

TEST_F(NetHttp, SlowlorisIsCutAtTheHeaderTimeout) {
  NetOptions options = test_options();
  options.header_timeout_ms = 300;
  ASSERT_NO_FATAL_FAILURE(start(options));
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", net_->port()));
  auto started = Clock::now();
  ASSERT_TRUE(client.write("GET /app.js HTTP/1.1\r\nHost: x\r\nX-Slow: "));  // ... and nothing more
  std::string answer = client.read_until_closed(5000);
  int64_t took = elapsed_ms(started);
  EXPECT_TRUE(client.closed());
  EXPECT_TRUE(answer.empty()) << answer;
  EXPECT_GE(took, 250);
  EXPECT_LT(took, 2500);
  EXPECT_TRUE(eventually([&] { return net_->stats().http_sessions_open == 0; }));
  EXPECT_EQ(http().get("/healthz").status, 200);
}

// --------------------------------------------------------------------------------------------
// Limits and start-up
// --------------------------------------------------------------------------------------------

TEST_F(NetLimits, ConnectionsOverTheLimitsAreRejectedAtAccept) {
  NetOptions options = test_options();
  options.max_connections_per_ip = 2;
  ASSERT_NO_FATAL_FAILURE(start(options));
  WsClient first, second, third;
  ASSERT_TRUE(ws_connect(first, "/ws/visitor"));
  ASSERT_TRUE(ws_connect(second, "/ws/agent"));
  EXPECT_FALSE(ws_connect(third, "/ws/visitor"));
  EXPECT_EQ(third.http_status(), 429) << "refused with a clear answer: " << third.http_body();
  EXPECT_GE(net_->stats().rejected_connections, 1u);
  first.close();
  ASSERT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
  EXPECT_TRUE(ws_connect(third, "/ws/visitor")) << "the slot was given back: " << third.error();
}

TEST_F(NetLimits, TotalConnectionLimit) {
  NetOptions options = test_options();
  options.max_connections = 1;
  ASSERT_NO_FATAL_FAILURE(start(options));
  HttpClient keeper = http();
  ASSERT_EQ(keeper.get("/healthz").status, 200);  // holds the only slot (keep-alive)
  HttpReply refused = http().get("/healthz");
  EXPECT_EQ(refused.status, 503) << refused.error;
  EXPECT_NE(refused.body.find("rate_limited"), std::string::npos) << refused.body;
  EXPECT_GE(net_->stats().rejected_connections, 1u);
  keeper.close();
  EXPECT_TRUE(eventually([&] { return http().get("/healthz").status == 200; }));
}

class FakeLoop : public Loop {
 public:
  void post(Task) override {}
  TimerId after(int64_t, Task) override { return 0; }
  void cancel(TimerId) override {}
  int64_t now_ms() const override { return 0; }
  void run() override {}
  void stop() override {}
};

TEST_F(NetStart, BadOptionsAreErrorsNotCrashes) {
  ASSERT_NO_FATAL_FAILURE(start());
  FakeHttp http(*loop_);
  FakeSockets sockets(*loop_);

  NetOptions bad_address = test_options();
  bad_address.address = "not-an-address";
  auto result = Net::start(*loop_, bad_address, http, sockets);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().field, "address");

  NetOptions busy = test_options();
  busy.port = net_->port();
  result = Net::start(*loop_, busy, http, sockets);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::conflict) << result.error().message;

  NetOptions no_dir = test_options();
  no_dir.static_dir = (base_ / "missing").string();
  result = Net::start(*loop_, no_dir, http, sockets);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().field, "static_dir");

  FakeLoop fake;
  result = Net::start(fake, test_options(), http, sockets);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().field, "loop");
}

TEST_F(NetStart, WithoutListeningItServesTheSocketsHandedToIt) {
  NetOptions options = test_options();
  options.listen = false;
  ASSERT_NO_FATAL_FAILURE(start(options));
  EXPECT_EQ(net_->port(), 0) << "nothing listens";
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  timeval five_seconds{5, 0};
  ::setsockopt(fds[1], SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
  net_->serve(fds[0], "192.0.2.7");
  std::string request = "GET /api/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fds[1], request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fds[1], buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[1]);
  ASSERT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  auto echo = nlohmann::json::parse(answer.substr(answer.find("\r\n\r\n") + 4), nullptr, false);
  ASSERT_TRUE(echo.is_object()) << answer;
  EXPECT_EQ(echo["remote"], "192.0.2.7:0");
  EXPECT_TRUE(eventually([&] { return net_->stats().http_sessions_open == 0; })) << "the session ends with the client";
}

}  // namespace
}  // namespace livechat::server::net_fixture
