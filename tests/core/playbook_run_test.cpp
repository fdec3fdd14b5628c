// The playbook interpreter, driven through the Live Chat template and small hand-made playbooks.
#include "livechat/playbook_run.hpp"

#include <gtest/gtest.h>

#include <string>

namespace livechat {
namespace {

const PlaybookContext kOnline{true, true};
const PlaybookContext kNobodyOnline{false, true};

Playbook tpl() { return live_chat_template("pb1", "Website chat"); }

template <class T>
const T* find_effect(const Step& s) {
  for (const auto& e : s.effects)
    if (const auto* t = std::get_if<T>(&e)) return t;
  return nullptr;
}

template <class T>
int count_effects(const Step& s) {
  int n = 0;
  for (const auto& e : s.effects) n += std::holds_alternative<T>(e) ? 1 : 0;
  return n;
}

bool says(const Step& s, MessageKind kind, const std::string& card_id) {
  for (const auto& m : s.messages)
    if (m.kind == kind && m.card_id == card_id) return true;
  return false;
}

// Drives the template to the Live Chat card: demo, email, name.
struct TemplateVisit {
  Playbook pb = tpl();
  PlaybookRun run;
  Step last;
  explicit TemplateVisit(const PlaybookContext& ctx) {
    Step s = start(pb, run, ctx);
    EXPECT_FALSE(s.input_error);
    s = answer(pb, run, "I want a demo", ctx);
    EXPECT_FALSE(s.input_error);
    s = answer(pb, run, "ann@example.com", ctx);
    EXPECT_FALSE(s.input_error);
    last = answer(pb, run, "Ann", ctx);
    EXPECT_FALSE(last.input_error) << last.input_error->message;
  }
};

// --- start and buttons ----------------------------------------------------------------------------

TEST(PlaybookRunStart, GreetsThenAsksTheQualifyingQuestion) {
  Playbook pb = tpl();
  PlaybookRun run;
  Step s = start(pb, run, kOnline);
  ASSERT_EQ(s.messages.size(), 2u);
  EXPECT_EQ(s.messages[0].card_id, "greeting");
  EXPECT_EQ(s.messages[1].card_id, "ask_intent");
  EXPECT_EQ(s.prompt.kind, PromptKind::buttons);
  EXPECT_EQ(s.prompt.buttons, (std::vector<std::string>{"I want a demo", "Just browsing"}));
  EXPECT_EQ(run.status, RunStatus::awaiting_answer);
  EXPECT_EQ(run.card_id, "ask_intent");
  EXPECT_TRUE(s.effects.empty());
  EXPECT_EQ(current_prompt(pb, run), s.prompt);
}

TEST(PlaybookRunStart, RestartClearsAnswersAndQualification) {
  TemplateVisit v(kNobodyOnline);
  ASSERT_TRUE(v.run.qualified.has_value());
  start(v.pb, v.run, kOnline);
  EXPECT_TRUE(v.run.answers.empty());
  EXPECT_FALSE(v.run.qualified.has_value());
  EXPECT_EQ(v.run.card_id, "ask_intent");
}

struct ButtonRow {
  const char* rule;
  const char* input;
  const char* stored;  // nullptr: refused
};
void PrintTo(const ButtonRow& row, std::ostream* os) { *os << row.rule; }

class PlaybookRunButtons : public ::testing::TestWithParam<ButtonRow> {};

TEST_P(PlaybookRunButtons, PickByLabelOrIndex) {
  const auto& row = GetParam();
  Playbook pb = tpl();
  PlaybookRun run;
  start(pb, run, kOnline);
  const PlaybookRun before = run;
  Step s = answer(pb, run, row.input, kOnline);
  if (!row.stored) {
    ASSERT_TRUE(s.input_error) << row.rule;
    EXPECT_EQ(s.input_error->code, ErrorCode::invalid_field);
    ASSERT_EQ(s.messages.size(), 1u);
    EXPECT_EQ(s.messages[0].kind, MessageKind::validation);
    EXPECT_EQ(s.messages[0].code, "unknown_button");
    EXPECT_NE(s.messages[0].text.find("I want a demo, Just browsing"), std::string::npos);
    EXPECT_EQ(s.prompt.kind, PromptKind::buttons);
    EXPECT_EQ(s.prompt.buttons.size(), 2u);
    EXPECT_EQ(run, before);
  } else {
    ASSERT_FALSE(s.input_error) << s.input_error->message;
    EXPECT_EQ(run.answers.at("intent"), row.stored);
  }
}

const ButtonRow kButtonRows[] = {
    {"exact_label", "I want a demo", "I want a demo"},
    {"label_ignores_case_and_spaces", "  just BROWSING ", "Just browsing"},
    {"index_one_is_first", "1", "I want a demo"},
    {"index_two_is_second", "2", "Just browsing"},
    {"unknown_label_refused", "Maybe later", nullptr},
    {"index_zero_refused", "0", nullptr},
    {"index_past_end_refused", "3", nullptr},
    {"empty_refused", "", nullptr},
    {"prefix_refused", "I want", nullptr},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlaybookRunButtons, ::testing::ValuesIn(kButtonRows),
                         [](const auto& info) { return std::string(info.param.rule); });

TEST(PlaybookRunButtonsNumeric, LabelBeatsIndex) {
  Playbook pb;
  pb.id = "n";
  pb.name = "N";
  pb.start = "q";
  pb.cards = {{"q", QuestionCard{"How many?", {{"2", "two"}, {"1", "one"}}, "", ""}},
              {"one", EndCard{"one"}},
              {"two", EndCard{"two"}}};
  ASSERT_TRUE(validate_playbook(pb).ok());
  PlaybookRun run;
  start(pb, run, kOnline);
  Step s = answer(pb, run, "1", kOnline);
  EXPECT_EQ(run.answers.at("q"), "1");  // stored under the card id: no answer_key
  EXPECT_EQ(run.card_id, "one");
  EXPECT_EQ(s.prompt.kind, PromptKind::finished);
}

TEST(PlaybookRunBrowsing, JustBrowsingEndsPolitelyWithoutEffects) {
  Playbook pb = tpl();
  PlaybookRun run;
  start(pb, run, kOnline);
  Step s = answer(pb, run, "Just browsing", kOnline);
  EXPECT_TRUE(says(s, MessageKind::end, "browsing_end"));
  EXPECT_TRUE(s.effects.empty());
  EXPECT_EQ(run.status, RunStatus::finished);
  EXPECT_EQ(s.prompt.kind, PromptKind::finished);
}

// --- the Live Chat card ---------------------------------------------------------------------------

TEST(PlaybookRunLiveChat, OnlineShowsOnlineMessageAndRequestsLiveChat) {
  TemplateVisit v(kOnline);
  const Step& s = v.last;
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(s.messages[0].kind, MessageKind::online);
  EXPECT_NE(s.messages[0].text.find("**"), std::string::npos);
  const auto* req = find_effect<effect::RequestLiveChat>(s);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->wait_seconds, 120);
  EXPECT_EQ(v.run.status, RunStatus::in_live_chat);
  EXPECT_EQ(v.run.card_id, "live_chat");
  EXPECT_EQ(s.prompt.kind, PromptKind::waiting_for_agent);
  EXPECT_EQ(find_effect<effect::CreateItem>(s), nullptr);
  EXPECT_FALSE(v.run.qualified.has_value());
}

TEST(PlaybookRunLiveChat, WaitExpiryShowsOfflineMessageThenOfflineFlowCreatesLead) {
  TemplateVisit v(kOnline);
  Step s = wait_expired(v.pb, v.run, kOnline);
  ASSERT_FALSE(s.input_error);
  ASSERT_GE(s.messages.size(), 2u);
  EXPECT_EQ(s.messages.front().kind, MessageKind::offline);
  EXPECT_NE(s.messages.front().text.find("\n- "), std::string::npos);
  EXPECT_EQ(s.messages.back().kind, MessageKind::end);
  EXPECT_EQ(s.messages.back().card_id, "thanks_end");
  const auto* q = find_effect<effect::Qualified>(s);
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->qualified);
  const auto* item = find_effect<effect::CreateItem>(s);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->kind, ItemKind::lead);
  EXPECT_EQ(item->title, "Chat lead: Ann");
  EXPECT_EQ(item->fields, (std::map<std::string, std::string>{
                              {"email", "ann@example.com"}, {"note", "I want a demo"}, {"person_name", "Ann"}}));
  EXPECT_EQ(find_effect<effect::RequestLiveChat>(s), nullptr);
  EXPECT_EQ(v.run.status, RunStatus::finished);
  EXPECT_EQ(v.run.qualified, std::optional<bool>(true));
  EXPECT_EQ(s.prompt.kind, PromptKind::finished);
}

