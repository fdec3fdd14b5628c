// Playbooks: the template, JSON round trip, validation (one table row per rule), builder edits.
#include "livechat/playbook.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace livechat {
namespace {

using nlohmann::json;

Playbook tpl() { return live_chat_template("pb1", "Website chat"); }

template <class T>
T& body(Playbook& p, std::string_view id) {
  Card* c = find_card(p, id);
  EXPECT_NE(c, nullptr) << "no card " << id;
  return std::get<T>(c->body);
}

// A playbook using every card type and every optional member.
Playbook every_card_type() {
  Playbook p;
  p.id = "all-types";
  p.name = "Every card";
  p.bot_name = "Robo";
  p.bot_avatar_url = "https://cdn.example.com/robo.png";
  p.published = true;
  p.allowed_origins = {"https://shop.example.com", "http://localhost:8080"};
  p.start = "hello";
  p.cards = {
      {"hello", MessageCard{"**Hi** *there* [site](https://x.example) ![img](https://x.example/a.png)\n- a\n- b", "q"}},
      {"q", QuestionCard{"Budget?", {{"Small", "free"}, {"Big", "cap"}}, "", "budget"}},
      {"free", QuestionCard{"Tell us more", {}, "cap", ""}},
      {"cap", CaptureCard{"Phone?", CaptureKind::phone, "qual", "tel"}},
      {"qual", QualificationCard{{{"budget", ConditionOp::equals, "Big"}, {"tel", ConditionOp::not_empty, ""}},
                                 Match::any, "live", "bye"}},
      {"live", LiveChatCard{"Online **now**", 30, "Offline:\n- one\n- two", "deal"}},
      {"deal", CreateItemCard{ItemKind::deal, "Deal {{budget}}", {{"phone", "tel"}, {"deal_value", "budget"}}, "bye"}},
      {"bye", EndCard{}},
      {"unreachable", EndCard{"never shown"}},
  };
  return p;
}

const Card& card_at(const Playbook& p, std::size_t i) { return p.cards.at(i); }

// --- template and round trip ------------------------------------------------------------------

TEST(PlaybookTemplate, IsValid) { EXPECT_TRUE(validate_playbook(tpl()).ok()) << validate_playbook(tpl()).error().message; }

TEST(PlaybookTemplate, HasTheLiveChatFlowTheArticleDescribes) {
  Playbook p = tpl();
  EXPECT_EQ(p.id, "pb1");
  EXPECT_EQ(p.name, "Website chat");
  EXPECT_EQ(card_at(p, 0).id, p.start);
  EXPECT_EQ(card_at(p, 0).type(), CardType::message);
  const auto& q = body<QuestionCard>(p, "ask_intent");
  ASSERT_EQ(q.buttons.size(), 2u);
  EXPECT_EQ(q.buttons[0].label, "I want a demo");
  EXPECT_EQ(q.buttons[1].label, "Just browsing");
  EXPECT_EQ(body<CaptureCard>(p, "ask_email").field, CaptureKind::email);
  EXPECT_EQ(body<CaptureCard>(p, "ask_name").field, CaptureKind::name);
  const auto& live = body<LiveChatCard>(p, "live_chat");
  EXPECT_EQ(live.wait_seconds, 120);
  EXPECT_NE(live.online_message.find("**"), std::string::npos);
  EXPECT_NE(live.offline_message.find("\n- "), std::string::npos);
  const auto& qual = body<QualificationCard>(p, live.offline_next);
  ASSERT_EQ(qual.conditions.size(), 1u);
  EXPECT_EQ(qual.conditions[0], (Condition{"email", ConditionOp::not_empty, ""}));
  const auto& lead = body<CreateItemCard>(p, qual.qualified_next);
  EXPECT_EQ(lead.item, ItemKind::lead);
  EXPECT_EQ(lead.title, "Chat lead: {{name}}");
  EXPECT_EQ(find_card(p, lead.next)->type(), CardType::end);
  EXPECT_EQ(find_card(p, qual.unqualified_next)->type(), CardType::end);
  EXPECT_FALSE(std::get<EndCard>(find_card(p, qual.unqualified_next)->body).text.empty());
}

TEST(PlaybookJson, TemplateRoundTripsExactly) {
  Playbook p = tpl();
  std::string text = playbook_to_json(p);
  auto back = playbook_from_json(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), p);
  EXPECT_EQ(playbook_to_json(back.value()), text);
}

