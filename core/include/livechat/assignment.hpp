// Automatic assignment (issue 17, item 4), as pure functions over the state: the waiting line
// of chats whose playbook assigns automatically, each chat's place in it, and who takes the next
// ones (round robin among available users with room under their capacity). The server asks
// these after each change and carries the answer out with decide (AssignToMe's rules apply).
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "livechat/model.hpp"

namespace livechat {

// A playbook's assignment: manual (users press "Assign to me") or automatic, where each
// available user holds at most `capacity` open chats at once.
struct AssignmentPolicy {
  bool automatic = false;
  int capacity = 1;
  bool operator==(const AssignmentPolicy&) const = default;
};
// Playbook id -> its policy; a playbook not listed is manual.
using AssignmentPolicies = std::map<std::string, AssignmentPolicy, std::less<>>;

// The chats waiting in Unassigned for automatic assignment, in arrival order (when live chat
// was requested, then id).
std::vector<ConversationId> waiting_line(const State& state, const AssignmentPolicies& policies);

// The chat's place in the waiting line, from 1; 0 when it is not in it.
std::size_t place_in_line(const State& state, const AssignmentPolicies& policies, const ConversationId& id);

// How many open chats `user` has (assigned to them, not closed).
int open_chats(const State& state, const UserId& user);

struct Assignment {
  ConversationId conversation;
  UserId to;
  bool operator==(const Assignment&) const = default;
};

// The assignments to make now, in order: the first chat in line goes to an available user with
// room (fewer open chats than the chat's playbook's capacity), taking turns: the user whose
// latest chat was assigned longest ago (never: first; ties by id); again until nobody waits or
// nobody has room. Deterministic: the same state gives the same answer everywhere.
std::vector<Assignment> next_assignments(const State& state, const AssignmentPolicies& policies);

}  // namespace livechat