TEST(PlaybookRunLiveChat, AgentJoinedRunStaysInLiveChatAndRefusesAnswers) {
  TemplateVisit v(kOnline);
  const PlaybookRun before = v.run;
  Step s = answer(v.pb, v.run, "hello?", kOnline);
  ASSERT_TRUE(s.input_error);
  EXPECT_EQ(s.input_error->code, ErrorCode::conflict);
  EXPECT_EQ(s.prompt.kind, PromptKind::waiting_for_agent);
  EXPECT_EQ(v.run, before);
}

TEST(PlaybookRunLiveChat, WaitExpiryOutsideLiveChatIsANoOpError) {
  Playbook pb = tpl();
  PlaybookRun run;
  start(pb, run, kOnline);
  const PlaybookRun before = run;
  Step s = wait_expired(pb, run, kOnline);
  ASSERT_TRUE(s.input_error);
  EXPECT_EQ(s.input_error->code, ErrorCode::conflict);
  EXPECT_TRUE(s.messages.empty());
  EXPECT_TRUE(s.effects.empty());
  EXPECT_EQ(run, before);
  EXPECT_EQ(s.prompt.kind, PromptKind::buttons);

  TemplateVisit v(kOnline);
  ASSERT_FALSE(wait_expired(v.pb, v.run, kOnline).input_error);
  Step twice = wait_expired(v.pb, v.run, kOnline);  // already finished
  ASSERT_TRUE(twice.input_error);
  EXPECT_TRUE(twice.effects.empty());
}