TEST(PlaybookJson, EveryCardTypeRoundTripsExactly) {
  Playbook p = every_card_type();
  ASSERT_TRUE(validate_playbook(p).ok()) << validate_playbook(p).error().message;
  std::string text = playbook_to_json(p);
  auto back = playbook_from_json(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), p);
  EXPECT_EQ(playbook_to_json(back.value()), text);
}

TEST(PlaybookJson, JsonValueOverloadsRoundTrip) {
  Playbook p = every_card_type();
  json doc = playbook_to_json_value(p);
  EXPECT_EQ(doc["cards"][1]["type"], "question");
  EXPECT_EQ(doc["cards"][5]["wait_seconds"], 30);
  auto back = playbook_from_json_value(doc);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), p);
}

TEST(PlaybookJson, OptionalMembersMayBeLeftOut) {
  auto r = playbook_from_json(
      R"({"id":"p","name":"P","start":"a","cards":[{"id":"a","type":"message","text":"hi","next":"b"},)"
      R"({"id":"b","type":"end"}],"some_future_member":1})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r.value().published);
  EXPECT_TRUE(r.value().allowed_origins.empty());
  EXPECT_EQ(r.value().cards.size(), 2u);
}

TEST(PlaybookJson, InvalidUtf8InAnUnvalidatedPlaybookIsReplacedNotFatal) {
  Playbook p = tpl();
  body<MessageCard>(p, "greeting").text = "bad \xC3\x28 byte";
  std::string text = playbook_to_json(p);
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
}

// --- validation: one row per rule ----------------------------------------------------------------

struct ValidationRow {
  const char* rule;
  std::function<void(Playbook&)> edit;
  ErrorCode code;
  const char* field;
  const char* message;  // a substring of Error.message
};
void PrintTo(const ValidationRow& row, std::ostream* os) { *os << row.rule; }

class PlaybookValidation : public ::testing::TestWithParam<ValidationRow> {};

TEST_P(PlaybookValidation, NamesCardAndField) {
  const auto& row = GetParam();
  Playbook p = tpl();
  row.edit(p);
  Status s = validate_playbook(p);
  ASSERT_FALSE(s.ok()) << row.rule << " was accepted";
  EXPECT_EQ(s.error().code, row.code) << s.error().message;
  EXPECT_EQ(s.error().field, row.field) << s.error().message;
  EXPECT_NE(s.error().message.find(row.message), std::string::npos) << s.error().message;
}

std::string bytes(std::size_t n) { return std::string(n, 'x'); }

const ValidationRow kValidationRows[] = {
    {"unknown_next", [](Playbook& p) { body<CaptureCard>(p, "ask_email").next = "nope"; }, ErrorCode::not_found,
     "cards.ask_email.next", "card 'ask_email': field 'next' points to unknown card 'nope'"},
    {"unknown_button_target", [](Playbook& p) { body<QuestionCard>(p, "ask_intent").buttons[1].next = "gone"; },
     ErrorCode::not_found, "cards.ask_intent.buttons.1.next", "field 'buttons.1.next' points to unknown card 'gone'"},
    {"unknown_qualified_next", [](Playbook& p) { body<QualificationCard>(p, "qualify").qualified_next = "x"; },
     ErrorCode::not_found, "cards.qualify.qualified_next", "card 'qualify'"},
    {"unknown_offline_next", [](Playbook& p) { body<LiveChatCard>(p, "live_chat").offline_next = "x"; },
     ErrorCode::not_found, "cards.live_chat.offline_next", "unknown card 'x'"},
    {"empty_next", [](Playbook& p) { body<MessageCard>(p, "greeting").next = ""; }, ErrorCode::invalid_field,
     "cards.greeting.next", "must name the next card"},
    {"duplicate_id", [](Playbook& p) { p.cards[3].id = p.cards[2].id; }, ErrorCode::conflict, "cards.ask_email.id",
     "card 'ask_email': field 'id' is used by more than one card"},
    {"empty_id", [](Playbook& p) { p.cards[9].id = ""; }, ErrorCode::invalid_field, "cards.9.id", "card #9"},
    {"id_with_spaces", [](Playbook& p) { p.cards[9].id = "a b"; }, ErrorCode::invalid_field, "cards.9.id",
     "letters, digits"},
    {"missing_start", [](Playbook& p) { p.start = "nowhere"; }, ErrorCode::not_found, "start",
     "field 'start' points to unknown card 'nowhere'"},
    {"empty_start", [](Playbook& p) { p.start = ""; }, ErrorCode::invalid_field, "start", "must name"},
    {"wait_zero", [](Playbook& p) { body<LiveChatCard>(p, "live_chat").wait_seconds = 0; }, ErrorCode::invalid_field,
     "cards.live_chat.wait_seconds", "between 1 and 3600"},
    {"wait_over_an_hour", [](Playbook& p) { body<LiveChatCard>(p, "live_chat").wait_seconds = 3601; },
     ErrorCode::invalid_field, "cards.live_chat.wait_seconds", "card 'live_chat'"},
    {"oversized_text", [](Playbook& p) { body<MessageCard>(p, "greeting").text = bytes(4001); }, ErrorCode::too_large,
     "cards.greeting.text", "longer than 4000 bytes"},
    {"oversized_offline_message", [](Playbook& p) { body<LiveChatCard>(p, "live_chat").offline_message = bytes(5000); },
     ErrorCode::too_large, "cards.live_chat.offline_message", "4000"},
    {"invalid_utf8", [](Playbook& p) { body<LiveChatCard>(p, "live_chat").online_message = "hi \xFF"; },
     ErrorCode::invalid_field, "cards.live_chat.online_message", "not valid UTF-8"},
    {"overlong_utf8", [](Playbook& p) { body<EndCard>(p, "thanks_end").text = "\xC0\xAF"; }, ErrorCode::invalid_field,
     "cards.thanks_end.text", "UTF-8"},
    {"empty_online_message", [](Playbook& p) { body<LiveChatCard>(p, "live_chat").online_message = "  "; },
     ErrorCode::invalid_field, "cards.live_chat.online_message", "must not be empty"},
    {"eleven_buttons",
     [](Playbook& p) {
       auto& q = body<QuestionCard>(p, "ask_intent");
       for (int i = 0; q.buttons.size() < 11; ++i) q.buttons.push_back({"extra " + std::to_string(i), "browsing_end"});
     },
     ErrorCode::invalid_field, "cards.ask_intent.buttons", "1 to 10"},
    {"empty_button_label", [](Playbook& p) { body<QuestionCard>(p, "ask_intent").buttons[0].label = ""; },
     ErrorCode::invalid_field, "cards.ask_intent.buttons.0.label", "must not be empty"},
    {"duplicate_button_label", [](Playbook& p) { body<QuestionCard>(p, "ask_intent").buttons[1].label = " i WANT a demo"; },
     ErrorCode::conflict, "cards.ask_intent.buttons.1.label", "repeats"},
    {"buttons_and_next", [](Playbook& p) { body<QuestionCard>(p, "ask_intent").next = "ask_email"; },
     ErrorCode::invalid_field, "cards.ask_intent.next", "must be empty when the question has buttons"},
    {"bad_answer_key", [](Playbook& p) { body<CaptureCard>(p, "ask_email").answer_key = "e mail"; },
     ErrorCode::invalid_field, "cards.ask_email.answer_key", "card 'ask_email'"},
    {"no_conditions", [](Playbook& p) { body<QualificationCard>(p, "qualify").conditions.clear(); },
     ErrorCode::invalid_field, "cards.qualify.conditions", "1 to 20"},
    {"equals_without_value",
     [](Playbook& p) { body<QualificationCard>(p, "qualify").conditions[0].op = ConditionOp::equals; },
     ErrorCode::invalid_field, "cards.qualify.conditions.0.value", "must not be empty"},
    {"unknown_item_field", [](Playbook& p) { body<CreateItemCard>(p, "create_lead").fields["salary"] = "name"; },
     ErrorCode::invalid_field, "cards.create_lead.fields.salary", "not an item field"},
    {"empty_title", [](Playbook& p) { body<CreateItemCard>(p, "create_lead").title = ""; }, ErrorCode::invalid_field,
     "cards.create_lead.title", "must not be empty"},
    {"no_cards", [](Playbook& p) { p.cards.clear(); }, ErrorCode::invalid_field, "cards", "at least one card"},
    {"too_many_cards",
     [](Playbook& p) {
       for (int i = 0; p.cards.size() <= kMaxPlaybookCards; ++i) p.cards.push_back({"extra" + std::to_string(i), EndCard{}});
     },
     ErrorCode::too_large, "cards", "more than 200"},
    {"bad_playbook_id", [](Playbook& p) { p.id = ""; }, ErrorCode::invalid_field, "id", "playbook: field 'id'"},
    {"empty_name", [](Playbook& p) { p.name = " "; }, ErrorCode::invalid_field, "name", "must not be empty"},
    {"origin_with_path", [](Playbook& p) { p.allowed_origins = {"https://ok.example", "https://x.example/page"}; },
     ErrorCode::invalid_field, "allowed_origins.1", "no path"},
    {"origin_javascript", [](Playbook& p) { p.allowed_origins = {"javascript:alert(1)"}; }, ErrorCode::invalid_field,
     "allowed_origins.0", "https://example.com"},
    {"avatar_not_http", [](Playbook& p) { p.bot_avatar_url = "javascript:alert(1)"; }, ErrorCode::invalid_field,
     "bot_avatar_url", "http"},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlaybookValidation, ::testing::ValuesIn(kValidationRows),
                         [](const auto& info) { return std::string(info.param.rule); });

// A site as typed in the dashboard, in the form browsers send as Origin (or "" when it is none).
TEST(PlaybookOrigins, OriginOfASiteAsTyped) {
  const std::pair<const char*, const char*> rows[] = {
      {"https://shop.example", "https://shop.example"},
      {"  HTTPS://Shop.Example.com/ ", "https://shop.example.com"},
      {"https://shop.example:443", "https://shop.example"},          // the default port is left out
      {"http://shop.example:80/", "http://shop.example"},
      {"http://localhost:8080", "http://localhost:8080"},
      {"https://shop.example:80", "https://shop.example:80"},        // not https's default
      {"http://127.0.0.2:5173", "http://127.0.0.2:5173"},
      {"shop.example", ""},                                          // no scheme
      {"ftp://shop.example", ""},
      {"https://shop.example/page", ""},                             // a path
      {"https://shop.example?x=1", ""},
      {"https://*.shop.example", ""},                                // no wildcards
      {"https://", ""},
      {"https://shop.example:", ""},
      {"https://shop.example:123456", ""},
      {"https://user@shop.example", ""},
      {"", ""},
  };
  for (const auto& [typed, origin] : rows) {
    EXPECT_EQ(origin_of(typed), origin) << "'" << typed << "'";
    if (*origin) {
      Playbook p = tpl();
      p.allowed_origins = {origin_of(typed)};
      EXPECT_TRUE(validate_playbook(p).ok()) << typed;
    }
  }
}

TEST(PlaybookValidationLimits, ExactlyAtTheLimitsIsAccepted) {
  Playbook p = tpl();
  body<MessageCard>(p, "greeting").text = bytes(kMaxCardText);
  body<LiveChatCard>(p, "live_chat").wait_seconds = 3600;
  auto& q = body<QuestionCard>(p, "ask_intent");
  for (int i = 0; q.buttons.size() < kMaxButtons; ++i) q.buttons.push_back({"b" + std::to_string(i), "browsing_end"});
  for (int i = 0; p.cards.size() < kMaxPlaybookCards; ++i) p.cards.push_back({"extra" + std::to_string(i), EndCard{}});
  Status s = validate_playbook(p);
  EXPECT_TRUE(s.ok()) << s.error().message;
  body<LiveChatCard>(p, "live_chat").wait_seconds = 1;
  EXPECT_TRUE(validate_playbook(p).ok());
}

TEST(PlaybookValidationLimits, UnreachableCardsAreAllowed) {
  Playbook p = tpl();
  p.cards.push_back({"orphan", MessageCard{"nobody gets here", "thanks_end"}});
  EXPECT_TRUE(validate_playbook(p).ok());
}

// --- JSON shape errors: one row per rule ----------------------------------------------------------

json& json_card(json& doc, std::string_view id) {
  for (auto& c : doc["cards"])
    if (c["id"] == id) return c;
  ADD_FAILURE() << "no card " << id;
  return doc;
}

struct JsonRow {
  const char* rule;
  std::function<std::string()> text;
  ErrorCode code;
  const char* field;
  const char* message;
};
void PrintTo(const JsonRow& row, std::ostream* os) { *os << row.rule; }

class PlaybookJsonErrors : public ::testing::TestWithParam<JsonRow> {};

TEST_P(PlaybookJsonErrors, AreValuesNamingTheMember) {
  const auto& row = GetParam();
  auto r = playbook_from_json(row.text());
  ASSERT_FALSE(r.ok()) << row.rule << " was accepted";
  EXPECT_EQ(r.error().code, row.code) << r.error().message;
  EXPECT_EQ(r.error().field, row.field) << r.error().message;
  EXPECT_NE(r.error().message.find(row.message), std::string::npos) << r.error().message;
}

// The template's JSON with one edit.
std::function<std::string()> edited(std::function<void(json&)> edit) {
  return [edit] {
    json doc = playbook_to_json_value(tpl());
    edit(doc);
    return doc.dump();
  };
}
std::function<std::string()> raw(std::string text) {
  return [text] { return text; };
}

const JsonRow kJsonRows[] = {
    {"malformed", raw("{\"id\": \"p\","), ErrorCode::bad_request, "", "not well-formed JSON"},
    {"empty_text", raw(""), ErrorCode::bad_request, "", "not well-formed JSON"},
    {"invalid_utf8_in_json", raw("{\"id\":\"p\xFF\"}"), ErrorCode::bad_request, "", "not well-formed JSON"},
    {"not_an_object", raw("[1,2,3]"), ErrorCode::bad_request, "", "must be a JSON object"},
    {"deeply_nested", raw(std::string(20000, '[') + std::string(20000, ']')), ErrorCode::bad_request, "",
     "must be a JSON object"},
    {"missing_id", edited([](json& d) { d.erase("id"); }), ErrorCode::bad_request, "id", "field 'id' is missing"},
    {"name_not_string", edited([](json& d) { d["name"] = 7; }), ErrorCode::bad_request, "name", "must be a string"},
    {"published_not_bool", edited([](json& d) { d["published"] = "yes"; }), ErrorCode::bad_request, "published",
     "true or false"},
    {"origins_not_array", edited([](json& d) { d["allowed_origins"] = "https://a.example"; }), ErrorCode::bad_request,
     "allowed_origins", "must be an array"},
    {"origin_not_string", edited([](json& d) { d["allowed_origins"] = json::array({1}); }), ErrorCode::bad_request,
     "allowed_origins.0", "must be a string"},
    {"cards_not_array", edited([](json& d) { d["cards"] = json::object(); }), ErrorCode::bad_request, "cards",
     "must be an array"},
    {"card_not_object", edited([](json& d) { d["cards"][0] = "greeting"; }), ErrorCode::bad_request, "cards.0",
     "card #0 must be an object"},
    {"bad_type", edited([](json& d) { json_card(d, "greeting")["type"] = "video"; }), ErrorCode::invalid_field,
     "cards.greeting.type", "card 'greeting': field 'type' has unknown value 'video'"},
    {"type_not_string", edited([](json& d) { json_card(d, "greeting")["type"] = 3; }), ErrorCode::bad_request,
     "cards.greeting.type", "must be a string"},
    {"missing_text", edited([](json& d) { json_card(d, "greeting").erase("text"); }), ErrorCode::bad_request,
     "cards.greeting.text", "is missing"},
    {"wait_as_string", edited([](json& d) { json_card(d, "live_chat")["wait_seconds"] = "120"; }),
     ErrorCode::bad_request, "cards.live_chat.wait_seconds", "card 'live_chat': field 'wait_seconds' must be an integer"},
    {"wait_fractional", edited([](json& d) { json_card(d, "live_chat")["wait_seconds"] = 1.5; }),
     ErrorCode::bad_request, "cards.live_chat.wait_seconds", "must be an integer"},
    {"wait_huge", edited([](json& d) { json_card(d, "live_chat")["wait_seconds"] = 4294967296ULL; }),
     ErrorCode::invalid_field, "cards.live_chat.wait_seconds", "between 1 and 3600"},
    {"wait_negative", edited([](json& d) { json_card(d, "live_chat")["wait_seconds"] = -5; }),
     ErrorCode::invalid_field, "cards.live_chat.wait_seconds", "between 1 and 3600"},
    {"unknown_capture_field", edited([](json& d) { json_card(d, "ask_email")["field"] = "fax"; }),
     ErrorCode::invalid_field, "cards.ask_email.field", "unknown value 'fax'"},
    {"unknown_op", edited([](json& d) { json_card(d, "qualify")["conditions"][0]["op"] = "like"; }),
     ErrorCode::invalid_field, "cards.qualify.conditions.0.op", "unknown value 'like'"},
    {"unknown_match", edited([](json& d) { json_card(d, "qualify")["match"] = "some"; }), ErrorCode::invalid_field,
     "cards.qualify.match", "unknown value 'some'"},
    {"unknown_item", edited([](json& d) { json_card(d, "create_lead")["item"] = "ticket"; }),
     ErrorCode::invalid_field, "cards.create_lead.item", "unknown value 'ticket'"},
    {"conditions_not_array", edited([](json& d) { json_card(d, "qualify")["conditions"] = "email"; }),
     ErrorCode::bad_request, "cards.qualify.conditions", "must be an array"},
    {"empty_buttons", edited([](json& d) { json_card(d, "ask_intent")["buttons"] = json::array(); }),
     ErrorCode::invalid_field, "cards.ask_intent.buttons", "1 to 10"},
    {"button_not_object", edited([](json& d) { json_card(d, "ask_intent")["buttons"][0] = "Yes"; }),
     ErrorCode::bad_request, "cards.ask_intent.buttons.0", "must be an object"},
    {"button_label_not_string", edited([](json& d) { json_card(d, "ask_intent")["buttons"][1]["label"] = true; }),
     ErrorCode::bad_request, "cards.ask_intent.buttons.1.label", "must be a string"},
    {"fields_value_not_string", edited([](json& d) { json_card(d, "create_lead")["fields"]["email"] = 1; }),
     ErrorCode::bad_request, "cards.create_lead.fields.email", "must be a string"},
    {"unknown_next_via_json", edited([](json& d) { json_card(d, "ask_email")["next"] = "nope"; }),
     ErrorCode::not_found, "cards.ask_email.next", "card 'ask_email': field 'next' points to unknown card 'nope'"},
    {"duplicate_id_via_json", edited([](json& d) { json_card(d, "ask_name")["id"] = "ask_email"; }),
     ErrorCode::conflict, "cards.ask_email.id", "is used by more than one card"},
    {"too_large", raw(std::string(kMaxPlaybookJsonBytes + 1, ' ')), ErrorCode::too_large, "", "larger than"},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlaybookJsonErrors, ::testing::ValuesIn(kJsonRows),
                         [](const auto& info) { return std::string(info.param.rule); });

// --- add_live_chat_card --------------------------------------------------------------------------

// greeting -> ask_email -> bye, with a button question on the side.
Playbook small() {
  Playbook p;
  p.id = "small";
  p.name = "Small";
  p.start = "greeting";
  p.cards = {{"greeting", MessageCard{"Hello", "ask_email"}},
             {"ask_email", CaptureCard{"Email?", CaptureKind::email, "bye", ""}},
             {"pick", QuestionCard{"Pick", {{"A", "bye"}}, "", ""}},
             {"bye", EndCard{"Bye"}}};
  return p;
}

const LiveChatCard kLive{"We are **online**", 90, "We are offline:\n- we'll email you", "ignored"};

TEST(AddLiveChatCard, TakesOverTheNextOfTheCardItFollows) {
  Playbook p = small();
  auto id = add_live_chat_card(p, Link{"ask_email", ""}, kLive);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id.value(), "live_chat");
  EXPECT_EQ(body<CaptureCard>(p, "ask_email").next, "live_chat");
  const auto& live = body<LiveChatCard>(p, "live_chat");
  EXPECT_EQ(live.offline_next, "bye");
  EXPECT_EQ(live.online_message, kLive.online_message);
  EXPECT_EQ(live.wait_seconds, 90);
  EXPECT_EQ(p.cards[2].id, "live_chat");  // shown right after the card it follows
  EXPECT_TRUE(validate_playbook(p).ok());
}

