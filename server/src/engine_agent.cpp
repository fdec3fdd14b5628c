// The dashboard side of the engine: signing a socket in, the snapshot, agent commands, typing,
// and presence (an online agent whose every connection is gone for a grace period is away).
#include "auth.hpp"
#include "engine.hpp"
#include "engine_session.hpp"
#include "log.hpp"

namespace livechat::server {

namespace {
const Actor kSystem{Actor::Kind::system, ""};
}

void Engine::agent_frame(Session& s, ClientFrame frame) {
  if (auto* hello = std::get_if<HelloFrame>(&frame)) {
    if (s.ready) return send_error(s, "", make_error(ErrorCode::conflict, "hello was already said"));
    return agent_hello(s, *hello);
  }
  if (!s.ready) return send_error(s, request_id_of(frame), make_error(ErrorCode::bad_request, "say hello first"));
  if (const auto* resume = std::get_if<ResumeFrame>(&frame))
    return sync_agent(s, resume->conversation.empty() ? std::optional<uint64_t>(resume->after_pos) : std::nullopt);
  if (auto* typing = std::get_if<TypingFrame>(&frame)) {
    auto c = committed_.conversations.find(typing->conversation);
    if (c == committed_.conversations.end() || !may_write(c->second, Actor{Actor::Kind::agent, s.user})) return;
    auto w = watchers_.find(typing->conversation);
    if (w == watchers_.end()) return;
    std::string who = committed_.users.count(s.user) ? committed_.users.at(s.user).name : s.user;
    for (Session* visitor : w->second) send(*visitor, ServerTyping{typing->conversation, typing->typing, who});
    return;
  }
  auto* command = std::get_if<CommandFrame>(&frame);
  if (!command) return send_error(s, request_id_of(frame), make_error(ErrorCode::forbidden, "not available to agents"));
  uint64_t sid = s.connection->id;
  std::string request_id = command->request_id;
  Actor actor{Actor::Kind::agent, s.user};
  if (std::holds_alternative<AddUser>(command->command) || std::holds_alternative<SetRole>(command->command))
    return send_error(s, request_id, make_error(ErrorCode::forbidden, "users are managed in the admin screens (REST API)"));
  if (const auto* item = std::get_if<RecordItem>(&command->command)) {
    ConversationId conv = item->conversation;
    return create_item(conv, item->kind, actor, "", [this, sid, request_id, conv](Result<std::string> r) {
      auto it = sessions_.find(sid);
      if (it == sessions_.end()) return;
      if (!r) return send_error(*it->second, request_id, r.error());
      send(*it->second, AckFrame{request_id, committed_.conversations.at(conv).last_seq, false});
    });
  }
  run(command->command, actor, {}, [this, sid, request_id](Result<Outcome> r) {
    auto it = sessions_.find(sid);
    if (it == sessions_.end()) return;
    if (!r) return send_error(*it->second, request_id, r.error());
    ++stats_.acks;
    send(*it->second, AckFrame{request_id, r.value().last_seq, r.value().duplicate_of.has_value()});
  });
}

void Engine::agent_hello(Session& s, const HelloFrame& hello) {
  std::string token = !hello.token.empty() ? hello.token : s.connection->cookie_token;
  std::string who = address_of(s.connection->remote);
  if (!token.empty() && token_failures_.blocked(who, loop_.now_ms())) {
    send_error(s, "", make_error(ErrorCode::rate_limited, "too many invalid sign-in tokens; wait a minute", "token"));
    return s.connection->close("too many invalid tokens");
  }
  std::string hash = token.empty() ? std::string() : token_hash(token);
  auto row = hash.empty() ? std::nullopt : store_.session(hash);
  if (!row || row->expires_at <= loop_.now_ms() || !committed_.users.count(row->user_id)) {
    if (!token.empty()) token_failures_.failed(who, loop_.now_ms());
    // field "token": the dashboard's sign that it must sign in again (docs/protocol.md, Connecting).
    send_error(s, "", make_error(ErrorCode::forbidden, "sign in again", "token"));
    return s.connection->close("not signed in");
  }
  s.ready = true;
  loop_.cancel(s.hello_timer);
  s.user = row->user_id;
  s.token_hash = hash;
  uint64_t sid = s.connection->id;
  s.expiry_timer = loop_.after(row->expires_at - loop_.now_ms(), [this, alive = alive_, sid]() {
    if (!*alive) return;
    if (auto it = sessions_.find(sid); it != sessions_.end()) {
      it->second->expiry_timer = 0;
      it->second->connection->close("session expired");
    }
  });
  agents_.insert(&s);
  send(s, AgentWelcomeFrame{committed_.users.at(s.user)});
  sync_agent(s, hello.has_after_pos ? std::optional<uint64_t>(hello.after_pos) : std::nullopt);
  presence_changed(s.user);
}

void Engine::sync_agent(Session& s, std::optional<uint64_t> after_pos) {
  if (after_pos && *after_pos <= committed_pos_ && committed_pos_ - *after_pos <= options_.max_resume_events &&
      send_changes(s, *after_pos)) {
    ++stats_.resumes;
    return;
  }
  send_snapshot(s);
}

// What changed for this agent between after_pos and now (docs/protocol.md, Connecting): the
// events of conversations it saw all along and the user events, in order; then the whole
// conversation for each that came into view (or left it and came back); `hidden` for each it
// saw at after_pos and no longer sees; then `resumed`. The work is bounded by the events
// committed since (max_resume_events) and the history of the conversations they touch.
bool Engine::send_changes(Session& s, uint64_t after_pos) {
  const uint64_t upto = committed_pos_;
  std::vector<StoredEvent> window;
  if (upto > after_pos) {
    auto read = store_.events_after(after_pos, upto - after_pos);
    if (!read) {
      log_warn("resume by position failed; sending a snapshot", {{"error", read.error().message}});
      return false;
    }
    window = std::move(read.value());
  }
  struct Seen {
    bool at_start = false;  // visible at after_pos
    bool steady = false;    // visible at after_pos and through every event since
  };
  State then;  // the touched conversations, as of after_pos and then event by event
  std::unordered_map<ConversationId, Seen> seen;
  std::vector<ConversationId> touched;  // in order of first change
  for (const auto& stored : window) {
    if (stored.pos > upto) break;
    const ConversationId* id = event_conversation(stored.event);
    if (!id) continue;
    auto [it, fresh] = seen.try_emplace(*id);
    if (fresh) {
      touched.push_back(*id);
      auto before = store_.conversation_events(*id, 0, after_pos);
      if (!before) return false;
      for (const auto& e : before.value()) livechat::apply(then, e.event);
      auto c = then.conversations.find(*id);
      it->second.at_start = it->second.steady = c != then.conversations.end() && can_see(c->second, s.user);
    }
    auto c = then.conversations.find(*id);
    bool before = c != then.conversations.end() && can_see(c->second, s.user);
    livechat::apply(then, stored.event);
    c = then.conversations.find(*id);
    bool after = c != then.conversations.end() && can_see(c->second, s.user);
    if (!before || !after) it->second.steady = false;
  }
  for (const auto& stored : window) {
    if (stored.pos > upto) break;
    const ConversationId* id = event_conversation(stored.event);
    const auto* settings = std::get_if<NotificationSettingsChanged>(&stored.event);
    if (id ? seen.at(*id).steady : !settings || settings->user == s.user)
      s.connection->send(encode_event_frame(stored.pos, stored.event));
  }
  for (const auto& id : touched) {
    const Seen& v = seen.at(id);
    auto c = then.conversations.find(id);
    bool now = c != then.conversations.end() && can_see(c->second, s.user);
    if (now && !v.steady) send(s, ConversationFrame{upto, c->second});
    else if (!now && v.at_start) send(s, HiddenFrame{id});
  }
  send(s, ResumedFrame{"", 0, upto});
  return true;
}

// The working set: every user and the open conversations the agent may see (closed ones are
// the Closed folder's, read page by page over REST). One frame when it fits, else the users in
// the snapshot and each conversation in a `conversation` frame at the same position.
void Engine::send_snapshot(Session& s) {
  ++stats_.snapshots;
  SnapshotFrame snap;
  snap.pos = committed_pos_;
  for (const auto& [id, u] : committed_.users) snap.users.push_back(u);
  for (const auto& [id, c] : committed_.conversations)
    if (c.phase != Phase::closed && can_see(c, s.user)) snap.conversations.push_back(c);
  std::string text = encode(snap);
  if (text.size() <= options_.max_snapshot_bytes) return s.connection->send(std::move(text));
  ++stats_.split_snapshots;
  std::vector<Conversation> conversations = std::move(snap.conversations);
  snap.conversations.clear();
  send(s, snap);
  for (auto& c : conversations) send(s, ConversationFrame{snap.pos, std::move(c)});
}

void Engine::presence_changed(const UserId& user) {
  bool connected = false;
  for (Session* a : agents_) connected = connected || a->user == user;
  auto timer = away_timers_.find(user);
  if (timer != away_timers_.end()) {
    loop_.cancel(timer->second);
    away_timers_.erase(timer);
  }
  auto u = live_.users.find(user);
  if (u == live_.users.end()) return;
  if (connected) {
    if (u->second.away) {
      Write w;
      if (stage(SetAway{user, false}, kSystem, loop_.now_ms(), w)) submit(std::move(w), nullptr);
    }
    return;
  }
  if (!u->second.online || u->second.away) return;
  away_timers_[user] = loop_.after(options_.away_grace_ms, [this, alive = alive_, user]() {
    if (!*alive) return;
    away_timers_.erase(user);
    for (Session* a : agents_)
      if (a->user == user) return;
    Write w;
    if (stage(SetAway{user, true}, kSystem, loop_.now_ms(), w)) {
      log_info("agent away", {{"user", user}});
      submit(std::move(w), nullptr);
    }
  });
}

void Engine::session_ended(const std::string& hash) {
  std::vector<std::shared_ptr<Connection>> doomed;
  for (Session* a : agents_)
    if (a->token_hash == hash) doomed.push_back(a->connection);
  for (auto& c : doomed) c->close("signed out");
}

}  // namespace livechat::server
