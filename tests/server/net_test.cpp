// The network layer end to end: a real Net on a real Loop (its own thread, port 0), fake
// handlers standing in for the engine and the API, and the synchronous clients of tests/support.
// Also the pure helpers behind it (net_static.hpp), the Loop, the log and the metrics builders.
//
// Test names: NetUtil.* (pure tables), NetLoop/NetLog/NetMetrics.* (the small pieces),
// NetStatic/NetHttp/NetWs/NetLimits/NetStart.* (the server over sockets).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "log.hpp"
#include "loop.hpp"
#include "metrics.hpp"
#include "net.hpp"
#include "net_static.hpp"
#include "test_client.hpp"

namespace livechat::server {
namespace {

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

int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// ============================================================================================
// NetUtil: the pure helpers, as tables
// ============================================================================================

TEST(NetUtil, PercentDecode) {
  struct Row {
    const char* in;
    bool plus_is_space;
    bool ok;
    std::string out;
  };
  const Row rows[] = {
      {"/plain", false, true, "/plain"},
      {"/a%20b", false, true, "/a b"},
      {"/%2e%2E", false, true, "/.."},
      {"a+b", false, true, "a+b"},
      {"a+b", true, true, "a b"},
      {"%41%62", true, true, "Ab"},
      {"%C3%A9", false, true, "\xC3\xA9"},
      {"%", false, false, ""},
      {"%4", false, false, ""},
      {"ab%", false, false, ""},
      {"%zz", false, false, ""},
      {"%g1", false, false, ""},
  };
  for (const Row& row : rows) {
    std::string out;
    bool ok = net_detail::percent_decode(row.in, row.plus_is_space, out);
    EXPECT_EQ(ok, row.ok) << row.in;
    if (row.ok) {
      EXPECT_EQ(out, row.out) << row.in;
    }
  }
}

TEST(NetUtil, ParseTarget) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(net_detail::parse_target("/api/x%2Fy?q=a%20b&plus=1+2&flag&q=second&&e=", path, query));
  EXPECT_EQ(path, "/api/x/y");
  EXPECT_EQ(query.at("q"), "a b");  // first value wins
  EXPECT_EQ(query.at("plus"), "1 2");
  EXPECT_EQ(query.at("flag"), "");
  EXPECT_EQ(query.at("e"), "");
  EXPECT_EQ(query.size(), 4u);

