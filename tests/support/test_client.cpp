// Every blocking call runs asynchronous Beast operations on the object's private io_context
// until they finish or a deadline passes; on a deadline the socket is closed, which ends the
// operation, so no call ever waits longer than asked.
#include "test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <chrono>
#include <deque>

namespace livechat::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

// Runs ioc until `done` or `deadline`; true when done.
bool run_until(asio::io_context& ioc, const bool& done, Clock::time_point deadline) {
  while (!done) {
    if (Clock::now() >= deadline) return false;
    ioc.restart();
    ioc.run_one_until(deadline);
  }
  return true;
}

// Starts an operation with `initiate(handler)` and runs it to completion within `timeout_ms`;
// on timeout calls `cut()` (close the socket) and waits for the aborted operation to finish.
template <class Initiate, class Cut>
error_code run_op(asio::io_context& ioc, int timeout_ms, Initiate initiate, Cut cut) {
  bool done = false;
  error_code result;
  initiate([&done, &result](error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  if (run_until(ioc, done, Clock::now() + std::chrono::milliseconds(timeout_ms))) return result;
  cut();
  ioc.restart();
  while (!done && ioc.run_one() > 0) {
  }
  return asio::error::timed_out;
}

// host may be an IP literal or a name.
bool resolve(asio::io_context& ioc, const std::string& host, uint16_t port, tcp::endpoint& out, std::string& error) {
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) {
    out = tcp::endpoint(address, port);
    return true;
  }
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    error = "cannot resolve " + host + ": " + ec.message();
    return false;
  }
  out = *results.begin();
  return true;
}

void close_socket(tcp::socket& socket) {
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string HttpReply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

// --- HttpClient ------------------------------------------------------------------------------

struct HttpClient::Impl {
  asio::io_context ioc{1};
  std::string host;
  uint16_t port = 0;
  int timeout_ms = 5000;
  std::unique_ptr<tcp::socket> socket;
  beast::flat_buffer buffer;
  int opened = 0;

  void reset() {
    if (socket) close_socket(*socket);
    socket.reset();
    buffer.clear();
  }

  bool connect(std::string& error) {
    tcp::endpoint endpoint;
    if (!resolve(ioc, host, port, endpoint, error)) return false;
    socket = std::make_unique<tcp::socket>(ioc);
    error_code ec = run_op(
        ioc, timeout_ms, [&](auto handler) { socket->async_connect(endpoint, std::move(handler)); },
        [&] { close_socket(*socket); });
    if (ec) {
      error = "connect: " + ec.message();
      reset();
      return false;
    }
    socket->set_option(tcp::no_delay(true), ec);
    opened++;
    return true;
  }
};

HttpClient::HttpClient(std::string host, uint16_t port, int timeout_ms) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->timeout_ms = timeout_ms;
}

HttpClient::~HttpClient() { close(); }

int HttpClient::connections_opened() const { return impl_->opened; }

void HttpClient::close() { impl_->reset(); }

HttpReply HttpClient::request(std::string_view method, std::string_view target, std::string_view body,
                              const HeaderList& headers) {
  Impl& d = *impl_;
  HttpReply reply;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = d.socket != nullptr;
    if (!reused && !d.connect(reply.error)) return reply;

    http::request<http::string_body> req;
    req.version(11);
    http::verb verb = http::string_to_verb(method);
    if (verb == http::verb::unknown) req.method_string(method);
    else req.method(verb);
    req.target(target);
    req.set(http::field::host, d.host + ":" + std::to_string(d.port));
    req.set(http::field::user_agent, "livechat-test");
    for (const auto& [name, value] : headers) req.insert(name, value);
    if (!body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
      req.body() = std::string(body);
      req.prepare_payload();
    }

    error_code ec = run_op(
        d.ioc, d.timeout_ms, [&](auto handler) { http::async_write(*d.socket, req, std::move(handler)); },
        [&] { close_socket(*d.socket); });
    if (ec) {
      d.reset();
      if (reused && attempt == 0) continue;  // the server closed the idle connection: retry once
      reply.error = "write: " + ec.message();
      return reply;
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    if (verb == http::verb::head) parser.skip(true);
    ec = run_op(
        d.ioc, d.timeout_ms, [&](auto handler) { http::async_read(*d.socket, d.buffer, parser, std::move(handler)); },
        [&] { close_socket(*d.socket); });
    if (ec) {
      bool nothing_read = !parser.got_some();
      d.reset();
      if (reused && attempt == 0 && nothing_read && ec != asio::error::timed_out) continue;
      reply.error = "read: " + ec.message();
      return reply;
    }
    auto res = parser.release();
    reply.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name = lower(field.name_string());
      auto [it, inserted] = reply.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    reply.body = std::move(res.body());
    if (!res.keep_alive()) d.reset();
    return reply;
  }
  return reply;
}