struct ContextRow {
  const char* rule;
  PlaybookContext ctx;
  bool requests_live_chat;
};
void PrintTo(const ContextRow& row, std::ostream* os) { *os << row.rule; }

class PlaybookRunContext : public ::testing::TestWithParam<ContextRow> {};

TEST_P(PlaybookRunContext, LiveChatCardOnlineOrOffline) {
  const auto& row = GetParam();
  TemplateVisit v(row.ctx);
  const Step& s = v.last;
  EXPECT_EQ(find_effect<effect::RequestLiveChat>(s) != nullptr, row.requests_live_chat);
  if (row.requests_live_chat) {
    EXPECT_TRUE(says(s, MessageKind::online, "live_chat"));
    EXPECT_FALSE(says(s, MessageKind::offline, "live_chat"));
    EXPECT_EQ(v.run.status, RunStatus::in_live_chat);
  } else {
    EXPECT_FALSE(says(s, MessageKind::online, "live_chat"));
    EXPECT_TRUE(says(s, MessageKind::offline, "live_chat"));
    ASSERT_NE(find_effect<effect::CreateItem>(s), nullptr);
    EXPECT_EQ(find_effect<effect::CreateItem>(s)->title, "Chat lead: Ann");
    EXPECT_EQ(v.run.status, RunStatus::finished);
    EXPECT_EQ(s.prompt.kind, PromptKind::finished);
  }
}

const ContextRow kContextRows[] = {
    {"online_and_embedded_requests_live_chat", {true, true}, true},
    {"nobody_online_runs_offline_flow", {false, true}, false},
    {"offline_only_mode_when_not_embedded", {true, false}, false},
    {"nobody_online_and_not_embedded", {false, false}, false},
    {"outside_business_hours_runs_offline_flow", {true, true, false}, false},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlaybookRunContext, ::testing::ValuesIn(kContextRows),
                         [](const auto& info) { return std::string(info.param.rule); });

