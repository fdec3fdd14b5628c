// An asynchronous WebSocket client for the load generator: thousands of connections share one
// io_context (one thread per process). Each connection reads continuously (so the server's
// keep-alive pings are answered) and writes through a queue, so send() never blocks.
// Beast stays in ws_client.cpp: including this header costs nothing.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace livechat::bench {

struct WsHandlers {
  std::function<void(const std::string& error)> on_open;  // error empty: the handshake succeeded
  std::function<void(std::string_view text)> on_message;  // one text message
  std::function<void(const std::string& why)> on_close;   // the connection ended after on_open
};

class WsClient {
 public:
  static std::shared_ptr<WsClient> create(boost::asio::io_context& io);
  virtual ~WsClient() = default;
  // Connects to ws://host:port<target> sending `origin` (when non-empty) as the Origin header.
  // Exactly one on_open follows; on_close only after a successful open.
  virtual void open(const std::string& host, uint16_t port, const std::string& target, const std::string& origin,
                    WsHandlers handlers) = 0;
  virtual void send(std::string text) = 0;  // queued; dropped once closed
  virtual void close() = 0;                 // cuts the connection; no handler runs after it
  virtual std::size_t queued() const = 0;   // messages waiting to be written
};

}  // namespace livechat::bench
