// The listener and the Net facade: binds, accepts, enforces the connection limits, hands each
// socket to an HTTP session (net_http.cpp), and stops everything on stop().
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "log.hpp"
#include "loop_asio.hpp"
#include "net_internal.hpp"
#include "net_static.hpp"

namespace livechat::server {

using namespace net_detail;

// --- helpers ---------------------------------------------------------------------------------

namespace net_detail {

std::string json_error_body(std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  std::string address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(endpoint.port());
}

// Answers a connection over a limit with `status` and closes it, without waiting (a WebSocket
// client sees the status as its upgrade's). The answer is a few hundred bytes: an empty socket
// buffer takes them at once. What the client sent so far is read and dropped first, so that the
// close sends FIN, not a reset that could destroy the answer on its way.
void answer_and_close(tcp::socket& socket, const char* status, std::string_view code, std::string_view message,
                      std::string_view headers) {
  std::string body = json_error_body(code, message);
  std::string text = std::string("HTTP/1.1 ") + status + "\r\nContent-Type: application/json\r\nConnection: close\r\n" +
                     std::string(headers) + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  char sink[4096];
  for (int i = 0; i < 4 && socket.read_some(asio::buffer(sink), ignored) > 0; ++i) {
  }
  socket.write_some(asio::buffer(text), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

void refuse(tcp::socket& socket, const char* status, const char* message) {
  answer_and_close(socket, status, "rate_limited", message, "Retry-After: 10\r\n");
}

// --- ConnectionSlot --------------------------------------------------------------------------

ConnectionSlot::ConnectionSlot(Net::Core* core, uint64_t id, std::string ip)
    : core_(core), id_(id), ip_(std::move(ip)) {
  core_->connections++;
  core_->per_ip[ip_]++;
}

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : core_(std::exchange(other.core_, nullptr)), id_(other.id_), ip_(std::move(other.ip_)) {}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    core_ = std::exchange(other.core_, nullptr);
    id_ = other.id_;
    ip_ = std::move(other.ip_);
  }
  return *this;
}

void ConnectionSlot::track(std::weak_ptr<Session> session) {
  if (core_) core_->sessions[id_] = std::move(session);
}

void ConnectionSlot::release() {
  if (!core_) return;
  core_->connections--;
  auto it = core_->per_ip.find(ip_);
  if (it != core_->per_ip.end() && --it->second == 0) core_->per_ip.erase(it);
  core_->sessions.erase(id_);
  core_ = nullptr;
}

}  // namespace net_detail

// --- Net::Core -------------------------------------------------------------------------------

void Net::Core::accept_next() {
  if (stopped) return;
  acceptor.async_accept(io, [self = shared_from_this()](const boost::system::error_code& ec, tcp::socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void Net::Core::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
  if (stopped) return;  // the socket's destructor closes it
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    // Typically EMFILE/ENFILE: retry shortly instead of spinning on the failing accept.
    log_warn("accept failed", {{"error", ec.message()}});
    accept_retry.expires_after(std::chrono::milliseconds(100));
    accept_retry.async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
      if (!wait_ec) self->accept_next();
    });
    return;
  }
  boost::system::error_code endpoint_ec;
  tcp::endpoint remote = socket.remote_endpoint(endpoint_ec);
  if (endpoint_ec) {  // the peer is gone already
    accept_next();
    return;
  }
  serve_socket(std::move(socket), remote.address().to_string(), endpoint_text(remote));
  accept_next();
}

void Net::Core::serve_socket(tcp::socket socket, std::string ip, std::string remote) {
  auto per_ip_it = per_ip.find(ip);
  std::size_t from_ip = per_ip_it == per_ip.end() ? 0 : per_ip_it->second;
  bool full = connections >= options.max_connections;
  if (stopped || full || (options.max_connections_per_ip > 0 && from_ip >= options.max_connections_per_ip)) {
    counters.rejected.fetch_add(1, std::memory_order_relaxed);
    log_debug("connection rejected", {{"remote", remote}, {"open", connections}, {"from_ip", from_ip}});
    if (stopped) {
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      refuse(socket, full ? "503 Service Unavailable" : "429 Too Many Requests",
             full ? "the server is full; try again later" : "too many connections from your address");
    }
    return;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // chat frames are small: never wait for Nagle
  ConnectionSlot slot(this, next_id++, std::move(ip));
  start_http_session(shared_from_this(), std::move(socket), std::move(slot), std::move(remote));
}

void Net::Core::stop_now() {
  if (stopped) return;
  stopped = true;
  boost::system::error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  // Copy first: shutting a session down may unregister it.
  std::vector<std::shared_ptr<Session>> live;
  live.reserve(sessions.size());
  for (auto& [id, weak] : sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  for (auto& session : live) session->shutdown();
  log_info("stopped listening", {{"port", port.load()}, {"closed_connections", live.size()}});
}

// The sweep: one timer for every WebSocket (no timer per socket). Ticks often enough for the
// idle ping and the close deadline to be late by a small part of their own length, at most 1 s.
void Net::Core::websocket_started() {
  ++websockets;
  arm_sweep();
}

void Net::Core::arm_sweep() {
  if (sweeping) return;
  sweeping = true;
  int tick = options.close_timeout_ms / 2;
  if (options.ws_idle_timeout_ms > 0) tick = std::min(tick, options.ws_idle_timeout_ms / 4);
  sweep_timer.expires_after(std::chrono::milliseconds(std::clamp(tick, 10, 1000)));
  sweep_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->sweeping = false;
    if (!ec) self->sweep();
  });
}

