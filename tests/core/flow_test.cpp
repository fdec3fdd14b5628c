// The article's flows end to end through decide + apply, and the rules that span commands.
#include "fixtures.hpp"
#include "livechat/inbox.hpp"
#include "livechat/notifications.hpp"

namespace livechat::test {
namespace {

const Conversation& c1(const State& s) { return s.conversations.at("c1"); }

std::vector<SystemNote> notes(const Conversation& c) {
  std::vector<SystemNote> out;
  for (const auto& m : c.messages)
    if (m.author == Author::system) out.push_back(m.note);
  return out;
}

TEST(Flow, ArticleFlowFromBotToClosedWithLeadAndDeal) {
  State s = at_stage(Stage::bot);
  must(s, SendMessage{"c1", "Welcome! How can we help?", ""}, kBot);
  must(s, RequestLiveChat{"c1", 120}, kBot, kT0 + 100);
  EXPECT_EQ(c1(s).phase, Phase::unassigned);
  EXPECT_EQ(c1(s).wait_deadline, kT0 + 100 + 120'000);
  must(s, AssignToMe{"c1"}, agent("anna"), kT0 + 200);
  EXPECT_EQ(c1(s).phase, Phase::assigned);
  EXPECT_EQ(c1(s).assignee, "anna");
  EXPECT_EQ(c1(s).wait_deadline, 0);
  must(s, SendMessage{"c1", "Hi Vera, I'm Anna", "a1"}, agent("anna"), kT0 + 300);
  must(s, SendMessage{"c1", "I'd like a demo", "m2"}, visitor("v1"), kT0 + 400);
  must(s, Reassign{"c1", "carl"}, agent("anna"), kT0 + 500);
  EXPECT_EQ(c1(s).assignee, "carl");
  must(s, Reassign{"c1", ""}, agent("carl"), kT0 + 600);
  EXPECT_EQ(c1(s).phase, Phase::unassigned);
  must(s, AssignToMe{"c1"}, agent("anna"), kT0 + 700);
  SidePanel p;
  p.person_name = "Vera Rossi";
  p.email = "vera@example.it";
  must(s, UpdateSidePanel{"c1", p}, agent("anna"), kT0 + 800);
  must(s, RecordItem{"c1", ItemKind::lead, "L1"}, agent("anna"), kT0 + 900);
  EXPECT_EQ(c1(s).phase, Phase::assigned) << "creating a lead never closes";
  must(s, RecordItem{"c1", ItemKind::deal, "D1"}, agent("anna"), kT0 + 1000);
  EXPECT_EQ(c1(s).phase, Phase::assigned) << "creating a deal never closes";
  must(s, CloseConversation{"c1"}, agent("anna"), kT0 + 1100);
  EXPECT_EQ(c1(s).phase, Phase::closed);
  EXPECT_EQ(c1(s).closed_at, kT0 + 1100);
  EXPECT_EQ(c1(s).closed_by, "anna");

  // After closing: the side panel stays editable, leads can still be created, by any user.
  p.phone = "+39 333 1234567";
  must(s, UpdateSidePanel{"c1", p}, agent("carl"), kT0 + 1200);
  EXPECT_EQ(c1(s).panel.phone, "+39 333 1234567");
  must(s, RecordItem{"c1", ItemKind::lead, "L2"}, agent("carl"), kT0 + 1300);
  EXPECT_EQ(c1(s).phase, Phase::closed);

  std::vector<SystemNote> expected = {SystemNote::live_chat_requested, SystemNote::joined,
                                      SystemNote::reassigned,          SystemNote::unassigned,
                                      SystemNote::joined,              SystemNote::lead_created,
                                      SystemNote::deal_created,        SystemNote::closed,
                                      SystemNote::lead_created};
  EXPECT_EQ(notes(c1(s)), expected);
  ASSERT_EQ(c1(s).items.size(), 3u);
  EXPECT_EQ(c1(s).items[0].at, kT0 + 900) << "the chat shows when the lead was created";

  // Transcript sequence numbers are consecutive and end at last_seq.
  Seq prev = 1;  // seq 1 is conversation_started (no row)
  for (const auto& m : c1(s).messages) {
    EXPECT_GT(m.seq, prev);
    prev = m.seq;
  }
  EXPECT_EQ(c1(s).last_seq, prev) << "the last event (a lead) has a row";
  // 16 events: started, hello, bot, requested, joined, 2 messages, reassigned, unassigned, joined,
  // panel, lead, deal, closed, panel, lead.
  EXPECT_EQ(c1(s).last_seq, 16u);
}

TEST(Flow, ClosedConversationNeverReopens) {
  State s = at_stage(Stage::closed);
  const std::vector<std::pair<Command, Actor>> attempts = {
      {AssignToMe{"c1"}, agent("anna")},         {AssignToMe{"c1"}, agent("carl")},
      {Reassign{"c1", ""}, agent("anna")},       {Reassign{"c1", "carl"}, agent("anna")},
      {RequestLiveChat{"c1", 60}, kBot},         {SendMessage{"c1", "hi", "z"}, visitor("v1")},
      {SendMessage{"c1", "hi", "z"}, agent("anna")}, {CloseConversation{"c1"}, agent("anna")},
      {ExpireWait{"c1"}, kSystem},
  };
  for (const auto& [cmd, actor] : attempts) {
    auto r = execute(s, cmd, actor, kT0 + 10'000);
    EXPECT_FALSE(r.ok()) << "index " << cmd.index() << " by " << actor.id;
    EXPECT_EQ(c1(s).phase, Phase::closed);
  }
}

TEST(Flow, RepeatedIdempotencyIdIsAnsweredNotReapplied) {
  State s = at_stage(Stage::assigned_to_anna);
  must(s, SendMessage{"c1", "one", "k1"}, visitor("v1"));
  Seq first = c1(s).last_seq;
  auto size = c1(s).messages.size();
  auto again = execute(s, SendMessage{"c1", "one", "k1"}, visitor("v1"), kT0 + 50);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value().events.empty());
  ASSERT_TRUE(again.value().duplicate_of.has_value());
  EXPECT_EQ(*again.value().duplicate_of, first);
  EXPECT_EQ(c1(s).messages.size(), size);
  // The same id from another author is a different message.
  must(s, SendMessage{"c1", "one", "k1"}, agent("anna"));
  EXPECT_EQ(c1(s).messages.size(), size + 1);
  // A resend that arrives after close is still answered with the original.
  must(s, CloseConversation{"c1"}, agent("anna"));
  auto late = execute(s, SendMessage{"c1", "one", "k1"}, visitor("v1"), kT0 + 60);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(*late.value().duplicate_of, first);
}

TEST(Flow, NobodyOnlineMeansMissedAtOnceButStillInUnassigned) {
  State s = at_stage(Stage::bot);
  for (const char* id : {"ada", "anna", "carl"}) must(s, SetOnline{false}, agent(id));
  EXPECT_FALSE(anyone_available(s));
  auto r = execute(s, RequestLiveChat{"c1", 120}, kBot, kT0);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().events.size(), 2u);
  EXPECT_EQ(c1(s).phase, Phase::unassigned);
  EXPECT_TRUE(c1(s).missed);
  // Whoever comes online later can still take it.
  must(s, SetOnline{true}, agent("bob"));
  must(s, AssignToMe{"c1"}, agent("bob"));
  EXPECT_FALSE(c1(s).missed);
}

TEST(Flow, AwayAgentIsNotAvailable) {
  State s = at_stage(Stage::unassigned);
  must(s, SetAway{"anna", true}, kSystem);
  auto r = decide(s, AssignToMe{"c1"}, agent("anna"), kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::offline);
  must(s, SetOnline{false}, agent("anna"));
  must(s, SetOnline{true}, agent("anna"));
  EXPECT_TRUE(s.users.at("anna").available()) << "flipping the switch clears away";
}

// --- the visibility rule as the inbox projection -----------------------------------------------

std::vector<ConversationId> ids(const std::vector<InboxRow>& rows) {
  std::vector<ConversationId> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

TEST(Inbox, VisibilityRuleAcrossTheLifecycle) {
  using V = std::vector<ConversationId>;
  State s = at_stage(Stage::bot);
  EXPECT_EQ(inbox_for(s, "anna"), Inbox{}) << "the bot phase is the visitor's alone";

  must(s, RequestLiveChat{"c1", 120}, kBot);
  for (const char* u : {"anna", "carl", "bob"}) EXPECT_EQ(ids(inbox_for(s, u).unassigned), V{"c1"}) << u;

  must(s, AssignToMe{"c1"}, agent("anna"));
  EXPECT_EQ(ids(inbox_for(s, "anna").mine), V{"c1"});
  EXPECT_TRUE(ids(inbox_for(s, "anna").unassigned).empty());
  EXPECT_EQ(inbox_for(s, "carl"), Inbox{}) << "carl never sees anna's chat";
  EXPECT_EQ(inbox_for(s, "ada"), Inbox{}) << "admins follow the same rule";

  must(s, Reassign{"c1", "carl"}, agent("anna"));
  EXPECT_EQ(inbox_for(s, "anna"), Inbox{});
  EXPECT_EQ(ids(inbox_for(s, "carl").mine), V{"c1"}) << "reassigned: now carl's";

  must(s, CloseConversation{"c1"}, agent("carl"));
  for (const char* u : {"anna", "carl", "bob"}) EXPECT_EQ(ids(inbox_for(s, u).closed), V{"c1"}) << u;
  EXPECT_EQ(inbox_for(s, "anna").closed.front().closed_at, kT0);
}

TEST(Inbox, RowsShowNameLastMessageWaitAndMissed) {
  State s = at_stage(Stage::unassigned);
  auto row = inbox_for(s, "anna").unassigned.at(0);
  EXPECT_EQ(row.visitor_name, "Vera");
  EXPECT_EQ(row.last_message, "Hello");
  EXPECT_EQ(row.wait_deadline, kT0 + 120'000);
  EXPECT_FALSE(row.missed);
  must(s, ExpireWait{"c1"}, kSystem, kT0 + 120'000);
  row = inbox_for(s, "anna").unassigned.at(0);
  EXPECT_TRUE(row.missed);
  EXPECT_EQ(row.wait_deadline, 0);
}

TEST(Inbox, UnassignedOldestFirstMineNewestFirst) {
  State s = team();
  for (int i = 0; i < 3; ++i) {
    std::string id = "c" + std::to_string(i), v = "v" + std::to_string(i);
    must(s, StartConversation{id, v, "pb1", ""}, visitor(v), kT0 + i);
    must(s, RequestLiveChat{id, 120}, kBot, kT0 + 10 - i);  // c2 asked first
  }
  EXPECT_EQ(ids(inbox_for(s, "anna").unassigned), (std::vector<ConversationId>{"c2", "c1", "c0"}));
  must(s, AssignToMe{"c0"}, agent("anna"), kT0 + 100);
  must(s, AssignToMe{"c1"}, agent("anna"), kT0 + 200);
  EXPECT_EQ(ids(inbox_for(s, "anna").mine), (std::vector<ConversationId>{"c1", "c0"}));
}

// --- notifications --------------------------------------------------------------------------

TEST(Notifications, NewUnassignedGoesToOnlineUsersOnly) {
  State s = at_stage(Stage::bot);
  must(s, SetNotificationSettings{{false, true, true}}, agent("carl"));
  auto got = run_and_notify(s, RequestLiveChat{"c1", 120}, kBot);
  std::vector<Notification> expected = {{"ada", NotificationKind::new_unassigned, "c1"},
                                        {"anna", NotificationKind::new_unassigned, "c1"}};
  EXPECT_EQ(got, expected) << "bob is offline; carl turned it off";
}

TEST(Notifications, AssignedToYouOnlyWhenSomeoneElseAssigns) {
  State s = at_stage(Stage::unassigned);
  EXPECT_TRUE(run_and_notify(s, AssignToMe{"c1"}, agent("anna")).empty());
  auto got = run_and_notify(s, Reassign{"c1", "bob"}, agent("anna"));
  EXPECT_EQ(got, (std::vector<Notification>{{"bob", NotificationKind::assigned_to_you, "c1"}}))
      << "even offline users learn a chat was handed to them";
}

TEST(Notifications, NewVisitorMessageToTheAssigneeOnly) {
  State s = at_stage(Stage::assigned_to_anna);
  auto got = run_and_notify(s, SendMessage{"c1", "ciao", "m5"}, visitor("v1"));
  EXPECT_EQ(got, (std::vector<Notification>{{"anna", NotificationKind::new_message, "c1"}}));
  EXPECT_TRUE(run_and_notify(s, SendMessage{"c1", "hi", "a5"}, agent("anna")).empty()) << "own messages are silent";
  must(s, SetNotificationSettings{{true, true, false}}, agent("anna"));
  EXPECT_TRUE(run_and_notify(s, SendMessage{"c1", "again", "m6"}, visitor("v1")).empty()) << "turned off";
}

TEST(Notifications, GivingUpAChatTellsTheOthersOnline) {
  State s = at_stage(Stage::assigned_to_anna);
  auto got = run_and_notify(s, Reassign{"c1", ""}, agent("anna"));
  std::vector<Notification> expected = {{"ada", NotificationKind::new_unassigned, "c1"},
                                        {"carl", NotificationKind::new_unassigned, "c1"}};
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace livechat::test
