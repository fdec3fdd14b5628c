// The rules of Live Chat as a reducer pair:
//   decide(state, command, actor, now) -> the events that command produces, or an Error;
//   apply(state, event)                -> the state with the event folded in.
// The server runs decide authoritatively; the widget and the agent dashboard run apply on the
// events they receive and ask the queries below (or decide on their local state) before they
// offer an action, so a button is enabled exactly when the server would accept it. Both pure.
#pragma once
#include <optional>
#include <vector>

#include "livechat/commands.hpp"
#include "livechat/events.hpp"
#include "livechat/model.hpp"
#include "livechat/result.hpp"

namespace livechat {

struct Decision {
  std::vector<Event> events;
  // Set when the command repeats an idempotency id already applied: no events, and this is the
  // seq of the original message, to be answered in the ack.
  std::optional<Seq> duplicate_of;
};

// Checks `command` from `actor` at time `now` against `state`. On success the events carry
// consecutive conversation sequence numbers following the conversation's last_seq. Never
// modifies state. Every rule of the product lives here once (see docs/architecture.md):
//  - assign only from Unassigned and only when the agent is online (available);
//  - only the assignee sends agent messages, reassigns (to a user or Unassigned) or closes;
//  - a closed conversation never reopens and takes no new messages, yet its side panel stays
//    editable and leads/deals/activities can still be recorded from it;
//  - recording a lead or deal never closes the conversation;
//  - a private note (PostNote) is written by any user who sees the conversation while it is open
//    (Unassigned or theirs), and never reaches the visitor (visitor_sees, visitor.hpp);
//  - the visibility rule: a user never acts on a conversation assigned to someone else.
Result<Decision> decide(const State& state, const Command& command, const Actor& actor, TimeMs now);

// Folds one event into state (in place). Events are facts: apply does not re-check the rules,
// but it ignores events that cannot be placed (unknown conversation) rather than crash.
void apply(State& state, const Event& event);

// Convenience for tests and small callers: decide, then apply every event. Returns the decision.
Result<Decision> execute(State& state, const Command& command, const Actor& actor, TimeMs now);

// [SECTION] Queries for the shells: the checks decide() itself makes, so the widget and the
// dashboard never re-derive a rule (see docs/architecture.md "The core decides, the shells ask").

// May `actor` post a message in `c` now? Not once closed; an agent only as the assignee of an
// assigned conversation; the bot only until a user has joined; visitors in their own (the caller
// passes their conversation); the system never. The error is the one decide gives.
Status may_write(const Conversation& c, const Actor& actor);

// May agent `user` reassign (to another user or Unassigned) or close `c`? Only its assignee,
// never once closed.
Status may_reassign(const Conversation& c, const UserId& user);
Status may_close(const Conversation& c, const UserId& user);

// Why `text` cannot be posted as a message (decide's SendMessage), as a stable code: empty_answer
// (nothing but whitespace), too_long (over kMaxMessageBytes), invalid_utf8; "" when it can.
std::string_view message_problem(std::string_view text);

// True when at least one user is available (online switch on and not away): what the Live Chat
// card asks before offering a human.
bool anyone_available(const State& state);

}  // namespace livechat
