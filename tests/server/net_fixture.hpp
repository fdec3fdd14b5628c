// Shared by the network-layer tests (net_util_test.cpp, net_static_test.cpp, net_http_test.cpp,
// net_ws_test.cpp): the polling helpers, fake handlers standing in for the engine and the API,
// and the NetServer fixture (a real Net on a real Loop, its own thread, port 0, driven by the
// synchronous clients of tests/support).
//
// Test names: NetUtil.* (pure tables), NetLoop/NetLog/NetMetrics.* (the small pieces),
// NetStatic/NetHttp/NetWs/NetLimits/NetStart.* (the server over sockets).
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "loop.hpp"
#include "net.hpp"
#include "test_client.hpp"

namespace livechat::server::net_fixture {

namespace fs = std::filesystem;
using livechat::test::HttpClient;
using livechat::test::HttpReply;
using livechat::test::RawClient;
using livechat::test::WsClient;
using Clock = std::chrono::steady_clock;

// Polls `done` every few ms for up to `timeout_ms`.
template <class F>
bool eventually(F done, int timeout_ms = 5000) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

inline int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// ============================================================================================
// Fakes for the server tests
// ============================================================================================

// Stands in for the API: echoes requests, or answers later, or never.
class FakeHttp : public HttpHandler {
 public:
  explicit FakeHttp(Loop& loop) : loop_(loop) {}

  void handle(const HttpRequest& request, std::function<void(HttpResponse)> respond) override {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    if (request.path == "/api/never") return;  // drops respond: the connection must close
    if (request.path == "/api/later" || request.path == "/api/slow") {
      int delay = request.path == "/api/later" ? 50 : 300;
      loop_.after(delay, [this, respond] {
        respond(HttpResponse{200, "application/json", R"({"later":true})", {}});
        late_answers_++;
      });
      return;
    }
    if (request.path == "/api/twice") {
      respond(HttpResponse{200, "text/plain", "first", {}});
      respond(HttpResponse{500, "text/plain", "second", {}});  // ignored
      return;
    }
    nlohmann::json echo = {{"method", request.method}, {"path", request.path}, {"query", request.query},
                           {"body", request.body},     {"remote", request.remote},
                           {"cookie", request.cookie("lc_session")}};
    HttpResponse response;
    response.body = echo.dump();
    response.headers = {{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"X-Bad", "no\r\nInjected: yes"}};
    respond(std::move(response));
  }

  std::vector<HttpRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int late_answers() const { return late_answers_.load(); }

 private:
  Loop& loop_;
  std::mutex mutex_;
  std::vector<HttpRequest> requests_;
  std::atomic<int> late_answers_{0};
};

// Stands in for the engine: echoes text, floods on request, closes on request; records every
// open and close so each test can check on_close ran exactly once per connection.
class FakeSockets : public SocketHandler {
 public:
  struct Seen {
    Channel channel;
    std::string origin, remote, cookie_token;
  };

  explicit FakeSockets(Loop& loop) : loop_(loop) {}

  std::string admit(Channel, const HttpRequest& upgrade) override {
    if (upgrade.header("origin") == "https://evil.example") return "origin not allowed";
    return "";
  }

  void on_open(const std::shared_ptr<Connection>& connection) override {
    std::lock_guard lock(mutex_);
    opened_[connection->id] =
        Seen{connection->channel, connection->origin, connection->remote, connection->cookie_token};
    if (closes_.count(connection->id)) close_before_open_ = true;
  }