  EXPECT_FALSE(net_detail::parse_target("", path, query)) << "empty";
  EXPECT_FALSE(net_detail::parse_target("api", path, query)) << "not origin-form";
  EXPECT_FALSE(net_detail::parse_target("http://host/x", path, query)) << "absolute-form";
  EXPECT_FALSE(net_detail::parse_target("/a%zz", path, query)) << "bad escape in path";
  EXPECT_FALSE(net_detail::parse_target("/a?x=%4", path, query)) << "bad escape in query";
  EXPECT_FALSE(net_detail::parse_target("/a%00b", path, query)) << "NUL in path";
}

TEST(NetUtil, AcceptEncoding) {
  struct Row {
    const char* header;
    bool br, gzip;
  };
  const Row rows[] = {
      {"", false, false},
      {"gzip", false, true},
      {"br", true, false},
      {"gzip, deflate, br", true, true},
      {"GZIP;q=0.5, BR;Q=1", true, true},
      {"br;q=0, gzip", false, true},
      {"br;q=0.0, gzip;q=0", false, false},
      {"*", true, true},
      {"*;q=0.1, br;q=0", false, true},
      {"identity", false, false},
      {"x-gzip", false, true},
      {" gzip ; q=0.8 ", false, true},
  };
  for (const Row& row : rows) {
    auto accepted = net_detail::accepted_encodings(row.header);
    EXPECT_EQ(accepted.br, row.br) << row.header;
    EXPECT_EQ(accepted.gzip, row.gzip) << row.header;
  }
}

TEST(NetUtil, EtagMatches) {
  EXPECT_TRUE(net_detail::etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(net_detail::etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(net_detail::etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(net_detail::etag_matches("*", "\"abc\""));
  EXPECT_FALSE(net_detail::etag_matches("\"abd\"", "\"abc\""));
  EXPECT_FALSE(net_detail::etag_matches("", "\"abc\""));
}

TEST(NetUtil, CookieValue) {
  EXPECT_EQ(net_detail::cookie_value("a=1; lc_session=tok; b=2", "lc_session"), "tok");
  EXPECT_EQ(net_detail::cookie_value("lc_session=\"quoted\"", "lc_session"), "quoted");
  EXPECT_EQ(net_detail::cookie_value("xlc_session=no; lc_session=yes", "lc_session"), "yes");
  EXPECT_EQ(net_detail::cookie_value("a=1", "lc_session"), "");
  EXPECT_EQ(net_detail::cookie_value("", "lc_session"), "");
}

TEST(NetUtil, MimeTypes) {
  const std::pair<const char*, const char*> rows[] = {
      {"index.html", "text/html; charset=utf-8"},
      {"app.js", "text/javascript; charset=utf-8"},
      {"mod.mjs", "text/javascript; charset=utf-8"},
      {"site.css", "text/css; charset=utf-8"},
      {"core.wasm", "application/wasm"},
      {"data.json", "application/json"},
      {"logo.svg", "image/svg+xml"},
      {"logo.png", "image/png"},
      {"photo.JPG", "image/jpeg"},
      {"favicon.ico", "image/x-icon"},
      {"font.ttf", "font/ttf"},
      {"font.woff2", "font/woff2"},
      {"notes.txt", "text/plain; charset=utf-8"},
      {"blob.bin", "application/octet-stream"},
      {"noext", "application/octet-stream"},
      {"dir.d/noext", "application/octet-stream"},
  };
  for (const auto& [name, type] : rows) EXPECT_EQ(net_detail::mime_type(name), type) << name;
}

// ============================================================================================
// NetLoop, NetLog, NetMetrics
// ============================================================================================

TEST(NetLoop, PostTimersCancelAndClock) {
  auto loop = Loop::create();
  std::thread thread([&] { loop->run(); });
  std::mutex mutex;
  std::vector<std::string> order;
  std::atomic<bool> done{false};
  auto note = [&](std::string what) {
    std::lock_guard lock(mutex);
    order.push_back(std::move(what));
  };
  loop->post([&] {
    note("posted");
    loop->after(40, [&] {
      note("40ms");
      done = true;
    });
    Loop::TimerId cancelled = loop->after(20, [&] { note("cancelled"); });
    loop->after(10, [&] { note("10ms"); });
    loop->after(0, [&] { note("0ms"); });
    loop->cancel(cancelled);
    loop->cancel(cancelled);  // twice: harmless
    loop->cancel(987654);     // unknown: harmless
  });
  ASSERT_TRUE(eventually([&] { return done.load(); }));
  int64_t wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(std::abs(loop->now_ms() - wall), 1000);
  loop->stop();
  thread.join();
  std::lock_guard lock(mutex);
  EXPECT_EQ(order, (std::vector<std::string>{"posted", "0ms", "10ms", "40ms"}));
}

TEST(NetLoop, StopBeforeRunReturnsAndRunsAgain) {
  auto loop = Loop::create();
  loop->stop();
  loop->run();  // returns at once
  std::atomic<bool> ran{false};
  loop->post([&] {
    ran = true;
    loop->stop();
  });
  loop->run();
  EXPECT_TRUE(ran);
}

TEST(NetLog, FormatsOneJsonObjectPerLine) {
  // 2026-11-24T21:00:00.123Z
  const int64_t t = 1795554000123;
  EXPECT_EQ(format_log_line(t, LogLevel::info, "listening", {{"address", "127.0.0.1:8080"}}),
            R"({"t":"2026-11-24T21:00:00.123Z","level":"info","msg":"listening","address":"127.0.0.1:8080"})");
  EXPECT_EQ(format_log_line(t, LogLevel::warn, "x", {{"n", 3}, {"a", 1.5}, {"ok", true}}),
            R"({"t":"2026-11-24T21:00:00.123Z","level":"warn","msg":"x","a":1.5,"n":3,"ok":true})");
  EXPECT_EQ(format_log_line(t, LogLevel::error, "quote \" and \n", nullptr),
            R"({"t":"2026-11-24T21:00:00.123Z","level":"error","msg":"quote \" and \n"})");
  // The fixed keys cannot be shadowed; invalid UTF-8 never fails.
  std::string line = format_log_line(t, LogLevel::debug, "bad \xff utf8", {{"msg", "shadow"}, {"v", "\xfe"}});
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << line;
  EXPECT_EQ(parsed["level"], "debug");
  EXPECT_NE(parsed["msg"], "shadow");
}

TEST(NetLog, LevelFilterAndSink) {
  std::vector<std::string> lines;
  set_log_sink([&](std::string_view line) { lines.emplace_back(line); });
  LogLevel before = log_level();
  set_log_level(LogLevel::warn);
  log_debug("d");
  log_info("i");
  log_warn("w", {{"k", "v"}});
  log_error("e");
  set_log_level(before);
  set_log_sink(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(R"("level":"warn","msg":"w","k":"v")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("level":"error")"), std::string::npos) << lines[1];

  LogLevel parsed;
  EXPECT_TRUE(parse_log_level("debug", parsed));
  EXPECT_EQ(parsed, LogLevel::debug);
  EXPECT_FALSE(parse_log_level("verbose", parsed));
}

TEST(NetMetrics, HistogramRendersBucketsSumAndCount) {
  Histogram histogram({0.01, 0.001, 0.1, 0.01});  // unsorted, duplicate: cleaned up
  histogram.observe(0.0005);
  histogram.observe_ms(5);
  histogram.observe(0.05);
  histogram.observe(3);
  EXPECT_EQ(histogram.count(), 4u);
  MetricsWriter out;
  out.histogram("livechat_commit_seconds", "Commit latency.", histogram, {{"db", "main"}});
  EXPECT_EQ(out.text(),
            "# HELP livechat_commit_seconds Commit latency.\n"
            "# TYPE livechat_commit_seconds histogram\n"
            "livechat_commit_seconds_bucket{db=\"main\",le=\"0.001\"} 1\n"
            "livechat_commit_seconds_bucket{db=\"main\",le=\"0.01\"} 2\n"
            "livechat_commit_seconds_bucket{db=\"main\",le=\"0.1\"} 3\n"
            "livechat_commit_seconds_bucket{db=\"main\",le=\"+Inf\"} 4\n"
            "livechat_commit_seconds_sum{db=\"main\"} 3.0555\n"
            "livechat_commit_seconds_count{db=\"main\"} 4\n");
}

TEST(NetMetrics, CountersGaugesAndEscaping) {
  MetricsWriter out;
  out.counter("livechat_frames_in_total", "Frames received.", 42);
  out.family("livechat_open_sockets", "Open sockets\nby kind.", MetricType::gauge);
  out.sample("livechat_open_sockets", {{"kind", "visitor"}}, 3);
  out.sample("livechat_open_sockets", {{"kind", "we\"ird\\\n"}}, 0.5);
  out.gauge("livechat_big", "Big.", 12345678901234.0);
  EXPECT_EQ(out.text(),
            "# HELP livechat_frames_in_total Frames received.\n"
            "# TYPE livechat_frames_in_total counter\n"
            "livechat_frames_in_total 42\n"
            "# HELP livechat_open_sockets Open sockets\\nby kind.\n"
            "# TYPE livechat_open_sockets gauge\n"
            "livechat_open_sockets{kind=\"visitor\"} 3\n"
            "livechat_open_sockets{kind=\"we\\\"ird\\\\\\n\"} 0.5\n"
            "# HELP livechat_big Big.\n"
            "# TYPE livechat_big gauge\n"
            "livechat_big 12345678901234\n");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-2), "-2");
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
    ASSERT_NE(net_->port(), 0);
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

// --------------------------------------------------------------------------------------------
// Static files
// --------------------------------------------------------------------------------------------

TEST_F(NetStatic, ServesWasmWithApplicationWasm) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpReply reply = http().get("/app.wasm");
  ASSERT_TRUE(reply.ok()) << reply.error;
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/wasm");
  EXPECT_EQ(reply.body, std::string("\0asm\1\0\0\0", 8));
  EXPECT_EQ(reply.header("cache-control"), "public, max-age=3600");
  EXPECT_EQ(reply.header("x-content-type-options"), "nosniff");
  EXPECT_FALSE(reply.header("etag").empty());
}

TEST_F(NetStatic, EveryKnownExtensionGetsItsMimeType) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::pair<const char*, const char*> rows[] = {
      {"/demo/index.html", "text/html; charset=utf-8"}, {"/app.js", "text/javascript; charset=utf-8"},
      {"/module.mjs", "text/javascript; charset=utf-8"}, {"/style.css", "text/css; charset=utf-8"},
      {"/data.json", "application/json"},               {"/image.svg", "image/svg+xml"},
      {"/logo.png", "image/png"},                       {"/photo.jpg", "image/jpeg"},
      {"/favicon.ico", "image/x-icon"},                 {"/font.ttf", "font/ttf"},
      {"/font.woff2", "font/woff2"},                    {"/notes.txt", "text/plain; charset=utf-8"},
  };
  HttpClient client = http();
  for (const auto& [path, type] : rows) {
    HttpReply reply = client.get(path);
    ASSERT_TRUE(reply.ok()) << path << ": " << reply.error;
    EXPECT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.header("content-type"), type) << path;
  }
  EXPECT_EQ(client.connections_opened(), 1) << "keep-alive across static requests";
}