void Net::Core::sweep() {
  if (websockets == 0) return;  // the last one is gone: stop ticking until the next one
  // Copy first: a session that ends unregisters itself.
  std::vector<std::shared_ptr<Session>> live;
  live.reserve(sessions.size());
  for (auto& [id, weak] : sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  auto now = std::chrono::steady_clock::now();
  for (auto& session : live) session->sweep(now);
  arm_sweep();
}

// --- Net -------------------------------------------------------------------------------------

Net::Net(std::shared_ptr<Core> core) : core_(std::move(core)) {}

Net::~Net() { stop(); }

Result<std::unique_ptr<Net>> Net::start(Loop& loop, NetOptions options, HttpHandler& http, SocketHandler& sockets) {
  asio::io_context* io = asio_context(loop);
  if (io == nullptr) return make_error(ErrorCode::invalid_field, "the loop was not made by Loop::create()", "loop");
  std::string root;
  if (!options.static_dir.empty()) {
    root = static_root(options.static_dir);
    if (root.empty()) {
      return make_error(ErrorCode::invalid_field, "static_dir is not a directory: " + options.static_dir, "static_dir");
    }
  }
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) return make_error(ErrorCode::invalid_field, "not an IP address: " + options.address, "address");
  tcp::endpoint endpoint(address, options.port);

  auto core = std::make_shared<Core>(*io, std::move(options), http, sockets);
  core->static_root = root;
  auto fail = [&](const char* what) {
    return make_error(ErrorCode::conflict, std::string("cannot ") + what + " " + endpoint_text(endpoint) + ": " +
                                               ec.message());
  };
  if (!core->options.listen) return std::unique_ptr<Net>(new Net(std::move(core)));
  core->acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  core->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("configure");
  core->acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  core->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  tcp::endpoint local = core->acceptor.local_endpoint(ec);
  if (ec) return fail("read the port of");
  core->port = local.port();
  log_debug("listening", {{"address", endpoint_text(local)}, {"static_dir", root}});
  asio::post(*io, [core] { core->accept_next(); });
  return std::unique_ptr<Net>(new Net(std::move(core)));
}

void Net::serve(int fd, std::string ip) {
  asio::dispatch(core_->io, [core = core_, fd, ip = std::move(ip)]() mutable {
    tcp::socket socket(core->io);
    boost::system::error_code ec;
    socket.assign(tcp::v4(), fd, ec);
    if (ec) {
      ::close(fd);
      return;
    }
    std::string remote = ip + ":0";
    core->serve_socket(std::move(socket), std::move(ip), std::move(remote));
  });
}

uint16_t Net::port() const { return core_->port.load(); }

NetStats Net::stats() const {
  const auto& c = core_->counters;
  auto get = [](const std::atomic<uint64_t>& value) { return value.load(std::memory_order_relaxed); };
  NetStats out;
  out.http_sessions_open = get(c.http_open);
  out.visitor_sockets_open = get(c.visitor_open);
  out.agent_sockets_open = get(c.agent_open);
  out.frames_in = get(c.frames_in);
  out.frames_out = get(c.frames_out);
  out.bytes_in = get(c.bytes_in);
  out.bytes_out = get(c.bytes_out);
  out.rejected_connections = get(c.rejected);
  out.upgrades_refused = get(c.refused);
  out.slow_consumers_closed = get(c.slow);
  return out;
}

void Net::stop() {
  // dispatch: runs now on the loop thread, else is posted to it.
  asio::dispatch(core_->io, [core = core_] { core->stop_now(); });
}

}  // namespace livechat::server
