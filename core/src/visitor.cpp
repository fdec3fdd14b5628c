// The visitor's queries (visitor.hpp): one answer for the widget and the server.
#include "livechat/visitor.hpp"

#include "livechat/rules.hpp"

namespace livechat {

bool visitor_sees(const Event& e) {
  if (const auto* m = std::get_if<MessagePosted>(&e)) return m->author != Author::note;  // private notes: users only
  return std::holds_alternative<ConversationStarted>(e) ||
         std::holds_alternative<LiveChatRequested>(e) || std::holds_alternative<WaitExpired>(e) ||
         std::holds_alternative<ConversationAssigned>(e) || std::holds_alternative<ConversationUnassigned>(e) ||
         std::holds_alternative<ConversationClosed>(e);
}

Prompt visitor_prompt(const Conversation& c, const Prompt& bot) {
  if (c.phase == Phase::closed) return Prompt{PromptKind::finished, {}, {}, CaptureKind::name};
  if (c.phase == Phase::assigned) return Prompt{PromptKind::waiting_for_agent, {}, {}, CaptureKind::name};
  return bot;
}

bool typed_text_answers(const Conversation& c, PromptKind bot) {
  return (c.phase == Phase::bot || c.phase == Phase::unassigned) && awaits_answer(bot);
}

bool visitor_may_type(const Conversation& c, PromptKind bot) {
  PromptKind shown = visitor_prompt(c, Prompt{bot, {}, {}, CaptureKind::name}).kind;
  return shown == PromptKind::free_text || shown == PromptKind::capture || shown == PromptKind::waiting_for_agent;
}

UserId typing_seen_by(const Conversation& c) { return c.phase == Phase::assigned ? c.assignee : UserId(); }

std::string_view typed_text_problem(std::string_view text, const Conversation& c, const Prompt& bot) {
  return typed_text_answers(c, bot.kind) ? answer_problem(text, bot) : message_problem(text);
}

}  // namespace livechat
