// Automatic assignment (assignment.hpp): the waiting line and round robin, from the state alone.
#include "livechat/assignment.hpp"

#include <algorithm>
#include <tuple>

namespace livechat {

namespace {

const AssignmentPolicy* automatic(const AssignmentPolicies& policies, const std::string& playbook) {
  auto it = policies.find(playbook);
  return it != policies.end() && it->second.automatic ? &it->second : nullptr;
}

// When `user` last took a chat: the newest "joined" or "reassigned" row naming them (0: never).
TimeMs last_taken(const State& state, const UserId& user) {
  TimeMs latest = 0;
  for (const auto& [id, c] : state.conversations)
    for (const Message& m : c.messages)
      if ((m.note == SystemNote::joined || m.note == SystemNote::reassigned) && m.subject == user)
        latest = std::max(latest, m.at);
  return latest;
}

}  // namespace

std::vector<ConversationId> waiting_line(const State& state, const AssignmentPolicies& policies) {
  std::vector<const Conversation*> waiting;
  for (const auto& [id, c] : state.conversations)
    if (c.phase == Phase::unassigned && automatic(policies, c.playbook_id)) waiting.push_back(&c);
  std::sort(waiting.begin(), waiting.end(), [](const Conversation* a, const Conversation* b) {
    return std::tie(a->requested_at, a->id) < std::tie(b->requested_at, b->id);
  });
  std::vector<ConversationId> line;
  for (const Conversation* c : waiting) line.push_back(c->id);
  return line;
}

std::size_t place_in_line(const State& state, const AssignmentPolicies& policies, const ConversationId& id) {
  auto line = waiting_line(state, policies);
  auto it = std::find(line.begin(), line.end(), id);
  return it == line.end() ? 0 : static_cast<std::size_t>(it - line.begin()) + 1;
}

int open_chats(const State& state, const UserId& user) {
  int n = 0;
  for (const auto& [id, c] : state.conversations) n += c.phase == Phase::assigned && c.assignee == user;
  return n;
}

std::vector<Assignment> next_assignments(const State& state, const AssignmentPolicies& policies) {
  struct Agent {
    UserId id;
    int open = 0;
    TimeMs last = 0;
    int turn = 0;  // assignments made in this answer: they count as the newest
  };
  std::vector<Agent> agents;
  for (const auto& [id, u] : state.users)
    if (u.available()) agents.push_back({id, open_chats(state, id), last_taken(state, id), 0});
  std::vector<Assignment> out;
  int turns = 0;
  for (const ConversationId& id : waiting_line(state, policies)) {
    const int capacity = automatic(policies, state.conversations.at(id).playbook_id)->capacity;
    Agent* best = nullptr;
    for (Agent& a : agents) {
      if (a.open >= capacity) continue;
      if (!best || std::tie(a.turn, a.last, a.id) < std::tie(best->turn, best->last, best->id)) best = &a;
    }
    if (!best) continue;  // nobody has room for this playbook's capacity; a later chat may fit another
    out.push_back({id, best->id});
    ++best->open;
    best->turn = ++turns;
  }
  return out;
}

}  // namespace livechat