TEST(AddLiveChatCard, SecondCardGetsAFreshId) {
  Playbook p = small();
  ASSERT_TRUE(add_live_chat_card(p, Link{"ask_email", ""}, kLive).ok());
  auto second = add_live_chat_card(p, Link{"greeting", ""}, kLive);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value(), "live_chat_2");
  EXPECT_EQ(body<MessageCard>(p, "greeting").next, "live_chat_2");
  EXPECT_EQ(body<LiveChatCard>(p, "live_chat_2").offline_next, "ask_email");
}

TEST(AddLiveChatCard, EmptyAfterIdInsertsAtTheStart) {
  Playbook p = small();
  ASSERT_TRUE(add_live_chat_card(p, Link{"", ""}, kLive).ok());
  EXPECT_EQ(p.start, "live_chat");
  EXPECT_EQ(p.cards[0].id, "live_chat");
  EXPECT_EQ(body<LiveChatCard>(p, "live_chat").offline_next, "greeting");
}

TEST(AddLiveChatCard, RefusedAfterUnknownCard) {
  Playbook p = small();
  auto r = add_live_chat_card(p, Link{"nope", ""}, kLive);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(p, small());
}

TEST(AddLiveChatCard, RefusedAfterButtonQuestionOrEndCard) {
  for (const char* after : {"pick", "bye"}) {
    Playbook p = small();
    auto r = add_live_chat_card(p, Link{after, ""}, kLive);
    ASSERT_FALSE(r.ok()) << after;
    EXPECT_EQ(r.error().code, ErrorCode::conflict) << after;
    EXPECT_EQ(r.error().field, "cards." + std::string(after) + ".next");
    EXPECT_EQ(p, small()) << after;
  }
}

