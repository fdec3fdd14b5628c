// The engine as SocketHandler: admitting upgrades (Origin checks), the hello deadline, rate
// limits, decoding frames, and handing them to the visitor or agent side.
#include "engine.hpp"
#include "engine_session.hpp"
#include "log.hpp"

namespace livechat::server {

namespace {
// "http://host:port" for the Host header, as a browser on our own pages would send as Origin.
bool same_origin(const std::string& origin, const std::string& host) {
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}
}  // namespace

std::string Engine::admit(Channel channel, const HttpRequest& upgrade) {
  std::string origin = upgrade.header("origin");
  bool own = same_origin(origin, upgrade.header("host")) || (!origin.empty() && origin == options_.public_origin);
  if (channel == Channel::agent) return own ? "" : "the dashboard connects only from this server's own pages";
  auto pb = upgrade.query.find("playbook");
  if (pb == upgrade.query.end()) return "missing playbook";
  const CachedPlaybook* cached = playbook(pb->second);
  if (!cached || !cached->playbook.published) return "unknown playbook";
  if (own) return "";
  for (const auto& allowed : cached->playbook.allowed_origins)
    if (allowed == origin) return "";
  return "this site is not allowed to embed the playbook";
}

void Engine::on_open(const std::shared_ptr<Connection>& connection) {
  auto session = std::make_unique<Session>();
  session->connection = connection;
  session->tokens = options_.max_frames_per_second * 2.0;
  session->refilled_at = loop_.now_ms();
  uint64_t id = connection->id;
  // A socket that never says hello is closed: it holds a file descriptor for nothing.
  session->hello_timer = loop_.after(options_.hello_timeout_ms, [this, alive = alive_, id]() {
    if (!*alive) return;
    if (auto it = sessions_.find(id); it != sessions_.end() && !it->second->ready)
      it->second->connection->close("no hello");
  });
  sessions_[id] = std::move(session);
}

void Engine::on_close(const std::shared_ptr<Connection>& connection) {
  auto it = sessions_.find(connection->id);
  if (it == sessions_.end()) return;
  Session& s = *it->second;
  loop_.cancel(s.hello_timer);
  if (s.expiry_timer) loop_.cancel(s.expiry_timer);
  if (!s.conversation.empty()) {
    auto w = watchers_.find(s.conversation);
    if (w != watchers_.end()) {
      w->second.erase(&s);
      if (w->second.empty()) watchers_.erase(w);
    }
  }
  bool agent = agents_.erase(&s) > 0;
  UserId user = s.user;
  sessions_.erase(it);
  if (agent) presence_changed(user);
}

void Engine::on_message(const std::shared_ptr<Connection>& connection, std::string_view text) {
  auto it = sessions_.find(connection->id);
  if (it == sessions_.end()) return;
  Session& s = *it->second;
  // Token bucket: a sustained rate with a burst of twice as many.
  int64_t now = loop_.now_ms();
  double rate = options_.max_frames_per_second;
  s.tokens = std::min(rate * 2, s.tokens + (now - s.refilled_at) * rate / 1000.0);
  s.refilled_at = now;
  if (s.tokens < 1) {
    // Named by its request id when it has one, so the sender knows which frame to send again.
    auto refused = decode_client_frame(text);
    send_error(s, refused ? request_id_of(refused.value()) : std::string(),
               make_error(ErrorCode::rate_limited, "too many frames; slow down"));
    return;
  }
  s.tokens -= 1;
  auto frame = decode_client_frame(text);
  if (!frame) {
    send_error(s, "", frame.error());
    return;
  }
  if (std::holds_alternative<PingFrame>(frame.value())) {
    send(s, PongFrame{});
    return;
  }
  if (connection->channel == Channel::visitor)
    visitor_frame(s, std::move(frame.value()));
  else
    agent_frame(s, std::move(frame.value()));
}

void Engine::watch(Session& session, const ConversationId& conversation) {
  if (session.conversation == conversation) return;
  if (!session.conversation.empty()) {
    auto w = watchers_.find(session.conversation);
    if (w != watchers_.end()) {
      w->second.erase(&session);
      if (w->second.empty()) watchers_.erase(w);
    }
  }
  session.conversation = conversation;
  if (!conversation.empty()) watchers_[conversation].insert(&session);
}

}  // namespace livechat::server
