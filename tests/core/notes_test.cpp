// Private notes (issue 17): who may write one in each phase, that no note ever reaches the
// visitor (visitor_sees), their idempotency, and the mentions that notify a colleague. Tables.
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "livechat/notifications.hpp"
#include "livechat/visitor.hpp"

namespace livechat::test {
namespace {

// [SECTION] Who may write a note ---------------------------------------------------------------

struct NoteRow {
  Stage stage;
  Actor actor;
  bool accepted;
  ErrorCode refused = ErrorCode::bad_request;  // when not accepted
};

// Any user who sees the conversation while it is open; never a visitor, the bot or the system;
// a user who cannot see it learns nothing; a closed conversation takes nothing new.
const NoteRow kNoteRows[] = {
    {Stage::bot, agent("anna"), false, ErrorCode::not_found},  // the bot phase is the visitor's alone
    {Stage::unassigned, agent("anna"), true},
    {Stage::unassigned, agent("bob"), true},  // offline users write notes too
    {Stage::missed, agent("carl"), true},
    {Stage::assigned_to_anna, agent("anna"), true},
    {Stage::assigned_to_anna, agent("carl"), false, ErrorCode::not_found},
    {Stage::assigned_to_anna, agent("ada"), false, ErrorCode::not_found},  // admins too: the visibility rule
    {Stage::closed, agent("carl"), false, ErrorCode::closed},
    {Stage::closed, agent("anna"), false, ErrorCode::closed},
    {Stage::bot, visitor("v1"), false, ErrorCode::forbidden},
    {Stage::assigned_to_anna, visitor("v1"), false, ErrorCode::forbidden},
    {Stage::unassigned, kBot, false, ErrorCode::forbidden},
    {Stage::unassigned, kSystem, false, ErrorCode::forbidden},
    {Stage::unassigned, agent("nobody"), false, ErrorCode::forbidden},
};

TEST(Notes, WhoMayWriteANote) {
  for (const NoteRow& row : kNoteRows) {
    SCOPED_TRACE(std::string(stage_name(row.stage)) + " " + std::string(actor_kind_name(row.actor.kind)) + " " +
                 row.actor.id);
    State s = at_stage(row.stage);
    const Conversation before = s.conversations.at("c1");
    auto r = execute(s, PostNote{"c1", "@Carl can you call them?", "n1"}, row.actor, kT0 + 5000);
    if (row.accepted) {
      ASSERT_TRUE(r.ok()) << r.error().message;
      ASSERT_EQ(r.value().events.size(), 1u);
      const auto* m = std::get_if<MessagePosted>(&r.value().events[0]);
      ASSERT_NE(m, nullptr);
      EXPECT_EQ(m->author, Author::note);
      EXPECT_EQ(m->author_id, row.actor.id);
      EXPECT_EQ(m->seq, before.last_seq + 1);
      const Conversation& after = s.conversations.at("c1");
      EXPECT_EQ(after.phase, before.phase) << "a note changes nothing but the transcript";
      EXPECT_EQ(after.assignee, before.assignee);
      EXPECT_EQ(after.messages.back().author, Author::note);
    } else {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, row.refused);
      EXPECT_EQ(s.conversations.at("c1"), before);
    }
  }
}

TEST(Notes, TextIsCheckedLikeAMessage) {
  State s = at_stage(Stage::unassigned);
  EXPECT_EQ(decide(s, PostNote{"c1", "  \n", "n1"}, agent("anna"), kT0).error().code, ErrorCode::invalid_field);
  EXPECT_EQ(decide(s, PostNote{"c1", std::string(kMaxMessageBytes + 1, 'x'), "n1"}, agent("anna"), kT0).error().code,
            ErrorCode::too_large);
  EXPECT_EQ(decide(s, PostNote{"c1", "bad \xC3", "n1"}, agent("anna"), kT0).error().code, ErrorCode::invalid_field);
  EXPECT_EQ(decide(s, PostNote{"c1", "ok", std::string(kMaxIdBytes + 1, 'k')}, agent("anna"), kT0).error().code,
            ErrorCode::too_large);
  EXPECT_EQ(decide(s, PostNote{"c-none", "ok", "n1"}, agent("anna"), kT0).error().code, ErrorCode::not_found);
}

TEST(Notes, ARepeatedIdIsTheSameNote) {
  State s = at_stage(Stage::assigned_to_anna);
  must(s, PostNote{"c1", "first", "n1"}, agent("anna"), kT0 + 3000);
  const Seq seq = s.conversations.at("c1").last_seq;
  // Even after the conversation closed, the resend is acknowledged as the original (a new note
  // is refused there).
  must(s, CloseConversation{"c1"}, agent("anna"), kT0 + 4000);
  auto again = execute(s, PostNote{"c1", "first", "n1"}, agent("anna"), kT0 + 5000);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value().events.empty());
  EXPECT_EQ(again.value().duplicate_of, seq);
  EXPECT_EQ(decide(s, PostNote{"c1", "second", "n2"}, agent("anna"), kT0 + 5000).error().code, ErrorCode::closed);
  // Another author's id space: carl's "n1" is a new note.
  State open = at_stage(Stage::unassigned);
  must(open, PostNote{"c1", "first", "n1"}, agent("anna"), kT0 + 3000);
  auto carl = execute(open, PostNote{"c1", "mine", "n1"}, agent("carl"), kT0 + 6000);
  ASSERT_TRUE(carl.ok());
  EXPECT_EQ(carl.value().events.size(), 1u);
}

