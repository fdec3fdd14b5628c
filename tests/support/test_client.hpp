// Synchronous clients for integration tests and benchmarks: HTTP/1.1 (keep-alive), WebSocket,
// and a raw TCP socket for misbehaving on purpose. Each object owns a private io_context and is
// used by one thread at a time; the server runs elsewhere (its own thread or process). Nothing
// throws: failures come back as values with a readable error string.
// Beast stays in test_client.cpp: including this header costs nothing.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livechat::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  int status = 0;                              // 0 when the request failed (see error)
  std::map<std::string, std::string> headers;  // lower-case names; repeats joined with ", "
  std::string body;
  std::string error;  // transport failure: connect, timeout, reset, unparsable answer
  bool ok() const { return error.empty(); }
  std::string header(const std::string& lower_case_name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port, int timeout_ms = 5000);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the kept-alive connection (connecting or reconnecting as needed: a
  // connection the server closed while idle is retried once). `target` is sent as given (already
  // percent-encoded). Adds Host, and Content-Length when there is a body.
  HttpReply request(std::string_view method, std::string_view target, std::string_view body = {},
                    const HeaderList& headers = {});
  HttpReply get(std::string_view target, const HeaderList& headers = {}) { return request("GET", target, {}, headers); }
  HttpReply post(std::string_view target, std::string_view body, const HeaderList& headers = {}) {
    return request("POST", target, body, headers);
  }
  // Connections opened so far (1 when keep-alive held throughout).
  int connections_opened() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class WsClient {
 public:
  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Opens ws://host:port<path>, sending Origin and Cookie headers when non-empty. False on any
  // failure: see error(), and http_status()/http_body() when the server refused the upgrade.
  bool connect(const std::string& host, uint16_t port, const std::string& path, const std::string& origin = {},
               const std::string& cookie = {}, int timeout_ms = 5000);
  bool send(std::string_view text, int timeout_ms = 5000);
  bool send_binary(std::string_view data, int timeout_ms = 5000);
  // The next text message, or nullopt after `timeout_ms` or when the connection ended (then
  // is_open() is false and close_code()/close_reason() tell what the server said, if anything).
  std::optional<std::string> receive(int timeout_ms);
  // Waits up to `timeout_ms` for the connection to end, dropping incoming messages.
  bool wait_closed(int timeout_ms);
  // Sends a normal close and waits (briefly) for the server's answer.
  void close(int timeout_ms = 2000);
  bool is_open() const;

  const std::string& error() const;
  int http_status() const;        // status of a refused upgrade (e.g. 403), else 0 or 101
  const std::string& http_body() const;
  int close_code() const;         // from the server's close frame, 0 if none was received
  const std::string& close_reason() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A plain TCP connection for requests no well-behaved client would send.
class RawClient {
 public:
  RawClient();
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connect(const std::string& host, uint16_t port, int timeout_ms = 5000);
  bool write(std::string_view bytes, int timeout_ms = 5000);
  // Reads until the server closes the connection or `timeout_ms` passes; returns what arrived.
  // closed() tells which of the two happened.
  std::string read_until_closed(int timeout_ms);
  bool closed() const;  // the server ended the connection (EOF or reset)
  const std::string& error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livechat::test