TEST_F(NetStatic, PrecompressedSiblingFollowsAcceptEncoding) {
  ASSERT_NO_FATAL_FAILURE(start());
  struct Row {
    const char* path;
    const char* accept_encoding;
    std::string body_prefix;
    const char* encoding;
  };
  const Row rows[] = {
      {"/app.js", "gzip, deflate, br", "BROTLI-JS", "br"},
      {"/app.js", "gzip", "GZIPPED-JS", "gzip"},
      {"/app.js", "br;q=0, gzip", "GZIPPED-JS", "gzip"},
      {"/app.js", "", "console.log('plain')", ""},
      {"/app.js", "identity", "console.log('plain')", ""},
      {"/style.css", "br, gzip", "GZIPPED-CSS", "gzip"},           // no .br sibling: gzip
      {"/app.wasm", "br, gzip", std::string("\0asm", 4), ""},      // no sibling at all
  };
  HttpClient client = http();
  std::set<std::string> etags;
  for (const Row& row : rows) {
    test::HeaderList headers;
    if (*row.accept_encoding) headers.push_back({"Accept-Encoding", row.accept_encoding});
    HttpReply reply = client.get(row.path, headers);
    ASSERT_TRUE(reply.ok()) << reply.error;
    std::string label = std::string(row.path) + " with '" + row.accept_encoding + "'";
    EXPECT_EQ(reply.status, 200) << label;
    EXPECT_EQ(reply.body.substr(0, row.body_prefix.size()), row.body_prefix) << label;
    EXPECT_EQ(reply.header("content-encoding"), row.encoding) << label;
    EXPECT_EQ(reply.header("vary"), "Accept-Encoding") << label;
    if (std::string_view(row.path) == "/app.js") {
      EXPECT_EQ(reply.header("content-type"), "text/javascript; charset=utf-8") << label;
      etags.insert(reply.header("etag"));
    }
  }
  EXPECT_EQ(etags.size(), 3u) << "br, gzip and identity representations have distinct ETags";
}

