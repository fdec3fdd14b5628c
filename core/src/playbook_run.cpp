// The playbook interpreter. See playbook_run.hpp for the contract of each call.
#include "livechat/playbook_run.hpp"

#include <string>
#include <utility>

#include "livechat/side_panel.hpp"  // kMaxPanelField: captured values must fit the side panel
#include "livechat/validate.hpp"

namespace livechat {

namespace {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Replaces each {{key}} (spaces inside the braces allowed) by the answer stored under key, or by
// nothing when there is none; an unclosed "{{" is kept as written. One pass: answers that
// themselves contain {{...}} are not expanded. The result is capped at kMaxCardText bytes.
std::string fill_answers(std::string_view tmpl, const std::map<std::string, std::string>& answers) {
  std::string out;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    auto open = tmpl.find("{{", i);
    auto close = open == std::string_view::npos ? open : tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    if (auto it = answers.find(trim(tmpl.substr(open + 2, close - open - 2))); it != answers.end())
      out += it->second;
    i = close + 2;
  }
  out.resize(utf8_prefix(out, kMaxCardText).size());  // never split a UTF-8 sequence
  return out;
}

bool holds(const Condition& c, const std::map<std::string, std::string>& answers) {
  auto it = answers.find(c.answer_key);
  std::string answer = it == answers.end() ? std::string() : ascii_lower(trim(it->second));
  std::string value = ascii_lower(trim(c.value));
  switch (c.op) {
    case ConditionOp::equals: return answer == value;
    case ConditionOp::not_equals: return answer != value;
    case ConditionOp::contains: return answer.find(value) != std::string::npos;
    case ConditionOp::not_empty: return !answer.empty();
    case ConditionOp::empty: return answer.empty();
  }
  return false;
}

bool qualifies(const QualificationCard& q, const std::map<std::string, std::string>& answers) {
  if (q.match == Match::all) {
    for (const auto& c : q.conditions)
      if (!holds(c, answers)) return false;
    return true;
  }
  for (const auto& c : q.conditions)
    if (holds(c, answers)) return true;
  return false;
}

// The prompt a question or capture card shows; none for other cards.
Prompt prompt_for_card(const Card& card) {
  Prompt p;
  p.card_id = card.id;
  if (const auto* q = std::get_if<QuestionCard>(&card.body)) {
    p.kind = q->buttons.empty() ? PromptKind::free_text : PromptKind::buttons;
    for (const auto& b : q->buttons) p.buttons.push_back(b.label);
  } else if (const auto* c = std::get_if<CaptureCard>(&card.body)) {
    p.kind = PromptKind::capture;
    p.field = c->field;
  } else {
    p.kind = PromptKind::none;
  }
  return p;
}

void say(Step& step, MessageKind kind, const std::string& card_id, const std::string& text) {
  if (!text.empty()) step.messages.push_back(BotMessage{kind, card_id, text, {}});
}

void finish(PlaybookRun& run, Step& step) {
  run.status = RunStatus::finished;
  step.prompt = Prompt{PromptKind::finished, run.card_id, {}, CaptureKind::name};
}

// The run cannot go on: it finishes, carrying the error.
void fail(PlaybookRun& run, Step& step, Error error) {
  finish(run, step);
  step.input_error = std::move(error);
}

// Passes cards from `card_id` on until one needs input, a human is requested, or the run ends.
// An empty card_id (a Live Chat card's offline flow left empty) finishes the run.
void run_from(const Playbook& pb, PlaybookRun& run, std::string card_id, const PlaybookContext& ctx, Step& step) {
  for (int passed = 0;; ++passed) {
    if (card_id.empty()) return finish(run, step);
    if (passed >= kMaxStepsWithoutInput)
      return fail(run, step,
                  make_error(ErrorCode::conflict,
                             "playbook loops: more than " + std::to_string(kMaxStepsWithoutInput) +
                                 " cards passed without waiting for the visitor (stopped at card '" + card_id + "')",
                             "cards." + card_id));
    const Card* card = find_card(pb, card_id);
    if (!card)
      return fail(run, step,
                  make_error(ErrorCode::not_found, "card '" + card_id + "' does not exist", "cards." + card_id));
    run.card_id = card->id;
    run.status = RunStatus::running;
    const std::string& id = card->id;

    if (const auto* m = std::get_if<MessageCard>(&card->body)) {
      say(step, MessageKind::text, id, m->text);
      card_id = m->next;
    } else if (const auto* q = std::get_if<QuestionCard>(&card->body)) {
      say(step, MessageKind::text, id, q->text);
      run.status = RunStatus::awaiting_answer;
      step.prompt = prompt_for_card(*card);
      return;
    } else if (const auto* c = std::get_if<CaptureCard>(&card->body)) {
      say(step, MessageKind::text, id, c->text);
      run.status = RunStatus::awaiting_answer;
      step.prompt = prompt_for_card(*card);
      return;
    } else if (const auto* ql = std::get_if<QualificationCard>(&card->body)) {
      bool ok = qualifies(*ql, run.answers);
      run.qualified = ok;
      step.effects.push_back(effect::Qualified{ok});
      card_id = ok ? ql->qualified_next : ql->unqualified_next;
    } else if (const auto* lc = std::get_if<LiveChatCard>(&card->body)) {
      if (ctx.embedded && ctx.anyone_online && ctx.within_hours) {
        say(step, MessageKind::online, id, lc->online_message);
        step.effects.push_back(effect::RequestLiveChat{lc->wait_seconds});
        run.status = RunStatus::in_live_chat;
        step.prompt = Prompt{PromptKind::waiting_for_agent, id, {}, CaptureKind::name};
        return;
      }
      say(step, MessageKind::offline, id, lc->offline_message);
      card_id = lc->offline_next;
    } else if (const auto* ci = std::get_if<CreateItemCard>(&card->body)) {
      effect::CreateItem item{ci->item, fill_answers(ci->title, run.answers), {}};
      for (const auto& [field, key] : ci->fields)
        if (auto it = run.answers.find(key); it != run.answers.end() && !it->second.empty())
          item.fields[field] = it->second;
      step.effects.push_back(std::move(item));
      card_id = ci->next;
    } else if (const auto* e = std::get_if<EndCard>(&card->body)) {
      say(step, MessageKind::end, id, e->text);
      return finish(run, step);
    }
  }
}

// Why an answer is refused: a stable code and the words the bot uses.
struct Refusal {
  std::string code;
  std::string text;
};

std::string_view capture_noun(CaptureKind k) {
  switch (k) {
    case CaptureKind::name: return "your name";
    case CaptureKind::email: return "your email address";
    case CaptureKind::phone: return "your phone number";
    case CaptureKind::company: return "your company name";
  }
  return "an answer";
}

// Checks typed text (free-text question or capture) with answer_problem(); on success `value`
// holds the trimmed text.
std::optional<Refusal> check_typed(std::string_view answer, const CaptureCard* capture, std::string& value) {
  Prompt asked{capture ? PromptKind::capture : PromptKind::free_text, {}, {}, capture ? capture->field : CaptureKind::name};
  std::string_view code = answer_problem(answer, asked);
  if (code.empty()) {
    value = trim(answer);
    return std::nullopt;
  }
  std::string noun = capture ? std::string(capture_noun(capture->field)) : "an answer";
  std::size_t max = capture ? kMaxPanelField : kMaxCardText;
  std::string text;
  if (code == "invalid_utf8") text = "Sorry, I could not read some of those characters. Please type it again.";
  if (code == "empty_answer") text = "Please type " + noun + ".";
  if (code == "too_long") text = "That is too long (at most " + std::to_string(max) + " bytes). Please shorten it.";
  if (code == "invalid_email")
    text = "That does not look like an email address. Please enter one like name@example.com.";
  if (code == "invalid_phone")
    text = "That does not look like a phone number. Please enter 6 to 15 digits, optionally starting with +, for "
           "example +1 555 010 0200.";
  return Refusal{std::string(code), std::move(text)};
}

// The button an answer picks: label exactly, then trimmed ASCII case-insensitive, then a 1-based
// index written in decimal. Returns the index or -1.
int pick_button(const QuestionCard& q, std::string_view answer) {
  const int n = static_cast<int>(q.buttons.size());
  for (int i = 0; i < n; ++i)
    if (q.buttons[i].label == answer) return i;
  std::string wanted = ascii_lower(trim(answer));
  for (int i = 0; i < n; ++i)
    if (ascii_lower(trim(q.buttons[i].label)) == wanted) return i;
  if (wanted.empty() || wanted.size() > 2) return -1;
  int index = 0;
  for (char c : wanted) {
    if (c < '0' || c > '9') return -1;
    index = index * 10 + (c - '0');
  }
  return index >= 1 && index <= n ? index - 1 : -1;
}

}  // namespace

