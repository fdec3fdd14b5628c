// The visitor side of the engine: the widget's hello, a new conversation, chatbot answers,
// resume after a reload or a dropped connection, and the chatbot's effects.
#include <nlohmann/json.hpp>

#include "auth.hpp"
#include "engine.hpp"
#include "engine_session.hpp"
#include "livechat/visitor.hpp"
#include "log.hpp"
#include "time_zones.hpp"

namespace livechat::server {

namespace {
const Actor kBot{Actor::Kind::bot, ""};
Actor visitor_actor(const std::string& id) { return Actor{Actor::Kind::visitor, id}; }
}  // namespace

const Engine::CachedPlaybook* Engine::playbook(const std::string& id) const {
  auto it = playbooks_.find(id);
  return it == playbooks_.end() ? nullptr : &it->second;
}

void Engine::playbook_changed(const PlaybookRow& row, const Playbook* published) {
  auto [it, fresh] = playbooks_.try_emplace(row.id);
  CachedPlaybook& cached = it->second;
  if (fresh)
    for (const auto& v : store_.playbook_versions(row.id)) cached.last_version = std::max(cached.last_version, v.version);
  cached.last_version = std::max(cached.last_version, row.published_version);
  const int64_t was = cached.row.published_version;
  if (was != row.published_version && cached.playbook.published)  // runs may still follow it
    versions_.insert_or_assign({row.id, was}, std::move(cached.playbook));
  if (published) cached.playbook = *published;
  else if (was != row.published_version || fresh)
    cached.playbook = load_version(row.id, row.published_version).value_or(Playbook{});
  cached.row = row;
  cached.playbook.published = row.published_version > 0 && !cached.playbook.cards.empty();
}

int64_t Engine::publish(PlaybookRow& row, Playbook playbook, const UserId& author, Write& w) {
  if (!playbooks_.contains(row.id)) playbook_changed(row);
  row.published_version = ++playbooks_.at(row.id).last_version;
  playbook.published = true;
  w.playbooks.push_back(row);
  w.playbook_versions.push_back(PlaybookVersionRow{new_id("pv"), row.id, row.published_version,
                                                   playbook_to_json(playbook), author, loop_.now_ms()});
  playbook_changed(row, &playbook);
  return row.published_version;
}

void Engine::playbook_deleted(const std::string& id) {
  playbooks_.erase(id);
  hours_.erase(id);
  std::erase_if(versions_, [&](const auto& v) { return v.first.first == id; });
}

std::optional<Playbook> Engine::load_version(const std::string& playbook_id, int64_t version) const {
  if (version <= 0) return std::nullopt;
  auto row = store_.playbook_version(playbook_id, version);
  if (!row) {
    log_warn("playbook version missing", {{"playbook", playbook_id}, {"version", std::to_string(version)}});
    return std::nullopt;
  }
  auto pb = playbook_from_json(row->json);
  if (!pb) {
    log_warn("stored playbook unreadable", {{"playbook", playbook_id}, {"error", pb.error().message}});
    return std::nullopt;
  }
  return std::move(pb.value());
}

const Playbook* Engine::flow_of(const Run& run) const {
  const CachedPlaybook* pb = playbook(run.playbook_id);
  if (!pb) return nullptr;
  if (run.version == 0 || run.version == pb->row.published_version)  // 0: a run older than versions
    return pb->playbook.published ? &pb->playbook : nullptr;
  auto key = std::make_pair(run.playbook_id, run.version);
  auto it = versions_.find(key);
  if (it == versions_.end()) {
    auto loaded = load_version(run.playbook_id, run.version);
    if (!loaded) return nullptr;
    it = versions_.emplace(key, std::move(*loaded)).first;
  }
  return &it->second;
}

RunRow Engine::run_row(const ConversationId& conversation, const Run& run) {
  return RunRow{conversation, run.playbook_id, playbook_run_to_json(run.run).dump(), run.version};
}

void Engine::hours_changed(const std::string& playbook_id, BusinessHours hours) {
  hours_[playbook_id] = std::move(hours);
}

// Whether the team is in is the core's answer for the loop's clock now (the one clock read here).
PlaybookContext Engine::context_for(const std::string& playbook_id) const {
  const CachedPlaybook* pb = playbook(playbook_id);
  auto hours = hours_.find(playbook_id);
  const bool within = hours == hours_.end() || is_open(hours->second, loop_.now_ms());
  return PlaybookContext{anyone_available(live_), pb && pb->row.embedded, within};
}

void Engine::visitor_frame(Session& s, ClientFrame frame) {
  if (auto* hello = std::get_if<HelloFrame>(&frame)) {
    if (s.ready || s.hello_pending) return send_error(s, "", make_error(ErrorCode::conflict, "hello was already said"));
    s.hello_pending = true;
    return visitor_hello(s, *hello);
  }
  if (!s.ready) return send_error(s, request_id_of(frame), make_error(ErrorCode::bad_request, "say hello first"));
  if (auto* start = std::get_if<StartFrame>(&frame)) return visitor_start(s, *start);
  if (auto* answer = std::get_if<AnswerFrame>(&frame)) return visitor_answer(s, *answer);
  if (auto* resume = std::get_if<ResumeFrame>(&frame)) return visitor_resume(s, *resume);
  if (auto* typing = std::get_if<TypingFrame>(&frame)) {
    auto c = committed_.conversations.find(typing->conversation);
    if (typing->conversation != s.conversation || c == committed_.conversations.end()) return;
    const Conversation& conv = c->second;
    const UserId seen_by = typing_seen_by(conv);
    for (Session* agent : agents_)
      if (!seen_by.empty() && agent->user == seen_by)
        send(*agent, ServerTyping{typing->conversation, typing->typing, visitor_display_name(conv)});
    return;
  }
  if (auto* command = std::get_if<CommandFrame>(&frame)) {
    auto* message = std::get_if<SendMessage>(&command->command);
    if (!message)
      return send_error(s, command->request_id, make_error(ErrorCode::forbidden, "visitors can only send messages"));
    // While the chatbot waits for an answer, a typed message is that answer (the widget asks the
    // same typed_text_answers, so it normally sends an answer frame itself).
    auto conv = live_.conversations.find(message->conversation);
    if (conv != live_.conversations.end() && message->conversation == s.conversation &&
        typed_text_answers(conv->second, bot_prompt(message->conversation).kind))
      return visitor_answer(s, AnswerFrame{command->request_id, message->conversation, message->text,
                                           message->client_id});
    uint64_t sid = s.connection->id;
    std::string request_id = command->request_id;
    return run(*message, visitor_actor(s.visitor_id), {}, [this, sid, request_id](Result<Outcome> r) {
      auto it = sessions_.find(sid);
      if (it == sessions_.end()) return;
      if (!r) return send_error(*it->second, request_id, r.error());
      send(*it->second, AckFrame{request_id, r.value().last_seq, r.value().duplicate_of.has_value()});
    });
  }
  send_error(s, request_id_of(frame), make_error(ErrorCode::forbidden, "not available to visitors"));
}

void Engine::visitor_hello(Session& s, const HelloFrame& hello) {
  const CachedPlaybook* pb = playbook(hello.playbook);
  if (!pb || !pb->playbook.published) {
    send_error(s, "", make_error(ErrorCode::not_found, "no such playbook", "playbook"));
    return s.connection->close("unknown playbook");
  }
  const std::string& origin = s.connection->origin;
  Origin fit = origin_of(origin, s.connection->host, &pb->playbook);
  if (fit == Origin::refused) {
    send_error(s, "", make_error(ErrorCode::forbidden, "this site may not embed the playbook", "origin"));
    return s.connection->close("origin not allowed");
  }
  Write w;
  std::string token = hello.token, visitor_id;
  // An address that presented too many unknown tokens gets no more look-ups this minute: its
  // visitors start afresh, so a guess can never land on someone else's chat.
  std::string who = address_of(s.connection->remote);
  if (!token.empty() && !token_failures_.blocked(who, loop_.now_ms())) {
    if (auto v = store_.visitor(token_hash(token))) visitor_id = v->visitor_id;
    else token_failures_.failed(who, loop_.now_ms());
  }
  if (visitor_id.empty()) {  // a new visitor (or a token we never issued): a fresh identity
    token = new_token();
    visitor_id = new_id("v");
    w.visitors.push_back(VisitorRow{token_hash(token), visitor_id, hello.playbook, loop_.now_ms()});
  }
  if (fit == Origin::listed && !pb->row.embedded) {  // loaded from one of its sites: no longer offline-only
    PlaybookRow row = pb->row;
    row.embedded = true;
    row.updated_at = row.embedded_at = loop_.now_ms();
    row.embedded_origin = origin;
    w.playbooks.push_back(row);
    playbook_changed(row);
    log_info("playbook embedded", {{"playbook", row.id}, {"origin", origin}});
  }
  s.visitor_id = visitor_id;
  s.playbook_id = hello.playbook;
  uint64_t sid = s.connection->id;
  // The welcome waits for the visitor row to be durable: a token we hand out must survive a crash.
  submit(std::move(w), [this, sid, token, visitor_id]() {
    auto it = sessions_.find(sid);
    if (it == sessions_.end()) return;
    Session& s = *it->second;
    const CachedPlaybook* pb = playbook(s.playbook_id);
    if (!pb) return s.connection->close("playbook deleted");
    s.ready = true;
    loop_.cancel(s.hello_timer);
    WelcomeFrame welcome;
    welcome.visitor_id = visitor_id;
    welcome.token = token;
    if (auto newest = store_.latest_conversation(visitor_id, s.playbook_id); newest && conversation(*newest))
      welcome.conversation = *newest;
    welcome.bot_name = pb->playbook.bot_name;
    welcome.bot_avatar_url = pb->playbook.bot_avatar_url;
    PlaybookContext ctx = context_for(s.playbook_id);
    welcome.live_chat_available = ctx.anyone_online && ctx.embedded && ctx.within_hours;
    if (!ctx.within_hours)  // the widget says when the team is back, in the visitor's language and zone
      welcome.back_at = next_opening(hours_.at(s.playbook_id), loop_.now_ms()).value_or(0);
    send(s, welcome);
  });
}

void Engine::visitor_start(Session& s, const StartFrame& start) {
  const CachedPlaybook* pb = playbook(s.playbook_id);
  if (!pb || !pb->playbook.published)
    return send_error(s, start.request_id, make_error(ErrorCode::not_found, "no such playbook"));
  ConversationId id = new_id("c");
  TimeMs now = loop_.now_ms();
  Write w;
  auto started = stage(StartConversation{id, s.visitor_id, s.playbook_id, ""}, visitor_actor(s.visitor_id), now, w);
  if (!started) return send_error(s, start.request_id, started.error());
  Run& run = runs_[id];
  run.playbook_id = s.playbook_id;
  run.version = pb->row.published_version;
  Step step = livechat::start(pb->playbook, run.run, context_for(s.playbook_id));
  carry_out(id, step, now, w);
  w.runs.push_back(run_row(id, run));
  watch(s, id);
  uint64_t sid = s.connection->id;
  std::string request_id = start.request_id;
  submit(std::move(w), [this, sid, request_id, id]() {
    auto it = sessions_.find(sid);
    if (it == sessions_.end()) return;
    send(*it->second, AckFrame{request_id, committed_.conversations.at(id).last_seq, false});
    send_prompt(id);
  });
}

void Engine::visitor_answer(Session& s, const AnswerFrame& answer) {
  if (answer.conversation == s.conversation) conversation(answer.conversation);  // wakes a dormant one
  auto run = runs_.find(answer.conversation);
  const Playbook* flow = run == runs_.end() ? nullptr : flow_of(run->second);
  if (answer.conversation != s.conversation || !flow)
    return send_error(s, answer.request_id, make_error(ErrorCode::not_found, "no such conversation", "conversation"));
  TimeMs now = loop_.now_ms();
  Write w;
  auto posted = stage(SendMessage{answer.conversation, answer.text, answer.client_id}, visitor_actor(s.visitor_id),
                      now, w);
  if (!posted) return send_error(s, answer.request_id, posted.error());
  bool duplicate = posted.value().duplicate_of.has_value();
  // The question may have gone meanwhile (the chat went live): then it is simply a message.
  const Conversation& conv = live_.conversations.at(answer.conversation);
  if (!duplicate && typed_text_answers(conv, current_prompt(*flow, run->second.run).kind)) {
    Step step = livechat::answer(*flow, run->second.run, answer.text, context_for(run->second.playbook_id));
    carry_out(answer.conversation, step, now, w);
    w.runs.push_back(run_row(answer.conversation, run->second));
  }
  uint64_t sid = s.connection->id;
  Seq seq = posted.value().last_seq;
  std::string request_id = answer.request_id;
  ConversationId id = answer.conversation;
  submit(std::move(w), [this, sid, request_id, seq, duplicate, id]() {
    auto it = sessions_.find(sid);
    if (it == sessions_.end()) return;
    send(*it->second, AckFrame{request_id, seq, duplicate});
    send_prompt(id);
  });
}

void Engine::visitor_resume(Session& s, const ResumeFrame& resume) {
  const Conversation* c = conversation(resume.conversation);
  if (!c || c->visitor_id != s.visitor_id)
    return send_error(s, "", make_error(ErrorCode::not_found, "no such conversation", "conversation"));
  watch(s, "");  // live events wait until the replay is done, so they follow it in order
  replay(s.connection->id, resume.conversation, resume.after, ++s.replay);
}

// Exactly what was missed: the durable events after seq `after`, a part at a time (at most
// kReplayPartBytes, then the rest once the socket drained: a long transcript must not make a
// reading widget look like a slow consumer). At the end the widget watches the conversation:
// anything committed later reaches it through delivery, in order.
void Engine::replay(uint64_t sid, const ConversationId& id, Seq after, uint64_t generation) {
  constexpr std::size_t kReplayPartBytes = 256 * 1024;
  auto it = sessions_.find(sid);
  if (it == sessions_.end() || it->second->replay != generation) return;
  Session& s = *it->second;
  auto events = store_.conversation_events(id, after, committed_pos_);
  if (!events) return send_error(s, "", events.error());
  std::size_t sent = 0;
  auto send_counted = [&](const ServerFrame& frame) {
    std::string text = encode(frame);
    sent += text.size();
    s.connection->send(std::move(text));
  };
  for (const auto& stored : events.value()) {
    if (sent >= kReplayPartBytes) {
      s.connection->when_drained([this, alive = alive_, sid, id, after, generation]() {
        if (*alive) replay(sid, id, after, generation);
      });
      return;
    }
    const Event& e = stored.event;
    after = event_seq(e);
    if (const auto* a = std::get_if<ConversationAssigned>(&e)) {
      if (auto u = committed_.users.find(a->to); u != committed_.users.end()) {
        User shown;
        shown.id = u->second.id;
        shown.name = u->second.name;
        send_counted(EventFrame{0, UserAdded{shown}});
      }
    }
    if (visitor_sees(e)) send_counted(EventFrame{stored.pos, e});
  }
  watch(s, id);
  const Conversation* c = conversation(id);
  send(s, ResumedFrame{id, c ? c->last_seq : after, committed_pos_});
  send_prompt(id);
}

void Engine::send_prompt(const ConversationId& id) {
  auto w = watchers_.find(id);
  if (w == watchers_.end()) return;
  const Conversation* c = conversation(id);
  if (!c) return;
  PromptFrame frame = prompt_frame(id, visitor_prompt(*c, bot_prompt(id)));
  for (Session* s : w->second) send(*s, frame);
}

Prompt Engine::bot_prompt(const ConversationId& id) const {
  auto run = runs_.find(id);
  const Playbook* flow = run == runs_.end() ? nullptr : flow_of(run->second);
  return flow ? current_prompt(*flow, run->second.run) : Prompt{};
}

void Engine::carry_out(const ConversationId& id, const Step& step, TimeMs now, Write& w) {
  auto refused = [&](const char* what, const Error& e) {
    log_warn("chatbot step refused", {{"conversation", id}, {"what", what}, {"error", e.message}});
  };
  // The visitor reached the Live Chat card of an embedded playbook while nobody was online: the
  // request still goes to Unassigned (missed at once), so whoever comes online finds it. Outside
  // business hours nobody is expected: no request, as offline-only (the offline flow's lead and
  // the chat in Closed are what the team finds).
  auto run = runs_.find(id);
  const Playbook* flow = run == runs_.end() ? nullptr : flow_of(run->second);
  const PlaybookContext ctx = flow ? context_for(run->second.playbook_id) : PlaybookContext{};
  if (flow && ctx.embedded && ctx.within_hours && live_.conversations.at(id).phase == Phase::bot) {
    for (const auto& m : step.messages) {
      const Card* card = m.kind == MessageKind::offline ? find_card(*flow, m.card_id) : nullptr;
      const auto* live = card ? std::get_if<LiveChatCard>(&card->body) : nullptr;
      if (!live) continue;
      if (auto r = stage(RequestLiveChat{id, live->wait_seconds}, kBot, now, w); !r) refused("live chat", r.error());
      break;
    }
  }
  for (const auto& m : step.messages)
    if (auto r = stage(SendMessage{id, m.text, ""}, kBot, now, w); !r) refused("message", r.error());
  bool recorded = false;
  for (const auto& effect : step.effects) {
    if (const auto* live = std::get_if<effect::RequestLiveChat>(&effect)) {
      if (auto r = stage(RequestLiveChat{id, live->wait_seconds}, kBot, now, w); !r) refused("live chat", r.error());
    } else if (const auto* item = std::get_if<effect::CreateItem>(&effect)) {
      auto r = stage_item(id, item->kind, kBot, item->title, item->fields, now, w);
      if (!r) refused("create item", r.error());
      recorded = recorded || r.ok();
    } else if (const auto* field = std::get_if<effect::CaptureField>(&effect)) {
      SidePanel panel = live_.conversations.at(id).panel;
      switch (field->field) {
        case CaptureKind::name: panel.person_name = field->value; break;
        case CaptureKind::email: panel.email = field->value; break;
        case CaptureKind::phone: panel.phone = field->value; break;
        case CaptureKind::company: panel.organization_name = field->value; break;
      }
      if (auto r = stage(UpdateSidePanel{id, panel}, kBot, now, w); !r) refused("capture", r.error());
    }
  }
  // A chatbot-only chat that produced something for the team ends in Closed, where everyone
  // can read it next to its lead; one that produced nothing stays the visitor's alone.
  const Conversation& c = live_.conversations.at(id);
  if (step.prompt.kind == PromptKind::finished && c.phase == Phase::bot && (recorded || !c.items.empty()))
    if (auto r = stage(CloseConversation{id}, kBot, now, w); !r) refused("close", r.error());
}

}  // namespace livechat::server
