// The Live Chat inbox as one user sees it: the folders Unassigned, My conversations and Closed.
// A projection of State, so the visibility rule holds by construction: a conversation assigned
// to someone else is in none of this user's folders.
#pragma once
#include <vector>

#include "livechat/model.hpp"

namespace livechat {

enum class Folder { unassigned, mine, closed };

struct InboxRow {
  ConversationId id;
  std::string visitor_name;  // visitor_display_name(): never empty ("Visitor 3f2a" when unknown)
  std::string visitor_id;
  std::string last_message;  // text of the newest visitor/agent/bot message (source form)
  TimeMs last_at = 0;        // time of the newest transcript row
  TimeMs wait_deadline = 0;  // Unassigned: when the wait runs out (0 if none running)
  bool missed = false;       // Unassigned: nobody took it in time
  TimeMs closed_at = 0;      // Closed: when it was closed
  bool operator==(const InboxRow&) const = default;
};

struct Inbox {
  std::vector<InboxRow> unassigned;  // oldest request first: who has waited longest is on top
  std::vector<InboxRow> mine;        // newest activity first
  std::vector<InboxRow> closed;      // most recently closed first
  bool operator==(const Inbox&) const = default;
};

// The folder a conversation sits in for `user`, or false when the user cannot see it.
bool folder_of(const Conversation&, const UserId& user, Folder& out);

// Builds the inbox of `user`. O(n log n) in the number of conversations.
Inbox inbox_for(const State&, const UserId& user);

// One row, as the inbox shows it.
InboxRow inbox_row(const Conversation&);

}  // namespace livechat
