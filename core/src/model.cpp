// Names of the model's enums as they appear on the wire and in the database, and back.
#include <array>
#include <string_view>
#include <utility>

#include "livechat/commands.hpp"
#include "livechat/events.hpp"
#include "livechat/model.hpp"
#include "livechat/validate.hpp"

namespace livechat {

namespace {
template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return {};
}
template <class E, std::size_t N>
bool parse_name(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name, E& out) {
  for (const auto& [v, n] : table)
    if (n == name) {
      out = v;
      return true;
    }
  return false;
}

constexpr std::array<std::pair<Role, std::string_view>, 2> kRoles{{{Role::regular, "regular"}, {Role::admin, "admin"}}};
constexpr std::array<std::pair<Phase, std::string_view>, 4> kPhases{
    {{Phase::bot, "bot"}, {Phase::unassigned, "unassigned"}, {Phase::assigned, "assigned"}, {Phase::closed, "closed"}}};
constexpr std::array<std::pair<Author, std::string_view>, 5> kAuthors{{{Author::bot, "bot"},
                                                                       {Author::visitor, "visitor"},
                                                                       {Author::agent, "agent"},
                                                                       {Author::system, "system"},
                                                                       {Author::note, "note"}}};
constexpr std::array<std::pair<SystemNote, std::string_view>, 10> kNotes{{
    {SystemNote::none, "none"},
    {SystemNote::live_chat_requested, "live_chat_requested"},
    {SystemNote::wait_expired, "wait_expired"},
    {SystemNote::joined, "joined"},
    {SystemNote::reassigned, "reassigned"},
    {SystemNote::unassigned, "unassigned"},
    {SystemNote::lead_created, "lead_created"},
    {SystemNote::deal_created, "deal_created"},
    {SystemNote::activity_created, "activity_created"},
    {SystemNote::closed, "closed"},
}};
constexpr std::array<std::pair<ItemKind, std::string_view>, 3> kItems{
    {{ItemKind::lead, "lead"}, {ItemKind::deal, "deal"}, {ItemKind::activity, "activity"}}};
constexpr std::array<std::pair<Actor::Kind, std::string_view>, 4> kActors{{{Actor::Kind::agent, "agent"},
                                                                            {Actor::Kind::visitor, "visitor"},
                                                                            {Actor::Kind::bot, "bot"},
                                                                            {Actor::Kind::system, "system"}}};
}  // namespace

std::string_view role_name(Role v) { return name_of(kRoles, v); }
std::string_view phase_name(Phase v) { return name_of(kPhases, v); }
std::string_view author_name(Author v) { return name_of(kAuthors, v); }
std::string_view system_note_name(SystemNote v) { return name_of(kNotes, v); }
std::string_view item_kind_name(ItemKind v) { return name_of(kItems, v); }
std::string_view actor_kind_name(Actor::Kind v) { return name_of(kActors, v); }
bool parse_role(std::string_view s, Role& out) { return parse_name(kRoles, s, out); }
bool parse_phase(std::string_view s, Phase& out) { return parse_name(kPhases, s, out); }
bool parse_author(std::string_view s, Author& out) { return parse_name(kAuthors, s, out); }
bool parse_system_note(std::string_view s, SystemNote& out) { return parse_name(kNotes, s, out); }
bool parse_item_kind(std::string_view s, ItemKind& out) { return parse_name(kItems, s, out); }
bool parse_actor_kind(std::string_view s, Actor::Kind& out) { return parse_name(kActors, s, out); }

std::string client_key(std::string_view author_id, std::string_view client_id) {
  std::string key;
  key.reserve(author_id.size() + 1 + client_id.size());
  key += author_id;
  key += '\n';
  key += client_id;
  return key;
}

bool can_see(const Conversation& c, const UserId& user) { return can_see(c.phase, c.assignee, user); }

std::string visitor_display_name(std::string_view name, std::string_view visitor_id) {
  if (!name.empty()) return std::string(name);
  std::size_t tail = visitor_id.size() > 4 ? visitor_id.size() - 4 : 0;
  tail = utf8_prefix(visitor_id, tail).size();  // from a character's first byte
  return "Visitor " + std::string(visitor_id.substr(tail));
}

std::string visitor_display_name(const Conversation& c) {
  return visitor_display_name(c.panel.person_name.empty() ? c.visitor_name : c.panel.person_name, c.visitor_id);
}

bool can_see(Phase phase, const UserId& assignee, const UserId& user) {
  switch (phase) {
    case Phase::bot: return false;
    case Phase::unassigned: return true;
    case Phase::assigned: return assignee == user;
    case Phase::closed: return true;
  }
  return false;
}

// --- events: the parts every conversation event shares -----------------------------------------
namespace {
template <class T>
concept ConversationEvent = requires(const T& e) {
  e.conversation;
  e.seq;
};
}  // namespace

const ConversationId* event_conversation(const Event& event) {
  return std::visit(
      [](const auto& e) -> const ConversationId* {
        if constexpr (ConversationEvent<std::decay_t<decltype(e)>>)
          return &e.conversation;
        else
          return nullptr;
      },
      event);
}

Seq event_seq(const Event& event) {
  return std::visit(
      [](const auto& e) -> Seq {
        if constexpr (ConversationEvent<std::decay_t<decltype(e)>>)
          return e.seq;
        else
          return 0;
      },
      event);
}

std::string_view event_type_name(const Event& event) {
  static constexpr std::string_view kNames[] = {
      "user_added",           "role_changed",          "online_changed",
      "away_changed",         "notification_settings_changed",
      "conversation_started", "message_posted",        "live_chat_requested",
      "wait_expired",         "conversation_assigned", "conversation_unassigned",
      "conversation_closed",  "side_panel_updated",    "item_recorded"};
  static_assert(std::size(kNames) == std::variant_size_v<Event>, "name every Event alternative");
  return kNames[event.index()];
}

}  // namespace livechat
