// A fault-injecting TCP proxy for tests: it listens on a free loopback port, and forwards the
// bytes of each connection it accepts to the server (127.0.0.1:upstream) and back, on a thread of
// its own. On request it cuts the connection after exactly N more bytes in one direction (the
// bytes up to the cut are forwarded, nothing after), or stops reading one direction (the
// sender's kernel buffers, then its own queues, fill up: a client that never reads).
//
// A proxy serves one connection at a time; faults apply to the current (or the next) one. Plain
// POSIX sockets and poll(): no Beast here.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace livechat::itest {

class FaultProxy {
 public:
  enum class Direction { to_server = 0, to_client = 1 };

  // `upstream_receive_buffer` > 0 shrinks the receive buffer of the proxy's socket towards the
  // server (set before connecting, so the TCP window stays small): a stalled client then holds
  // back only a few kilobytes in the proxy and the rest piles up in the server.
  explicit FaultProxy(uint16_t upstream_port, int upstream_receive_buffer = 0);
  ~FaultProxy();  // stops the thread and closes every socket
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return port_; }

  // After `bytes` more bytes in `direction` (counted from this call), forwards exactly those and
  // then closes both sides of the connection. Replaces an earlier armed cut.
  void cut_after(Direction direction, std::size_t bytes);
  // Stops (true) or resumes (false) reading the sender of `direction`.
  void stall(Direction direction, bool stalled);
  // Bytes forwarded so far in `direction`, over every connection.
  uint64_t forwarded(Direction direction) const { return forwarded_[index(direction)].load(); }
  // True once an armed cut has happened (and the connection is gone).
  bool was_cut() const { return cut_.load(); }

 private:
  static int index(Direction d) { return static_cast<int>(d); }
  void loop();
  bool pump(int from, int to, Direction direction);  // false: the connection ended
  void close_connection();

  uint16_t upstream_port_;
  int upstream_receive_buffer_;
  int listener_ = -1, client_ = -1, server_ = -1;
  uint16_t port_ = 0;
  std::mutex mutex_;              // guards the armed cut
  bool cut_armed_ = false;
  Direction cut_direction_ = Direction::to_server;
  uint64_t cut_at_ = 0;           // forwarded(cut_direction_) at which to cut
  std::atomic<bool> stalled_[2] = {false, false};
  std::atomic<uint64_t> forwarded_[2] = {0, 0};
  std::atomic<bool> cut_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace livechat::itest