TEST(AddLiveChatCard, RefusedWhenTheCardIsInvalidAndPlaybookUnchanged) {
  Playbook p = small();
  LiveChatCard bad = kLive;
  bad.wait_seconds = 0;
  auto r = add_live_chat_card(p, Link{"ask_email", ""}, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "cards.live_chat.wait_seconds");
  EXPECT_EQ(p, small());
}

// --- remove_card ------------------------------------------------------------------------------

TEST(RemoveCard, LiveChatCardIsRemovedAndTheFlowRelinked) {
  Playbook p = tpl();
  ASSERT_TRUE(remove_card(p, "live_chat").ok());
  EXPECT_EQ(find_card(p, "live_chat"), nullptr);
  EXPECT_EQ(body<CaptureCard>(p, "ask_name").next, "qualify");
  EXPECT_TRUE(validate_playbook(p).ok());
}

TEST(RemoveCard, StartCardIsReplacedByItsNext) {
  Playbook p = tpl();
  ASSERT_TRUE(remove_card(p, "greeting").ok());
  EXPECT_EQ(p.start, "ask_intent");
  EXPECT_TRUE(validate_playbook(p).ok());
}

TEST(RemoveCard, ButtonTargetsAreRelinked) {
  Playbook p = tpl();
  ASSERT_TRUE(remove_card(p, "ask_email").ok());
  EXPECT_EQ(body<QuestionCard>(p, "ask_intent").buttons[0].next, "ask_name");
  EXPECT_TRUE(validate_playbook(p).ok());
}

