// Internal to the engine: what it keeps per open WebSocket.
#pragma once
#include <memory>
#include <string>

#include "engine.hpp"

namespace livechat::server {

struct Engine::Session {
  std::shared_ptr<Connection> connection;
  bool ready = false;          // hello accepted
  bool hello_pending = false;  // hello received, its answer waits for a durable write
  Loop::TimerId hello_timer = 0;
  Loop::TimerId expiry_timer = 0;  // agents: closes the socket when the sign-in session expires
  // visitors
  std::string visitor_id, playbook_id;
  ConversationId conversation;  // the conversation this widget shows
  uint64_t replay = 0;          // bumped by each resume: a newer one supersedes a replay under way
  // agents
  UserId user;
  std::string token_hash;
  // rate limit: a token bucket refilled at max_frames_per_second
  double tokens = 0;
  int64_t refilled_at = 0;
};

// "YYYY-MM-DD" (UTC) of a time in ms since the epoch.
std::string utc_date(int64_t ms);

}  // namespace livechat::server
