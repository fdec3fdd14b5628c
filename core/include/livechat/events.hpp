// Events: facts the state machine has accepted. decide() produces them, apply() folds them into
// State. Conversation events carry the conversation's next sequence number, so a client that
// saw seq N asks for everything after N and gets exactly what it missed.
// Maintenance reminder: protocol.cpp encodes/decodes each of these; docs/protocol.md shows them.
#pragma once
#include <string>
#include <variant>

#include "livechat/model.hpp"

namespace livechat {

// --- users -----------------------------------------------------------------------------------
struct UserAdded {
  User user;
  bool operator==(const UserAdded&) const = default;
};
struct RoleChanged {
  UserId user;
  Role role = Role::regular;
  bool operator==(const RoleChanged&) const = default;
};
struct OnlineChanged {
  UserId user;
  bool online = false;
  bool operator==(const OnlineChanged&) const = default;
};
struct AwayChanged {
  UserId user;
  bool away = false;
  bool operator==(const AwayChanged&) const = default;
};
struct NotificationSettingsChanged {
  UserId user;
  NotificationSettings settings;
  bool operator==(const NotificationSettingsChanged&) const = default;
};

// --- conversations (each has conversation, seq, at) ------------------------------------------
struct ConversationStarted {
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  std::string visitor_id;
  std::string playbook_id;
  std::string visitor_name;
  bool operator==(const ConversationStarted&) const = default;
};
struct MessagePosted {
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  Author author = Author::visitor;
  std::string author_id;
  std::string text;
  std::string client_id;
  bool operator==(const MessagePosted&) const = default;
};
struct LiveChatRequested {
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  TimeMs wait_deadline = 0;
  bool operator==(const LiveChatRequested&) const = default;
};
struct WaitExpired {
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  bool operator==(const WaitExpired&) const = default;
};
struct ConversationAssigned {  // by == to for "Assign to me"
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  UserId to;
  UserId by;
  bool operator==(const ConversationAssigned&) const = default;
};
struct ConversationUnassigned {  // the assignee gave it back to Unassigned
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  UserId by;
  bool operator==(const ConversationUnassigned&) const = default;
};
struct ConversationClosed {
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  UserId by;  // empty: closed by the bot
  bool operator==(const ConversationClosed&) const = default;
};
struct SidePanelUpdated {
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  SidePanel panel;
  std::string by;  // user id, or empty for the bot's capture cards
  bool operator==(const SidePanelUpdated&) const = default;
};
struct ItemRecorded {
  ConversationId conversation;
  Seq seq = 0;
  TimeMs at = 0;
  ItemKind kind = ItemKind::lead;
  std::string item_id;
  UserId by;  // empty: the bot's offline flow
  bool operator==(const ItemRecorded&) const = default;
};

using Event = std::variant<UserAdded, RoleChanged, OnlineChanged, AwayChanged, NotificationSettingsChanged,
                           ConversationStarted, MessagePosted, LiveChatRequested, WaitExpired, ConversationAssigned,
                           ConversationUnassigned, ConversationClosed, SidePanelUpdated, ItemRecorded>;

// The conversation an event belongs to, or nullptr for user events.
const ConversationId* event_conversation(const Event&);
// The event's conversation sequence number, or 0 for user events.
Seq event_seq(const Event&);
// The snake_case name of the event type as it appears on the wire ("message_posted", ...).
std::string_view event_type_name(const Event&);

}  // namespace livechat