  void on_message(const std::shared_ptr<Connection>& connection, std::string_view text) override {
    std::string message(text);
    if (message.rfind("flood:", 0) == 0) {  // flood:<total bytes>:<frame bytes>:<frames per ms>
      std::size_t total = 0, frame = 0, per_tick = 0;
      std::sscanf(message.c_str(), "flood:%zu:%zu:%zu", &total, &frame, &per_tick);
      flood(connection, total, std::string(frame, 'x'), per_tick, 0);
      return;
    }
    if (message.rfind("paced:", 0) == 0) {  // paced:<parts>:<frames per part>:<frame bytes>
      std::size_t parts = 0, frames = 0, frame = 0;
      std::sscanf(message.c_str(), "paced:%zu:%zu:%zu", &parts, &frames, &frame);
      paced(connection, parts, frames, std::string(frame, 'p'));
      return;
    }
    if (message.rfind("big:", 0) == 0) {  // big:<frame bytes>, then 16 small frames right behind it
      connection->send(std::string(std::stoul(message.substr(4)), 'b'));
      for (int i = 0; i < 16; ++i) connection->send("small");
      return;
    }
    if (message == "close-me") {
      connection->send("bye");
      connection->close("requested");
      return;
    }
    std::string channel = connection->channel == Channel::agent ? "agent" : "visitor";
    connection->send("echo:" + message + "|" + channel + "|" + connection->origin + "|" + connection->cookie_token);
  }

  void on_close(const std::shared_ptr<Connection>& connection) override {
    std::lock_guard lock(mutex_);
    closes_[connection->id]++;
    if (!opened_.count(connection->id)) close_before_open_ = true;
  }

  std::map<uint64_t, Seen> opened() {
    std::lock_guard lock(mutex_);
    return opened_;
  }
  std::map<uint64_t, int> closes() {
    std::lock_guard lock(mutex_);
    return closes_;
  }
  std::size_t open_count() {
    std::lock_guard lock(mutex_);
    return opened_.size();
  }
  std::size_t close_count() {
    std::lock_guard lock(mutex_);
    return closes_.size();
  }
  bool close_before_open() {
    std::lock_guard lock(mutex_);
    return close_before_open_;
  }
  std::size_t max_queued() const { return max_queued_.load(); }

 private:
  bool closed(uint64_t id) {
    std::lock_guard lock(mutex_);
    return closes_.count(id) > 0;
  }

  // Sends `per_tick` frames every millisecond until `total` bytes went out or the socket closed,
  // noting the largest queue the connection ever reported.
  void flood(std::shared_ptr<Connection> connection, std::size_t total, std::string frame, std::size_t per_tick,
             std::size_t sent) {
    for (std::size_t i = 0; i < per_tick && sent < total && !closed(connection->id); ++i) {
      connection->send(frame);
      sent += frame.size();
      std::size_t queued = connection->queued_bytes();
      if (queued > max_queued_) max_queued_ = queued;
    }
    if (sent >= total || closed(connection->id)) return;
    loop_.after(1, [this, connection, total, frame = std::move(frame), per_tick, sent]() mutable {
      flood(connection, total, std::move(frame), per_tick, sent);
    });
  }

  // Sends `parts` parts of `frames` frames, each part once the previous one was written
  // (Connection::when_drained), then "done".
  void paced(std::shared_ptr<Connection> connection, std::size_t parts, std::size_t frames, std::string frame) {
    if (parts == 0) return connection->send("done");
    for (std::size_t i = 0; i < frames; ++i) connection->send(frame);
    connection->when_drained([this, connection, parts, frames, frame]() { paced(connection, parts - 1, frames, frame); });
  }

