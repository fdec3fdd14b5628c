// The visitor widget's session logic (see widget.hpp): connecting, applying the server's events
// to the shared core's State, and the outbox that makes sure nothing is lost or duplicated.
// Follows docs/protocol.md "Connecting > Visitor" and "Resuming after a reconnect".
#include "widget.hpp"

#include "livechat/rules.hpp"
#include "livechat/validate.hpp"
#include "livechat/visitor.hpp"

namespace livechat::widget {

namespace {

std::string strings_for(std::string_view en, std::string_view it, const std::string& lang) {
  return std::string(lang.rfind("it", 0) == 0 ? it : en);
}
}  // namespace

Widget::Widget(std::string playbook, std::string lang, std::string token, std::string_view outbox_text)
    : playbook_(std::move(playbook)), lang_(std::move(lang)), token_(std::move(token)) {
  if (token_.size() > kMaxTokenBytes) token_.clear();
  if (lang_.size() > kMaxLangBytes) lang_.clear();
  // The outbox a previous page left behind (a reload before the ack): resent after the welcome.
  // Format (outbox_text): per message 'a' (answer) or 'm' (message), then conversation, text and
  // client_id, each as <decimal byte count>:<bytes>. Anything malformed ends the reading.
  std::string_view in = outbox_text;
  auto field = [&in](std::string& out) {
    std::size_t colon = in.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 6) return false;
    std::size_t n = 0;
    for (char d : in.substr(0, colon)) {
      if (d < '0' || d > '9') return false;
      n = n * 10 + static_cast<std::size_t>(d - '0');
    }
    if (in.size() - colon - 1 < n) return false;
    out = in.substr(colon + 1, n);
    in.remove_prefix(colon + 1 + n);
    return true;
  };
  while (!in.empty() && (in[0] == 'a' || in[0] == 'm')) {
    Pending q;
    q.kind = in[0] == 'a' ? Pending::Kind::answer : Pending::Kind::message;
    in.remove_prefix(1);
    if (!field(q.conversation) || !field(q.text) || !field(q.client_id)) break;
    q.request_id = "r-" + q.client_id;
    if (q.conversation.empty() || q.client_id.empty() || q.client_id.size() > kMaxIdBytes - 2) continue;
    if (q.conversation.size() > kMaxIdBytes || q.text.size() > kMaxMessageBytes || !is_valid_utf8(q.text)) continue;
    outbox_.push_back(std::move(q));
  }
}

std::string Widget::outbox_text() const {
  std::string out;
  for (const auto& p : outbox_) {
    out += p.kind == Pending::Kind::answer ? 'a' : 'm';
    for (const std::string* f : {&p.conversation, &p.text, &p.client_id}) out += std::to_string(f->size()) + ":" + *f;
  }
  return out;
}

// [SECTION] Transport events -------------------------------------------------------------------

void Widget::connected() {
  online_ = false;
  resuming_ = false;
  start_request_.clear();  // a start that was never acked is decided by the next welcome
  send(HelloFrame{token_, playbook_, lang_, 0, false});
}

void Widget::disconnected() {
  online_ = false;
  typing_who_.clear();
  sent_typing_ = false;
}

void Widget::frame(std::string_view text) {
  auto decoded = decode_server_frame(text);
  if (!decoded) return;  // a frame this build cannot read: ignored, the next resume repairs gaps
  ServerFrame& f = decoded.value();
  if (const auto* w = std::get_if<WelcomeFrame>(&f)) {
    on_welcome(*w);
  } else if (const auto* e = std::get_if<EventFrame>(&f)) {
    on_event(e->event);
  } else if (const auto* a = std::get_if<AckFrame>(&f)) {
    on_ack(*a);
  } else if (const auto* err = std::get_if<ErrorFrame>(&f)) {
    on_error(*err);
  } else if (const auto* p = std::get_if<PromptFrame>(&f)) {
    // A prompt can overtake the conversation_started of a chat we just started.
    if (conversation_.empty() && !start_request_.empty()) conversation_ = p->conversation;
    if (p->conversation == conversation_) prompt_ = p->prompt;
  } else if (const auto* t = std::get_if<ServerTyping>(&f)) {
    if (t->conversation == conversation_) typing_who_ = t->typing ? t->who : std::string();
  } else if (const auto* r = std::get_if<ResumedFrame>(&f)) {
    if (r->conversation == conversation_ && resuming_) {
      resuming_ = false;
      resend_outbox();
    }
  } else if (auto* c = std::get_if<ConversationFrame>(&f)) {
    // A whole conversation instead of a replay: replace our copy.
    if (c->conversation.id == conversation_) state_.conversations[conversation_] = std::move(c->conversation);
  }
}

