// Internal to the network layer (net.cpp, net_http.cpp, net_ws.cpp): the state shared by the
// listener and every session. Includes Beast: never include this from anything else.
//
// Ownership: each session holds a shared_ptr to Net::Core, so the core lives until the last
// session's last handler ran. Core tracks sessions by weak_ptr only, to close them on stop().
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

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
// Answers an over-limit connection with an HTTP `status` ("429 Too Many Requests") and a JSON
// error saying `message`, then closes it; never blocks.
void refuse(tcp::socket& socket, const char* status, const char* message);
// "ip:port", with [brackets] around IPv6 addresses.
std::string endpoint_text(const tcp::endpoint& endpoint);

// net_http.cpp: serves one accepted connection until it closes or upgrades.
void start_http_session(std::shared_ptr<Net::Core> core, tcp::socket socket, ConnectionSlot slot,
                        std::string remote);
// net_ws.cpp: completes the upgrade `request` (already admitted) and runs the WebSocket.
// `upgrade` is the same request as the handler saw it (origin, cookie, remote).
void start_websocket(std::shared_ptr<Net::Core> core, beast::tcp_stream stream, ConnectionSlot slot,
                     Channel channel, Request request, const HttpRequest& upgrade);
}  // namespace net_detail

struct Net::Core : std::enable_shared_from_this<Net::Core> {
  Core(boost::asio::io_context& io, NetOptions options, HttpHandler& http, SocketHandler& sockets)
      : io(io), options(std::move(options)), http(http), sockets(sockets), acceptor(io), accept_retry(io) {}

  void accept_next();
  void on_accept(const boost::system::error_code& ec, net_detail::tcp::socket socket);
  // Counts a connected socket against the limits (closing it beyond them), then serves it.
  void serve_socket(net_detail::tcp::socket socket, std::string ip, std::string remote);
  void stop_now();

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

  // Any thread (relaxed): NetStats.
  struct Counters {
    std::atomic<uint64_t> http_open{0}, visitor_open{0}, agent_open{0}, frames_in{0}, frames_out{0}, bytes_in{0},
        bytes_out{0}, rejected{0}, refused{0}, slow{0};
  } counters;
};

}  // namespace livechat::server
