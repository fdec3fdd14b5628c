// libFuzzer target: the server's HTTP request path. Each input is the byte stream of one client
// connection, handed to the real server code through Net::serve() on one end of a socketpair (no
// network): Beast's parser with the server's limits, the router, the REST API on a store in a
// temporary SQLite file, the static files, and WebSocket upgrades with whatever frames follow.
//
// Checks, for every input:
//  - the server never crashes and never leaks (ASan, UBSan, LeakSanitizer);
//  - every answer parses as an HTTP/1.x response with a status in 100..599; JSON bodies are
//    valid JSON, and JSON error answers read {"error":{"code":"...","message":"..."}};
//  - a first request the parser completes or rejects outright gets an answer;
//  - after the client leaves, the connection ends on the server too (no session lingers; a
//    hang is reported by libFuzzer's -timeout);
//  - no answer ever carries the secret file that a symlink in the static folder points at.
// Seeds (tests/fuzz/corpus/http/) sign in as the admin with the token kAdminToken below.
// FUZZ_HTTP_SHOW=1 prints what the server answered to each input (e.g. `fuzz_http crash-...`).
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "auth.hpp"
#include "demo.hpp"
#include "engine.hpp"
#include "log.hpp"
#include "loop.hpp"
#include "net.hpp"
#include "store.hpp"

namespace {

using namespace livechat;
using namespace livechat::server;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

constexpr const char* kAdminToken = "fuzz-admin-token";   // Authorization: Bearer fuzz-admin-token
constexpr const char* kOrigin = "http://127.0.0.1:8080";  // the server's public origin
constexpr const char* kSecret = "SECRET-OUTSIDE-THE-STATIC-FOLDER";
// Maintenance reminder: the header limit is kHeaderLimit in server/src/net_http.cpp.
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 1 << 20;  // NetOptions::max_body_bytes, set below

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_http: %s\n", what.c_str());
  std::abort();
}

// The whole server of livechat-server's main(), on a temporary folder, its loop on a thread.
struct Server {
  std::string dir;
  std::unique_ptr<Loop> loop;
  std::unique_ptr<Store> store;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Api> api;
  std::unique_ptr<Net> net;
  std::thread thread;
  bool show = std::getenv("FUZZ_HTTP_SHOW") != nullptr;  // print every answer (to read a reproducer)

  // Runs `task` on the loop thread and waits for it.
  void on_loop(std::function<void(std::function<void()> done)> task) {
    std::promise<void> finished;
    loop->post([&] { task([&] { finished.set_value(); }); });
    finished.get_future().wait();
  }

  // The static folder: a page, a precompressed script, a hidden file, and a symlink to a secret
  // outside the folder (never to be served).
  void make_static_folder() {
    fs::create_directories(dir + "/web/demo");
    std::ofstream(dir + "/web/demo/index.html") << "<!doctype html><title>demo</title>";
    std::ofstream(dir + "/web/app.js") << "console.log('app');";
    std::ofstream(dir + "/web/app.js.gz") << "not really gzip";
    std::ofstream(dir + "/web/.env") << kSecret;
    std::ofstream(dir + "/secret.txt") << kSecret;
    fs::create_symlink(dir + "/secret.txt", dir + "/web/leak.txt");
  }