TEST_F(NetStatic, MatchingETagAnswers304) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply first = client.get("/app.wasm");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag");
  ASSERT_FALSE(etag.empty());

  HttpReply again = client.get("/app.wasm", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), etag);
  EXPECT_EQ(again.header("cache-control"), "public, max-age=3600");

  EXPECT_EQ(client.get("/app.wasm", {{"If-None-Match", "W/" + etag}}).status, 304) << "weak comparison";
  EXPECT_EQ(client.get("/app.wasm", {{"If-None-Match", "\"other\", " + etag}}).status, 304) << "list";
  EXPECT_EQ(client.get("/app.wasm", {{"If-None-Match", "\"stale\""}}).status, 200);

  // Changing the file changes its ETag.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write(static_dir_ / "app.wasm", std::string("\0asm\1\0\0\0\0", 9));
  HttpReply changed = client.get("/app.wasm", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("etag"), etag);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(NetStatic, HtmlIsNoCacheAndDirectoriesServeIndex) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply demo = client.get("/demo/");
  EXPECT_EQ(demo.status, 200);
  EXPECT_EQ(demo.body, "<html>demo</html>");
  EXPECT_EQ(demo.header("cache-control"), "no-cache");
  EXPECT_EQ(demo.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(client.get("/sub/").body, "<html>sub</html>");
  EXPECT_EQ(client.get("//demo//index.html").body, "<html>demo</html>") << "empty segments collapse";
}

