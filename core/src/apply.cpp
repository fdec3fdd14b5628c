// apply(): folds one accepted event into State. See rules.hpp for the contract.
#include "livechat/rules.hpp"

namespace livechat {

namespace {

// Appends a system row to the transcript (the "Lead created - 14:32" and "Anna joined" lines).
void note(Conversation& c, Seq seq, TimeMs at, SystemNote what, std::string subject) {
  Message m;
  m.seq = seq;
  m.author = Author::system;
  m.at = at;
  m.note = what;
  m.subject = std::move(subject);
  c.messages.push_back(std::move(m));
}

struct Apply {
  State& state;

  User* user(const UserId& id) {
    auto it = state.users.find(id);
    return it == state.users.end() ? nullptr : &it->second;
  }
  Conversation* conv(const ConversationId& id, Seq seq) {
    auto it = state.conversations.find(id);
    if (it == state.conversations.end()) return nullptr;
    it->second.last_seq = seq;
    return &it->second;
  }

  void operator()(const UserAdded& e) { state.users[e.user.id] = e.user; }
  void operator()(const RoleChanged& e) {
    if (User* u = user(e.user)) u->role = e.role;
  }
  void operator()(const OnlineChanged& e) {
    if (User* u = user(e.user)) {
      u->online = e.online;
      if (e.online) u->away = false;  // flipping the switch proves the user is there
    }
  }
  void operator()(const AwayChanged& e) {
    if (User* u = user(e.user)) u->away = e.away;
  }
  void operator()(const NotificationSettingsChanged& e) {
    if (User* u = user(e.user)) u->notifications = e.settings;
  }

  void operator()(const ConversationStarted& e) {
    Conversation& c = state.conversations[e.conversation];
    c.id = e.conversation;
    c.visitor_id = e.visitor_id;
    c.playbook_id = e.playbook_id;
    c.visitor_name = e.visitor_name;
    c.created_at = e.at;
    c.last_seq = e.seq;
  }
  void operator()(const MessagePosted& e) {
    Conversation* c = conv(e.conversation, e.seq);
    if (!c) return;
    Message m;
    m.seq = e.seq;
    m.author = e.author;
    m.author_id = e.author_id;
    m.text = e.text;
    m.at = e.at;
    m.client_id = e.client_id;
    if (!e.client_id.empty()) c->client_ids[client_key(e.author_id, e.client_id)] = e.seq;
    c->messages.push_back(std::move(m));
  }
  void operator()(const LiveChatRequested& e) {
    Conversation* c = conv(e.conversation, e.seq);
    if (!c) return;
    c->phase = Phase::unassigned;
    c->requested_at = e.at;
    c->wait_deadline = e.wait_deadline;
    c->missed = false;
    note(*c, e.seq, e.at, SystemNote::live_chat_requested, {});
  }
  void operator()(const WaitExpired& e) {
    Conversation* c = conv(e.conversation, e.seq);
    if (!c) return;
    c->missed = true;
    c->wait_deadline = 0;
    note(*c, e.seq, e.at, SystemNote::wait_expired, {});
  }
  void operator()(const ConversationAssigned& e) {
    Conversation* c = conv(e.conversation, e.seq);
    if (!c) return;
    bool taken = c->phase == Phase::unassigned;
    c->phase = Phase::assigned;
    c->assignee = e.to;
    c->wait_deadline = 0;
    c->missed = false;  // somebody has it now; "missed" marks only chats still waiting
    note(*c, e.seq, e.at, taken && e.to == e.by ? SystemNote::joined : SystemNote::reassigned, e.to);
  }
  void operator()(const ConversationUnassigned& e) {
    Conversation* c = conv(e.conversation, e.seq);
    if (!c) return;
    c->phase = Phase::unassigned;
    c->assignee.clear();
    c->wait_deadline = 0;  // back in the queue; no new wait timer (the visitor already met a human)
    note(*c, e.seq, e.at, SystemNote::unassigned, e.by);
  }
  void operator()(const ConversationClosed& e) {
    Conversation* c = conv(e.conversation, e.seq);
    if (!c) return;
    c->phase = Phase::closed;
    c->closed_at = e.at;
    c->closed_by = e.by;
    c->wait_deadline = 0;
    note(*c, e.seq, e.at, SystemNote::closed, e.by);
  }
  void operator()(const SidePanelUpdated& e) {
    if (Conversation* c = conv(e.conversation, e.seq)) c->panel = e.panel;
  }
  void operator()(const ItemRecorded& e) {
    Conversation* c = conv(e.conversation, e.seq);
    if (!c) return;
    c->items.push_back(ItemLink{e.kind, e.item_id, e.at, e.by});
    SystemNote what = e.kind == ItemKind::lead   ? SystemNote::lead_created
                      : e.kind == ItemKind::deal ? SystemNote::deal_created
                                                 : SystemNote::activity_created;
    note(*c, e.seq, e.at, what, e.item_id);
  }
};

}  // namespace

void apply(State& state, const Event& event) { std::visit(Apply{state}, event); }

}  // namespace livechat
