// The network edge on the server's Loop: HTTP/1.1 parsed by Beast (net_http.cpp), our own
// RFC 6455 WebSocket over the plain socket (net_ws.cpp; framing in ws_frame.cpp, no Boost), the
// listener and limits (net.cpp), static files (net_static.cpp). Boost stays out of this header
// (pimpl).
//
// Routing (on the decoded path):
//   GET /ws/visitor, GET /ws/agent with Upgrade  -> SocketHandler::admit, then a WebSocket
//   /api/*, /healthz, /metrics                   -> HttpHandler (may answer later)
//   /                                            -> 302 to /demo/
//   anything else                                -> a static file under static_dir (GET/HEAD)
// Errors are JSON bodies {"error":{"code":"...","message":"..."}} with the matching status.
// Every error ends one session at most; nothing a client sends can stop the server.
//
// Threading: everything runs on the Loop's thread. start() may be called from any thread before
// or while the loop runs; stats() from any thread; stop() from any thread (it runs on the loop).
// The handlers must stay alive as long as the loop keeps running after stop() (sessions closing
// then still call on_close); a Net must be destroyed before its Loop.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "livechat/result.hpp"
#include "loop.hpp"
#include "transport.hpp"

namespace livechat::server {

struct NetOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;             // 0: pick a free port (read it back with Net::port())
  std::string static_dir;           // empty: no static files (404)
  std::size_t max_frame_bytes = 65536;       // largest WebSocket message accepted (1009 beyond)
  std::size_t max_queue_bytes = 4 << 20;     // per-socket send queue before "slow consumer"
  std::size_t max_body_bytes = 1 << 20;      // HTTP request body (413 beyond)
  int header_timeout_ms = 10000;    // to receive a request's header, idle keep-alive included
  int body_timeout_ms = 30000;      // to receive a request's body once its header arrived
  int write_timeout_ms = 60000;     // to send one HTTP response
  int ws_idle_timeout_ms = 60000;   // silent WebSocket closed after this (pinged at half); 0: never
  int close_timeout_ms = 5000;      // a closing WebSocket's socket is cut after this at the latest
  std::size_t max_connections = 19500;       // TCP connections (HTTP + WebSocket); more are closed
  // Connections one remote address may hold (0: no cap). 1000 by default: far above what one
  // person's browsers open, yet one address cannot take every socket (the server holds ~19,500,
  // max_connections); an office or mobile carrier behind one NAT address still fits. Load tests
  // from one address pass --max-connections-per-ip 0.
  std::size_t max_connections_per_ip = 1000;
  bool listen = true;  // false: no listening socket; only connections handed to Net::serve()
  bool https = false;  // the public URL is https (net_detail::security_headers)
};

// A snapshot of counters; readable from any thread.
struct NetStats {
  uint64_t http_sessions_open = 0;     // TCP connections speaking HTTP (not yet upgraded)
  uint64_t visitor_sockets_open = 0;   // open WebSockets on /ws/visitor
  uint64_t agent_sockets_open = 0;     // open WebSockets on /ws/agent
  uint64_t frames_in = 0;              // WebSocket messages received / sent
  uint64_t frames_out = 0;
  uint64_t bytes_in = 0;               // their payload bytes
  uint64_t bytes_out = 0;
  uint64_t rejected_connections = 0;   // closed at accept: max_connections or per-IP limit
  uint64_t upgrades_refused = 0;       // SocketHandler::admit said no (403)
  uint64_t slow_consumers_closed = 0;  // WebSockets closed because their queue overflowed
};

class Net {
 public:
  // Binds and listens now (so errors and the port are known on return), then accepts on the
  // loop. Errors: invalid_field (bad address, missing static_dir, loop not made by
  // Loop::create()), conflict (bind/listen failed, e.g. port in use).
  static Result<std::unique_ptr<Net>> start(Loop& loop, NetOptions options, HttpHandler& http,
                                            SocketHandler& sockets);
  ~Net();  // stop()s
  Net(const Net&) = delete;
  Net& operator=(const Net&) = delete;

  // Serves `fd`, a connected stream socket (e.g. one end of a socketpair), exactly like a TCP
  // connection accepted from `ip` (limits, HTTP session, upgrades). Takes ownership of `fd`.
  // Any thread. This is how the HTTP fuzzer (tests/fuzz/fuzz_http.cpp) reaches the server.
  void serve(int fd, std::string ip);

  uint16_t port() const;
  NetStats stats() const;
  // Graceful stop: closes the acceptor, sends "going away" closes to WebSockets (cut after
  // close_timeout_ms), closes HTTP connections. Idempotent.
  void stop();

  struct Core;  // net_internal.hpp

 private:
  explicit Net(std::shared_ptr<Core> core);
  std::shared_ptr<Core> core_;
};

}  // namespace livechat::server