TEST(PlaybookRunLiveChat, EmptyOfflineFlowFinishesAfterOfflineMessage) {
  Playbook pb;
  pb.id = "lc";
  pb.name = "LC";
  pb.start = "live";
  pb.cards = {{"live", LiveChatCard{"on", 10, "off", ""}}};
  ASSERT_TRUE(validate_playbook(pb).ok());
  PlaybookRun run;
  Step s = start(pb, run, kNobodyOnline);
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(s.messages[0].text, "off");
  EXPECT_EQ(run.status, RunStatus::finished);
  EXPECT_EQ(s.prompt.kind, PromptKind::finished);
  EXPECT_FALSE(s.input_error);
}

// --- qualification -----------------------------------------------------------------------------

TEST(PlaybookRunQualification, UnqualifiedBranchEndsPolitelyWithoutLead) {
  Playbook pb = tpl();
  std::get<QualificationCard>(find_card(pb, "qualify")->body).conditions = {{"phone", ConditionOp::not_empty, ""}};
  PlaybookRun run;
  start(pb, run, kNobodyOnline);
  answer(pb, run, "I want a demo", kNobodyOnline);
  answer(pb, run, "ann@example.com", kNobodyOnline);
  Step s = answer(pb, run, "Ann", kNobodyOnline);
  const auto* q = find_effect<effect::Qualified>(s);
  ASSERT_NE(q, nullptr);
  EXPECT_FALSE(q->qualified);
  EXPECT_EQ(find_effect<effect::CreateItem>(s), nullptr);
  EXPECT_TRUE(says(s, MessageKind::end, "unqualified_end"));
  EXPECT_EQ(run.qualified, std::optional<bool>(false));
  EXPECT_EQ(run.status, RunStatus::finished);
}

struct ConditionRow {
  const char* rule;
  std::vector<Condition> conditions;
  Match match;
  bool qualified;
};
void PrintTo(const ConditionRow& row, std::ostream* os) { *os << row.rule; }

class PlaybookRunConditions : public ::testing::TestWithParam<ConditionRow> {};

// Answers: size = " Large ", city = "New York"; "missing" is never answered.
TEST_P(PlaybookRunConditions, Decide) {
  const auto& row = GetParam();
  Playbook pb;
  pb.id = "c";
  pb.name = "C";
  pb.start = "size";
  pb.cards = {{"size", QuestionCard{"Size?", {}, "city", ""}},
              {"city", QuestionCard{"City?", {}, "qual", ""}},
              {"qual", QualificationCard{row.conditions, row.match, "yes", "no"}},
              {"yes", EndCard{"yes"}},
              {"no", EndCard{"no"}}};
  ASSERT_TRUE(validate_playbook(pb).ok()) << validate_playbook(pb).error().message;
  PlaybookRun run;
  start(pb, run, kOnline);
  answer(pb, run, " Large ", kOnline);
  Step s = answer(pb, run, "New York", kOnline);
  ASSERT_NE(find_effect<effect::Qualified>(s), nullptr);
  EXPECT_EQ(find_effect<effect::Qualified>(s)->qualified, row.qualified);
  EXPECT_EQ(run.card_id, row.qualified ? "yes" : "no");
}

const ConditionRow kConditionRows[] = {
    {"equals_ignores_case_and_spaces", {{"size", ConditionOp::equals, "large"}}, Match::all, true},
    {"equals_mismatch", {{"size", ConditionOp::equals, "small"}}, Match::all, false},
    {"not_equals", {{"size", ConditionOp::not_equals, "small"}}, Match::all, true},
    {"contains", {{"city", ConditionOp::contains, "york"}}, Match::all, true},
    {"contains_mismatch", {{"city", ConditionOp::contains, "paris"}}, Match::all, false},
    {"not_empty", {{"city", ConditionOp::not_empty, ""}}, Match::all, true},
    {"missing_answer_is_empty", {{"missing", ConditionOp::empty, ""}}, Match::all, true},
    {"missing_answer_not_empty_fails", {{"missing", ConditionOp::not_empty, ""}}, Match::all, false},
    {"all_needs_every_condition",
     {{"size", ConditionOp::equals, "large"}, {"missing", ConditionOp::not_empty, ""}}, Match::all, false},
    {"any_needs_one_condition",
     {{"size", ConditionOp::equals, "small"}, {"city", ConditionOp::contains, "new"}}, Match::any, true},
    {"any_with_none_true",
     {{"size", ConditionOp::equals, "small"}, {"missing", ConditionOp::not_empty, ""}}, Match::any, false},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlaybookRunConditions, ::testing::ValuesIn(kConditionRows),
                         [](const auto& info) { return std::string(info.param.rule); });