TEST_F(NetStatic, RootAndBareDirectoriesRedirect) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply root = client.get("/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.header("location"), "/demo/");
  HttpReply with_query = client.get("/?utm=x");
  EXPECT_EQ(with_query.header("location"), "/demo/?utm=x");
  HttpReply bare = client.get("/demo");
  EXPECT_EQ(bare.status, 302);
  EXPECT_EQ(bare.header("location"), "/demo/");
}

TEST_F(NetStatic, TraversalAndHiddenFilesAreRefused) {
  ASSERT_NO_FATAL_FAILURE(start());
  const char* targets[] = {
      "/../secret.txt",
      "/demo/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E%2Fsecret.txt",
      "/demo/%2e%2e/%2e%2e/secret.txt",
      "/..%5csecret.txt",
      "/escape.txt",  // a symlink pointing outside the static directory
      "/.hidden",
      "/./app.js",
      "/nope.txt",
      "/demo/index.html/",  // a file is not a directory
  };
  HttpClient client = http();
  for (const char* target : targets) {
    HttpReply reply = client.get(target);
    ASSERT_TRUE(reply.ok()) << target << ": " << reply.error;
    EXPECT_EQ(reply.status, 404) << target;
    EXPECT_EQ(reply.body.find("TOP SECRET"), std::string::npos) << target;
    auto body = nlohmann::json::parse(reply.body, nullptr, false);
    EXPECT_EQ(body["error"]["code"], "not_found") << target << " " << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json") << target;
  }
  // Raw, so no client library can normalise the dots away.
  std::string answer = raw("GET /../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 404", 0), 0u) << answer;
  EXPECT_EQ(answer.find("TOP SECRET"), std::string::npos);
}

TEST_F(NetStatic, HeadHasTheHeadersButNoBodyAndOtherMethodsAre405) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpClient client = http();
  HttpReply head = client.request("HEAD", "/app.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-length"), std::to_string(std::string("console.log('plain')").size()));
  EXPECT_EQ(head.header("content-type"), "text/javascript; charset=utf-8");

  HttpReply post = client.post("/app.js", "x");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
  EXPECT_EQ(nlohmann::json::parse(post.body, nullptr, false)["error"]["code"], "method_not_allowed");

  EXPECT_EQ(client.get("/app.js").status, 200) << "the connection survived";
  EXPECT_EQ(client.connections_opened(), 1);
}

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
      {"absolute-form target", "GET http://x/app.js HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"binary garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"},
  };
  for (const auto& [label, request] : rows) {
    bool closed = false;
    std::string answer = raw(request, &closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << label << ": " << answer;
    EXPECT_NE(answer.find("\"code\":\"bad_request\""), std::string::npos) << label << ": " << answer;
    EXPECT_TRUE(closed) << label;
  }
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
// WebSockets
// --------------------------------------------------------------------------------------------

TEST_F(NetWs, EchoOnBothChannelsWithOriginAndCookie) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient visitor, agent;
  ASSERT_TRUE(ws_connect(visitor, "/ws/visitor", "https://shop.example")) << visitor.error();
  ASSERT_TRUE(ws_connect(agent, "/ws/agent?v=1", "http://127.0.0.1", "theme=dark; lc_session=agent-token"))
      << agent.error();
  EXPECT_EQ(visitor.http_status(), 101);
  ASSERT_TRUE(visitor.send("hi"));
  ASSERT_TRUE(agent.send("hello \xC3\xA9"));
  EXPECT_EQ(visitor.receive(3000).value_or("<none>"), "echo:hi|visitor|https://shop.example|");
  EXPECT_EQ(agent.receive(3000).value_or("<none>"), "echo:hello \xC3\xA9|agent|http://127.0.0.1|agent-token");
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(visitor.send("n" + std::to_string(i)));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(visitor.receive(3000).value_or("<none>"), "echo:n" + std::to_string(i) + "|visitor|https://shop.example|");
  }
  // frames_out counts completed writes: the last one may complete just after the client read it.
  EXPECT_TRUE(eventually([&] { return net_->stats().frames_out == 52u; }));
  NetStats stats = net_->stats();
  EXPECT_EQ(stats.visitor_sockets_open, 1u);
  EXPECT_EQ(stats.agent_sockets_open, 1u);
  EXPECT_EQ(stats.frames_in, 52u);
  EXPECT_EQ(stats.frames_out, 52u);
  auto opened = sockets_->opened();
  ASSERT_EQ(opened.size(), 2u);
  std::set<uint64_t> ids;
  for (const auto& [id, seen] : opened) {
    ids.insert(id);
    EXPECT_EQ(seen.remote.rfind("127.0.0.1:", 0), 0u);
    if (seen.channel == Channel::agent) {
      EXPECT_EQ(seen.cookie_token, "agent-token");
    }
  }
  EXPECT_EQ(ids.size(), 2u) << "distinct connection ids";
  visitor.close();
  agent.close();
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 2; }));
}