// --- WsClient --------------------------------------------------------------------------------

struct WsClient::Impl {
  asio::io_context ioc{1};
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> inbox;
  bool open = false;
  bool reading = false;
  std::string error;
  int http_status = 0;
  std::string http_body;
  int close_code = 0;
  std::string close_reason;

  void cut() {
    if (ws) beast::get_lowest_layer(*ws).close();
    open = false;
  }

  void note_reason() {
    if (ws && ws->reason().code != websocket::close_code::none) {
      close_code = static_cast<int>(ws->reason().code);
      close_reason = std::string(ws->reason().reason.c_str());
    }
  }

  // One read in flight at most; its result lands in inbox (or ends the connection).
  void start_read() {
    reading = true;
    ws->async_read(buffer, [this](error_code ec, std::size_t) {
      reading = false;
      if (ec) {
        note_reason();
        if (ec != websocket::error::closed && error.empty()) error = "read: " + ec.message();
        open = false;
        beast::get_lowest_layer(*ws).close();
        return;
      }
      inbox.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    });
  }

  bool write(std::string_view data, bool text, int timeout_ms) {
    if (!open) {
      if (error.empty()) error = "not open";
      return false;
    }
    ws->text(text);
    error_code ec = run_op(
        ioc, timeout_ms,
        [&](auto handler) { ws->async_write(asio::buffer(data.data(), data.size()), std::move(handler)); },
        [&] { cut(); });
    if (ec) {
      error = "write: " + ec.message();
      cut();
      return false;
    }
    return true;
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}

WsClient::~WsClient() {
  if (impl_->ws) impl_->cut();
  // Let the aborted operations finish while the stream still exists.
  impl_->ioc.restart();
  impl_->ioc.poll();
}

bool WsClient::connect(const std::string& host, uint16_t port, const std::string& path, const std::string& origin,
                       const std::string& cookie, int timeout_ms) {
  Impl& d = *impl_;
  if (d.ws) {
    d.cut();
    d.ioc.restart();
    d.ioc.poll();
  }
  d.ws = std::make_unique<websocket::stream<beast::tcp_stream>>(d.ioc);
  d.buffer.clear();
  d.inbox.clear();
  d.open = false;
  d.reading = false;
  d.error.clear();
  d.http_status = 0;
  d.http_body.clear();
  d.close_code = 0;
  d.close_reason.clear();

  tcp::endpoint endpoint;
  if (!resolve(d.ioc, host, port, endpoint, d.error)) return false;
  auto& socket = beast::get_lowest_layer(*d.ws).socket();
  error_code ec = run_op(
      d.ioc, timeout_ms, [&](auto handler) { socket.async_connect(endpoint, std::move(handler)); },
      [&] { d.cut(); });
  if (ec) {
    d.error = "connect: " + ec.message();
    d.cut();
    return false;
  }
  socket.set_option(tcp::no_delay(true), ec);
  d.ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  d.ws->set_option(websocket::stream_base::decorator([origin, cookie](websocket::request_type& req) {
    req.set(http::field::user_agent, "livechat-test");
    if (!origin.empty()) req.set(http::field::origin, origin);
    if (!cookie.empty()) req.set(http::field::cookie, cookie);
  }));
  d.ws->read_message_max(256u << 20);
  websocket::response_type response;
  ec = run_op(
      d.ioc, timeout_ms,
      [&](auto handler) {
        d.ws->async_handshake(response, host + ":" + std::to_string(port), path, std::move(handler));
      },
      [&] { d.cut(); });
  d.http_status = static_cast<int>(response.result_int());
  d.http_body = response.body();
  if (ec) {
    d.error = "handshake: " + ec.message();
    d.cut();
    return false;
  }
  d.open = true;
  return true;
}

bool WsClient::send(std::string_view text, int timeout_ms) { return impl_->write(text, true, timeout_ms); }

bool WsClient::send_binary(std::string_view data, int timeout_ms) { return impl_->write(data, false, timeout_ms); }

std::optional<std::string> WsClient::receive(int timeout_ms) {
  Impl& d = *impl_;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (d.inbox.empty() && d.open) {
    if (!d.reading) d.start_read();
    if (Clock::now() >= deadline) break;
    d.ioc.restart();
    d.ioc.run_one_until(deadline);
  }
  if (d.inbox.empty()) return std::nullopt;
  std::string message = std::move(d.inbox.front());
  d.inbox.pop_front();
  return message;
}

bool WsClient::wait_closed(int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (impl_->open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    impl_->inbox.clear();
    receive(static_cast<int>(left));
  }
  impl_->inbox.clear();
  return !impl_->open;
}

void WsClient::close(int timeout_ms) {
  Impl& d = *impl_;
  if (!d.open) return;
  run_op(
      d.ioc, timeout_ms,
      [&](auto handler) { d.ws->async_close(websocket::close_reason(websocket::close_code::normal), std::move(handler)); },
      [&] { d.cut(); });
  d.note_reason();
  d.cut();
  d.ioc.restart();
  d.ioc.poll();  // let a pending read observe the end
}

bool WsClient::is_open() const { return impl_->open; }
const std::string& WsClient::error() const { return impl_->error; }
int WsClient::http_status() const { return impl_->http_status; }
const std::string& WsClient::http_body() const { return impl_->http_body; }
int WsClient::close_code() const { return impl_->close_code; }
const std::string& WsClient::close_reason() const { return impl_->close_reason; }

// --- RawClient -------------------------------------------------------------------------------

struct RawClient::Impl {
  asio::io_context ioc{1};
  tcp::socket socket{ioc};
  bool closed = false;
  std::string error;
};

RawClient::RawClient() : impl_(std::make_unique<Impl>()) {}
RawClient::~RawClient() { close_socket(impl_->socket); }

bool RawClient::connect(const std::string& host, uint16_t port, int timeout_ms) {
  Impl& d = *impl_;
  tcp::endpoint endpoint;
  if (!resolve(d.ioc, host, port, endpoint, d.error)) return false;
  error_code ec = run_op(
      d.ioc, timeout_ms, [&](auto handler) { d.socket.async_connect(endpoint, std::move(handler)); },
      [&] { close_socket(d.socket); });
  if (ec) {
    d.error = "connect: " + ec.message();
    return false;
  }
  return true;
}

bool RawClient::write(std::string_view bytes, int timeout_ms) {
  Impl& d = *impl_;
  error_code ec = run_op(
      d.ioc, timeout_ms,
      [&](auto handler) { asio::async_write(d.socket, asio::buffer(bytes.data(), bytes.size()), std::move(handler)); },
      [&] { close_socket(d.socket); });
  if (ec) {
    d.error = "write: " + ec.message();
    return false;
  }
  return true;
}

std::string RawClient::read_until_closed(int timeout_ms) {
  Impl& d = *impl_;
  std::string out;
  char chunk[16 * 1024];
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!d.closed) {
    bool done = false;
    error_code result;
    std::size_t got = 0;
    d.socket.async_read_some(asio::buffer(chunk), [&](error_code ec, std::size_t n) {
      result = ec;
      got = n;
      done = true;
    });
    if (!run_until(d.ioc, done, deadline)) {
      d.socket.cancel();  // leave the connection open: the caller may keep going
      d.ioc.restart();
      while (!done && d.ioc.run_one() > 0) {
      }
      out.append(chunk, got);
      break;
    }
    out.append(chunk, got);
    if (result) {
      d.closed = true;
      if (result != asio::error::eof) d.error = "read: " + result.message();
    }
  }
  return out;
}

bool RawClient::closed() const { return impl_->closed; }
const std::string& RawClient::error() const { return impl_->error; }

}  // namespace livechat::test
