// Desktop notifications derived from events, per user, filtered by each user's settings:
//  - a new conversation in Unassigned: every available (online) user;
//  - a conversation assigned to you (by someone else);
//  - a new visitor message in a conversation assigned to you;
//  - a private note that mentions you (`@Anna` or `@Anna Rossi`), if you may see the conversation.
#pragma once
#include <vector>

#include "livechat/events.hpp"
#include "livechat/model.hpp"

namespace livechat {

enum class NotificationKind { new_unassigned, assigned_to_you, new_message, mentioned };

struct Notification {
  UserId user;
  NotificationKind kind = NotificationKind::new_unassigned;
  ConversationId conversation;
  bool operator==(const Notification&) const = default;
};

// The notifications `event` causes, given `after` = the state with the event applied.
// Ordered by user id, so the result is deterministic.
std::vector<Notification> notifications_for(const State& after, const Event& event);

std::string_view notification_kind_name(NotificationKind);

// The users `text` mentions, in id order: an '@' at the start or after a character that is not a
// letter or digit (so "anna@example.com" mentions nobody), then a user's whole name or its first
// word, ASCII letters compared case-insensitively, ending the text or before a character that is
// not a letter or digit. The dashboard highlights what the server notifies.
std::vector<UserId> mentioned_users(const State& state, std::string_view text);

// The notification's title in English ("New chat waiting"): the server sends it, the dashboard
// shows it in the agent's language (it is a key of agent-ui/po's catalogs).
std::string_view notification_title(NotificationKind);

}  // namespace livechat
