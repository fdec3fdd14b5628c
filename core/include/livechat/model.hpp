// The conversation state machine's state: users (agents), conversations and their messages.
// Plain values only. Time is milliseconds since the Unix epoch, passed in by the caller; ids are
// strings chosen by the caller (the server), never generated here.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "livechat/side_panel.hpp"

namespace livechat {

using TimeMs = int64_t;
using Seq = uint64_t;  // per-conversation sequence number: 1, 2, 3, ...
using UserId = std::string;
using ConversationId = std::string;

enum class Role { regular, admin };

// Which notifications a user wants. All on by default.
struct NotificationSettings {
  bool new_unassigned = true;  // a new conversation enters Unassigned (only while online)
  bool assigned_to_me = true;  // a conversation is assigned to you
  bool new_message = true;     // a visitor writes in a conversation assigned to you
  bool operator==(const NotificationSettings&) const = default;
};

struct User {
  UserId id;
  std::string name;
  std::string email;
  Role role = Role::regular;
  bool online = false;  // the online switch (bottom-left corner of the inbox)
  bool away = false;    // set by the server when every connection of an online user is gone
  NotificationSettings notifications;
  bool available() const { return online && !away; }
  bool operator==(const User&) const = default;
};

// Where a conversation is in its life. Only forward moves, except Unassigned <-> Assigned.
//   bot -> unassigned -> assigned <-> unassigned;  unassigned|assigned -> closed;  bot -> closed.
enum class Phase { bot, unassigned, assigned, closed };

// note: an agent's private note to colleagues (author_id = the agent). Shown to users only,
// never to the visitor (visitor_sees, visitor.hpp).
enum class Author { bot, visitor, agent, system, note };

// What a system row in the transcript says; the UI words it ("Anna joined the chat").
enum class SystemNote {
  none,
  live_chat_requested,  // the visitor asked for a human; waiting in Unassigned
  wait_expired,         // nobody took it within the wait time: missed
  joined,               // subject = user who took the chat
  reassigned,           // subject = new assignee
  unassigned,           // subject = user who gave it up
  lead_created,         // subject = lead id
  deal_created,         // subject = deal id
  activity_created,     // subject = activity id
  closed                // subject = user who closed it (empty: the bot)
};

struct Message {
  Seq seq = 0;
  Author author = Author::visitor;
  std::string author_id;  // user id for agents, visitor id for visitors, empty for bot/system
  std::string text;       // rich-text source for bot and agent messages; plain for visitors
  TimeMs at = 0;
  std::string client_id;  // the sender's idempotency id (may be empty for bot/system)
  SystemNote note = SystemNote::none;
  std::string subject;  // see SystemNote
  bool operator==(const Message&) const = default;
};

enum class ItemKind { lead, deal, activity };

// A lead, deal or activity created from the conversation.
struct ItemLink {
  ItemKind kind = ItemKind::lead;
  std::string item_id;
  TimeMs at = 0;
  UserId by;  // empty when the bot's offline flow created it
  bool operator==(const ItemLink&) const = default;
};

struct Conversation {
  ConversationId id;
  std::string visitor_id;
  std::string visitor_name;  // empty until known; the UI shows a generated name
  std::string playbook_id;
  Phase phase = Phase::bot;
  UserId assignee;           // set only in Phase::assigned
  TimeMs created_at = 0;
  TimeMs requested_at = 0;   // when live chat was requested (entered Unassigned), 0 if never
  TimeMs wait_deadline = 0;  // when the wait time runs out; 0 if no wait is running
  bool missed = false;       // the wait time passed (or nobody was online) with nobody assigned
  TimeMs closed_at = 0;
  UserId closed_by;
  std::vector<Message> messages;
  SidePanel panel;
  std::vector<ItemLink> items;
  Seq last_seq = 0;  // seq of the newest event of this conversation
  // client_key(author_id, client_id) -> seq (idempotency). Looked up for every message sent,
  // so hashed; whoever walks it in an order others see sorts the keys (state_hash; the JSON
  // object of to_json_value sorts them itself).
  std::unordered_map<std::string, Seq> client_ids;
  bool operator==(const Conversation&) const = default;
};

struct State {
  std::map<UserId, User> users;
  std::map<ConversationId, Conversation> conversations;
  bool operator==(const State&) const = default;
};

// The key of Conversation::client_ids: author_id + '\n' + client_id.
std::string client_key(std::string_view author_id, std::string_view client_id);

// Limits the rules enforce.
inline constexpr std::size_t kMaxMessageBytes = 8000;  // one chat message, UTF-8 bytes
inline constexpr std::size_t kMaxNameBytes = 200;  // names, emails, passwords, titles: UTF-8 bytes
inline constexpr std::size_t kMinPasswordChars = 8;  // a user's password, characters
inline constexpr std::size_t kMaxIdBytes = 128;

std::string_view role_name(Role);
std::string_view phase_name(Phase);
std::string_view author_name(Author);
std::string_view system_note_name(SystemNote);
std::string_view item_kind_name(ItemKind);
bool parse_role(std::string_view, Role&);
bool parse_phase(std::string_view, Phase&);
bool parse_author(std::string_view, Author&);
bool parse_system_note(std::string_view, SystemNote&);
bool parse_item_kind(std::string_view, ItemKind&);

// The visibility rule: a user never sees a conversation assigned to someone else; the bot phase
// is the visitor's alone. Unassigned and closed conversations are visible to every user.
bool can_see(const Conversation&, const UserId&);
// The same rule for a conversation in `phase` with `assignee` (e.g. as it was before an event).
bool can_see(Phase phase, const UserId& assignee, const UserId& user);

// The visitor's name as the team sees it: the side panel's person name, else the name the
// visitor gave, else "Visitor " and the last four characters of the visitor id.
std::string visitor_display_name(std::string_view name, std::string_view visitor_id);
std::string visitor_display_name(const Conversation&);

}  // namespace livechat
