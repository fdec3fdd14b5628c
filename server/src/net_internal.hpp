// Internal to the network layer (net.cpp, net_http.cpp, net_ws.cpp): the state shared by the
// listener and every session. Includes Beast: never include this from anything else.
//
// Ownership: each session holds a shared_ptr to Net::Core, so the core lives until the last
// session's last handler ran. Core tracks sessions by weak_ptr only, to close them on stop().
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net.hpp"

namespace livechat::server {

namespace net_detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Request = http::request<http::string_body>;

// A connection the core can close on stop(): an HTTP session or a WebSocket.
class Session {
 public:
  virtual ~Session() = default;
  virtual void shutdown() = 0;  // loop thread; idempotent
  // Net::Core's sweep, about once a second: WebSockets ping, time out and cut late closes here.
  virtual void sweep(std::chrono::steady_clock::time_point) {}
};

// One accepted TCP connection, counted against max_connections and the per-IP limit, and known
// to the core for stop(). Moves from the HTTP session to the WebSocket on upgrade. release()
// (or destruction) gives the slot back; idempotent.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(Net::Core* core, uint64_t id, std::string ip);
  ConnectionSlot(ConnectionSlot&& other) noexcept;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }

  void track(std::weak_ptr<Session> session);  // the session stop() should close
  void release();
  uint64_t id() const { return id_; }

 private:
  Net::Core* core_ = nullptr;  // null once released; the owning session keeps the core alive
  uint64_t id_ = 0;
  std::string ip_;
};

// {"error":{"code":...,"message":...}}
std::string json_error_body(std::string_view code, std::string_view message);
// Answers a connection with an HTTP `status` ("400 Bad Request"), `headers` (each ending in
// CRLF) and a JSON error {code, message}, then closes it; never blocks.
void answer_and_close(tcp::socket& socket, const char* status, std::string_view code, std::string_view message,
                      std::string_view headers);
// The answer to an over-limit connection ("429 Too Many Requests"): a rate_limited error.
void refuse(tcp::socket& socket, const char* status, const char* message);
// "ip:port", with [brackets] around IPv6 addresses.
std::string endpoint_text(const tcp::endpoint& endpoint);

// net_http.cpp: serves one accepted connection until it closes or upgrades.
void start_http_session(std::shared_ptr<Net::Core> core, tcp::socket socket, ConnectionSlot slot,
                        std::string remote);
// net_ws.cpp: completes the upgrade `request` (already admitted) and runs the WebSocket.
// `upgrade` is the same request as the handler saw it (origin, cookie, remote); `early` the bytes
// the client sent right behind it (already read from the socket), read before anything else.
void start_websocket(std::shared_ptr<Net::Core> core, beast::tcp_stream stream, ConnectionSlot slot,
                     Channel channel, Request request, const HttpRequest& upgrade, std::string early);
}  // namespace net_detail

struct Net::Core : std::enable_shared_from_this<Net::Core> {
  Core(boost::asio::io_context& io, NetOptions options, HttpHandler& http, SocketHandler& sockets)
      : io(io), options(std::move(options)), http(http), sockets(sockets), acceptor(io), accept_retry(io),
        sweep_timer(io) {}

  void accept_next();
  void on_accept(const boost::system::error_code& ec, net_detail::tcp::socket socket);
  // Counts a connected socket against the limits (closing it beyond them), then serves it.
  void serve_socket(net_detail::tcp::socket socket, std::string ip, std::string remote);
  void stop_now();
  // WebSockets count themselves in and out: the sweep ticks while any is alive.
  void websocket_started();
  void websocket_ended() { --websockets; }
  void arm_sweep();
  void sweep();
  // The I/O thread's read buffer: every WebSocket reads into it, then keeps only what is unfinished.
  static constexpr std::size_t kReadBufferBytes = 64 * 1024;
  char* read_buffer() {
    if (!read_buffer_) read_buffer_ = std::make_unique<char[]>(kReadBufferBytes);
    return read_buffer_.get();
  }

  boost::asio::io_context& io;
  const NetOptions options;
  HttpHandler& http;
  SocketHandler& sockets;
  std::string static_root;  // realpath of options.static_dir, "" when none
  net_detail::tcp::acceptor acceptor;
  boost::asio::steady_timer accept_retry;  // after an accept error (EMFILE...), try again later
  std::atomic<uint16_t> port{0};

  // Loop thread only.
  bool stopped = false;
  uint64_t next_id = 1;
  std::size_t connections = 0;
  std::unordered_map<std::string, std::size_t> per_ip;
  std::unordered_map<uint64_t, std::weak_ptr<net_detail::Session>> sessions;
  std::size_t websockets = 0;              // WebSocket sessions not yet finished
  bool sweeping = false;                   // sweep_timer is armed
  boost::asio::steady_timer sweep_timer;   // one for every WebSocket: see sweep()
  std::unique_ptr<char[]> read_buffer_;

  // Any thread (relaxed): NetStats.
  struct Counters {
    std::atomic<uint64_t> http_open{0}, visitor_open{0}, agent_open{0}, frames_in{0}, frames_out{0}, bytes_in{0},
        bytes_out{0}, rejected{0}, refused{0}, slow{0};
  } counters;
};

}  // namespace livechat::server