  Server() {
    char tmpl[] = "/tmp/livechat-fuzz-http-XXXXXX";
    if (!mkdtemp(tmpl)) fail("cannot make a temporary folder");
    dir = tmpl;
    make_static_folder();
    set_log_level(LogLevel::warn);
    if (!auth_init()) fail("libsodium failed to start");
    loop = Loop::create();
    StoreOptions store_options;
    store_options.synchronous_full = false;
    auto opened = Store::open(dir + "/livechat.db", store_options,
                              [this](std::function<void()> task) { loop->post(std::move(task)); });
    if (!opened) fail("cannot open the store: " + opened.error().message);
    store = std::move(opened.value());
    EngineOptions engine_options;
    engine_options.public_origin = kOrigin;
    engine = std::make_unique<Engine>(*loop, *store, engine_options);
    if (!engine->load()) fail("cannot load the event log");
    api = std::make_unique<Api>(*loop, *store, *engine, ApiOptions{kOrigin});
    NetOptions net_options;
    net_options.listen = false;
    net_options.static_dir = dir + "/web";
    net_options.max_body_bytes = kBodyLimit;
    net_options.close_timeout_ms = 200;
    auto started = Net::start(*loop, net_options, *api, *engine);
    if (!started) fail("cannot start the network layer: " + started.error().message);
    net = std::move(started.value());
    thread = std::thread([this] { loop->run(); });

    // The demo users and playbook, and a signed-in admin whose token the seeds use.
    on_loop([this](std::function<void()> done) {
      seed_demo(*engine, *store, kOrigin, "fuzz password", 0, [done](std::vector<DemoLogin>) { done(); });
    });
    on_loop([this](std::function<void()> done) {
      Write w;
      int64_t now = loop->now_ms();
      w.sessions.push_back(SessionRow{token_hash(kAdminToken), "u_demo_admin", now, now + 3600'000LL * 24 * 365});
      engine->write(std::move(w), [done](const Status& s) {
        if (!s) fail("cannot store the admin session");
        done();
      });
    });
  }

  // The order of main(): the network first, then the loop, then what the loop served.
  ~Server() {
    net->stop();
    loop->post([this] { loop->stop(); });
    thread.join();
    net.reset();
    api.reset();
    engine.reset();
    store->flush();
    store.reset();
    loop.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

Server& the_server() {
  static Server* instance = [] {
    auto* s = new Server();
    std::atexit([] { delete &the_server(); });
    return s;
  }();
  return *instance;
}

// Sends `input` on `fd` (then shuts our side), and reads everything the server answers until it
// closes the connection.
std::string exchange(int fd, std::string_view input) {
  std::string replies;
  std::size_t sent = 0;
  bool writing = true;
  auto finish_writing = [&] {
    writing = false;
    ::shutdown(fd, SHUT_WR);
  };
  if (input.empty()) finish_writing();
  char buffer[64 * 1024];
  while (true) {
    pollfd p{fd, static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, -1) < 0) continue;  // EINTR
    if (writing && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (sent == input.size() || (n < 0 && errno != EAGAIN && errno != EINTR)) finish_writing();
    }
    if (p.revents & (POLLIN | POLLERR | POLLHUP)) {
      ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) replies.append(buffer, static_cast<std::size_t>(n));
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return replies;
    }
  }
}

// Feeds `bytes` to `parser` until it holds one whole message; returns the bytes used, and sets
// `ec` (need_more when the bytes end before the message does).
template <class Parser>
std::size_t parse_one(Parser& parser, std::string_view bytes, boost::beast::error_code& ec) {
  std::size_t used = 0;
  while (!parser.is_done()) {
    std::size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more && n > 0 && used < bytes.size()) ec = {};
    if (!ec && n == 0) ec = http::error::need_more;
    if (ec) break;
  }
  return used;
}

// What the input asks, read with Beast's parser under the server's limits: whether each
// complete request was a HEAD (its answer has no body), and whether the first request must be
// answered (it is complete, or malformed beyond doubt).
struct Requests {
  std::vector<bool> head;
  bool must_answer = false;
};

Requests read_requests(std::string_view input) {
  Requests out;
  while (!input.empty()) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    parser.body_limit(kBodyLimit);
    parser.eager(true);
    boost::beast::error_code ec;
    input.remove_prefix(parse_one(parser, input, ec));
    bool first = out.head.empty();
    if (ec == http::error::need_more) break;  // the client left mid-request: no answer is due
    if (first) out.must_answer = true;
    if (ec) break;
    out.head.push_back(parser.get().method() == http::verb::head);
  }
  return out;
}

void check_json_body(const http::response<http::string_body>& res) {
  if (res.body().empty() || res[http::field::content_type].substr(0, 16) != "application/json") return;
  auto body = nlohmann::json::parse(res.body(), nullptr, false);
  if (body.is_discarded()) fail("a JSON answer that is not JSON: " + res.body().substr(0, 200));
  if (res.result_int() < 400) return;
  const auto* error = body.is_object() && body.contains("error") ? &body["error"] : nullptr;
  if (!error || !error->is_object() || !error->contains("code") || !(*error)["code"].is_string() ||
      !error->contains("message") || !(*error)["message"].is_string())
    fail("an error answer without {\"error\":{\"code\",\"message\"}}: " + res.body().substr(0, 200));
}

// Every answer is a well-formed HTTP response; stops after a 101 (WebSocket frames follow).
void check_replies(std::string_view input, std::string_view replies, const Requests& requests) {
  if (requests.must_answer && replies.empty()) fail("a request got no answer");
  // Error messages echo the path, and the fuzzer learns the secret from this very comparison:
  // only a secret the input did not carry was read from the disk.
  if (replies.find(kSecret) != std::string_view::npos && input.find(kSecret) == std::string_view::npos)
    fail("a file outside the static folder was served");
  std::size_t answered = 0;
  while (!replies.empty()) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    bool head = answered < requests.head.size() && requests.head[answered];
    if (head) parser.skip(true);
    boost::beast::error_code ec;
    replies.remove_prefix(parse_one(parser, replies, ec));
    if (ec == http::error::need_more && replies.empty()) parser.put_eof(ec);  // a body up to the close
    if (ec) fail("a malformed answer (" + ec.message() + ")");
    const auto& res = parser.get();
    int status = res.result_int();
    if (status < 100 || status > 599) fail("an answer with status " + std::to_string(status));
    if (res.version() != 10 && res.version() != 11) fail("an answer that is not HTTP/1.x");
    if (status == 101) return;
    if (status >= 200) ++answered;
    if (!head) check_json_body(res);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Server& s = the_server();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) fail("socketpair failed");
  s.net->serve(fds[0], "127.0.0.1");
  std::string replies = exchange(fds[1], input);
  ::close(fds[1]);
  if (s.show) std::fprintf(stderr, "--- the server answered:\n%.4000s\n", replies.c_str());
  check_replies(input, replies, read_requests(input));
  // The session ends once the client left: wait for it (libFuzzer's -timeout reports a hang).
  while (true) {
    NetStats stats = s.net->stats();
    if (stats.http_sessions_open + stats.visitor_sockets_open + stats.agent_sockets_open == 0) break;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return 0;
}
