// One HTTP/1.1 connection: reads requests one at a time (keep-alive), routes them to the
// WebSocket upgrade, the HttpHandler (/api/*, /healthz, /metrics) or the static files, and writes
// the answers. Every failure ends this session only.
//
// Limits: the header must arrive within header_timeout_ms (also the keep-alive idle time; a
// stalled client is cut without an answer), the body within body_timeout_ms and under
// max_body_bytes (413), the header under 16 KB (431); unparsable requests get 400. After an
// error answer the connection is closed gracefully: our side shut down, then the rest of the
// client's request read and dropped for up to close_timeout_ms, so the client sees the answer
// instead of a reset.
#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <optional>

#include "log.hpp"
#include "net_internal.hpp"
#include "net_static.hpp"

namespace livechat::server {

namespace net_detail {
namespace {

namespace websocket = boost::beast::websocket;
using std::chrono::milliseconds;

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kDrainLimit = 8 << 20;  // most bytes read and dropped after an error answer

const boost::system::error_category& http_category() {
  static const boost::system::error_category& category = make_error_code(http::error::end_of_stream).category();
  return category;
}

bool is_handler_path(std::string_view path) {
  return path == "/api" || path.substr(0, 5) == "/api/" || path == "/healthz" || path == "/metrics";
}

// No CR/LF in header names or values coming from handlers (response splitting).
bool safe_header(std::string_view text) { return text.find_first_of("\r\n") == std::string_view::npos; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class HttpSession : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<Net::Core> core, tcp::socket socket, ConnectionSlot slot, std::string remote)
      : core_(std::move(core)), stream_(std::move(socket)), slot_(std::move(slot)), remote_(std::move(remote)) {
    core_->counters.http_open.fetch_add(1, std::memory_order_relaxed);
  }
  ~HttpSession() override { core_->counters.http_open.fetch_sub(1, std::memory_order_relaxed); }

  void start() {
    slot_.track(weak_from_this());
    read_header();
  }

  void shutdown() override { close_now(); }

 private:
  // --- reading -------------------------------------------------------------------------------
  void read_header() {
    head_ = false;  // until the next request says otherwise (an error answer may come first)
    path_.clear();
    version_ = 11;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    parser_->body_limit(static_cast<std::uint64_t>(core_->options.max_body_bytes));
    stream_.expires_after(milliseconds(core_->options.header_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (closed_) return;
    if (ec) return read_failed(ec, "header");
    if (parser_->is_done()) return handle_request();
    auto& header = parser_->get();
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      // The client waits for our go-ahead before sending the body.
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(milliseconds(core_->options.write_timeout_ms));
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                          if (write_ec) return self->close_now();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    if (closed_) return;
    stream_.expires_after(milliseconds(core_->options.body_timeout_ms));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (self->closed_) return;
      if (ec) return self->read_failed(ec, "body");
      self->handle_request();
    });
  }

  // Ends the session after a failed read, answering when the client deserves an answer.
  void read_failed(beast::error_code ec, const char* phase) {
    if (ec == http::error::body_limit) {
      return send_error(http::status::payload_too_large, "too_large",
                        "request body exceeds " + std::to_string(core_->options.max_body_bytes) + " bytes", true);
    }
    if (ec == http::error::header_limit) {
      return send_error(http::status::request_header_fields_too_large, "too_large", "request header too large", true);
    }
    bool parse_error = ec.category() == http_category() && ec != http::error::end_of_stream &&
                       ec != http::error::partial_message;
    if (parse_error) {
      log_debug("malformed request", {{"remote", remote_}, {"error", ec.message()}});
      return send_error(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message(), true);
    }
    // The client left, went silent (slowloris: beast::error::timeout) or the server stops.
    if (ec == beast::error::timeout) log_debug("request timed out", {{"remote", remote_}, {"phase", phase}});
    close_now();
  }

