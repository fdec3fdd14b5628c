// The engine's bounded cache of closed conversations (docs/architecture.md, Bounded memory): the
// most recently used ones, newest first; past `capacity` the least recently used is dropped (the
// store still has it). It always holds the one just put, so a pointer put() returns stays valid
// until the next put() or take().
#pragma once
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>

#include "livechat/model.hpp"

namespace livechat::server {

class ClosedCache {
 public:
  explicit ClosedCache(std::size_t capacity) : capacity_(capacity) {}

  // The conversation, now the most recently used; nullptr when not held.
  const Conversation* find(const ConversationId& id) {
    auto it = index_.find(id);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &*it->second;
  }
  // Holds `c` (replacing an older copy), dropping the least recently used beyond the capacity.
  const Conversation* put(Conversation c) {
    take(c.id);
    while (!order_.empty() && order_.size() >= capacity_) {
      index_.erase(order_.back().id);
      order_.pop_back();
      ++evictions_;
    }
    order_.push_front(std::move(c));
    index_[order_.front().id] = order_.begin();
    return &order_.front();
  }
  // Removes and returns the conversation (it goes back into the engine's state).
  std::optional<Conversation> take(const ConversationId& id) {
    auto it = index_.find(id);
    if (it == index_.end()) return std::nullopt;
    Conversation c = std::move(*it->second);
    order_.erase(it->second);
    index_.erase(it);
    return c;
  }
  std::size_t size() const { return order_.size(); }
  uint64_t evictions() const { return evictions_; }

 private:
  std::size_t capacity_;
  std::list<Conversation> order_;  // most recently used first
  std::unordered_map<ConversationId, std::list<Conversation>::iterator> index_;
  uint64_t evictions_ = 0;
};

}  // namespace livechat::server
