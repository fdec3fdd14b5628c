// Failed attempts per remote address in a one-minute window, to make guessing slow: sign-ins
// with a wrong password (Api), and session or visitor tokens that are not valid (REST requests,
// dashboard and widget hellos). Once an address reaches the limit, its attempts are refused
// without being checked until its window ends. Loop thread only. Memory stays bounded: windows
// that have ended are dropped as new addresses come.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>

namespace livechat::server {

class Throttle {
 public:
  explicit Throttle(int max_failures_per_minute) : max_(max_failures_per_minute) {}
  // Whether `address` used up its failures for the current window.
  bool blocked(const std::string& address, int64_t now_ms) const;
  // Counts one failure for `address`; the first one opens its window.
  void failed(const std::string& address, int64_t now_ms);

 private:
  struct Window {
    int64_t start = 0;
    int count = 0;
  };
  int max_;
  std::unordered_map<std::string, Window> windows_;
};

// Admission for requests that wait on one worker (the store's history thread: Closed pages,
// transcripts, search): at most `per_key` in flight for one key (a user) and `total` for
// everyone. Past either the request is refused at once, so a burst neither queues without bound
// nor keeps everyone else's reads waiting behind it. Loop thread only.
class InFlight {
 public:
  InFlight(int total, int per_key) : total_max_(total), per_key_max_(per_key) {}
  // Counts one more in flight for `key`, unless a limit is reached (then false, nothing counted).
  bool enter(const std::string& key);
  void leave(const std::string& key);  // after a successful enter
  int total() const { return total_; }

 private:
  int total_max_, per_key_max_, total_ = 0;
  std::unordered_map<std::string, int> by_key_;
};

// The address part of a remote endpoint: "1.2.3.4:5678" -> "1.2.3.4", "[::1]:80" -> "[::1]".
std::string address_of(const std::string& remote);

}  // namespace livechat::server
