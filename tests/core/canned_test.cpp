// Canned responses (canned.hpp) as tables: validation, who may edit and who sees, the composer's
// "/" query, matching and ranking, the text per language, and filling variables (with the
// missing ones marked, never guessed).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "livechat/canned.hpp"

namespace livechat::test {
namespace {

User user(const char* id, Role role, const char* name = "Anna Rossi") {
  User u;
  u.id = id;
  u.name = name;
  u.role = role;
  return u;
}

CannedResponse canned(const char* shortcut, const char* text, const char* owner = "") {
  CannedResponse c;
  c.id = std::string("cr-") + shortcut + owner;
  c.shortcut = shortcut;
  c.texts["en"] = text;
  c.owner = owner;
  return c;
}

// [SECTION] Validation ------------------------------------------------------------------------

struct ValidRow {
  const char* shortcut;
  std::map<std::string, std::string> texts;
  const char* field;  // "" when valid
};

TEST(Canned, Validation) {
  const std::string longest(kMaxMessageBytes, 'x');
  const ValidRow rows[] = {
      {"prices", {{"en", "Our price list: https://example.com/prices"}}, ""},
      {"hi-2_x", {{"en", "Hello {{person.first_name}}, I'm {{ agent.name }}."}, {"it", "Ciao!"}}, ""},
      {"p", {{"en", longest}}, ""},
      {"", {{"en", "x"}}, "shortcut"},
      {"Prices", {{"en", "x"}}, "shortcut"},        // lower case only
      {"price list", {{"en", "x"}}, "shortcut"},    // no spaces
      {"préz", {{"en", "x"}}, "shortcut"},          // ASCII only
      {"abcdefghijklmnopqrstuvwxyz0123456", {{"en", "x"}}, "shortcut"},  // 33 bytes
      {"ok", {}, "texts"},
      {"ok", {{"EN", "x"}}, "texts"},
      {"ok", {{"en", " \n "}}, "texts.en"},
      {"ok", {{"en", "x"}, {"it", ""}}, "texts.it"},
      {"ok", {{"en", longest + "x"}}, "texts.en"},
      {"ok", {{"en", std::string("bad \xC3\x28 utf-8")}}, "texts.en"},
      {"ok", {{"en", "Hi {{person.nickname}}"}}, "texts.en"},
      {"ok", {{"en", "Braces {{ }} and {{unclosed stay text"}}, ""},
  };
  for (const auto& row : rows) {
    CannedResponse c;
    c.shortcut = row.shortcut;
    c.texts = row.texts;
    Status s = validate_canned(c);
    EXPECT_EQ(s.ok() ? std::string() : s.error().field, row.field) << row.shortcut;
  }
}

TEST(Canned, WhoMayEditAndWhoSees) {
  User admin = user("u-ada", Role::admin), anna = user("u-anna", Role::regular), marco = user("u-marco", Role::regular);
  CannedResponse shared = canned("prices", "x"), annas = canned("mine", "x", "u-anna");
  EXPECT_TRUE(may_edit_canned(admin, shared));
  EXPECT_FALSE(may_edit_canned(anna, shared));
  EXPECT_TRUE(may_edit_canned(anna, annas));
  EXPECT_FALSE(may_edit_canned(marco, annas));
  EXPECT_FALSE(may_edit_canned(admin, annas));  // personal means personal, admins included
  EXPECT_TRUE(sees_canned(marco, shared));
  EXPECT_TRUE(sees_canned(anna, annas));
  EXPECT_FALSE(sees_canned(marco, annas));
}

// [SECTION] The composer ----------------------------------------------------------------------

TEST(Canned, Query) {
  struct Row {
    const char* composer;
    bool query;
    const char* wanted;
  } rows[] = {
      {"/", true, ""},          {"/pri", true, "pri"},   {"/PRI", true, "PRI"},   {"/follow-up_2", true, "follow-up_2"},
      {"", false, ""},          {"pri", false, ""},      {"/pri ce", false, ""},  {"/pri\n", false, ""},
      {" /pri", false, ""},     {"//", false, ""},       {"/è", false, ""},
  };
  for (const auto& row : rows) {
    auto q = canned_query(row.composer);
    EXPECT_EQ(q.has_value(), row.query) << row.composer;
    if (q) {
      EXPECT_EQ(*q, row.wanted) << row.composer;
    }
  }
}

TEST(Canned, MatchesBestFirstPersonalBeforeShared) {
  std::vector<CannedResponse> all = {
      canned("prices", "Our price list"),
      canned("pricing-eu", "Prices in Europe"),
      canned("shipping", "Shipping costs and prices"),
      canned("prices", "My own price text", "u-anna"),
      canned("april", "Spring offer", "u-marco"),  // Marco's: never offered to Anna
      canned("hello", "Hello!"),
  };
  User anna = user("u-anna", Role::regular);
  auto shortcuts = [&](std::string_view q, std::size_t limit = 8) {
    std::vector<std::string> out;
    for (const CannedResponse* c : canned_matches(all, anna, q, limit)) out.push_back(c->shortcut + (c->owner.empty() ? "" : "*"));
    return out;
  };
  EXPECT_EQ(shortcuts("pri"), (std::vector<std::string>{"prices*", "prices", "pricing-eu", "shipping"}));
  EXPECT_EQ(shortcuts("PRI"), shortcuts("pri"));
  EXPECT_EQ(shortcuts("ing"), (std::vector<std::string>{"pricing-eu", "shipping"}));  // contained in shortcuts
  EXPECT_EQ(shortcuts("europe"), (std::vector<std::string>{"pricing-eu"}));           // in the text only
  EXPECT_EQ(shortcuts("").size(), 5u);                                                // everything Anna sees
  EXPECT_EQ(shortcuts("", 2).size(), 2u);
  EXPECT_TRUE(shortcuts("spring").empty());
}

TEST(Canned, TextPerLanguage) {
  CannedResponse c = canned("hi", "Hello!");
  c.texts["it"] = "Ciao!";
  EXPECT_EQ(canned_text(c, "it"), "Ciao!");
  EXPECT_EQ(canned_text(c, "it-IT"), "Ciao!");
  EXPECT_EQ(canned_text(c, "IT_ch"), "Ciao!");
  EXPECT_EQ(canned_text(c, "de"), "Hello!");  // English when the visitor's language has none
  EXPECT_EQ(canned_text(c, ""), "Hello!");
  CannedResponse only_it;
  only_it.texts["it"] = "Solo italiano";
  EXPECT_EQ(canned_text(only_it, "en"), "Solo italiano");
}

// [SECTION] Variables -------------------------------------------------------------------------

TEST(Canned, FillsFromSidePanelConversationAndAgent) {
  Conversation c;
  c.visitor_name = "giulia";
  c.panel.person_name = "Giulia Verdi";
  c.panel.email = "giulia@example.it";
  c.panel.organization_name = "Verdi & Figli 😀";
  User anna = user("u-anna", Role::regular, "Anna Rossi");
  CannedContext ctx{&c, &anna};
  FilledCanned f = fill_canned_text(
      "Hi {{person.first_name}} ({{ person.name }}, {{person.email}}) from {{organization.name}}: I'm "
      "{{agent.first_name}} / {{agent.name}}. Phone {{person.phone}}? {{person.phone}} {{x.y}} {{unclosed",
      ctx);
  EXPECT_EQ(f.text,
            "Hi Giulia (Giulia Verdi, giulia@example.it) from Verdi & Figli 😀: I'm Anna / Anna Rossi. Phone "
            "{{person.phone}}? {{person.phone}} {{x.y}} {{unclosed");
  EXPECT_EQ(f.missing, (std::vector<std::string>{"person.phone"}));

  // Without a side-panel name the visitor's own name stands in; without either it is missing.
  c.panel.person_name.clear();
  EXPECT_EQ(fill_canned_text("{{person.name}}", ctx).text, "giulia");
  c.visitor_name.clear();
  EXPECT_EQ(fill_canned_text("Dear {{person.name}}", ctx).missing, (std::vector<std::string>{"person.name"}));
}

TEST(Canned, PiecesMarkWhatHasNoValue) {
  Conversation c;
  c.panel.person_name = "李 小龙";
  CannedContext ctx{&c, nullptr};
  auto pieces = fill_canned("Hello {{person.first_name}}, {{agent.name}} here.", ctx);
  ASSERT_EQ(pieces.size(), 5u);
  EXPECT_EQ(pieces[0].text, "Hello ");
  EXPECT_EQ(pieces[1].text, "李");
  EXPECT_EQ(pieces[1].variable, "person.first_name");
  EXPECT_FALSE(pieces[1].missing);
  EXPECT_EQ(pieces[3].text, "{{agent.name}}");
  EXPECT_TRUE(pieces[3].missing);
  EXPECT_EQ(pieces[4].text, " here.");
}

}  // namespace
}  // namespace livechat::test
