#include "livechat/inbox.hpp"

#include <algorithm>

namespace livechat {

bool folder_of(const Conversation& c, const UserId& user, Folder& out) {
  if (!can_see(c, user)) return false;
  switch (c.phase) {
    case Phase::unassigned: out = Folder::unassigned; return true;
    case Phase::assigned: out = Folder::mine; return true;
    case Phase::closed: out = Folder::closed; return true;
    case Phase::bot: return false;
  }
  return false;
}

InboxRow inbox_row(const Conversation& c) {
  InboxRow row;
  row.id = c.id;
  row.visitor_name = visitor_display_name(c);
  row.visitor_id = c.visitor_id;
  row.last_at = c.created_at;
  for (auto it = c.messages.rbegin(); it != c.messages.rend(); ++it) {
    if (it->author == Author::system) continue;
    row.last_message = it->text;
    break;
  }
  if (!c.messages.empty()) row.last_at = c.messages.back().at;
  row.wait_deadline = c.wait_deadline;
  row.missed = c.missed;
  row.closed_at = c.closed_at;
  return row;
}

Inbox inbox_for(const State& state, const UserId& user) {
  Inbox inbox;
  std::vector<std::pair<TimeMs, InboxRow>> unassigned;
  for (const auto& [id, c] : state.conversations) {
    Folder f;
    if (!folder_of(c, user, f)) continue;
    switch (f) {
      case Folder::unassigned: unassigned.emplace_back(c.requested_at, inbox_row(c)); break;
      case Folder::mine: inbox.mine.push_back(inbox_row(c)); break;
      case Folder::closed: inbox.closed.push_back(inbox_row(c)); break;
    }
  }
  // Stable orders with the id as the tie-break, so every client shows the same list.
  std::sort(unassigned.begin(), unassigned.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.id < b.second.id;
  });
  for (auto& [at, row] : unassigned) inbox.unassigned.push_back(std::move(row));
  std::sort(inbox.mine.begin(), inbox.mine.end(), [](const InboxRow& a, const InboxRow& b) {
    return a.last_at != b.last_at ? a.last_at > b.last_at : a.id < b.id;
  });
  std::sort(inbox.closed.begin(), inbox.closed.end(), [](const InboxRow& a, const InboxRow& b) {
    return a.closed_at != b.closed_at ? a.closed_at > b.closed_at : a.id < b.id;
  });
  return inbox;
}

}  // namespace livechat