std::string answer_key_of(const Card& card) {
  if (const auto* q = std::get_if<QuestionCard>(&card.body)) return q->answer_key.empty() ? card.id : q->answer_key;
  if (const auto* c = std::get_if<CaptureCard>(&card.body))
    return c->answer_key.empty() ? std::string(capture_kind_name(c->field)) : c->answer_key;
  return {};
}

bool awaits_answer(PromptKind kind) {
  return kind == PromptKind::buttons || kind == PromptKind::free_text || kind == PromptKind::capture;
}

std::string_view answer_problem(std::string_view text, const Prompt& prompt) {
  if (!is_valid_utf8(text)) return "invalid_utf8";
  std::string value = trim(text);
  if (value.empty()) return "empty_answer";
  if (prompt.kind == PromptKind::buttons) return "";  // which button: answer() matches the labels
  std::size_t max = prompt.kind == PromptKind::capture ? kMaxPanelField : kMaxCardText;
  if (value.size() > max) return "too_long";
  if (prompt.kind != PromptKind::capture) return "";
  if (prompt.field == CaptureKind::email && !is_valid_email(value)) return "invalid_email";
  if (prompt.field == CaptureKind::phone && !is_valid_phone(value)) return "invalid_phone";
  return "";
}

Prompt current_prompt(const Playbook& pb, const PlaybookRun& run) {
  switch (run.status) {
    case RunStatus::awaiting_answer:
      if (const Card* card = find_card(pb, run.card_id)) return prompt_for_card(*card);
      return Prompt{};
    case RunStatus::in_live_chat: return Prompt{PromptKind::waiting_for_agent, run.card_id, {}, CaptureKind::name};
    case RunStatus::finished: return Prompt{PromptKind::finished, run.card_id, {}, CaptureKind::name};
    case RunStatus::running: break;
  }
  return Prompt{};
}