  Loop& loop_;
  std::mutex mutex_;
  std::map<uint64_t, Seen> opened_;
  std::map<uint64_t, int> closes_;
  bool close_before_open_ = false;
  std::atomic<std::size_t> max_queued_{0};
};

// ============================================================================================
// The fixture: a static directory, a Loop on its own thread, a Net on port 0
// ============================================================================================

class NetServer : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/livechat_net_test_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    base_ = pattern;
    static_dir_ = base_ / "static";
    fs::create_directories(static_dir_ / "demo");
    fs::create_directories(static_dir_ / "sub");
    write(base_ / "secret.txt", "TOP SECRET");
    write(static_dir_ / "demo/index.html", "<html>demo</html>");
    write(static_dir_ / "sub/index.html", "<html>sub</html>");
    write(static_dir_ / "app.wasm", std::string("\0asm\1\0\0\0", 8));
    write(static_dir_ / "app.js", "console.log('plain')");
    write(static_dir_ / "app.js.gz", "GZIPPED-JS");
    write(static_dir_ / "app.js.br", "BROTLI-JS");
    write(static_dir_ / "style.css", "body{}");
    write(static_dir_ / "style.css.gz", "GZIPPED-CSS");
    write(static_dir_ / "font.ttf", "ttf");
    write(static_dir_ / "font.woff2", "woff2");
    write(static_dir_ / "data.json", "{}");
    write(static_dir_ / "image.svg", "<svg/>");
    write(static_dir_ / "logo.png", "png");
    write(static_dir_ / "photo.jpg", "jpg");
    write(static_dir_ / "favicon.ico", "ico");
    write(static_dir_ / "notes.txt", "notes");
    write(static_dir_ / "module.mjs", "export {}");
    write(static_dir_ / ".hidden", "hidden");
    fs::create_symlink(base_ / "secret.txt", static_dir_ / "escape.txt");
  }

  void TearDown() override {
    if (net_) {
      net_->stop();
      EXPECT_TRUE(eventually([&] {
        NetStats s = net_->stats();
        return s.visitor_sockets_open + s.agent_sockets_open == 0;
      })) << "sockets still open after stop()";
    }
    if (loop_) loop_->stop();
    if (thread_.joinable()) thread_.join();
    if (sockets_) {
      // Every connection the handler saw open was closed exactly once, and none closed unopened.
      auto closes = sockets_->closes();
      for (const auto& [id, seen] : sockets_->opened()) {
        EXPECT_EQ(closes[id], 1) << "on_close count for connection " << id;
      }
      EXPECT_EQ(closes.size(), sockets_->opened().size());
      EXPECT_FALSE(sockets_->close_before_open());
    }
    net_.reset();
    sockets_.reset();
    http_.reset();
    loop_.reset();
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  static NetOptions test_options() {
    NetOptions options;
    options.port = 0;
    options.max_frame_bytes = 1024;
    options.max_queue_bytes = 1 << 20;
    options.max_body_bytes = 4096;
    options.header_timeout_ms = 3000;
    options.close_timeout_ms = 500;
    return options;
  }

  void start(NetOptions options = test_options()) {
    options.static_dir = static_dir_.string();
    loop_ = Loop::create();
    http_ = std::make_unique<FakeHttp>(*loop_);
    sockets_ = std::make_unique<FakeSockets>(*loop_);
    auto started = Net::start(*loop_, options, *http_, *sockets_);
    ASSERT_TRUE(started.ok()) << started.error().message;
    net_ = std::move(started).value();
    if (options.listen) {
      ASSERT_NE(net_->port(), 0);
    }
    thread_ = std::thread([this] { loop_->run(); });
  }

  static void write(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
  }

  HttpClient http() { return HttpClient("127.0.0.1", net_->port()); }

  // A raw exchange: sends `bytes`, returns everything until the server closes (or 5 s).
  std::string raw(const std::string& bytes, bool* closed = nullptr) {
    RawClient client;
    EXPECT_TRUE(client.connect("127.0.0.1", net_->port())) << client.error();
    EXPECT_TRUE(client.write(bytes)) << client.error();
    std::string answer = client.read_until_closed(5000);
    if (closed) *closed = client.closed();
    return answer;
  }

  bool ws_connect(WsClient& client, const std::string& path, const std::string& origin = "https://shop.example",
                  const std::string& cookie = {}) {
    return client.connect("127.0.0.1", net_->port(), path, origin, cookie);
  }

  fs::path base_, static_dir_;
  std::unique_ptr<Loop> loop_;
  std::unique_ptr<FakeHttp> http_;
  std::unique_ptr<FakeSockets> sockets_;
  std::unique_ptr<Net> net_;
  std::thread thread_;
};

using NetStatic = NetServer;
using NetHttp = NetServer;
using NetWs = NetServer;
using NetLimits = NetServer;
using NetStart = NetServer;

}  // namespace livechat::server::net_fixture
