// The seam between the network layer (Beast, in net.cpp) and the product (engine, api): plain
// structs and two small interfaces, so nothing above this line includes Boost.
// Everything here is used on the server's single I/O thread only.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace livechat::server {

// --- HTTP ------------------------------------------------------------------------------------
struct HttpRequest {
  std::string method;                         // "GET", "POST", ...
  std::string path;                           // decoded path without the query, e.g. "/api/leads"
  std::map<std::string, std::string> query;   // decoded query parameters
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  std::string remote;                         // "ip:port" of the peer
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string cookie(const std::string& name) const;  // value of one cookie, or "" (transport.cpp)
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, ...)
};

// Handles /api/*, /healthz and /metrics. May answer later (after a durable commit): call
// `respond` exactly once, on the I/O thread.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual void handle(const HttpRequest& request, std::function<void(HttpResponse)> respond) = 0;
};

// --- WebSocket -------------------------------------------------------------------------------
enum class Channel { visitor, agent };  // /ws/visitor or /ws/agent

// One open WebSocket as the engine sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  // Queues a text frame; never blocks. A connection whose queue passes the server's limit is
  // closed as a slow consumer (the client resumes when it reconnects).
  virtual void send(std::string frame) = 0;
  // Sends a close frame with `reason` (policy violation) after the queued frames.
  virtual void close(const std::string& reason) = 0;
  virtual std::size_t queued_bytes() const = 0;
  // Calls `then` once, on the I/O thread, when every queued frame has been written (soon, if
  // nothing is queued); never if the connection ends first. Replaces an earlier `then`. For
  // senders of long replays: send a part, wait for the drain, send the next part.
  virtual void when_drained(std::function<void()> then) = 0;
  uint64_t id = 0;
  Channel channel = Channel::visitor;
  std::string origin;  // the Origin header of the upgrade request
  std::string host;    // the Host header of the upgrade request (this server as the browser saw it)
  std::string remote;  // "ip:port"
  std::string cookie_token;  // the agent session cookie sent with the upgrade, if any
};

class SocketHandler {
 public:
  virtual ~SocketHandler() = default;
  // Decides whether to accept an upgrade before it happens (Origin checks). Return "" to accept,
  // or a reason to refuse with 403.
  virtual std::string admit(Channel channel, const HttpRequest& upgrade) = 0;
  virtual void on_open(const std::shared_ptr<Connection>& connection) = 0;
  virtual void on_message(const std::shared_ptr<Connection>& connection, std::string_view text) = 0;
  virtual void on_close(const std::shared_ptr<Connection>& connection) = 0;
};

}  // namespace livechat::server
