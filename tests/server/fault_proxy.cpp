#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace livechat::itest {

namespace {
sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}
}  // namespace

FaultProxy::FaultProxy(uint16_t upstream_port, int upstream_receive_buffer)
    : upstream_port_(upstream_port), upstream_receive_buffer_(upstream_receive_buffer) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in any = loopback(0);
  socklen_t len = sizeof any;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 ||
      ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&any), &len) != 0)
    return;  // port() stays 0: connecting to it fails, which the test reports
  port_ = ntohs(any.sin_port);
  thread_ = std::thread([this] { loop(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  close_connection();
  if (listener_ >= 0) ::close(listener_);
}

void FaultProxy::cut_after(Direction direction, std::size_t bytes) {
  std::lock_guard lock(mutex_);
  cut_armed_ = true;
  cut_direction_ = direction;
  cut_at_ = forwarded(direction) + bytes;
}

void FaultProxy::stall(Direction direction, bool stalled) { stalled_[index(direction)] = stalled; }

void FaultProxy::loop() {
  while (!stop_) {
    if (client_ < 0) {  // wait for the next client, then open its way to the server
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      client_ = ::accept(listener_, nullptr, nullptr);
      if (client_ < 0) continue;
      server_ = ::socket(AF_INET, SOCK_STREAM, 0);
      if (upstream_receive_buffer_ > 0)
        ::setsockopt(server_, SOL_SOCKET, SO_RCVBUF, &upstream_receive_buffer_, sizeof upstream_receive_buffer_);
      sockaddr_in up = loopback(upstream_port_);
      if (::connect(server_, reinterpret_cast<sockaddr*>(&up), sizeof up) != 0) close_connection();
      continue;
    }
    // Poll again every 20 ms at most: stalls may be lifted and stop() asked meanwhile.
    pollfd p[2] = {{client_, static_cast<short>(stalled_[0] ? 0 : POLLIN), 0},
                   {server_, static_cast<short>(stalled_[1] ? 0 : POLLIN), 0}};
    if (::poll(p, 2, 20) <= 0) continue;
    if (p[0].revents && !pump(client_, server_, Direction::to_server)) continue;
    if (p[1].revents) pump(server_, client_, Direction::to_client);
  }
}

bool FaultProxy::pump(int from, int to, Direction direction) {
  std::size_t room = 64 * 1024;
  {
    std::lock_guard lock(mutex_);
    if (cut_armed_ && cut_direction_ == direction) room = std::min<uint64_t>(room, cut_at_ - forwarded(direction));
  }
  char buf[64 * 1024];
  ssize_t n = room == 0 ? 0 : ::recv(from, buf, room, 0);
  if (room > 0) {
    if (n <= 0 || !write_all(to, buf, static_cast<std::size_t>(n))) {  // one side left
      close_connection();
      return false;
    }
    forwarded_[index(direction)] += static_cast<uint64_t>(n);
  }
  std::lock_guard lock(mutex_);
  if (cut_armed_ && cut_direction_ == direction && forwarded(direction) >= cut_at_) {
    cut_armed_ = false;
    cut_ = true;  // before the client can notice
    close_connection();
    return false;
  }
  return true;
}

void FaultProxy::close_connection() {
  for (int* fd : {&client_, &server_}) {
    if (*fd < 0) continue;
    ::shutdown(*fd, SHUT_RDWR);
    ::close(*fd);
    *fd = -1;
  }
}

}  // namespace livechat::itest
