// The engine's heart: staging commands against the live state, committing them, and delivering
// what became durable to exactly those allowed to see it. See engine.hpp for the contract.
#include "engine.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "auth.hpp"
#include "engine_session.hpp"
#include "livechat/notifications.hpp"
#include "livechat/protocol_json.hpp"
#include "livechat/richtext.hpp"
#include "livechat/validate.hpp"
#include "livechat/visitor.hpp"
#include "log.hpp"
#include "time_zones.hpp"

namespace livechat::server {

namespace {
const Actor kSystem{Actor::Kind::system, ""};

// The conversation a command addresses, nullptr for user commands.
const ConversationId* command_conversation(const Command& command) {
  return std::visit(
      [](const auto& c) -> const ConversationId* {
        if constexpr (requires { c.conversation; }) return &c.conversation;
        else return nullptr;
      },
      command);
}
const Actor kBot{Actor::Kind::bot, ""};

// The notify frame for `n`, caused by event `e` in conversation `c`, as text.
std::string notify_text(const Notification& n, const Conversation& c, const Event& e) {
  NotifyFrame f;
  f.kind = std::string(notification_kind_name(n.kind));
  f.conversation = n.conversation;
  f.title = std::string(notification_title(n.kind));  // English: the dashboard translates it
  f.body = visitor_display_name(c);
  if (const auto* m = std::get_if<MessagePosted>(&e)) {
    f.body += ": ";
    f.body += utf8_prefix(to_plain_text(m->text), 200);
  }
  return encode(f);
}

}  // namespace

std::string utc_date(int64_t ms) {
  // Days since the epoch to a civil date (Howard Hinnant's algorithm).
  int64_t z = (ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000) + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
  return buf;
}

Engine::Engine(Loop& loop, Store& store, EngineOptions options)
    : loop_(loop), store_(store), options_(std::move(options)) {}

Engine::~Engine() { *alive_ = false; }

Status Engine::load() {
  for (const auto& row : store_.playbooks()) playbook_changed(row);
  for (const auto& row : store_.playbook_settings()) {
    auto hours = business_hours_from_json(row.business_hours);
    if (hours) hours_changed(row.playbook_id, std::move(hours.value()));
    else log_warn("stored business hours unreadable: the playbook is always open",
                  {{"playbook", row.playbook_id}, {"error", hours.error().message}});
  }
  // The users: their events only (the users table of the state is small; conversations' events
  // are read per open conversation below, never the whole log).
  uint64_t after = 0;
  while (true) {
    auto batch = store_.user_events_after(after, 10'000);
    if (!batch) return batch.error();
    if (batch.value().empty()) break;
    stats_.startup_events_read += batch.value().size();
    for (const auto& stored : batch.value()) {
      livechat::apply(live_, stored.event);
      livechat::apply(committed_, stored.event);
      after = stored.pos;
    }
  }
  auto open = store_.open_conversations(loop_.now_ms() - options_.dormant_after_ms);
  if (!open) return open.error();
  for (const auto& id : open.value()) {
    auto loaded = store_.load_conversation(id);
    if (!loaded) return loaded.error();
    if (!loaded.value()) continue;
    stats_.startup_events_read += loaded.value()->last_seq;  // seqs count a conversation's events
    committed_.conversations.emplace(id, *loaded.value());
    live_.conversations.emplace(id, std::move(*loaded.value()));
    load_run(id);
  }
  committed_pos_ = store_.last_pos();
  next_pos_ = committed_pos_ + 1;
  for (const auto& [id, c] : live_.conversations)
    if (c.phase == Phase::unassigned && c.wait_deadline > 0 && !c.missed) schedule_wait(c);
  // Nobody is connected after a restart: agents who were online become away unless a dashboard
  // comes back within the grace period.
  std::vector<UserId> online;
  for (const auto& [id, u] : live_.users)
    if (u.online && !u.away) online.push_back(id);
  for (const auto& id : online) presence_changed(id);
  schedule_dormancy_sweep();
  log_info("state loaded", {{"pos", committed_pos_}, {"events_read", stats_.startup_events_read},
                            {"open_conversations", live_.conversations.size()}, {"users", live_.users.size()}});
  return ok_status();
}

// --- bounded memory ----------------------------------------------------------------------------

void Engine::load_run(const ConversationId& id) {
  auto row = store_.run(id);
  if (!row) return;
  auto json = nlohmann::json::parse(row->json, nullptr, false);
  auto run = playbook_run_from_json(json);
  if (!run) {
    log_warn("chatbot run unreadable", {{"conversation", id}, {"error", run.error().message}});
    return;
  }
  runs_[id] = Run{row->playbook_id, row->playbook_version, run.value()};
}

std::optional<Conversation> Engine::load_stored(const ConversationId& id) {
  auto loaded = store_.load_conversation(id);
  if (!loaded) {
    log_warn("conversation unreadable", {{"conversation", id}, {"error", loaded.error().message}});
    return std::nullopt;
  }
  // Only closed and dormant chatbot-phase ones live in the store alone: any other one missing
  // here was committed a moment ago and reaches the states through on_durable.
  if (!loaded.value()) return std::nullopt;
  const Phase phase = loaded.value()->phase;
  if (phase != Phase::closed && phase != Phase::bot) return std::nullopt;
  ++(phase == Phase::closed ? stats_.loads : stats_.woken);
  return std::move(loaded.value());
}

const Conversation* Engine::wake(Conversation c) {
  const ConversationId id = c.id;
  woken_at_[id] = loop_.now_ms();  // its visitor is back: not asleep again before they had time
  live_.conversations.emplace(id, c);
  load_run(id);
  return &committed_.conversations.emplace(id, std::move(c)).first->second;
}

const Conversation* Engine::conversation(const ConversationId& id) {
  if (auto it = committed_.conversations.find(id); it != committed_.conversations.end()) return &it->second;
  if (live_.conversations.count(id)) return nullptr;  // started, not durable yet
  if (const Conversation* c = closed_.find(id)) return c;
  auto loaded = load_stored(id);
  if (!loaded) return nullptr;
  return loaded->phase == Phase::bot ? wake(std::move(*loaded)) : closed_.put(std::move(*loaded));
}

void Engine::page_in(const ConversationId& id) {
  if (live_.conversations.count(id)) return;
  std::optional<Conversation> c = closed_.take(id);
  if (!c) c = load_stored(id);
  if (!c) return;
  if (c->phase == Phase::bot) {
    wake(std::move(*c));
    return;
  }
  committed_.conversations.emplace(id, *c);
  live_.conversations.emplace(id, std::move(*c));
  paged_in_.insert(id);
}

void Engine::settle(const ConversationId& id) {
  auto live = live_.conversations.find(id);
  auto done = committed_.conversations.find(id);
  if (live == live_.conversations.end() || done == committed_.conversations.end()) return;
  if (done->second.phase != Phase::closed || live->second.last_seq != done->second.last_seq) return;
  paged_in_.erase(id);
  runs_.erase(id);
  if (auto t = wait_timers_.find(id); t != wait_timers_.end()) {
    loop_.cancel(t->second);
    wait_timers_.erase(t);
  }
  closed_.put(std::move(done->second));
  committed_.conversations.erase(done);
  live_.conversations.erase(live);
}

// Chatbot-phase conversations whose visitor left: no widget shows them, nothing is on its way to
// the disk for them, and their last activity (start or newest message: the same rule as
// Store::open_conversations) is older than dormant_after_ms. The sweep walks the open
// conversations only (the working set), never the history.
void Engine::sweep_dormant() {
  const TimeMs since = loop_.now_ms() - options_.dormant_after_ms;
  std::erase_if(woken_at_, [&](const auto& w) { return w.second < since; });
  std::vector<ConversationId> asleep;
  for (const auto& [id, c] : committed_.conversations) {
    if (c.phase != Phase::bot || watchers_.count(id) || woken_at_.count(id)) continue;
    const TimeMs active = std::max(c.created_at, c.messages.empty() ? TimeMs{0} : c.messages.back().at);
    if (active >= since) continue;
    auto live = live_.conversations.find(id);
    if (live == live_.conversations.end() || live->second.last_seq != c.last_seq) continue;  // a command on its way
    asleep.push_back(id);
  }
  for (const auto& id : asleep) {
    committed_.conversations.erase(id);
    live_.conversations.erase(id);
    runs_.erase(id);
  }
  stats_.dormant += asleep.size();
  if (!asleep.empty()) log_debug("dormant chatbot conversations left memory", {{"count", asleep.size()}});
}

void Engine::schedule_dormancy_sweep() {
  const int64_t period = std::clamp<int64_t>(options_.dormant_after_ms / 4, 50, 60'000);
  loop_.after(period, [this, alive = alive_] {
    if (!*alive) return;
    sweep_dormant();
    schedule_dormancy_sweep();
  });
}

// --- commands ----------------------------------------------------------------------------------

Result<Outcome> Engine::stage(const Command& command, const Actor& actor, TimeMs now, Write& write) {
  ++stats_.commands;
  // A closed conversation not in memory comes back for the rules to see (a start naming an
  // existing id too: the rules refuse it, where the store's insert would fail the whole batch).
  const ConversationId* target = command_conversation(command);
  if (target) page_in(*target);
  auto decision = decide(live_, command, actor, now);
  if (!decision) {
    ++stats_.rejected;
    if (target) settle(*target);
    return decision.error();
  }
  Outcome out;
  out.duplicate_of = decision.value().duplicate_of;
  out.last_seq = out.duplicate_of.value_or(0);
  for (auto& e : decision.value().events) {
    livechat::apply(live_, e);
    out.last_seq = event_seq(e);
    if (const ConversationId* id = event_conversation(e)) {
      const Conversation& c = live_.conversations.at(*id);
      if (std::holds_alternative<LiveChatRequested>(e) && !c.missed) schedule_wait(c);
      if (c.wait_deadline == 0 || c.missed) {
        if (auto it = wait_timers_.find(*id); it != wait_timers_.end()) {
          loop_.cancel(it->second);
          wait_timers_.erase(it);
        }
      }
    }
    write.events.push_back(StoredEvent{next_pos_++, std::move(e)});
  }
  return out;
}

void Engine::run(const Command& command, const Actor& actor, Write extra, Reply reply) {
  auto staged = stage(command, actor, loop_.now_ms(), extra);
  if (!staged) {
    reply(staged.error());
    return;
  }
  // Always through the store, even with no events: a duplicate's ack must wait until the
  // original is durable, and the empty write is committed after it.
  submit(std::move(extra),
         [reply = std::move(reply), out = std::move(staged.value())]() mutable { reply(std::move(out)); });
}

void Engine::write(Write rows, std::function<void(const Status&)> done) {
  submit(std::move(rows), [done]() { done(ok_status()); });
}

void Engine::submit(Write write, std::function<void()> after_durable) {
  std::vector<StoredEvent> events = write.events;
  auto decided = std::chrono::steady_clock::now();
  store_.submit(std::move(write), [this, alive = alive_, events = std::move(events), decided,
                                   after = std::move(after_durable)](const Status& status) {
    if (!*alive) return;
    commit_latency_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - decided).count());
    if (!status) {
      // Memory is ahead of the disk now; the only safe move is to stop. A restart replays
      // exactly what is durable.
      log_error("commit failed; stopping", {{"error", status.error().message}});
      std::_Exit(70);
    }
    on_durable(events);
    if (after) after();
    // Closed conversations with nothing left in flight go back to the cache.
    for (const auto& stored : events)
      if (const ConversationId* id = event_conversation(stored.event)) settle(*id);
    std::vector<ConversationId> paged(paged_in_.begin(), paged_in_.end());
    for (const auto& id : paged) settle(id);
  });
}

// --- delivery ----------------------------------------------------------------------------------

void Engine::on_durable(const std::vector<StoredEvent>& events) {
  for (const auto& stored : events) {
    Phase phase_before = Phase::bot;
    UserId assignee_before;
    if (const ConversationId* id = event_conversation(stored.event)) {
      if (auto it = committed_.conversations.find(*id); it != committed_.conversations.end()) {
        phase_before = it->second.phase;
        assignee_before = it->second.assignee;
      }
    }
    livechat::apply(committed_, stored.event);
    committed_pos_ = stored.pos;
    ++stats_.events;
    deliver(stored, phase_before, assignee_before);
  }
}

void Engine::deliver(const StoredEvent& stored, Phase phase_before, const UserId& assignee_before) {
  const Event& e = stored.event;
  // Most recipients get the same frames: each is written once, when first needed, and copied.
  std::string event_text, conversation_text;
  auto event_frame = [&]() -> const std::string& {
    if (event_text.empty()) event_text = encode_event_frame(stored.pos, e);
    return event_text;
  };
  const ConversationId* id = event_conversation(e);
  if (!id) {
    // User events: every dashboard keeps the team list, except a user's own settings.
    const auto* settings = std::get_if<NotificationSettingsChanged>(&e);
    for (Session* s : agents_)
      if (!settings || s->user == settings->user) s->connection->send(event_frame());
    return;
  }
  const Conversation& c = committed_.conversations.at(*id);
  // The visitor's widget.
  if (auto w = watchers_.find(*id); w != watchers_.end() && visitor_sees(e)) {
    for (Session* s : w->second) {
      if (const auto* a = std::get_if<ConversationAssigned>(&e)) {
        // The widget needs the agent's name ("Anna joined the chat"): a redacted user first.
        if (auto u = committed_.users.find(a->to); u != committed_.users.end()) {
          User shown;
          shown.id = u->second.id;
          shown.name = u->second.name;
          send(*s, EventFrame{0, UserAdded{shown}});
        }
      }
      s->connection->send(event_frame());
    }
    // The widget's input follows who has the chat: ended, a human, or the chatbot again.
    if (std::holds_alternative<ConversationClosed>(e) || std::holds_alternative<ConversationAssigned>(e) ||
        std::holds_alternative<ConversationUnassigned>(e))
      send_prompt(*id);
  }
  // Dashboards: the visibility rule decides between the event, the whole conversation (it just
  // came into view) and a hidden notice (it just left).
  auto notes = notifications_for(committed_, e);
  std::vector<std::string> note_texts;  // notes[i] as a notify frame
  for (const auto& n : notes) note_texts.push_back(notify_text(n, c, e));
  for (Session* s : agents_) {
    bool before = can_see(phase_before, assignee_before, s->user), after = can_see(c, s->user);
    if (before && after) {
      s->connection->send(event_frame());
    } else if (after) {
      if (conversation_text.empty()) conversation_text = encode(ConversationFrame{stored.pos, c});
      s->connection->send(conversation_text);
    } else if (before) {
      send(*s, HiddenFrame{c.id});
    }
    for (std::size_t i = 0; i < notes.size(); ++i)
      if (notes[i].user == s->user) s->connection->send(note_texts[i]);
  }
}

void Engine::send(Session& session, const ServerFrame& frame) { session.connection->send(encode(frame)); }

void Engine::send_error(Session& session, const std::string& request_id, const Error& error) {
  send(session, ErrorFrame{request_id, error});
}

// --- wait time ---------------------------------------------------------------------------------

void Engine::schedule_wait(const Conversation& c) {
  if (auto it = wait_timers_.find(c.id); it != wait_timers_.end()) loop_.cancel(it->second);
  int64_t delay = std::max<int64_t>(0, c.wait_deadline - loop_.now_ms());
  ConversationId id = c.id;
  wait_timers_[id] = loop_.after(delay, [this, alive = alive_, id]() {
    if (*alive) on_wait_timer(id);
  });
}

void Engine::on_wait_timer(const ConversationId& id) {
  wait_timers_.erase(id);
  auto it = live_.conversations.find(id);
  if (it == live_.conversations.end()) return;
  const Conversation& c = it->second;
  if (c.phase != Phase::unassigned || c.wait_deadline == 0 || c.missed) return;
  TimeMs now = std::max(loop_.now_ms(), c.wait_deadline);
  Write w;
  auto staged = stage(ExpireWait{id}, kSystem, now, w);
  if (!staged) {
    log_warn("wait expiry refused", {{"conversation", id}, {"error", staged.error().message}});
    return;
  }
  // Nobody took it: the offline message and the offline flow.
  if (auto run = runs_.find(id); run != runs_.end())
    if (const Playbook* flow = flow_of(run->second)) {
      Step step = wait_expired(*flow, run->second.run, context_for(run->second.playbook_id));
      carry_out(id, step, now, w);
      w.runs.push_back(run_row(id, run->second));
    }
  log_info("wait time passed", {{"conversation", id}});
  submit(std::move(w), [this, id]() { send_prompt(id); });
}

EngineStats Engine::stats() const {
  EngineStats s = stats_;
  s.held_conversations = live_.conversations.size();
  s.cached_closed = closed_.size();
  s.evictions = closed_.evictions();
  for (const auto& [id, session] : sessions_)
    (session->connection->channel == Channel::visitor ? s.visitor_sockets : s.agent_sockets)++;
  return s;
}

}  // namespace livechat::server