Step start(const Playbook& pb, PlaybookRun& run, const PlaybookContext& ctx) {
  Step step;
  run = PlaybookRun{};
  if (!find_card(pb, pb.start)) {
    fail(run, step, make_error(ErrorCode::not_found, "the playbook's start card does not exist", "start"));
    return step;
  }
  run_from(pb, run, pb.start, ctx, step);
  return step;
}

Step answer(const Playbook& pb, PlaybookRun& run, std::string_view answer, const PlaybookContext& ctx) {
  Step step;
  const Card* card = run.status == RunStatus::awaiting_answer ? find_card(pb, run.card_id) : nullptr;
  const auto* question = card ? std::get_if<QuestionCard>(&card->body) : nullptr;
  const auto* capture = card ? std::get_if<CaptureCard>(&card->body) : nullptr;
  if (!question && !capture) {
    step.input_error = make_error(ErrorCode::conflict, "the chatbot is not waiting for an answer", "answer");
    step.prompt = current_prompt(pb, run);
    return step;
  }

  std::string value, next;
  std::optional<Refusal> refusal;
  if (question && !question->buttons.empty()) {
    int i = pick_button(*question, answer);
    if (i < 0) {
      std::string options;
      for (const auto& b : question->buttons) options += (options.empty() ? "" : ", ") + b.label;
      refusal = Refusal{"unknown_button", "Please choose one of the options: " + options + "."};
    } else {
      value = question->buttons[static_cast<std::size_t>(i)].label;
      next = question->buttons[static_cast<std::size_t>(i)].next;
    }
  } else {
    refusal = check_typed(answer, capture, value);
    next = question ? question->next : capture->next;
  }
  if (refusal) {
    step.messages.push_back(BotMessage{MessageKind::validation, card->id, refusal->text, refusal->code});
    step.input_error = make_error(ErrorCode::invalid_field, refusal->text, "answer");
    step.prompt = prompt_for_card(*card);
    return step;
  }

  if (capture) step.effects.push_back(effect::CaptureField{capture->field, value});
  run.answers[answer_key_of(*card)] = std::move(value);
  run_from(pb, run, next, ctx, step);
  return step;
}

Step wait_expired(const Playbook& pb, PlaybookRun& run, const PlaybookContext& ctx) {
  Step step;
  const Card* card = run.status == RunStatus::in_live_chat ? find_card(pb, run.card_id) : nullptr;
  const auto* live = card ? std::get_if<LiveChatCard>(&card->body) : nullptr;
  if (!live) {
    step.input_error =
        make_error(ErrorCode::conflict, "the wait time can only run out while waiting for an agent", "status");
    step.prompt = current_prompt(pb, run);
    return step;
  }
  say(step, MessageKind::offline, card->id, live->offline_message);
  run_from(pb, run, live->offline_next, ctx, step);
  return step;
}

}  // namespace livechat
