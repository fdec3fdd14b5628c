// The playbook interpreter: walks a visitor through a playbook's cards. Deterministic and pure:
// the run is a plain value the caller keeps (server-side, authoritative; the widget may run the
// same code to render and pre-check input), each call returns a Step saying what to show and
// which effects the caller must carry out (ask for a human, create a lead, fill the side panel).
//
// Typical use (the shell):
//   PlaybookRun run;
//   Step s = start(playbook, run, ctx);            // greeting ... first question
//   s = answer(playbook, run, "I want a demo", ctx);  // ... until status is in_live_chat/finished
//   // in_live_chat: the shell sends RequestLiveChat and runs the wait timer; when it fires with
//   // nobody assigned: s = wait_expired(playbook, run, ctx); when an agent joins, the run simply
//   // stays in_live_chat (the chat is human now) and the shell stops calling the interpreter.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "livechat/playbook.hpp"
#include "livechat/result.hpp"

namespace livechat {

enum class RunStatus {
  running,          // not started yet (or between cards inside one call)
  awaiting_answer,  // card_id is a question or capture card waiting for answer()
  in_live_chat,     // card_id is a Live Chat card; a human was requested (or has joined)
  finished          // the run ended (end card, offline flow without next, or an error)
};

struct PlaybookRun {
  std::string card_id;                         // the card the run stands on
  std::map<std::string, std::string> answers;  // answer key -> trimmed answer
  RunStatus status = RunStatus::running;
  std::optional<bool> qualified;  // set by the last qualification card passed, if any
  bool operator==(const PlaybookRun&) const = default;
};

struct PlaybookContext {
  bool anyone_online = false;  // at least one agent is available to chat
  bool embedded = true;        // false: not embedded in a web page -> Live Chat is offline-only
  bool within_hours = true;    // false: outside the playbook's business hours -> offline path
};

enum class MessageKind {
  text,        // a message, question or capture card's text
  online,      // a Live Chat card's online message
  offline,     // a Live Chat card's offline message
  end,         // an end card's text
  validation,  // the answer was refused; `code` says why
};

// Something the bot says. `text` is rich-text source (see MessageCard); the renderer makes it safe.
struct BotMessage {
  MessageKind kind = MessageKind::text;
  std::string card_id;
  std::string text;
  // Validation messages only: a stable reason, for clients that word it themselves:
  // empty_answer, too_long, invalid_utf8, invalid_email, invalid_phone, unknown_button.
  std::string code;
  bool operator==(const BotMessage&) const = default;
};

enum class PromptKind { none, buttons, free_text, capture, waiting_for_agent, finished };

// What the widget offers next.
struct Prompt {
  PromptKind kind = PromptKind::none;
  std::string card_id;               // the card asking (buttons, free_text, capture, waiting_for_agent)
  std::vector<std::string> buttons;  // labels, for PromptKind::buttons
  CaptureKind field = CaptureKind::name;  // for PromptKind::capture
  bool operator==(const Prompt&) const = default;
};

// Effects the caller carries out, in order. In their own namespace: commands.hpp already has a
// RequestLiveChat command (the one the shell issues when it sees this effect).
namespace effect {
struct RequestLiveChat {  // put the conversation in Unassigned and start the wait timer
  int wait_seconds = 0;
  bool operator==(const RequestLiveChat&) const = default;
};
struct CreateItem {  // create a lead, deal or activity in the account
  ItemKind kind = ItemKind::lead;
  std::string title;                          // {{key}} already replaced by the answers
  std::map<std::string, std::string> fields;  // item field -> value; only answered fields
  bool operator==(const CreateItem&) const = default;
};
struct CaptureField {  // a validated capture answer, for the conversation's side panel
  CaptureKind field = CaptureKind::name;
  std::string value;
  bool operator==(const CaptureField&) const = default;
};
struct Qualified {  // a qualification card decided
  bool qualified = false;
  bool operator==(const Qualified&) const = default;
};
}  // namespace effect
using Effect = std::variant<effect::RequestLiveChat, effect::CreateItem, effect::CaptureField, effect::Qualified>;

struct Step {
  std::vector<BotMessage> messages;
  std::vector<Effect> effects;
  Prompt prompt;
  std::optional<Error> input_error;  // the call was refused (run unchanged) or the run broke
};

// A run that passes more cards than this without waiting for input is looping (a loop-free
// path cannot: it visits each of at most kMaxPlaybookCards cards once). The run then finishes
// with an error instead of looping forever.
inline constexpr int kMaxStepsWithoutInput = static_cast<int>(kMaxPlaybookCards) + 1;

// Starts (or restarts) the run at the playbook's start card: clears answers and qualification,
// then passes cards, collecting messages and effects, until one needs input (question, capture),
// the Live Chat card hands over to a human, or the run finishes. Card by card:
//   message -> its text, then next;  question/capture -> its text, then awaits an answer;
//   qualification -> Qualified effect, qualified_next or unqualified_next;
//   live_chat -> embedded && anyone_online && within_hours: online message, RequestLiveChat{wait_seconds},
//     status in_live_chat, prompt waiting_for_agent; otherwise the offline message and the
//     offline flow from offline_next (empty: finished);
//   create_item -> CreateItem effect, then next;  end -> its text (if any), finished.
// A missing card (the playbook changed under the run) or kMaxStepsWithoutInput exceeded
// finishes the run with input_error set (not_found / conflict); messages so far are kept.
Step start(const Playbook& playbook, PlaybookRun& run, const PlaybookContext& ctx);

// Gives the awaited answer to the current question or capture card.
//  - buttons: the button's label (exact, or trimmed and ASCII case-insensitive); if no label
//    matches, a 1-based index as a decimal string ("1" = first button). The label is stored.
//  - free text: trimmed; non-empty, valid UTF-8, at most kMaxCardText bytes.
//  - capture: trimmed; email/phone per validate.hpp, name/company non-empty; at most
//    kMaxPanelField bytes (it must fit the side panel). Emits CaptureField.
// The answer is stored under the card's answer key, then the run continues as in start().
// Refused input: input_error (invalid_field, field "answer") and one validation message with a
// stable code; the run is unchanged and the same prompt is returned. Called while not awaiting
// an answer: input_error (conflict), run unchanged, prompt as current_prompt().
Step answer(const Playbook& playbook, PlaybookRun& run, std::string_view answer, const PlaybookContext& ctx);

// The wait time passed with nobody assigned: the Live Chat card's offline message, then the
// offline flow. Only while in_live_chat on a Live Chat card; otherwise input_error (conflict)
// and nothing changes.
Step wait_expired(const Playbook& playbook, PlaybookRun& run, const PlaybookContext& ctx);

// What the widget should show for the run as it stands (e.g. after a page reload).
Prompt current_prompt(const Playbook& playbook, const PlaybookRun& run);

// The chatbot waits for an answer: a question (buttons or free text) or a capture card.
bool awaits_answer(PromptKind kind);

// Why `text` is not an acceptable answer to `prompt` as it stands: the stable code answer()'s
// validation message would carry (invalid_utf8, empty_answer, too_long, invalid_email,
// invalid_phone), "" when acceptable. Free text: at most kMaxCardText bytes once trimmed;
// capture: at most kMaxPanelField and email/phone per validate.hpp. For buttons only UTF-8 and
// non-blank are checked here (answer() matches the labels). answer() itself uses this, so a
// client that checks first is refused by the server for exactly the same reasons.
std::string_view answer_problem(std::string_view text, const Prompt& prompt);

// The answer key a question or capture card stores under (answer_key, else card id for a
// question, the field name for a capture); empty for other cards.
std::string answer_key_of(const Card& card);


// The run's JSON form, for keeping it across server restarts:
// {"card_id":"...","answers":{...},"status":"awaiting_answer","qualified":true|false|null}.
nlohmann::json playbook_run_to_json(const PlaybookRun& run);
Result<PlaybookRun> playbook_run_from_json(const nlohmann::json& value);

}  // namespace livechat
