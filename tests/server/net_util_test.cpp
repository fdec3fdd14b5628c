// The network layer's small pieces: the pure helpers behind the server (net_static.hpp) as
// tables, the Loop, the log and the metrics builders. The server over sockets is tested in
// net_static_test.cpp, net_http_test.cpp and net_ws_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "log.hpp"
#include "loop.hpp"
#include "metrics.hpp"
#include "net_fixture.hpp"
#include "net_static.hpp"
#include "throttle.hpp"

namespace livechat::server::net_fixture {
namespace {

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
  EXPECT_FALSE(net_detail::parse_target("ftp://host/x", path, query)) << "not http(s)";
  EXPECT_FALSE(net_detail::parse_target("http:///x", path, query)) << "absolute form without a host";
  EXPECT_FALSE(net_detail::parse_target("http://", path, query)) << "scheme alone";

  // Absolute form (RFC 9112 section 3.2.2): its path and query.
  ASSERT_TRUE(net_detail::parse_target("HTTP://shop.example:8080/api/x%20y?q=1", path, query));
  EXPECT_EQ(path, "/api/x y");
  EXPECT_EQ(query.at("q"), "1");
  ASSERT_TRUE(net_detail::parse_target("https://shop.example?q=2", path, query));
  EXPECT_EQ(path, "/");
  EXPECT_EQ(query.at("q"), "2");
  ASSERT_TRUE(net_detail::parse_target("http://shop.example", path, query));
  EXPECT_EQ(path, "/");
  EXPECT_TRUE(query.empty());
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

// One row per path kind: which answers carry the dashboard's CSP, the API's, or none.
TEST(NetUtil, SecurityHeaders) {
  struct Row {
    const char* path;
    bool https;
    const char* csp_part;  // "" = no security headers at all
    bool hsts;
  };
  const Row rows[] = {
      {"/agent/", false, "script-src 'self' 'wasm-unsafe-eval'", false},
      {"/agent", false, "frame-ancestors 'none'", false},
      {"/agent/fonts/Symbola.ttf", false, "connect-src 'self' http: https:", false},
      {"/agent/", true, "connect-src 'self' https:;", true},
      {"/api/login", false, "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", false},
      {"/api", true, "frame-ancestors 'none'", true},
      {"/agents", false, "", false},
      {"/apiary/x", false, "", false},
      {"/widget/loader.js", false, "", false},
      {"/demo/", true, "", false},
      {"", false, "", false},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.path) + (r.https ? " (https)" : ""));
    auto headers = net_detail::security_headers(r.path, r.https);
    std::map<std::string, std::string> h;
    for (const auto& [name, value] : headers) h[std::string(name)] = std::string(value);
    if (*r.csp_part == 0) {
      EXPECT_TRUE(headers.empty());
      continue;
    }
    EXPECT_NE(h["Content-Security-Policy"].find(r.csp_part), std::string::npos) << h["Content-Security-Policy"];
    EXPECT_NE(h["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(h["X-Frame-Options"], "DENY");
    EXPECT_EQ(h["Referrer-Policy"], "no-referrer");
    EXPECT_EQ(h.count("Strict-Transport-Security"), r.hsts ? 1u : 0u);
  }
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

// A stretch of work on the loop shows as lag: a task that keeps the thread 150 ms makes the probe's
// next tick at least that late (a lower bound only: a busy machine can only add to it).
TEST(NetLoop, LagProbeReportsABusyStretch) {
  auto loop = Loop::create();
  LagProbe probe(*loop, 5, 10'000);
  std::atomic<double> lag{0};
  loop->after(20, [&] { std::this_thread::sleep_for(std::chrono::milliseconds(150)); });
  loop->after(300, [&] {
    lag = probe.max_lag_seconds();
    loop->stop();
  });
  loop->run();
  EXPECT_GE(lag.load(), 0.14);
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

// History reads in flight: one user's burst stops at their own limit and leaves room for others;
// the total stops everyone; leaving frees a place for the same user again.
TEST(NetUtil, InFlightAdmitsUpToEachLimit) {
  InFlight reads(5, 2);
  EXPECT_TRUE(reads.enter("anna"));
  EXPECT_TRUE(reads.enter("anna"));
  EXPECT_FALSE(reads.enter("anna"));  // her third waits for one of hers to finish
  EXPECT_TRUE(reads.enter("marco"));
  EXPECT_TRUE(reads.enter("marco"));
  EXPECT_TRUE(reads.enter("giulia"));
  EXPECT_EQ(reads.total(), 5);
  EXPECT_FALSE(reads.enter("luca"));  // everyone's limit
  reads.leave("anna");
  EXPECT_EQ(reads.total(), 4);
  EXPECT_TRUE(reads.enter("anna"));
  EXPECT_FALSE(reads.enter("luca"));
  reads.leave("giulia");
  reads.leave("giulia");  // a second leave of a key with none in flight changes nothing
  EXPECT_EQ(reads.total(), 4);
  EXPECT_TRUE(reads.enter("luca"));
}

}  // namespace
}  // namespace livechat::server::net_fixture
