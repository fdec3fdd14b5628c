#include "throttle.hpp"

namespace livechat::server {

namespace {
constexpr int64_t kWindowMs = 60'000;
constexpr std::size_t kPruneAbove = 4096;  // addresses kept before ended windows are dropped
}  // namespace

bool Throttle::blocked(const std::string& address, int64_t now_ms) const {
  auto it = windows_.find(address);
  return it != windows_.end() && now_ms - it->second.start <= kWindowMs && it->second.count >= max_;
}

void Throttle::failed(const std::string& address, int64_t now_ms) {
  if (windows_.size() > kPruneAbove)
    std::erase_if(windows_, [&](const auto& entry) { return now_ms - entry.second.start > kWindowMs; });
  Window& w = windows_[address];
  if (now_ms - w.start > kWindowMs) w = Window{now_ms, 0};
  ++w.count;
}

std::string address_of(const std::string& remote) {
  auto colon = remote.rfind(':');
  return colon == std::string::npos ? remote : remote.substr(0, colon);
}

bool InFlight::enter(const std::string& key) {
  if (total_ >= total_max_) return false;
  int& mine = by_key_[key];
  if (mine >= per_key_max_) return false;
  ++mine;
  ++total_;
  return true;
}

void InFlight::leave(const std::string& key) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  --total_;
  if (--it->second == 0) by_key_.erase(it);
}

}  // namespace livechat::server
