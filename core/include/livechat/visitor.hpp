// What a visitor sees and may do, asked by both sides: the widget enables its input and checks
// typed text with these before sending; the server's visitor side delivers, prompts and routes
// typed text with the same functions. Pure; built on decide's and the chatbot's own checks.
#pragma once
#include <string_view>

#include "livechat/events.hpp"
#include "livechat/model.hpp"
#include "livechat/playbook_run.hpp"

namespace livechat {

// Events a visitor receives of their own conversation: the transcript and its phase changes,
// never the side panel, the CRM items or a private note (Author::note): those are the team's.
// The one rule every path to a visitor asks (live delivery, resume replay).
bool visitor_sees(const Event& e);

// The prompt the visitor gets in `c`: finished once closed; waiting_for_agent while a user has
// it (the visitor simply writes; both without a card_id); otherwise `bot`, what the chatbot's run asks (current_prompt;
// Prompt{} without a run).
Prompt visitor_prompt(const Conversation& c, const Prompt& bot);

// Typed text answers the chatbot (it is not a message to the team): the conversation is open, no
// user has it, and the chatbot waits for an answer (awaits_answer). Holds in Unassigned too: the
// offline flow asks its questions there while the request waits.
bool typed_text_answers(const Conversation& c, PromptKind bot);

// The visitor may type now: visitor_prompt(c, bot) is free_text, capture or waiting_for_agent
// (a question with buttons is answered by pressing one; a finished chat takes nothing).
bool visitor_may_type(const Conversation& c, PromptKind bot);

// Whom the visitor's typing indicator reaches: the assignee, while a user has the conversation
// ("" otherwise: the widget does not send it, the server does not forward it).
UserId typing_seen_by(const Conversation& c);

// Why the visitor's typed text cannot be sent as it stands ("" when it can), as a stable code:
// answer_problem() when typed_text_answers(c, bot.kind), else message_problem() (rules.hpp).
std::string_view typed_text_problem(std::string_view text, const Conversation& c, const Prompt& bot);

}  // namespace livechat
