#include "livechat/notifications.hpp"

#include <cctype>

namespace livechat {

namespace {

void to_available_users(const State& s, const ConversationId& conv, const UserId& except,
                        std::vector<Notification>& out) {
  for (const auto& [id, u] : s.users)
    if (id != except && u.available() && u.notifications.new_unassigned)
      out.push_back({id, NotificationKind::new_unassigned, conv});
}

struct Notify {
  const State& s;
  std::vector<Notification>& out;

  const Conversation* conv(const ConversationId& id) const {
    auto it = s.conversations.find(id);
    return it == s.conversations.end() ? nullptr : &it->second;
  }
  const User* user(const UserId& id) const {
    auto it = s.users.find(id);
    return it == s.users.end() ? nullptr : &it->second;
  }

  void operator()(const LiveChatRequested& e) {
    const Conversation* c = conv(e.conversation);
    // Requested with nobody online: the same batch marks it missed; nobody is available anyway.
    if (c && c->phase == Phase::unassigned) to_available_users(s, e.conversation, {}, out);
  }
  void operator()(const ConversationUnassigned& e) {
    // Back in Unassigned: it needs someone again, so it is news to everyone else who is online.
    to_available_users(s, e.conversation, e.by, out);
  }
  void operator()(const ConversationAssigned& e) {
    if (e.to == e.by) return;  // "Assign to me" needs no notification
    if (const User* u = user(e.to); u && u->notifications.assigned_to_me)
      out.push_back({e.to, NotificationKind::assigned_to_you, e.conversation});
  }
  void operator()(const MessagePosted& e) {
    if (e.author == Author::note) return mentions(e);
    if (e.author != Author::visitor) return;
    const Conversation* c = conv(e.conversation);
    if (!c || c->phase != Phase::assigned) return;
    if (const User* u = user(c->assignee); u && u->notifications.new_message)
      out.push_back({c->assignee, NotificationKind::new_message, e.conversation});
  }
  template <class Other>
  void operator()(const Other&) {}

  // A note's mentions reach only those who may see the conversation (the visibility rule).
  void mentions(const MessagePosted& e) {
    const Conversation* c = conv(e.conversation);
    if (!c) return;
    for (const UserId& id : mentioned_users(s, e.text))
      if (id != e.author_id && can_see(*c, id)) out.push_back({id, NotificationKind::mentioned, e.conversation});
  }
};

// A byte that continues a word: an ASCII letter or digit, or any byte of a multi-byte UTF-8
// character (so "@Annabella" or "@Annà" never mentions Anna).
bool word_byte(char ch) {
  auto b = static_cast<unsigned char>(ch);
  return b >= 0x80 || (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
}

// `name` starts `text` at `at` (ASCII case-insensitive) and ends at a word boundary.
bool named_at(std::string_view text, std::size_t at, std::string_view name) {
  if (name.empty() || text.size() - at < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto a = static_cast<unsigned char>(text[at + i]), b = static_cast<unsigned char>(name[i]);
    if (a != b && !(a < 0x80 && b < 0x80 && std::tolower(a) == std::tolower(b))) return false;
  }
  return at + name.size() == text.size() || !word_byte(text[at + name.size()]);
}

}  // namespace

std::vector<UserId> mentioned_users(const State& state, std::string_view text) {
  std::vector<UserId> out;
  for (const auto& [id, u] : state.users) {
    std::string_view full = u.name, first = full.substr(0, full.find(' '));
    for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
      if (at > 0 && word_byte(text[at - 1])) continue;
      if (named_at(text, at + 1, full) || named_at(text, at + 1, first)) {
        out.push_back(id);
        break;
      }
    }
  }
  return out;
}

std::vector<Notification> notifications_for(const State& after, const Event& event) {
  std::vector<Notification> out;
  std::visit(Notify{after, out}, event);
  return out;
}

// N_ marks a title for the dashboard's catalog (scripts/po-update reads this file).
#define N_(english) english
std::string_view notification_title(NotificationKind k) {
  switch (k) {
    case NotificationKind::new_unassigned: return N_("New chat waiting");
    case NotificationKind::assigned_to_you: return N_("Chat assigned to you");
    case NotificationKind::new_message: return N_("New message");
    case NotificationKind::mentioned: return N_("You were mentioned in a note");
  }
  return N_("New chat waiting");
}
#undef N_

std::string_view notification_kind_name(NotificationKind k) {
  switch (k) {
    case NotificationKind::new_unassigned: return "new_unassigned";
    case NotificationKind::assigned_to_you: return "assigned_to_you";
    case NotificationKind::new_message: return "new_message";
    case NotificationKind::mentioned: return "mentioned";
  }
  return "new_unassigned";
}

}  // namespace livechat
