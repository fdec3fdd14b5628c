// Commands: what someone asks the conversation state machine to do. Checked by decide()
// (rules.hpp), which answers with events or an Error. A closed set of tiny structs.
// Maintenance reminder: protocol.cpp encodes/decodes each of these; docs/protocol.md shows them.
#pragma once
#include <string>
#include <variant>

#include "livechat/model.hpp"

namespace livechat {

// Who issues a command. Agents and visitors come from authenticated connections; the bot is the
// server running a playbook; system is the server itself (timers, presence, bootstrap).
struct Actor {
  enum class Kind { agent, visitor, bot, system } kind = Kind::system;
  std::string id;  // user id for agents, visitor id for visitors; empty for bot and system
  bool operator==(const Actor&) const = default;
};

// --- users -----------------------------------------------------------------------------------
struct AddUser {  // admin (or system, for bootstrap/demo data)
  User user;
  bool operator==(const AddUser&) const = default;
};
struct SetRole {  // admin; the last admin cannot be demoted
  UserId user;
  Role role = Role::regular;
  bool operator==(const SetRole&) const = default;
};
struct SetOnline {  // the agent's own online switch
  bool online = false;
  bool operator==(const SetOnline&) const = default;
};
struct SetAway {  // system: liveness (every connection of the user gone for a grace period)
  UserId user;
  bool away = false;
  bool operator==(const SetAway&) const = default;
};
struct SetNotificationSettings {  // the agent's own settings
  NotificationSettings settings;
  bool operator==(const SetNotificationSettings&) const = default;
};

// --- conversations ---------------------------------------------------------------------------
struct StartConversation {  // the visitor (or the bot for them) opens a chat; bot phase
  ConversationId conversation;
  std::string visitor_id;
  std::string playbook_id;
  std::string visitor_name;  // optional
  bool operator==(const StartConversation&) const = default;
};
struct SendMessage {  // visitor, bot, or the assignee; client_id makes repeats harmless
  ConversationId conversation;
  std::string text;
  std::string client_id;
  bool operator==(const SendMessage&) const = default;
};
struct PostNote {  // any user who sees the conversation writes a private note for colleagues
  ConversationId conversation;
  std::string text;
  std::string client_id;
  bool operator==(const PostNote&) const = default;
};
struct RequestLiveChat {  // bot, at the Live Chat card: enter Unassigned with a wait time
  ConversationId conversation;
  int wait_seconds = 120;
  bool operator==(const RequestLiveChat&) const = default;
};
struct ExpireWait {  // system timer: the wait time passed with nobody assigned
  ConversationId conversation;
  bool operator==(const ExpireWait&) const = default;
};
struct AssignToMe {  // an online agent takes an unassigned conversation
  ConversationId conversation;
  bool operator==(const AssignToMe&) const = default;
};
struct Reassign {  // the assignee hands over to another user, or to Unassigned (empty `to`)
  ConversationId conversation;
  UserId to;
  bool operator==(const Reassign&) const = default;
};
struct CloseConversation {  // the assignee (or the bot in the bot phase) ends the chat; forever
  ConversationId conversation;
  bool operator==(const CloseConversation&) const = default;
};
struct UpdateSidePanel {  // replaces the whole side panel record (validated)
  ConversationId conversation;
  SidePanel panel;
  bool operator==(const UpdateSidePanel&) const = default;
};
struct RecordItem {  // a lead, deal or activity was created from the conversation
  ConversationId conversation;
  ItemKind kind = ItemKind::lead;
  std::string item_id;
  bool operator==(const RecordItem&) const = default;
};

using Command = std::variant<AddUser, SetRole, SetOnline, SetAway, SetNotificationSettings, StartConversation,
                             SendMessage, RequestLiveChat, ExpireWait, AssignToMe, Reassign, CloseConversation,
                             UpdateSidePanel, RecordItem, PostNote>;

std::string_view actor_kind_name(Actor::Kind);
bool parse_actor_kind(std::string_view, Actor::Kind&);

}  // namespace livechat
