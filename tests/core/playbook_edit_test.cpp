// The builder's edits and checks as tables: insert, link, edit, move, remove on sample playbooks
// (each row: the edit, then the expected error or a check of the result), the outline, the
// proposed place of a Live Chat card, and what Publish refuses.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "livechat/playbook.hpp"

namespace livechat {
namespace {

Playbook tpl() { return live_chat_template("pb1", "Website chat"); }

// The smallest playbook: one end card. What "New empty playbook" starts from.
Playbook one_end() {
  Playbook p;
  p.id = "empty";
  p.name = "Empty";
  p.start = "end";
  p.cards = {{"end", EndCard{"Thanks for chatting!"}}};
  return p;
}

template <class T>
const T& body(const Playbook& p, std::string_view id) {
  const Card* c = find_card(p, id);
  EXPECT_NE(c, nullptr) << "no card " << id;
  static const T none{};
  return c ? std::get<T>(c->body) : none;
}

const std::string& target(const Playbook& p, const Link& l) {
  static const std::string none = "<no such link>";
  const std::string* t = link_target(p, l);
  return t ? *t : none;
}

struct EditRow {
  const char* name;
  std::function<Playbook()> sample;
  std::function<Status(Playbook&)> edit;
  std::optional<ErrorCode> error;  // nullopt: the edit succeeds, and `check` holds
  const char* field_or_message;   // on error: Error.field; else unused
  std::function<void(const Playbook&)> check;
};

class PlaybookEdits : public ::testing::TestWithParam<EditRow> {};

TEST_P(PlaybookEdits, DoWhatTheRowSays) {
  const EditRow& row = GetParam();
  Playbook p = row.sample();
  Status s = row.edit(p);
  if (row.error) {
    ASSERT_FALSE(s.ok()) << "the edit was accepted";
    EXPECT_EQ(s.error().code, *row.error) << s.error().message;
    EXPECT_EQ(s.error().field, row.field_or_message) << s.error().message;
    EXPECT_EQ(p, row.sample()) << "a refused edit changed the playbook";
  } else {
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_TRUE(validate_playbook(p).ok()) << validate_playbook(p).error().message;
    if (row.check) row.check(p);
  }
}

Status ok_of(Result<std::string> r) { return r ? ok_status() : Status(r.error()); }

const EditRow kEditRows[] = {
    // insert_card
    {"insert_message_at_start", one_end, [](Playbook& p) { return ok_of(insert_card(p, {"", "start"}, MessageCard{"Hi", ""})); },
     std::nullopt, "",
     [](const Playbook& p) {
       EXPECT_EQ(p.start, "message");
       EXPECT_EQ(body<MessageCard>(p, "message").next, "end");
       EXPECT_EQ(p.cards[0].id, "message");
     }},
    {"insert_question_takes_over_for_every_button", one_end,
     [](Playbook& p) {
       return ok_of(insert_card(p, {"", "start"}, QuestionCard{"Why?", {{"Demo", ""}, {"Browsing", ""}}, "", "why"}));
     },
     std::nullopt, "",
     [](const Playbook& p) {
       const auto& q = body<QuestionCard>(p, "question");
       EXPECT_EQ(q.buttons[0].next, "end");
       EXPECT_EQ(q.buttons[1].next, "end");
       EXPECT_EQ(q.next, "");
     }},
    {"insert_on_a_button_branch", tpl,
     [](Playbook& p) { return ok_of(insert_card(p, {"ask_intent", "buttons.1.next"}, MessageCard{"Sure", ""})); },
     std::nullopt, "",
     [](const Playbook& p) {
       EXPECT_EQ(body<QuestionCard>(p, "ask_intent").buttons[1].next, "message");
       EXPECT_EQ(body<QuestionCard>(p, "ask_intent").buttons[0].next, "ask_email");
       EXPECT_EQ(body<MessageCard>(p, "message").next, "browsing_end");
     }},
    {"insert_qualification_both_branches_continue", tpl,
     [](Playbook& p) {
       return ok_of(insert_card(p, {"ask_email", "next"},
                                QualificationCard{{{"email", ConditionOp::contains, "@"}}, Match::all, "", ""}));
     },
     std::nullopt, "",
     [](const Playbook& p) {
       EXPECT_EQ(body<QualificationCard>(p, "qualification").qualified_next, "ask_name");
       EXPECT_EQ(body<QualificationCard>(p, "qualification").unqualified_next, "ask_name");
     }},
    {"insert_into_the_offline_flow", tpl,
     [](Playbook& p) {
       return ok_of(insert_card(p, {"live_chat", "offline_next"}, CreateItemCard{ItemKind::activity, "Call back", {}, ""}));
     },
     std::nullopt, "",
     [](const Playbook& p) {
       EXPECT_EQ(body<LiveChatCard>(p, "live_chat").offline_next, "create_item");
       EXPECT_EQ(body<CreateItemCard>(p, "create_item").next, "qualify");
     }},
    {"insert_second_message_gets_a_fresh_id", tpl,
     [](Playbook& p) {
       if (auto r = insert_card(p, {"greeting", ""}, MessageCard{"a", ""}); !r) return Status(r.error());
       return ok_of(insert_card(p, {"greeting", ""}, MessageCard{"b", ""}));
     },
     std::nullopt, "",
     [](const Playbook& p) {
       EXPECT_EQ(body<MessageCard>(p, "greeting").next, "message_2");
       EXPECT_EQ(body<MessageCard>(p, "message_2").next, "message");
     }},
    {"insert_after_unknown_card", tpl, [](Playbook& p) { return ok_of(insert_card(p, {"ghost", ""}, EndCard{})); },
     ErrorCode::not_found, "cards.ghost", nullptr},
    {"insert_on_unknown_branch", tpl,
     [](Playbook& p) { return ok_of(insert_card(p, {"ask_intent", "buttons.7.next"}, EndCard{})); },
     ErrorCode::not_found, "cards.ask_intent.buttons.7.next", nullptr},
    {"insert_after_a_card_with_branches_needs_a_branch", tpl,
     [](Playbook& p) { return ok_of(insert_card(p, {"qualify", ""}, EndCard{})); }, ErrorCode::conflict,
     "cards.qualify.next", nullptr},
    {"insert_needing_a_next_into_an_empty_offline_flow",
     [] {
       Playbook p = tpl();
       std::get<LiveChatCard>(find_card(p, "live_chat")->body).offline_next.clear();
       return p;
     },
     [](Playbook& p) { return ok_of(insert_card(p, {"live_chat", "offline_next"}, MessageCard{"x", ""})); },
     ErrorCode::conflict, "cards.live_chat.offline_next", nullptr},
    {"insert_an_invalid_card", tpl, [](Playbook& p) { return ok_of(insert_card(p, {"greeting", ""}, MessageCard{})); },
     ErrorCode::invalid_field, "cards.message.text", nullptr},

    // set_link
    {"link_a_branch_to_an_existing_card", tpl,
     [](Playbook& p) { return set_link(p, {"qualify", "unqualified_next"}, "browsing_end"); }, std::nullopt, "",
     [](const Playbook& p) { EXPECT_EQ(target(p, {"qualify", "unqualified_next"}), "browsing_end"); }},
    {"link_start", tpl, [](Playbook& p) { return set_link(p, {"", "start"}, "ask_intent"); }, std::nullopt, "",
     [](const Playbook& p) { EXPECT_EQ(p.start, "ask_intent"); }},
    {"link_to_unknown_card", tpl, [](Playbook& p) { return set_link(p, {"greeting", "next"}, "ghost"); },
     ErrorCode::not_found, "cards.ghost", nullptr},
    {"link_a_card_to_itself", tpl, [](Playbook& p) { return set_link(p, {"greeting", "next"}, "greeting"); },
     ErrorCode::conflict, "cards.greeting.next", nullptr},
    {"clear_a_next_that_must_be_set", tpl, [](Playbook& p) { return set_link(p, {"greeting", "next"}, ""); },
     ErrorCode::invalid_field, "cards.greeting.next", nullptr},

    // edit_card
    {"edit_every_field_of_a_capture", tpl,
     [](Playbook& p) { return edit_card(p, {"ask_email", CaptureCard{"Phone?", CaptureKind::phone, "ask_name", "tel"}}); },
     std::nullopt, "",
     [](const Playbook& p) {
       EXPECT_EQ(body<CaptureCard>(p, "ask_email"), (CaptureCard{"Phone?", CaptureKind::phone, "ask_name", "tel"}));
     }},
    {"edit_changes_the_type", tpl, [](Playbook& p) { return edit_card(p, {"greeting", EndCard{"x"}}); },
     ErrorCode::conflict, "cards.greeting.type", nullptr},
    {"edit_unknown_card", tpl, [](Playbook& p) { return edit_card(p, {"ghost", EndCard{"x"}}); }, ErrorCode::not_found,
     "cards.ghost", nullptr},
    {"edit_breaks_validation", tpl,
     [](Playbook& p) { return edit_card(p, {"live_chat", LiveChatCard{"on", 0, "off", "qualify"}}); },
     ErrorCode::invalid_field, "cards.live_chat.wait_seconds", nullptr},

    // move_card
    {"move_a_capture_earlier", tpl, [](Playbook& p) { return move_card(p, "ask_name", {"ask_intent", "buttons.0.next"}); },
     std::nullopt, "",
     [](const Playbook& p) {
       EXPECT_EQ(body<QuestionCard>(p, "ask_intent").buttons[0].next, "ask_name");
       EXPECT_EQ(body<CaptureCard>(p, "ask_name").next, "ask_email");
       EXPECT_EQ(body<CaptureCard>(p, "ask_email").next, "live_chat");
     }},
    {"move_the_live_chat_card_to_the_start", tpl, [](Playbook& p) { return move_card(p, "live_chat", {"", "start"}); },
     std::nullopt, "",
     [](const Playbook& p) {
       EXPECT_EQ(p.start, "live_chat");
       EXPECT_EQ(body<LiveChatCard>(p, "live_chat").offline_next, "greeting");
       EXPECT_EQ(body<CaptureCard>(p, "ask_name").next, "qualify");
     }},
    {"move_a_card_with_branches", tpl, [](Playbook& p) { return move_card(p, "ask_intent", {"", "start"}); },
     ErrorCode::conflict, "cards.ask_intent", nullptr},
    {"move_onto_its_own_link", tpl, [](Playbook& p) { return move_card(p, "greeting", {"greeting", "next"}); },
     ErrorCode::conflict, "cards.greeting", nullptr},
    {"move_unknown_card", tpl, [](Playbook& p) { return move_card(p, "ghost", {"", "start"}); }, ErrorCode::not_found,
     "cards.ghost", nullptr},

    // remove_card
    {"remove_relinks_a_button_branch", tpl, [](Playbook& p) { return remove_card(p, "ask_email"); }, std::nullopt, "",
     [](const Playbook& p) { EXPECT_EQ(body<QuestionCard>(p, "ask_intent").buttons[0].next, "ask_name"); }},
    {"remove_a_card_still_needed", tpl, [](Playbook& p) { return remove_card(p, "thanks_end"); }, ErrorCode::conflict,
     "cards.create_lead.next", nullptr},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlaybookEdits, ::testing::ValuesIn(kEditRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- the article's flow, built from one end card ---------------------------------------------------

TEST(PlaybookBuild, TheArticlesFlowFromAnEmptyPlaybook) {
  Playbook p = one_end();
  ASSERT_TRUE(insert_card(p, {"", "start"}, MessageCard{"Hi!", ""}).ok());
  ASSERT_TRUE(insert_card(p, {"message", "next"}, QuestionCard{"Why are you here?", {{"A demo", ""}}, "", "intent"}).ok());
  ASSERT_TRUE(insert_card(p, {"question", "buttons.0.next"}, CaptureCard{"Email?", CaptureKind::email, "", ""}).ok());
  EXPECT_EQ(proposed_live_chat_link(p), (Link{"capture", "next"}));
  ASSERT_TRUE(add_live_chat_card(p, proposed_live_chat_link(p), LiveChatCard{"Online", 60, "Offline", ""}).ok());
  ASSERT_TRUE(insert_card(p, {"live_chat", "offline_next"},
                          CreateItemCard{ItemKind::lead, "Chat lead {{email}}", {{"email", "email"}}, ""})
                  .ok());
  EXPECT_TRUE(publish_problems(p).empty()) << publish_problems(p).front().message;
  EXPECT_EQ(p.start, "message");
  EXPECT_EQ(body<CaptureCard>(p, "capture").next, "live_chat");
  EXPECT_EQ(body<LiveChatCard>(p, "live_chat").offline_next, "create_item");
  EXPECT_EQ(body<CreateItemCard>(p, "create_item").next, "end");
}

// --- proposed place of a Live Chat card --------------------------------------------------------------

TEST(ProposedLiveChatLink, IsTheEndOfTheQualifyingPath) {
  struct Row {
    const char* name;
    Playbook p;
    Link expected;
  };
  Playbook no_live = tpl();
  ASSERT_TRUE(remove_card(no_live, "live_chat").ok());
  Playbook loop = one_end();
  ASSERT_TRUE(insert_card(loop, {"", "start"}, MessageCard{"a", ""}).ok());
  ASSERT_TRUE(insert_card(loop, {"message", "next"}, MessageCard{"b", ""}).ok());
  ASSERT_TRUE(set_link(loop, {"message_2", "next"}, "message").ok());
  const Row rows[] = {
      {"template: before its Live Chat card", tpl(), {"ask_name", "next"}},
      {"without Live Chat: before the qualification's create item", no_live, {"qualify", "qualified_next"}},
      {"one end card: at the start", one_end(), {"", "start"}},
      {"a loop: where it closes", loop, {"message_2", "next"}},
  };
  for (const auto& row : rows) EXPECT_EQ(proposed_live_chat_link(row.p), row.expected) << row.name;
}

TEST(AddLiveChatCard, AtTheProposedLinkOfTheTemplateNeverBecomesTheStart) {
  Playbook p = tpl();
  ASSERT_TRUE(remove_card(p, "live_chat").ok());
  auto id = add_live_chat_card(p, proposed_live_chat_link(p), LiveChatCard{"on", 60, "off", ""});
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(p.start, "greeting");
  EXPECT_EQ(body<QualificationCard>(p, "qualify").qualified_next, "live_chat");
  EXPECT_EQ(body<LiveChatCard>(p, "live_chat").offline_next, "create_lead");
}

// --- outline ---------------------------------------------------------------------------------------

TEST(PlaybookOutline, TheTemplateWithIndentedBranches) {
  using K = OutlineRow::Kind;
  Playbook p = tpl();
  p.cards.push_back({"orphan", EndCard{"never"}});
  ASSERT_TRUE(set_link(p, {"qualify", "unqualified_next"}, "thanks_end").ok());
  const std::vector<OutlineRow> expected = {
      {K::card, 0, "greeting", {"", "start"}, ""},
      {K::card, 0, "ask_intent", {"greeting", "next"}, ""},
      {K::branch, 1, "ask_intent", {"ask_intent", "buttons.0.next"}, "I want a demo"},
      {K::card, 2, "ask_email", {"ask_intent", "buttons.0.next"}, ""},
      {K::card, 2, "ask_name", {"ask_email", "next"}, ""},
      {K::card, 2, "live_chat", {"ask_name", "next"}, ""},
      {K::branch, 3, "live_chat", {"live_chat", "offline_next"}, ""},
      {K::card, 4, "qualify", {"live_chat", "offline_next"}, ""},
      {K::branch, 5, "qualify", {"qualify", "qualified_next"}, ""},
      {K::card, 6, "create_lead", {"qualify", "qualified_next"}, ""},
      {K::card, 6, "thanks_end", {"create_lead", "next"}, ""},
      {K::branch, 5, "qualify", {"qualify", "unqualified_next"}, ""},
      {K::jump, 6, "thanks_end", {"qualify", "unqualified_next"}, ""},
      {K::branch, 1, "ask_intent", {"ask_intent", "buttons.1.next"}, "Just browsing"},
      {K::card, 2, "browsing_end", {"ask_intent", "buttons.1.next"}, ""},
      {K::unreachable, 0, "unqualified_end", {}, ""},
      {K::unreachable, 0, "orphan", {}, ""},
  };
  EXPECT_EQ(outline(p), expected);
}

TEST(PlaybookLinks, ListsStartThenEveryCardsLinks) {
  Playbook p = tpl();
  auto links = links_of(p);
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links.front(), (Link{"", "start"}));
  EXPECT_EQ(links.size(), 1u + 1 + 2 + 1 + 1 + 1 + 2 + 1);  // start, greeting, buttons, captures, lc, qualify, item
  for (const auto& l : links) EXPECT_NE(link_target(p, l), nullptr) << l.card << "." << l.field;
  EXPECT_EQ(link_target(p, {"greeting", "offline_next"}), nullptr);
}

// --- publish checks --------------------------------------------------------------------------------

TEST(PublishProblems, EachPointsAtItsCard) {
  struct Row {
    const char* name;
    std::function<void(Playbook&)> change;
    std::vector<std::string> fields;  // Error.field of each problem, in order
  };
  const Row rows[] = {
      {"the template may be published", [](Playbook&) {}, {}},
      {"unreachable card", [](Playbook& p) { p.cards.push_back({"orphan", EndCard{}}); }, {"cards.orphan"}},
      {"live chat without offline flow",
       [](Playbook& p) { std::get<LiveChatCard>(find_card(p, "live_chat")->body).offline_next.clear(); },
       // the offline flow was the only way to the qualification and what follows it
       {"cards.live_chat.offline_next", "cards.qualify", "cards.create_lead", "cards.thanks_end",
        "cards.unqualified_end"}},
      {"capture nothing uses",
       [](Playbook& p) { std::get<CaptureCard>(find_card(p, "ask_email")->body).answer_key = "work_email"; },
       {"cards.ask_email.answer_key"}},
      {"a {{key}} in a title uses the capture",
       [](Playbook& p) {
         auto& item = std::get<CreateItemCard>(find_card(p, "create_lead")->body);
         item.fields.erase("person_name");
         item.title = "Lead {{ name }}";
       },
       {}},
      {"an invalid playbook gives its one validation error",
       [](Playbook& p) { std::get<MessageCard>(find_card(p, "greeting")->body).next = "ghost"; },
       {"cards.greeting.next"}},
  };
  for (const auto& row : rows) {
    Playbook p = tpl();
    row.change(p);
    std::vector<std::string> fields;
    for (const auto& e : publish_problems(p)) {
      fields.push_back(e.field);
      EXPECT_NE(e.message.find("card '"), std::string::npos) << e.message;
    }
    EXPECT_EQ(fields, row.fields) << row.name;
  }
}

// --- diff -----------------------------------------------------------------------------------------

TEST(PlaybookDiff, NamesEverySettingAndCardThatDiffers) {
  using K = PlaybookChange::Kind;
  EXPECT_TRUE(diff_playbooks(tpl(), tpl()).empty());
  Playbook draft = tpl();
  draft.name = "Spring chat";
  draft.allowed_origins = {"https://shop.example.com"};
  ASSERT_TRUE(insert_card(draft, {"greeting", ""}, MessageCard{"New!", ""}).ok());
  auto& q = std::get<QuestionCard>(find_card(draft, "ask_intent")->body);
  q.text = "Why?";
  q.buttons[0].label = "Demo";
  ASSERT_TRUE(remove_card(draft, "ask_name").ok());
  const std::vector<PlaybookChange> expected = {
      {K::setting, "name", {}},
      {K::setting, "allowed_origins", {}},
      {K::card_changed, "greeting", {"next"}},
      {K::card_added, "message", {}},
      {K::card_changed, "ask_intent", {"buttons", "text"}},
      {K::card_changed, "ask_email", {"next"}},
      {K::card_removed, "ask_name", {}},
  };
  EXPECT_EQ(diff_playbooks(tpl(), draft), expected);
}

}  // namespace
}  // namespace livechat
