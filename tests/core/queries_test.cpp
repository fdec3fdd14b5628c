// The core's queries for the shells, as tables: what the dashboard and the widget ask instead of
// re-deriving a rule (rules.hpp, visitor.hpp), and the small facts with one home (display name,
// UTF-8 cut, HTML escape, the events a visitor sees). Each answer is also checked against
// decide() where decide has one, so a query can never drift from the rule it stands for.
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "livechat/richtext.hpp"
#include "livechat/validate.hpp"
#include "livechat/visitor.hpp"

namespace livechat::test {
namespace {

const Conversation& c1(const State& s) { return s.conversations.at("c1"); }

// [SECTION] May this agent write, reassign, close? ----------------------------------------------

struct AgentRow {
  Stage stage;
  const char* user;
  bool write, reassign, close;
};

const AgentRow kAgentRows[] = {
    {Stage::bot, "anna", false, false, false},
    {Stage::unassigned, "anna", false, false, false},
    {Stage::missed, "carl", false, false, false},
    {Stage::assigned_to_anna, "anna", true, true, true},
    {Stage::assigned_to_anna, "carl", false, false, false},
    {Stage::assigned_to_anna, "ada", false, false, false},  // admins too: only the assignee
    {Stage::closed, "anna", false, false, false},
};

TEST(Queries, AgentMayWriteReassignCloseAsDecideSays) {
  for (const AgentRow& row : kAgentRows) {
    SCOPED_TRACE(std::string(stage_name(row.stage)) + " " + row.user);
    State s = at_stage(row.stage);
    const Actor a = agent(row.user);
    EXPECT_EQ(may_write(c1(s), a).ok(), row.write);
    EXPECT_EQ(may_reassign(c1(s), row.user).ok(), row.reassign);
    EXPECT_EQ(may_close(c1(s), row.user).ok(), row.close);
    // The same answers decide gives for the commands themselves (where the agent can see c1).
    if (can_see(c1(s), row.user)) {
      EXPECT_EQ(decide(s, SendMessage{"c1", "Hi", ""}, a, kT0 + 9000).ok(), row.write);
      EXPECT_EQ(decide(s, Reassign{"c1", ""}, a, kT0 + 9000).ok(), row.reassign);
      EXPECT_EQ(decide(s, CloseConversation{"c1"}, a, kT0 + 9000).ok(), row.close);
      if (!row.write) {
        EXPECT_EQ(may_write(c1(s), a).error().code, decide(s, SendMessage{"c1", "Hi", ""}, a, kT0).error().code);
      }
    }
  }
}

TEST(Queries, VisitorAndBotMayWriteAsDecideSays) {
  for (Stage st : {Stage::bot, Stage::unassigned, Stage::missed, Stage::assigned_to_anna, Stage::closed}) {
    SCOPED_TRACE(stage_name(st));
    State s = at_stage(st);
    for (const Actor& a : {visitor("v1"), kBot}) {
      bool allowed = decide(s, SendMessage{"c1", "Hi", ""}, a, kT0 + 9000).ok();
      EXPECT_EQ(may_write(c1(s), a).ok(), allowed);
    }
    EXPECT_EQ(may_write(c1(s), visitor("v1")).ok(), st != Stage::closed);
    EXPECT_EQ(may_write(c1(s), kBot).ok(), st != Stage::closed && st != Stage::assigned_to_anna);
    EXPECT_FALSE(may_write(c1(s), kSystem).ok());
  }
}

// [SECTION] The visitor: prompt, may type, is typed text an answer? -----------------------------

struct VisitorRow {
  const char* rule;
  Stage stage;
  PromptKind bot;    // what the chatbot's run asks
  PromptKind shown;  // visitor_prompt
  bool answers;      // typed_text_answers
  bool may_type;     // visitor_may_type
};

const VisitorRow kVisitorRows[] = {
    {"question with buttons: press one", Stage::bot, PromptKind::buttons, PromptKind::buttons, true, false},
    {"free text question", Stage::bot, PromptKind::free_text, PromptKind::free_text, true, true},
    {"capture card", Stage::bot, PromptKind::capture, PromptKind::capture, true, true},
    {"chatbot finished", Stage::bot, PromptKind::finished, PromptKind::finished, false, false},
    {"nothing asked", Stage::bot, PromptKind::none, PromptKind::none, false, false},
    {"waiting for a user", Stage::unassigned, PromptKind::waiting_for_agent, PromptKind::waiting_for_agent, false, true},
    // The offline flow: nobody took the chat, the chatbot asks for an email in Unassigned. The
    // widget used to send this as a message (phase == bot) and the server turned it into an answer.
    {"offline flow capture", Stage::missed, PromptKind::capture, PromptKind::capture, true, true},
    {"offline flow question", Stage::missed, PromptKind::free_text, PromptKind::free_text, true, true},
    {"offline flow finished", Stage::missed, PromptKind::finished, PromptKind::finished, false, false},
    {"a user has it: messages", Stage::assigned_to_anna, PromptKind::capture, PromptKind::waiting_for_agent, false, true},
    {"a user has it, bot done", Stage::assigned_to_anna, PromptKind::finished, PromptKind::waiting_for_agent, false, true},
    {"closed", Stage::closed, PromptKind::free_text, PromptKind::finished, false, false},
    {"closed while waiting", Stage::closed, PromptKind::waiting_for_agent, PromptKind::finished, false, false},
};

TEST(Queries, VisitorPromptAnswersAndTyping) {
  for (const VisitorRow& row : kVisitorRows) {
    SCOPED_TRACE(row.rule);
    State s = at_stage(row.stage);
    Prompt bot{row.bot, "card", {}, CaptureKind::email};
    EXPECT_EQ(visitor_prompt(c1(s), bot).kind, row.shown);
    EXPECT_EQ(typed_text_answers(c1(s), row.bot), row.answers);
    EXPECT_EQ(visitor_may_type(c1(s), row.bot), row.may_type);
    EXPECT_EQ(typing_seen_by(c1(s)), row.stage == Stage::assigned_to_anna ? "anna" : "");
    // Whatever the visitor may type, the server accepts as a message or an answer.
    if (row.may_type) {
      EXPECT_TRUE(decide(s, SendMessage{"c1", "vera@example.it", ""}, visitor("v1"), kT0 + 9000).ok());
    }
  }
}

struct TextRow {
  const char* rule;
  Stage stage;
  Prompt bot;
  std::string text;
  std::string_view problem;
};

const Prompt kEmail{PromptKind::capture, "ask_email", {}, CaptureKind::email};
const Prompt kPhone{PromptKind::capture, "ask_phone", {}, CaptureKind::phone};
const Prompt kName{PromptKind::capture, "ask_name", {}, CaptureKind::name};
const Prompt kFree{PromptKind::free_text, "q", {}, CaptureKind::name};
const Prompt kWaiting{PromptKind::waiting_for_agent, "live", {}, CaptureKind::name};

const std::vector<TextRow>& text_rows() {
  static const std::vector<TextRow> rows = {
      {"a good email", Stage::bot, kEmail, "vera@example.it", ""},
      {"a bad email", Stage::bot, kEmail, "vera@", "invalid_email"},
      {"a bad email in the offline flow", Stage::missed, kEmail, "vera@", "invalid_email"},
      {"a bad phone", Stage::bot, kPhone, "12", "invalid_phone"},
      {"a good phone", Stage::bot, kPhone, "+39 02 1234 5678", ""},
      {"blank", Stage::bot, kFree, "   ", "empty_answer"},
      {"blank message", Stage::assigned_to_anna, kWaiting, " \n ", "empty_answer"},
      {"capture fits the side panel", Stage::bot, kName, std::string(kMaxPanelField + 1, 'a'), "too_long"},
      {"free text fits a card", Stage::bot, kFree, std::string(kMaxCardText + 1, 'a'), "too_long"},
      {"a long message to a person", Stage::assigned_to_anna, kWaiting, std::string(kMaxCardText + 1, 'a'), ""},
      {"too long a message", Stage::assigned_to_anna, kWaiting, std::string(kMaxMessageBytes + 1, 'a'), "too_long"},
      {"a bad email is a message once a user has it", Stage::assigned_to_anna, kEmail, "vera@", ""},
      {"broken UTF-8 answer", Stage::bot, kFree, "caf\xC3", "invalid_utf8"},
      {"broken UTF-8 message", Stage::unassigned, kWaiting, "caf\xC3", "invalid_utf8"},
  };
  return rows;
}

TEST(Queries, TypedTextProblem) {
  for (const TextRow& row : text_rows()) {
    SCOPED_TRACE(row.rule);
    State s = at_stage(row.stage);
    EXPECT_EQ(typed_text_problem(row.text, c1(s), row.bot), row.problem);
    // A message that passes is one decide accepts (answers also go through decide's SendMessage).
    if (row.problem.empty()) {
      EXPECT_TRUE(decide(s, SendMessage{"c1", row.text, ""}, visitor("v1"), kT0 + 9000).ok());
    }
  }
}

TEST(Queries, MessageProblemIsDecidesRule) {
  State s = at_stage(Stage::assigned_to_anna);
  const std::vector<std::pair<std::string, ErrorCode>> refused = {
      {"", ErrorCode::invalid_field},
      {" \t", ErrorCode::invalid_field},
      {std::string(kMaxMessageBytes + 1, 'x'), ErrorCode::too_large},
      {"\xFF", ErrorCode::invalid_field},
  };
  for (const auto& [text, code] : refused) {
    EXPECT_FALSE(message_problem(text).empty());
    auto r = decide(s, SendMessage{"c1", text, ""}, agent("anna"), kT0 + 9000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code);
  }
  EXPECT_EQ(message_problem(std::string(kMaxMessageBytes, 'x')), "");
}

// [SECTION] Small facts with one home -------------------------------------------------------------

TEST(Queries, VisitorSeesTranscriptAndPhasesOnly) {
  const std::vector<std::pair<Event, bool>> rows = {
      {ConversationStarted{"c1", 1, kT0, "v1", "pb1", ""}, true},
      {MessagePosted{"c1", 2, kT0, Author::visitor, "v1", "Hi", "m1"}, true},
      {MessagePosted{"c1", 2, kT0, Author::note, "anna", "private", "n1"}, false},
      {LiveChatRequested{"c1", 3, kT0, kT0 + 1}, true},
      {WaitExpired{"c1", 4, kT0}, true},
      {ConversationAssigned{"c1", 5, kT0, "anna", "anna"}, true},
      {ConversationUnassigned{"c1", 6, kT0, "anna"}, true},
      {ConversationClosed{"c1", 7, kT0, "anna"}, true},
      {SidePanelUpdated{"c1", 8, kT0, SidePanel{}, "anna"}, false},
      {ItemRecorded{"c1", 9, kT0, ItemKind::lead, "L-1", "anna"}, false},
      {UserAdded{make_user("zoe", "Zoe", Role::regular)}, false},
      {OnlineChanged{"anna", true}, false},
  };
  for (const auto& [e, seen] : rows) EXPECT_EQ(visitor_sees(e), seen) << event_type_name(e);
}

TEST(Queries, VisitorDisplayName) {
  Conversation c;
  c.visitor_id = "v-1a2b3c";
  EXPECT_EQ(visitor_display_name(c), "Visitor 2b3c");
  c.visitor_name = "Vera";
  EXPECT_EQ(visitor_display_name(c), "Vera");
  c.panel.person_name = "Vera Rossi";
  EXPECT_EQ(visitor_display_name(c), "Vera Rossi");  // the side panel wins
  EXPECT_EQ(visitor_display_name("", "v9"), "Visitor v9");
  EXPECT_EQ(visitor_display_name("", ""), "Visitor ");
  EXPECT_EQ(visitor_display_name("", "vv\xE2\x82\xACxy"), "Visitor \xE2\x82\xACxy");  // whole characters only
}

TEST(Queries, Utf8PrefixNeverSplitsACharacter) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀: 1 + 2 + 3 + 4 bytes
  const std::vector<std::pair<std::size_t, std::string>> rows = {
      {0, ""}, {1, "a"}, {2, "a"}, {3, "a\xC3\xA9"}, {5, "a\xC3\xA9"}, {6, "a\xC3\xA9\xE2\x82\xAC"},
      {9, "a\xC3\xA9\xE2\x82\xAC"}, {10, s}, {99, s}};
  for (const auto& [max, want] : rows) {
    EXPECT_EQ(utf8_prefix(s, max), want) << max;
    EXPECT_TRUE(is_valid_utf8(utf8_prefix(s, max)));
  }
  EXPECT_EQ(excerpt("short", 10), "short");
  EXPECT_EQ(excerpt("a\xC3\xA9z", 2), "a...");
}

TEST(Queries, HtmlEscape) {
  EXPECT_EQ(html_escape(R"(<a href="x">Tom & Jerry's</a>)"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(html_escape("caffè"), "caffè");
  EXPECT_EQ(html_escape(""), "");
}

}  // namespace
}  // namespace livechat::test