  // --- routing -------------------------------------------------------------------------------
  void handle_request() {
    Request req = parser_->release();
    parser_.reset();
    stream_.expires_never();
    head_ = req.method() == http::verb::head;
    version_ = req.version();
    keep_alive_ = req.keep_alive();

    HttpRequest request;
    std::string_view target = req.target();
    if (!parse_target(target, request.path, request.query)) {
      return send_error(http::status::bad_request, "bad_request", "invalid request target or percent-encoding", true);
    }
    path_ = request.path;
    std::size_t question = target.find('?');
    raw_query_ = question == std::string_view::npos ? std::string() : std::string(target.substr(question + 1));
    request.method = std::string(req.method_string());
    for (const auto& field : req) {
      std::string name = lower(field.name_string());
      std::string_view value = field.value();
      auto [it, inserted] = request.headers.emplace(name, std::string(value));
      if (!inserted) {  // repeated header: one value, as RFC 9110 allows (cookies use "; ")
        it->second += name == "cookie" ? "; " : ", ";
        it->second += value;
      }
    }
    request.body = std::move(req.body());
    request.remote = remote_;

    if (request.path == "/ws/visitor" || request.path == "/ws/agent") return upgrade(std::move(req), request);
    if (is_handler_path(request.path)) return call_handler(std::move(request));
    serve_static(request);
  }

  void upgrade(Request req, const HttpRequest& request) {
    if (!websocket::is_upgrade(req)) {
      return send_error(http::status::upgrade_required, "bad_request", "this endpoint speaks WebSocket only", false);
    }
    Channel channel = request.path == "/ws/agent" ? Channel::agent : Channel::visitor;
    std::string refusal;
    try {
      refusal = core_->sockets.admit(channel, request);
    } catch (const std::exception& e) {
      log_error("admit threw", {{"error", e.what()}});
      refusal = "internal error";
    }
    if (!refusal.empty()) {
      core_->counters.refused.fetch_add(1, std::memory_order_relaxed);
      log_debug("upgrade refused", {{"remote", remote_}, {"path", request.path}, {"reason", refusal}});
      return send_error(http::status::forbidden, "forbidden", refusal, true);
    }
    closed_ = true;  // the stream now belongs to the WebSocket session
    std::string early(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    start_websocket(core_, std::move(stream_), std::move(slot_), channel, std::move(req), request, std::move(early));
  }

  void call_handler(HttpRequest request) {
    uint64_t serial = ++serial_;
    awaiting_handler_ = true;
    auto self = shared_from_this();
    // Copyable (std::function), holds the session alive until called or dropped, and may be called
    // from any thread: the answer is always written on the loop thread.
    auto respond = [self, serial](HttpResponse response) {
      asio::dispatch(self->core_->io, [self, serial, response = std::move(response)]() mutable {
        self->on_handler_response(serial, std::move(response));
      });
    };
    try {
      core_->http.handle(request, std::move(respond));
    } catch (const std::exception& e) {
      log_error("http handler threw", {{"path", request.path}, {"error", e.what()}});
      if (awaiting_handler_ && serial == serial_) {
        awaiting_handler_ = false;
        send_error(http::status::internal_server_error, "internal", "internal error", true);
      }
    }
  }

  void on_handler_response(uint64_t serial, HttpResponse response) {
    if (serial != serial_ || !awaiting_handler_) {
      log_warn("http respond called twice", {{"remote", remote_}});
      return;
    }
    awaiting_handler_ = false;
    if (closed_) return;  // the client went away or the server stopped: drop quietly
    int status = response.status;
    if (status < 200 || status > 599) status = 500;
    http::response<http::string_body> res{static_cast<http::status>(status), version_};
    if (safe_header(response.content_type)) res.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) {
      if (!name.empty() && safe_header(name) && safe_header(value)) res.insert(name, value);
    }
    res.keep_alive(keep_alive_);
    res.body() = std::move(response.body);
    res.prepare_payload();
    send_maybe_head(std::move(res));
  }