TEST(RemoveCard, RefusedForAReferencedCardWithoutSingleNext) {
  struct Row {
    const char* card;
    const char* field;
    const char* message;
  };
  const Row rows[] = {
      {"thanks_end", "cards.create_lead.next",
       "card 'thanks_end' cannot be removed: card 'create_lead' field 'next' still points to it"},
      {"qualify", "cards.live_chat.offline_next", "card 'live_chat' field 'offline_next'"},
      {"ask_intent", "cards.greeting.next", "card 'greeting' field 'next'"},
  };
  for (const auto& row : rows) {
    Playbook p = tpl();
    Status s = remove_card(p, row.card);
    ASSERT_FALSE(s.ok()) << row.card;
    EXPECT_EQ(s.error().code, ErrorCode::conflict);
    EXPECT_EQ(s.error().field, row.field);
    EXPECT_NE(s.error().message.find(row.message), std::string::npos) << s.error().message;
    EXPECT_EQ(p, tpl()) << row.card;
  }
}

TEST(RemoveCard, RefusedForTheStartCardWithoutSingleNext) {
  Playbook p = small();
  p.start = "bye";
  Status s = remove_card(p, "bye");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "start");
}

TEST(RemoveCard, UnreferencedEndCardIsRemoved) {
  Playbook p = tpl();
  p.cards.push_back({"orphan", EndCard{"x"}});
  ASSERT_TRUE(remove_card(p, "orphan").ok());
  EXPECT_EQ(p, tpl());
}

TEST(RemoveCard, UnknownCardIsNotFound) {
  Playbook p = tpl();
  Status s = remove_card(p, "ghost");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::not_found);
}

TEST(RemoveCard, AddThenRemoveRestoresThePlaybook) {
  Playbook p = small();
  ASSERT_TRUE(add_live_chat_card(p, Link{"ask_email", ""}, kLive).ok());
  ASSERT_TRUE(remove_card(p, "live_chat").ok());
  EXPECT_EQ(p, small());
}

}  // namespace
}  // namespace livechat