// --- capture and free text ---------------------------------------------------------------------------

struct CaptureRow {
  const char* rule;
  CaptureKind field;
  std::string input;
  const char* code;    // nullptr: accepted
  std::string stored;  // what is stored when accepted
};
void PrintTo(const CaptureRow& row, std::ostream* os) { *os << row.rule; }

class PlaybookRunCapture : public ::testing::TestWithParam<CaptureRow> {};

TEST_P(PlaybookRunCapture, ValidatesTheAnswer) {
  const auto& row = GetParam();
  Playbook pb;
  pb.id = "cap";
  pb.name = "Cap";
  pb.start = "ask";
  pb.cards = {{"ask", CaptureCard{"Tell me", row.field, "bye", ""}}, {"bye", EndCard{}}};
  PlaybookRun run;
  start(pb, run, kOnline);
  const PlaybookRun before = run;
  Step s = answer(pb, run, row.input, kOnline);
  if (row.code) {
    ASSERT_TRUE(s.input_error) << row.rule << " was accepted";
    EXPECT_EQ(s.input_error->code, ErrorCode::invalid_field);
    EXPECT_EQ(s.input_error->field, "answer");
    ASSERT_EQ(s.messages.size(), 1u);
    EXPECT_EQ(s.messages[0].kind, MessageKind::validation);
    EXPECT_EQ(s.messages[0].code, row.code);
    EXPECT_EQ(s.messages[0].text, s.input_error->message);
    EXPECT_TRUE(s.effects.empty());
    EXPECT_EQ(s.prompt.kind, PromptKind::capture);  // re-asked: same card, same field
    EXPECT_EQ(s.prompt.field, row.field);
    EXPECT_EQ(run, before);
  } else {
    ASSERT_FALSE(s.input_error) << s.input_error->message;
    const auto* cap = find_effect<effect::CaptureField>(s);
    ASSERT_NE(cap, nullptr);
    EXPECT_EQ(cap->field, row.field);
    EXPECT_EQ(cap->value, row.stored);
    EXPECT_EQ(run.answers.at(std::string(capture_kind_name(row.field))), row.stored);
    EXPECT_EQ(run.status, RunStatus::finished);
  }
}

const CaptureRow kCaptureRows[] = {
    {"good_email", CaptureKind::email, "ann@example.com", nullptr, "ann@example.com"},
    {"email_is_trimmed", CaptureKind::email, "  ann@example.com\n", nullptr, "ann@example.com"},
    {"bad_email", CaptureKind::email, "ann at example", "invalid_email", ""},
    {"email_without_tld", CaptureKind::email, "ann@example", "invalid_email", ""},
    {"empty_email", CaptureKind::email, "   ", "empty_answer", ""},
    {"good_phone", CaptureKind::phone, "+39 02 1234 5678", nullptr, "+39 02 1234 5678"},
    {"short_phone", CaptureKind::phone, "123", "invalid_phone", ""},
    {"phone_with_letters", CaptureKind::phone, "call me", "invalid_phone", ""},
    {"good_name", CaptureKind::name, " Ann Lee ", nullptr, "Ann Lee"},
    {"blank_name", CaptureKind::name, " \t ", "empty_answer", ""},
    {"name_too_long", CaptureKind::name, std::string(kMaxPanelField + 1, 'a'), "too_long", ""},
    {"name_at_limit", CaptureKind::name, std::string(kMaxPanelField, 'a'), nullptr, std::string(kMaxPanelField, 'a')},
    {"good_company", CaptureKind::company, "Acme S.p.A.", nullptr, "Acme S.p.A."},
    {"invalid_utf8", CaptureKind::company, "Acme \xFF", "invalid_utf8", ""},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlaybookRunCapture, ::testing::ValuesIn(kCaptureRows),
                         [](const auto& info) { return std::string(info.param.rule); });