// [SECTION] Never to the visitor ---------------------------------------------------------------

TEST(Notes, VisitorNeverSeesANote) {
  State s = at_stage(Stage::assigned_to_anna);
  auto r = decide(s, PostNote{"c1", "private", "n1"}, agent("anna"), kT0 + 3000);
  ASSERT_TRUE(r.ok());
  for (const Event& e : r.value().events) EXPECT_FALSE(visitor_sees(e));
  // The same rule for the message shape itself, whoever would send one with that author.
  EXPECT_FALSE(visitor_sees(MessagePosted{"c1", 9, kT0, Author::note, "anna", "x", ""}));
  EXPECT_TRUE(visitor_sees(MessagePosted{"c1", 9, kT0, Author::agent, "anna", "x", ""}));
  // A message in the same conversation right after is seen as always.
  must(s, PostNote{"c1", "private", "n1"}, agent("anna"), kT0 + 3000);
  auto msg = decide(s, SendMessage{"c1", "public", "a1"}, agent("anna"), kT0 + 4000);
  ASSERT_TRUE(msg.ok());
  EXPECT_TRUE(visitor_sees(msg.value().events[0]));
}

TEST(Notes, ANoteIsNoMessageFromTheAssignee) {
  // A user who may not write to the visitor (not the assignee) may still write a note, and the
  // note does not make them able to write.
  State s = at_stage(Stage::unassigned);
  must(s, PostNote{"c1", "I'll take it after lunch", "n1"}, agent("carl"));
  EXPECT_FALSE(may_write(s.conversations.at("c1"), agent("carl")).ok());
}

// [SECTION] Mentions ---------------------------------------------------------------------------

struct MentionRow {
  const char* text;
  std::vector<UserId> mentioned;
};

TEST(Notes, Mentions) {
  State s = team();
  must(s, AddUser{make_user("anna2", "Anna Rossi", Role::regular)}, kSystem);
  const MentionRow rows[] = {
      {"@Carl please call", {"carl"}},
      {"ask @carl and @ADA.", {"ada", "carl"}},
      {"@Anna", {"anna", "anna2"}},  // first names: both Annas
      {"@Anna Rossi knows", {"anna", "anna2"}},
      {"(@Bob)", {"bob"}},
      {"write to carl@example.com", {}},  // an email address mentions nobody
      {"@Carlo is new", {}},              // a longer word is another name
      {"@Carlà", {}},
      {"@ Carl", {}},
      {"@", {}},
      {"no mentions", {}},
  };
  for (const MentionRow& row : rows) EXPECT_EQ(mentioned_users(s, row.text), row.mentioned) << row.text;
}

std::vector<Notification> note_notifications(State& s, const std::string& text, const Actor& by) {
  return run_and_notify(s, PostNote{"c1", text, ""}, by);
}

TEST(Notes, AMentionNotifiesThoseWhoMaySeeTheConversation) {
  State s = at_stage(Stage::unassigned);
  EXPECT_EQ(note_notifications(s, "@Carl and @Bob, who takes it?", agent("anna")),
            (std::vector<Notification>{{"bob", NotificationKind::mentioned, "c1"},
                                       {"carl", NotificationKind::mentioned, "c1"}}))
      << "offline bob is told too (he reads it when he is back)";
  EXPECT_TRUE(note_notifications(s, "@Anna reminder to self", agent("anna")).empty()) << "own mention is silent";
  EXPECT_TRUE(note_notifications(s, "nobody named", agent("anna")).empty());

  State mine = at_stage(Stage::assigned_to_anna);
  EXPECT_TRUE(note_notifications(mine, "@Carl see this", agent("anna")).empty())
      << "carl cannot see anna's conversation: the mention tells him nothing";
  State missed = at_stage(Stage::missed);
  EXPECT_EQ(note_notifications(missed, "@carl follow up", agent("anna")),
            (std::vector<Notification>{{"carl", NotificationKind::mentioned, "c1"}}));
}

TEST(Notes, MessagesMentionNobody) {
  State s = at_stage(Stage::assigned_to_anna);
  auto r = execute(s, SendMessage{"c1", "@Carl hi", "a1"}, agent("anna"), kT0 + 5000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(notifications_for(s, r.value().events[0]).empty()) << "only notes mention";
}

}  // namespace
}  // namespace livechat::test