TEST_F(NetWs, AdmitRefusalIs403WithTheReason) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient client;
  EXPECT_FALSE(ws_connect(client, "/ws/visitor", "https://evil.example"));
  EXPECT_EQ(client.http_status(), 403);
  auto body = nlohmann::json::parse(client.http_body(), nullptr, false);
  EXPECT_EQ(body["error"]["code"], "forbidden");
  EXPECT_EQ(body["error"]["message"], "origin not allowed");
  EXPECT_EQ(net_->stats().upgrades_refused, 1u);
  EXPECT_EQ(sockets_->open_count(), 0u);
}

TEST_F(NetWs, PlainRequestOnASocketPathIs426) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpReply reply = http().get("/ws/agent");
  EXPECT_EQ(reply.status, 426);
  EXPECT_EQ(nlohmann::json::parse(reply.body, nullptr, false)["error"]["code"], "bad_request");
}

TEST_F(NetWs, OversizedMessageClosesWith1009AndOthersCarryOn) {
  ASSERT_NO_FATAL_FAILURE(start());  // max_frame_bytes = 1024
  WsClient big, bystander;
  ASSERT_TRUE(ws_connect(big, "/ws/visitor"));
  ASSERT_TRUE(ws_connect(bystander, "/ws/agent"));
  ASSERT_TRUE(big.send(std::string(1024, 'a')));
  EXPECT_EQ(big.receive(3000).value_or("<none>").size(), std::string("echo:|visitor|https://shop.example|").size() + 1024)
      << "exactly at the limit is fine";
  ASSERT_TRUE(big.send(std::string(100 * 1024, 'a')));
  EXPECT_EQ(big.receive(3000), std::nullopt);
  EXPECT_FALSE(big.is_open());
  EXPECT_EQ(big.close_code(), 1009);
  EXPECT_EQ(big.close_reason(), "frame too large");

  ASSERT_TRUE(bystander.send("still here"));
  EXPECT_EQ(bystander.receive(3000).value_or("<none>"), "echo:still here|agent|https://shop.example|");
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
}

TEST_F(NetWs, BinaryMessageClosesWith1003) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient client;
  ASSERT_TRUE(ws_connect(client, "/ws/visitor"));
  ASSERT_TRUE(client.send_binary(std::string("\x01\x02\x03", 3)));
  EXPECT_EQ(client.receive(3000), std::nullopt);
  EXPECT_EQ(client.close_code(), 1003);
  EXPECT_EQ(client.close_reason(), "text frames only");
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
}

TEST_F(NetWs, ServerCloseSendsQueuedFramesFirstThenTheReason) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient client;
  ASSERT_TRUE(ws_connect(client, "/ws/agent"));
  ASSERT_TRUE(client.send("close-me"));
  EXPECT_EQ(client.receive(3000).value_or("<none>"), "bye");
  EXPECT_EQ(client.receive(3000), std::nullopt);
  EXPECT_FALSE(client.is_open());
  EXPECT_EQ(client.close_code(), 1008);
  EXPECT_EQ(client.close_reason(), "requested");
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
}