TEST(PlaybookRunCaptureFlow, BadEmailIsReAskedThenGoodEmailCaptured) {
  Playbook pb = tpl();
  PlaybookRun run;
  start(pb, run, kOnline);
  answer(pb, run, "I want a demo", kOnline);
  ASSERT_EQ(run.card_id, "ask_email");
  Step bad = answer(pb, run, "nope", kOnline);
  ASSERT_TRUE(bad.input_error);
  EXPECT_EQ(bad.messages.at(0).code, "invalid_email");
  EXPECT_EQ(run.card_id, "ask_email");
  Step good = answer(pb, run, "ann@example.com", kOnline);
  ASSERT_FALSE(good.input_error);
  EXPECT_EQ(count_effects<effect::CaptureField>(good), 1);
  EXPECT_EQ(*find_effect<effect::CaptureField>(good), (effect::CaptureField{CaptureKind::email, "ann@example.com"}));
  EXPECT_EQ(good.prompt.kind, PromptKind::capture);
  EXPECT_EQ(good.prompt.field, CaptureKind::name);
}

TEST(PlaybookRunFreeText, StoresTrimmedAnswerUnderKeyAndRefusesEmpty) {
  Playbook pb;
  pb.id = "f";
  pb.name = "F";
  pb.start = "q";
  pb.cards = {{"q", QuestionCard{"Anything else?", {}, "item", "notes"}},
              {"item", CreateItemCard{ItemKind::activity, "Follow up: {{ notes }} {{unknown}}{{open", {}, "bye"}},
              {"bye", EndCard{}}};
  ASSERT_TRUE(validate_playbook(pb).ok());
  PlaybookRun run;
  Step s = start(pb, run, kOnline);
  EXPECT_EQ(s.prompt.kind, PromptKind::free_text);
  Step empty = answer(pb, run, "  ", kOnline);
  ASSERT_TRUE(empty.input_error);
  EXPECT_EQ(empty.messages.at(0).code, "empty_answer");
  EXPECT_EQ(empty.prompt.kind, PromptKind::free_text);
  Step ok = answer(pb, run, "  call {{me}} tomorrow ", kOnline);
  ASSERT_FALSE(ok.input_error);
  EXPECT_EQ(run.answers.at("notes"), "call {{me}} tomorrow");
  const auto* item = find_effect<effect::CreateItem>(ok);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->kind, ItemKind::activity);
  // Answers are not expanded again; unknown keys become empty; an unclosed "{{" stays.
  EXPECT_EQ(item->title, "Follow up: call {{me}} tomorrow {{open");
}

TEST(PlaybookRunFinished, AnswersAfterTheEndAreRefused) {
  Playbook pb = tpl();
  PlaybookRun run;
  start(pb, run, kOnline);
  answer(pb, run, "Just browsing", kOnline);
  const PlaybookRun before = run;
  Step s = answer(pb, run, "hello", kOnline);
  ASSERT_TRUE(s.input_error);
  EXPECT_EQ(s.input_error->code, ErrorCode::conflict);
  EXPECT_EQ(s.prompt.kind, PromptKind::finished);
  EXPECT_EQ(run, before);
}

// --- robustness ------------------------------------------------------------------------------------

TEST(PlaybookRunLoopGuard, MessageLoopStopsWithAnError) {
  Playbook pb;
  pb.id = "loop";
  pb.name = "Loop";
  pb.start = "a";
  pb.cards = {{"a", MessageCard{"ping", "b"}}, {"b", MessageCard{"pong", "a"}}};
  ASSERT_TRUE(validate_playbook(pb).ok());  // loops are legal to save, the interpreter guards
  PlaybookRun run;
  Step s = start(pb, run, kOnline);
  ASSERT_TRUE(s.input_error);
  EXPECT_EQ(s.input_error->code, ErrorCode::conflict);
  EXPECT_NE(s.input_error->message.find("loops"), std::string::npos);
  EXPECT_EQ(s.messages.size(), static_cast<std::size_t>(kMaxStepsWithoutInput));
  EXPECT_EQ(run.status, RunStatus::finished);
  EXPECT_EQ(s.prompt.kind, PromptKind::finished);
}

