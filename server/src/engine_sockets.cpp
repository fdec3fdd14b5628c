// The engine as SocketHandler: admitting upgrades (Origin checks), the hello deadline, rate
// limits, decoding frames, and handing them to the visitor or agent side.
#include "engine.hpp"
#include "engine_session.hpp"
#include "log.hpp"

namespace livechat::server {

Engine::Origin Engine::origin_of(const std::string& origin, const std::string& host, const Playbook* playbook) const {
  if (playbook)
    for (const auto& allowed : playbook->allowed_origins)
      if (allowed == origin) return Origin::listed;
  // "http://host:port" for the Host header is what a browser on our own pages sends as Origin.
  bool own = (!origin.empty() && origin == options_.public_origin) ||
             (!host.empty() && (origin == "http://" + host || origin == "https://" + host));
  return own ? Origin::own : Origin::refused;
}

std::string Engine::admit(Channel channel, const HttpRequest& upgrade) {
  std::string origin = upgrade.header("origin"), host = upgrade.header("host");
  if (channel == Channel::agent)
    return origin_of(origin, host, nullptr) == Origin::own ? "" : "the dashboard connects only from this server's own pages";
  auto pb = upgrade.query.find("playbook");
  if (pb == upgrade.query.end()) return "missing playbook";
  const CachedPlaybook* cached = playbook(pb->second);
  if (!cached || !cached->playbook.published) return "unknown playbook";
  if (origin_of(origin, host, &cached->playbook) != Origin::refused) return "";
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
    send_error(s, request_id_in(text), make_error(ErrorCode::rate_limited, "too many frames; slow down"));
    return;
  }
  s.tokens -= 1;
  auto frame = decode_client_frame(text);
  if (!frame) {
    send_error(s, request_id_in(text), frame.error());  // e.g. a message too long: which one
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