TEST_F(NetWs, SlowConsumerIsClosedWithABoundedQueue) {
  ASSERT_NO_FATAL_FAILURE(start());  // max_queue_bytes = 1 MiB, close_timeout_ms = 500
  WsClient slow, bystander;
  ASSERT_TRUE(ws_connect(slow, "/ws/visitor"));
  ASSERT_TRUE(ws_connect(bystander, "/ws/agent"));
  // 20 MB in 64 KB frames, 1 MB per millisecond; the client never reads.
  ASSERT_TRUE(slow.send("flood:20971520:65536:16"));
  ASSERT_TRUE(eventually([&] { return sockets_->close_count() == 1; }, 10000)) << "slow consumer not closed";
  NetStats stats = net_->stats();
  EXPECT_EQ(stats.slow_consumers_closed, 1u);
  EXPECT_LE(sockets_->max_queued(), std::size_t{1} << 20) << "the queue never passed max_queue_bytes";
  EXPECT_LT(stats.bytes_out, uint64_t{20} << 20) << "writing stopped at the close, short of the 20 MB";
  EXPECT_TRUE(slow.wait_closed(5000));

  ASSERT_TRUE(bystander.send("ok?"));
  EXPECT_EQ(bystander.receive(3000).value_or("<none>"), "echo:ok?|agent|https://shop.example|");
}

TEST_F(NetWs, ReadingClientKeepsUpWithAFlood) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient reader;
  ASSERT_TRUE(ws_connect(reader, "/ws/visitor"));
  const std::size_t total = 4 << 20, frame = 64 * 1024;
  ASSERT_TRUE(reader.send("flood:" + std::to_string(total) + ":" + std::to_string(frame) + ":1"));
  std::size_t received = 0;
  while (received < total) {
    auto message = reader.receive(5000);
    if (!message) break;
    received += message->size();
  }
  EXPECT_EQ(received, total);
  EXPECT_TRUE(reader.is_open());
  EXPECT_EQ(net_->stats().slow_consumers_closed, 0u);
}

TEST_F(NetWs, OnCloseRunsOncePerConnectionHoweverItEnds) {
  ASSERT_NO_FATAL_FAILURE(start());
  constexpr int kClients = 12;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<WsClient>());
    ASSERT_TRUE(ws_connect(*clients.back(), i % 2 ? "/ws/agent" : "/ws/visitor")) << clients.back()->error();
  }
  ASSERT_TRUE(eventually([&] { return sockets_->open_count() == kClients; }));
  for (int i = 0; i < kClients; ++i) {
    switch (i % 3) {
      case 0: clients[i]->close(); break;                 // clean close handshake
      case 1: clients[i].reset(); break;                   // TCP cut without a close frame
      case 2: ASSERT_TRUE(clients[i]->send("close-me")); break;  // the server closes
    }
  }
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == kClients / 3 * 3; }))
      << sockets_->close_count() << " of " << kClients;
  EXPECT_TRUE(eventually([&] {
    NetStats stats = net_->stats();
    return stats.visitor_sockets_open + stats.agent_sockets_open == 0;
  }));
  // TearDown checks that every count is exactly 1.
}

TEST_F(NetWs, StopSaysGoingAwayAndClosesTheListener) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient a, b;
  ASSERT_TRUE(ws_connect(a, "/ws/visitor"));
  ASSERT_TRUE(ws_connect(b, "/ws/agent"));
  ASSERT_TRUE(eventually([&] { return sockets_->open_count() == 2; }));
  uint16_t port = net_->port();
  net_->stop();
  EXPECT_EQ(a.receive(3000), std::nullopt);
  EXPECT_EQ(a.close_code(), 1001);
  EXPECT_EQ(a.close_reason(), "server shutting down");
  EXPECT_TRUE(b.wait_closed(3000));
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 2; }));
  RawClient late;
  EXPECT_FALSE(late.connect("127.0.0.1", port, 1000)) << "no longer listening";
  net_->stop();  // idempotent
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
  EXPECT_FALSE(refused.ok());
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

}  // namespace
}  // namespace livechat::server