TEST(PlaybookRunLoopGuard, SilentQualificationLoopStopsToo) {
  Playbook pb;
  pb.id = "loop";
  pb.name = "Loop";
  pb.start = "q";
  pb.cards = {{"q", QualificationCard{{{"x", ConditionOp::empty, ""}}, Match::all, "q", "q"}}};
  PlaybookRun run;
  Step s = start(pb, run, kOnline);
  ASSERT_TRUE(s.input_error);
  EXPECT_EQ(count_effects<effect::Qualified>(s), kMaxStepsWithoutInput);
  EXPECT_EQ(run.status, RunStatus::finished);
}

TEST(PlaybookRunLoopGuard, LongestLoopFreeChainIsNotMistakenForALoop) {
  Playbook pb;
  pb.id = "chain";
  pb.name = "Chain";
  pb.start = "m0";
  for (std::size_t i = 0; i + 1 < kMaxPlaybookCards; ++i)
    pb.cards.push_back({"m" + std::to_string(i), MessageCard{"hi", "m" + std::to_string(i + 1)}});
  pb.cards.push_back({"m" + std::to_string(kMaxPlaybookCards - 1), EndCard{"bye"}});
  ASSERT_TRUE(validate_playbook(pb).ok());
  PlaybookRun run;
  Step s = start(pb, run, kOnline);
  EXPECT_FALSE(s.input_error);
  EXPECT_EQ(s.messages.size(), kMaxPlaybookCards);
  EXPECT_EQ(run.status, RunStatus::finished);
}

TEST(PlaybookRunRobustness, MissingCardFinishesWithNotFound) {
  Playbook pb = tpl();
  PlaybookRun run;
  start(pb, run, kOnline);
  std::get<QuestionCard>(find_card(pb, "ask_intent")->body).buttons[0].next = "deleted";  // edited under the run
  Step s = answer(pb, run, "I want a demo", kOnline);
  ASSERT_TRUE(s.input_error);
  EXPECT_EQ(s.input_error->code, ErrorCode::not_found);
  EXPECT_EQ(run.status, RunStatus::finished);

  Playbook empty;
  PlaybookRun r2;
  Step s2 = start(empty, r2, kOnline);
  ASSERT_TRUE(s2.input_error);
  EXPECT_EQ(s2.input_error->field, "start");
}

TEST(PlaybookRunRobustness, SameInputsGiveSameRunsAndSteps) {
  auto play = [](PlaybookRun& run) {
    Playbook pb = tpl();
    std::vector<Step> steps;
    steps.push_back(start(pb, run, kOnline));
    for (const char* a : {"1", "bad", "ann@example.com", "Ann"}) steps.push_back(answer(pb, run, a, kOnline));
    steps.push_back(wait_expired(pb, run, kOnline));
    return steps;
  };
  PlaybookRun r1, r2;
  auto s1 = play(r1), s2 = play(r2);
  EXPECT_EQ(r1, r2);
  ASSERT_EQ(s1.size(), s2.size());
  for (std::size_t i = 0; i < s1.size(); ++i) {
    EXPECT_EQ(s1[i].messages, s2[i].messages) << i;
    EXPECT_EQ(s1[i].effects, s2[i].effects) << i;
    EXPECT_EQ(s1[i].prompt, s2[i].prompt) << i;
  }
  EXPECT_EQ(r1.status, RunStatus::finished);
}

TEST(PlaybookRunRobustness, AnswerKeys) {
  Playbook pb = tpl();
  EXPECT_EQ(answer_key_of(*find_card(pb, "ask_intent")), "intent");
  EXPECT_EQ(answer_key_of(*find_card(pb, "ask_email")), "email");
  EXPECT_EQ(answer_key_of(*find_card(pb, "greeting")), "");
}

}  // namespace
}  // namespace livechat