void Widget::on_welcome(const WelcomeFrame& w) {
  online_ = true;
  token_ = w.token;
  visitor_id_ = w.visitor_id;
  bot_name_ = w.bot_name;
  live_available_ = w.live_chat_available;
  back_at_ = w.back_at;
  if (!w.conversation.empty()) {
    if (w.conversation != conversation_) {
      conversation_ = w.conversation;
      prompt_ = Prompt{};
    }
    // Everything after the newest seq we hold (0 on a fresh page: the whole transcript).
    auto c = state_.conversations.find(conversation_);
    Seq after = c == state_.conversations.end() ? 0 : c->second.last_seq;
    resuming_ = true;
    send(ResumeFrame{conversation_, after, 0});
    return;
  }
  // No conversation on the server: messages queued for an older one can never be delivered.
  outbox_.clear();
  if (want_chat_) {
    start_request_ = "s-" + visitor_id_;
    send(StartFrame{start_request_});
  }
}

void Widget::on_event(const Event& e) {
  if (std::holds_alternative<UserAdded>(e)) return apply(state_, e);  // an agent's name
  const ConversationId* id = event_conversation(e);
  if (!id) return;
  if (const auto* started = std::get_if<ConversationStarted>(&e)) {
    if (started->visitor_id != visitor_id_ && !visitor_id_.empty()) return;
    if (*id != conversation_) {  // our new conversation (after start)
      conversation_ = *id;
      prompt_ = Prompt{};
      typing_who_.clear();
    }
  }
  if (*id != conversation_) return;
  auto c = state_.conversations.find(*id);
  Seq have = c == state_.conversations.end() ? 0 : c->second.last_seq;
  Seq seq = event_seq(e);
  // Already applied (a replay overlapping live delivery). Seqs the visitor receives may skip:
  // the server keeps the team's events (side panel, items) to itself, so a skip is not a gap.
  if (seq <= have) return;
  if (std::holds_alternative<ConversationStarted>(e) || c != state_.conversations.end()) apply(state_, e);
  if (const auto* m = std::get_if<MessagePosted>(&e)) {
    if (m->author == Author::agent) typing_who_.clear();
    if (!m->client_id.empty())
      std::erase_if(outbox_, [&](const Pending& p) { return p.client_id == m->client_id; });
  }
}

void Widget::on_ack(const AckFrame& a) {
  if (a.request_id == start_request_) {
    start_request_.clear();
    want_chat_ = false;
    return;
  }
  for (auto& p : outbox_)
    if (p.request_id == a.request_id) p.status = Pending::Status::sent;
}

void Widget::on_error(const ErrorFrame& e) {
  if (e.error.code == ErrorCode::rate_limited) {
    // Nothing was applied; the refused frame (start, answer or message) stays pending and goes
    // again when the shell's timer calls resend().
    throttled_ = true;
    return;
  }
  if (!e.request_id.empty() && e.request_id == start_request_) {
    start_request_.clear();
    notice_ = e.error.message;
    return;
  }
  for (auto& p : outbox_)
    if (p.request_id == e.request_id && !e.request_id.empty()) {
      p.status = Pending::Status::failed;
      p.error = e.error.message;
      return;
    }
  if (e.error.code == ErrorCode::not_found && e.error.field == "conversation") {
    // The conversation we tried to resume is gone: start over cleanly.
    conversation_.clear();
    outbox_.clear();
    resuming_ = false;
  }
}

// [SECTION] The outbox ---------------------------------------------------------------------------

bool Widget::posted(const std::string& client_id) const {
  const Conversation* c = current();
  if (!c) return false;
  for (const auto& m : c->messages)
    if (m.client_id == client_id && m.author == Author::visitor) return true;
  return false;
}

void Widget::send_pending(const Pending& p) {
  if (p.kind == Pending::Kind::answer)
    send(AnswerFrame{p.request_id, p.conversation, p.text, p.client_id});
  else
    send(CommandFrame{p.request_id, SendMessage{p.conversation, p.text, p.client_id}});
}

void Widget::resend_outbox() {
  std::erase_if(outbox_, [this](const Pending& p) { return posted(p.client_id); });
  for (auto& p : outbox_) {
    if (p.status == Pending::Status::failed) continue;  // waits for the visitor's retry
    p.status = Pending::Status::sending;
    send_pending(p);
  }
}

