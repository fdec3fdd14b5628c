// decide(): every rule of Live Chat, once. See rules.hpp for the contract.
#include "livechat/rules.hpp"

#include "livechat/validate.hpp"

namespace livechat {

namespace {

using Kind = Actor::Kind;

Error err(ErrorCode code, std::string message, std::string field = {}) {
  return make_error(code, std::move(message), std::move(field));
}

Status check_id(const std::string& id, const char* field) {
  if (id.empty()) return err(ErrorCode::invalid_field, std::string(field) + " is required", field);
  if (id.size() > kMaxIdBytes) return err(ErrorCode::too_large, std::string(field) + " is too long", field);
  if (!is_valid_utf8(id)) return err(ErrorCode::invalid_field, std::string(field) + " is not valid UTF-8", field);
  return ok_status();
}

// Everything decide needs to know about the command's context, computed once.
struct Ctx {
  const State& state;
  const Actor& actor;
  TimeMs now;

  const User* agent() const {
    if (actor.kind != Kind::agent) return nullptr;
    auto it = state.users.find(actor.id);
    return it == state.users.end() ? nullptr : &it->second;
  }
  bool is_admin() const {
    const User* u = agent();
    return u && u->role == Role::admin;
  }
};

Decision one(Event e) { return Decision{{std::move(e)}, std::nullopt}; }

// Finds the conversation an actor addresses. Agents may not learn that a conversation they
// cannot see exists: it answers not_found, the same as a wrong id. Visitors only reach their own.
Result<const Conversation*> find_conversation(const Ctx& ctx, const ConversationId& id) {
  if (auto s = check_id(id, "conversation"); !s) return s.error();
  auto it = ctx.state.conversations.find(id);
  const Conversation* c = it == ctx.state.conversations.end() ? nullptr : &it->second;
  bool visible = c != nullptr;
  if (c && ctx.actor.kind == Kind::agent) visible = can_see(*c, ctx.actor.id);
  if (c && ctx.actor.kind == Kind::visitor) visible = c->visitor_id == ctx.actor.id;
  if (!visible) return err(ErrorCode::not_found, "no such conversation", "conversation");
  return c;
}

Status require_agent(const Ctx& ctx) {
  if (ctx.actor.kind != Kind::agent) return err(ErrorCode::forbidden, "only agents can do this");
  if (!ctx.agent()) return err(ErrorCode::forbidden, "unknown user");
  return ok_status();
}

Status require_admin_or_system(const Ctx& ctx) {
  if (ctx.actor.kind == Kind::system || ctx.is_admin()) return ok_status();
  return err(ErrorCode::forbidden, "only admins can manage users");
}

// Who may edit the side panel or record items: the assignee of an assigned conversation; any
// user on a closed one (it stays editable); the bot while no human has it.
Status may_edit_details(const Ctx& ctx, const Conversation& c) {
  switch (ctx.actor.kind) {
    case Kind::agent:
      if (c.phase == Phase::closed) return ok_status();
      if (c.phase == Phase::assigned && c.assignee == ctx.actor.id) return ok_status();
      return err(ErrorCode::forbidden, "assign the conversation to yourself first");
    case Kind::bot:
    case Kind::system:
      if (c.phase == Phase::bot || c.phase == Phase::unassigned) return ok_status();
      return err(ErrorCode::forbidden, "the bot no longer handles this conversation");
    case Kind::visitor: return err(ErrorCode::forbidden, "visitors cannot edit the side panel");
  }
  return err(ErrorCode::forbidden, "not allowed");
}

// --- one function per command ------------------------------------------------------------------

Result<Decision> on(const Ctx& ctx, const AddUser& cmd) {
  if (auto s = require_admin_or_system(ctx); !s) return s.error();
  const User& u = cmd.user;
  if (auto s = check_id(u.id, "user.id"); !s) return s.error();
  if (ctx.state.users.count(u.id)) return err(ErrorCode::conflict, "a user with this id exists", "user.id");
  if (trim(u.name).empty()) return err(ErrorCode::invalid_field, "a user needs a name", "user.name");
  if (u.name.size() > kMaxNameBytes || !is_valid_utf8(u.name))
    return err(ErrorCode::invalid_field, "user name is too long or not valid UTF-8", "user.name");
  if (!is_valid_email(u.email)) return err(ErrorCode::invalid_field, "email address is not valid", "user.email");
  for (const auto& [id, other] : ctx.state.users)
    if (other.email == u.email) return err(ErrorCode::conflict, "a user with this email exists", "user.email");
  User added = u;
  added.online = false;
  added.away = false;
  return one(UserAdded{added});
}

Result<Decision> on(const Ctx& ctx, const SetRole& cmd) {
  if (auto s = require_admin_or_system(ctx); !s) return s.error();
  auto it = ctx.state.users.find(cmd.user);
  if (it == ctx.state.users.end()) return err(ErrorCode::not_found, "no such user", "user");
  if (it->second.role == cmd.role) return Decision{};
  if (cmd.role == Role::regular) {
    int admins = 0;
    for (const auto& [id, u] : ctx.state.users) admins += u.role == Role::admin;
    if (admins <= 1) return err(ErrorCode::conflict, "the last admin cannot be made a regular user", "role");
  }
  return one(RoleChanged{cmd.user, cmd.role});
}

Result<Decision> on(const Ctx& ctx, const SetOnline& cmd) {
  if (auto s = require_agent(ctx); !s) return s.error();
  if (ctx.agent()->online == cmd.online) return Decision{};
  return one(OnlineChanged{ctx.actor.id, cmd.online});
}

Result<Decision> on(const Ctx& ctx, const SetAway& cmd) {
  if (ctx.actor.kind != Kind::system) return err(ErrorCode::forbidden, "only the server tracks presence");
  auto it = ctx.state.users.find(cmd.user);
  if (it == ctx.state.users.end()) return err(ErrorCode::not_found, "no such user", "user");
  if (it->second.away == cmd.away) return Decision{};
  return one(AwayChanged{cmd.user, cmd.away});
}

Result<Decision> on(const Ctx& ctx, const SetNotificationSettings& cmd) {
  if (auto s = require_agent(ctx); !s) return s.error();
  if (ctx.agent()->notifications == cmd.settings) return Decision{};
  return one(NotificationSettingsChanged{ctx.actor.id, cmd.settings});
}

Result<Decision> on(const Ctx& ctx, const StartConversation& cmd) {
  if (ctx.actor.kind == Kind::agent) return err(ErrorCode::forbidden, "agents do not start conversations");
  if (auto s = check_id(cmd.conversation, "conversation"); !s) return s.error();
  if (auto s = check_id(cmd.visitor_id, "visitor_id"); !s) return s.error();
  if (auto s = check_id(cmd.playbook_id, "playbook_id"); !s) return s.error();
  if (ctx.actor.kind == Kind::visitor && ctx.actor.id != cmd.visitor_id)
    return err(ErrorCode::forbidden, "a visitor starts only their own conversations", "visitor_id");
  if (cmd.visitor_name.size() > kMaxNameBytes || !is_valid_utf8(cmd.visitor_name))
    return err(ErrorCode::invalid_field, "visitor name is too long or not valid UTF-8", "visitor_name");
  if (ctx.state.conversations.count(cmd.conversation))
    return err(ErrorCode::conflict, "a conversation with this id exists", "conversation");
  return one(ConversationStarted{cmd.conversation, 1, ctx.now, cmd.visitor_id, cmd.playbook_id, cmd.visitor_name});
}

// The checks a message and a note share: the text and the idempotency id's size.
Status check_text(const std::string& text, const std::string& client_id) {
  std::string_view problem = message_problem(text);
  if (problem == "empty_answer") return err(ErrorCode::invalid_field, "the message is empty", "text");
  if (problem == "too_long")
    return err(ErrorCode::too_large, "the message is longer than " + std::to_string(kMaxMessageBytes) + " bytes",
               "text");
  if (problem == "invalid_utf8") return err(ErrorCode::invalid_field, "the message is not valid UTF-8", "text");
  if (client_id.size() > kMaxIdBytes) return err(ErrorCode::too_large, "client_id is too long", "client_id");
  return ok_status();
}

// A repeated idempotency id is answered with the original, before any state check: a resend
// after the conversation closed must still be acknowledged, not refused.
std::optional<Decision> repeated(const Ctx& ctx, const Conversation& c, const std::string& client_id) {
  if (client_id.empty()) return std::nullopt;
  auto it = c.client_ids.find(client_key(ctx.actor.id, client_id));
  if (it == c.client_ids.end()) return std::nullopt;
  return Decision{{}, it->second};
}

Result<Decision> on(const Ctx& ctx, const SendMessage& cmd) {
  auto found = find_conversation(ctx, cmd.conversation);
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (auto s = check_text(cmd.text, cmd.client_id); !s) return s.error();
  if (ctx.actor.kind == Kind::system) return err(ErrorCode::forbidden, "the system posts no messages");
  if (auto d = repeated(ctx, c, cmd.client_id)) return *d;
  if (auto s = may_write(c, ctx.actor); !s) return s.error();
  Author author = ctx.actor.kind == Kind::bot ? Author::bot : ctx.actor.kind == Kind::agent ? Author::agent : Author::visitor;
  return one(MessagePosted{c.id, c.last_seq + 1, ctx.now, author, ctx.actor.id, cmd.text, cmd.client_id});
}

// A private note: a message with Author::note, which visitor_sees() never lets through.
Result<Decision> on(const Ctx& ctx, const PostNote& cmd) {
  if (auto s = require_agent(ctx); !s) return s.error();  // never a visitor, the bot or the system
  auto found = find_conversation(ctx, cmd.conversation);   // the visibility rule: not_found if not theirs to see
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (auto s = check_text(cmd.text, cmd.client_id); !s) return s.error();
  if (auto d = repeated(ctx, c, cmd.client_id)) return *d;
  if (c.phase == Phase::closed) return err(ErrorCode::closed, "the conversation is closed");
  return one(MessagePosted{c.id, c.last_seq + 1, ctx.now, Author::note, ctx.actor.id, cmd.text, cmd.client_id});
}

Result<Decision> on(const Ctx& ctx, const RequestLiveChat& cmd) {
  if (ctx.actor.kind != Kind::bot && ctx.actor.kind != Kind::system)
    return err(ErrorCode::forbidden, "only the chatbot asks for live chat");
  auto found = find_conversation(ctx, cmd.conversation);
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (c.phase != Phase::bot) return err(ErrorCode::conflict, "live chat was already requested");
  if (cmd.wait_seconds < 1 || cmd.wait_seconds > 3600)
    return err(ErrorCode::invalid_field, "wait time must be between 1 and 3600 seconds", "wait_seconds");
  Decision d;
  d.events.push_back(LiveChatRequested{c.id, c.last_seq + 1, ctx.now, ctx.now + TimeMs{cmd.wait_seconds} * 1000});
  // Nobody online: the request is missed at once (it still waits in Unassigned, marked missed,
  // so whoever comes online can take it).
  if (!anyone_available(ctx.state)) d.events.push_back(WaitExpired{c.id, c.last_seq + 2, ctx.now});
  return d;
}

Result<Decision> on(const Ctx& ctx, const ExpireWait& cmd) {
  if (ctx.actor.kind != Kind::system) return err(ErrorCode::forbidden, "only the server's timer expires waits");
  auto found = find_conversation(ctx, cmd.conversation);
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (c.phase != Phase::unassigned || c.wait_deadline == 0 || c.missed)
    return err(ErrorCode::conflict, "the conversation is not waiting");
  if (ctx.now < c.wait_deadline) return err(ErrorCode::conflict, "the wait time has not passed yet");
  return one(WaitExpired{c.id, c.last_seq + 1, ctx.now});
}

Result<Decision> on(const Ctx& ctx, const AssignToMe& cmd) {
  if (auto s = require_agent(ctx); !s) return s.error();
  auto found = find_conversation(ctx, cmd.conversation);
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (c.phase == Phase::closed) return err(ErrorCode::closed, "a closed conversation cannot be reopened");
  if (c.phase != Phase::unassigned) return err(ErrorCode::conflict, "the conversation is not in Unassigned");
  if (!ctx.agent()->available()) return err(ErrorCode::offline, "go online to take chats");
  return one(ConversationAssigned{c.id, c.last_seq + 1, ctx.now, ctx.actor.id, ctx.actor.id});
}

Result<Decision> on(const Ctx& ctx, const Reassign& cmd) {
  if (auto s = require_agent(ctx); !s) return s.error();
  auto found = find_conversation(ctx, cmd.conversation);
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (auto s = may_reassign(c, ctx.actor.id); !s) return s.error();
  if (cmd.to.empty()) return one(ConversationUnassigned{c.id, c.last_seq + 1, ctx.now, ctx.actor.id});
  if (cmd.to == ctx.actor.id) return err(ErrorCode::conflict, "the conversation is already yours", "to");
  if (!ctx.state.users.count(cmd.to)) return err(ErrorCode::not_found, "no such user", "to");
  return one(ConversationAssigned{c.id, c.last_seq + 1, ctx.now, cmd.to, ctx.actor.id});
}

Result<Decision> on(const Ctx& ctx, const CloseConversation& cmd) {
  auto found = find_conversation(ctx, cmd.conversation);
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (ctx.actor.kind == Kind::bot) {
    if (c.phase == Phase::closed) return err(ErrorCode::closed, "the conversation is already closed");
    if (c.phase != Phase::bot) return err(ErrorCode::forbidden, "the bot closes only conversations it still handles");
    return one(ConversationClosed{c.id, c.last_seq + 1, ctx.now, {}});
  }
  if (c.phase == Phase::closed) return err(ErrorCode::closed, "the conversation is already closed");
  if (auto s = require_agent(ctx); !s) return s.error();
  if (auto s = may_close(c, ctx.actor.id); !s) return s.error();
  return one(ConversationClosed{c.id, c.last_seq + 1, ctx.now, ctx.actor.id});
}

Result<Decision> on(const Ctx& ctx, const UpdateSidePanel& cmd) {
  auto found = find_conversation(ctx, cmd.conversation);
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (auto s = may_edit_details(ctx, c); !s) return s.error();
  if (auto s = validate_side_panel(cmd.panel); !s) return s.error();
  if (c.panel == cmd.panel) return Decision{};
  return one(SidePanelUpdated{c.id, c.last_seq + 1, ctx.now, cmd.panel, ctx.actor.id});
}

Result<Decision> on(const Ctx& ctx, const RecordItem& cmd) {
  auto found = find_conversation(ctx, cmd.conversation);
  if (!found) return found.error();
  const Conversation& c = *found.value();
  if (auto s = may_edit_details(ctx, c); !s) return s.error();
  if (auto s = check_id(cmd.item_id, "item_id"); !s) return s.error();
  for (const auto& item : c.items)
    if (item.kind == cmd.kind && item.item_id == cmd.item_id)
      return err(ErrorCode::conflict, "this item is already recorded", "item_id");
  return one(ItemRecorded{c.id, c.last_seq + 1, ctx.now, cmd.kind, cmd.item_id, ctx.actor.id});
}

}  // namespace

Result<Decision> decide(const State& state, const Command& command, const Actor& actor, TimeMs now) {
  Ctx ctx{state, actor, now};
  return std::visit([&](const auto& cmd) { return on(ctx, cmd); }, command);
}

Result<Decision> execute(State& state, const Command& command, const Actor& actor, TimeMs now) {
  auto decision = decide(state, command, actor, now);
  if (decision)
    for (const auto& e : decision.value().events) apply(state, e);
  return decision;
}

Status may_write(const Conversation& c, const Actor& actor) {
  if (actor.kind == Kind::system) return err(ErrorCode::forbidden, "the system posts no messages");
  if (c.phase == Phase::closed) return err(ErrorCode::closed, "the conversation is closed");
  if (actor.kind == Kind::agent && (c.phase != Phase::assigned || c.assignee != actor.id))
    return err(ErrorCode::forbidden, "only the assignee can write in this conversation");
  if (actor.kind == Kind::bot && c.phase == Phase::assigned)
    return err(ErrorCode::forbidden, "the bot is silent once a user has joined");
  return ok_status();
}

Status may_reassign(const Conversation& c, const UserId& user) {
  if (c.phase == Phase::closed) return err(ErrorCode::closed, "a closed conversation cannot be reopened");
  if (c.phase != Phase::assigned || c.assignee != user)
    return err(ErrorCode::forbidden, "only the assignee can reassign this conversation");
  return ok_status();
}

Status may_close(const Conversation& c, const UserId& user) {
  if (c.phase == Phase::closed) return err(ErrorCode::closed, "the conversation is already closed");
  if (c.phase != Phase::assigned || c.assignee != user)
    return err(ErrorCode::forbidden, "only the assignee can close this conversation");
  return ok_status();
}

std::string_view message_problem(std::string_view text) {
  if (trim(text).empty()) return "empty_answer";
  if (text.size() > kMaxMessageBytes) return "too_long";
  if (!is_valid_utf8(text)) return "invalid_utf8";
  return "";
}

bool anyone_available(const State& state) {
  for (const auto& [id, u] : state.users)
    if (u.available()) return true;
  return false;
}

}  // namespace livechat