  void serve_static(const HttpRequest& request) {
    if (request.method != "GET" && request.method != "HEAD") {
      http::response<http::string_body> res{http::status::method_not_allowed, version_};
      res.set(http::field::allow, "GET, HEAD");
      return send_json(std::move(res), "method_not_allowed", "only GET and HEAD are allowed here");
    }
    StaticLookup found =
        lookup_static(core_->static_root, request.path, accepted_encodings(request.header("accept-encoding")));
    if (found.kind == StaticLookup::Kind::redirect) {
      http::response<http::string_body> res{http::status::found, version_};
      res.set(http::field::location, found.location + (raw_query_.empty() ? "" : "?" + raw_query_));
      res.set(http::field::cache_control, "no-cache");
      res.keep_alive(keep_alive_);
      res.prepare_payload();  // empty body
      return send_maybe_head(std::move(res));
    }
    if (found.kind == StaticLookup::Kind::not_found) {
      return send_error(http::status::not_found, "not_found", "no such file", false);
    }

    http::response_header<> header;
    header.version(version_);
    header.set(http::field::content_type, found.content_type);
    header.set(http::field::cache_control, found.cache_control);
    header.set(http::field::etag, found.etag);
    header.set(http::field::vary, "Accept-Encoding");
    if (!found.content_encoding.empty()) header.set(http::field::content_encoding, found.content_encoding);
    if (found.cross_origin) {  // public, credential-less files any site may load (docs/embedding.md)
      header.set(http::field::access_control_allow_origin, "*");
      header.set("Cross-Origin-Resource-Policy", "cross-origin");
    }

    std::string if_none_match = request.header("if-none-match");
    if (!if_none_match.empty() && etag_matches(if_none_match, found.etag)) {
      header.result(http::status::not_modified);
      header.erase(http::field::content_type);
      http::response<http::empty_body> res(std::move(header));
      res.keep_alive(keep_alive_);
      return send(std::move(res));
    }
    header.result(http::status::ok);
    if (head_) {
      http::response<http::empty_body> res(std::move(header));
      res.keep_alive(keep_alive_);
      res.content_length(found.size);
      return send(std::move(res));
    }
    beast::error_code ec;
    http::file_body::value_type body;
    body.open(found.file.c_str(), beast::file_mode::scan, ec);
    if (ec) return send_error(http::status::not_found, "not_found", "no such file", false);
    http::response<http::file_body> res(std::move(header), std::move(body));
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    send(std::move(res));
  }

  // --- writing -------------------------------------------------------------------------------
  // An error answer; `fatal` closes the connection afterwards (the request may be unread).
  void send_error(http::status status, std::string_view code, std::string_view message, bool fatal) {
    http::response<http::string_body> res{status, version_};
    if (fatal) keep_alive_ = false;
    send_json(std::move(res), code, message);
  }

  void send_json(http::response<http::string_body>&& res, std::string_view code, std::string_view message) {
    res.set(http::field::content_type, "application/json");
    res.keep_alive(keep_alive_);
    res.body() = json_error_body(code, message);
    res.prepare_payload();
    send_maybe_head(std::move(res));
  }

  // A HEAD request gets the header of the GET answer, Content-Length included, and no body.
  void send_maybe_head(http::response<http::string_body>&& res) {
    if (!head_) return send(std::move(res));
    std::size_t length = res.body().size();
    http::response<http::empty_body> empty(std::move(res.base()));
    empty.content_length(length);
    send(std::move(empty));
  }

  template <class Body>
  void send(http::response<Body>&& res) {
    if (closed_) return;
    res.set(http::field::server, "livechat");
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : net_detail::security_headers(path_, core_->options.https)) res.set(name, value);
    bool close = res.need_eof();
    auto message = std::make_shared<http::response<Body>>(std::move(res));
    stream_.expires_after(milliseconds(core_->options.write_timeout_ms));
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message, close](beast::error_code ec, std::size_t) {
                        if (self->closed_) return;
                        if (ec) return self->close_now();
                        if (close) return self->linger_close();
                        self->read_header();
                      });
  }

  // --- closing -------------------------------------------------------------------------------
  // Shuts our side down, then reads and drops what the client still sends (bounded in bytes and
  // time) so our last answer is not destroyed by a reset.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(milliseconds(core_->options.close_timeout_ms));
    buffer_.clear();
    drain();
  }

  void drain() {
    stream_.async_read_some(buffer_.prepare(16 * 1024), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (self->closed_) return;
      self->drained_ += n;
      if (ec || self->drained_ > kDrainLimit) return self->close_now();
      self->drain();
    });
  }

  void close_now() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    slot_.release();
  }

  std::shared_ptr<Net::Core> core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ConnectionSlot slot_;
  std::string remote_;
  std::string raw_query_;  // of the request being answered, for redirects
  std::string path_;       // its decoded path, for the security headers ("" before it is known)
  uint64_t serial_ = 0;    // counts handler calls, so a late or repeated respond is recognised
  std::size_t drained_ = 0;
  unsigned version_ = 11;
  bool head_ = false;
  bool keep_alive_ = true;
  bool awaiting_handler_ = false;
  bool closed_ = false;
};

}  // namespace

void start_http_session(std::shared_ptr<Net::Core> core, tcp::socket socket, ConnectionSlot slot, std::string remote) {
  std::make_shared<HttpSession>(std::move(core), std::move(socket), std::move(slot), std::move(remote))->start();
}

}  // namespace net_detail
}  // namespace livechat::server