std::string Widget::queue(Pending::Kind kind, std::string text, const std::string& id) {
  if (conversation_.empty() || id.empty() || id.size() > kMaxIdBytes - 2)
    return strings_for("The chat is not ready yet.", "La chat non è ancora pronta.", lang_);
  Pending p;
  p.kind = kind;
  p.conversation = conversation_;
  p.text = std::move(text);
  p.client_id = id;
  p.request_id = "r-" + id;
  // Sent now when connected (and not mid-resume); otherwise resent after the next welcome.
  if (online_ && !resuming_) send_pending(p);
  outbox_.push_back(std::move(p));
  notice_.clear();
  if (sent_typing_) typing(false);
  return "";
}

void Widget::resend() {
  throttled_ = false;
  if (!online_ || resuming_) return;  // the next welcome resends everything anyway
  if (!start_request_.empty()) send(StartFrame{start_request_});
  // Resent with the same client ids: one the server did take is answered as a duplicate.
  for (const auto& p : outbox_)
    if (p.status == Pending::Status::sending) send_pending(p);
}

void Widget::retry(const std::string& client_id) {
  for (auto& p : outbox_)
    if (p.client_id == client_id && p.status == Pending::Status::failed) {
      p.status = Pending::Status::sending;
      p.error.clear();
      if (online_ && !resuming_) send_pending(p);
    }
}

// [SECTION] Visitor actions ----------------------------------------------------------------------

const Conversation* Widget::current() const {
  auto c = state_.conversations.find(conversation_);
  return c == state_.conversations.end() ? nullptr : &c->second;
}

// The rules are the core's (visitor.hpp): the widget only words their answers.
Prompt Widget::shown_prompt() const {
  const Conversation* c = current();
  return c ? visitor_prompt(*c, prompt_) : prompt_;
}

bool Widget::can_write() const {
  const Conversation* c = current();
  return c && visitor_may_type(*c, prompt_.kind);
}

std::string Widget::validate_answer(std::string_view text) const {
  std::string_view code = typed_text_problem(trim(text), *current(), prompt_);
  if (code == "empty_answer") return strings_for("Please write something first.", "Scrivi qualcosa prima.", lang_);
  if (code == "invalid_utf8") return "UTF-8?";
  if (code == "too_long") return strings_for("This message is too long.", "Questo messaggio è troppo lungo.", lang_);
  if (code == "invalid_email")
    return strings_for("Please enter a valid email address (name@example.com).",
                       "Inserisci un indirizzo email valido (nome@esempio.it).", lang_);
  if (code == "invalid_phone")
    return strings_for("Please enter a valid phone number.", "Inserisci un numero di telefono valido.", lang_);
  return "";
}

std::string Widget::open_chat(const std::string& id) {
  (void)id;
  if (!conversation_.empty() || !start_request_.empty()) return "";
  want_chat_ = true;
  if (online_) {
    start_request_ = "s-" + visitor_id_;
    send(StartFrame{start_request_});
  }
  return "";
}

std::string Widget::new_chat(const std::string& id) {
  if (current() && shown_prompt().kind != PromptKind::finished) return "";
  conversation_.clear();
  prompt_ = Prompt{};
  outbox_.clear();
  typing_who_.clear();
  return open_chat(id);
}

std::string Widget::submit(std::string_view text, const std::string& id) {
  if (!can_write()) return strings_for("Please choose an answer above.", "Scegli una risposta qui sopra.", lang_);
  if (std::string problem = validate_answer(text); !problem.empty()) return problem;
  bool answer = typed_text_answers(*current(), prompt_.kind);
  return queue(answer ? Pending::Kind::answer : Pending::Kind::message, trim(text), id);
}

std::string Widget::press(int button, const std::string& id) {
  if (prompt_.kind != PromptKind::buttons || button < 0 || button >= static_cast<int>(prompt_.buttons.size()))
    return "";
  std::string label = prompt_.buttons[static_cast<std::size_t>(button)];
  prompt_ = Prompt{};  // answered: the buttons go away until the next prompt
  return queue(Pending::Kind::answer, label, id);
}

void Widget::typing(bool on) {
  if (on == sent_typing_ || !online_ || conversation_.empty()) return;
  const Conversation* c = current();
  if (on && (!c || typing_seen_by(*c).empty())) return;  // nobody would see it
  sent_typing_ = on;
  send(TypingFrame{conversation_, on});
}

void Widget::ping() {
  if (online_) send(PingFrame{});
}

}  // namespace livechat::widget
