#include "livechat/notifications.hpp"

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
    if (e.author != Author::visitor) return;
    const Conversation* c = conv(e.conversation);
    if (!c || c->phase != Phase::assigned) return;
    if (const User* u = user(c->assignee); u && u->notifications.new_message)
      out.push_back({c->assignee, NotificationKind::new_message, e.conversation});
  }
  template <class Other>
  void operator()(const Other&) {}
};

}  // namespace

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
  }
  return N_("New chat waiting");
}
#undef N_

std::string_view notification_kind_name(NotificationKind k) {
  switch (k) {
    case NotificationKind::new_unassigned: return "new_unassigned";
    case NotificationKind::assigned_to_you: return "assigned_to_you";
    case NotificationKind::new_message: return "new_message";
  }
  return "new_unassigned";
}

}  // namespace livechat
