// Automatic assignment (issue 17, item 4), the core's part: the waiting line in arrival order,
// each chat's place in it, and round robin among available users under their capacity. Tables.
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "livechat/assignment.hpp"

namespace livechat::test {
namespace {

const AssignmentPolicies kAuto = {{"pb1", {true, 1}}};

// The team (ada, anna, carl online; bob offline) with chats c1..cN of playbook `pb` asking for a
// human one second apart, in the order given.
State waiting(const std::vector<std::string>& ids, const std::string& pb = "pb1") {
  State s = team();
  TimeMs t = kT0;
  for (const auto& id : ids) {
    std::string v = "v-" + id;
    must(s, StartConversation{id, v, pb, ""}, visitor(v), t);
    must(s, RequestLiveChat{id, 120}, kBot, t += 1000);
  }
  return s;
}

TEST(Assignment, TheLineIsInArrivalOrderAndOnlyForAutomaticPlaybooks) {
  State s = waiting({"c3", "c1", "c2"});
  EXPECT_EQ(waiting_line(s, kAuto), (std::vector<ConversationId>{"c3", "c1", "c2"})) << "arrival, not id, order";
  EXPECT_EQ(place_in_line(s, kAuto, "c3"), 1u);
  EXPECT_EQ(place_in_line(s, kAuto, "c2"), 3u);
  EXPECT_EQ(place_in_line(s, kAuto, "nope"), 0u);
  EXPECT_TRUE(waiting_line(s, {}).empty()) << "a playbook not listed is manual";
  EXPECT_TRUE(waiting_line(s, {{"pb1", {false, 3}}}).empty()) << "manual: nobody is in a line";
  // Taken chats leave the line; the others move up.
  must(s, AssignToMe{"c3"}, agent("anna"), kT0 + 9000);
  EXPECT_EQ(place_in_line(s, kAuto, "c1"), 1u);
  EXPECT_EQ(place_in_line(s, kAuto, "c2"), 2u);
  EXPECT_EQ(place_in_line(s, kAuto, "c3"), 0u);
}

struct RoundRobinRow {
  const char* rule;
  std::vector<std::string> chats;
  int capacity;
  std::vector<std::string> offline;  // users who go offline first
  std::vector<Assignment> expected;
};

TEST(Assignment, RoundRobinUnderCapacity) {
  const RoundRobinRow rows[] = {
      {"one chat each, by id when nobody took one yet", {"c1", "c2", "c3"}, 1, {},
       {{"c1", "ada"}, {"c2", "anna"}, {"c3", "carl"}}},
      {"more chats than room: the rest wait", {"c1", "c2", "c3", "c4"}, 1, {},
       {{"c1", "ada"}, {"c2", "anna"}, {"c3", "carl"}}},
      {"capacity 2: turns go round before anyone gets a second", {"c1", "c2", "c3", "c4", "c5"}, 2, {},
       {{"c1", "ada"}, {"c2", "anna"}, {"c3", "carl"}, {"c4", "ada"}, {"c5", "anna"}}},
      {"only available users", {"c1", "c2", "c3"}, 1, {"ada", "carl"}, {{"c1", "anna"}}},
      {"nobody available: nobody assigned", {"c1"}, 1, {"ada", "anna", "carl"}, {}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.rule);
    State s = waiting(row.chats);
    for (const auto& u : row.offline) must(s, SetOnline{false}, agent(u));
    EXPECT_EQ(next_assignments(s, {{"pb1", {true, row.capacity}}}), row.expected);
  }
}

TEST(Assignment, TurnsFollowWhoTookAChatLast) {
  // anna took a chat (then closed it), then ada: carl, who never did, is next, then anna.
  State s = waiting({"old1", "old2"});
  must(s, AssignToMe{"old1"}, agent("anna"), kT0 + 10'000);
  must(s, CloseConversation{"old1"}, agent("anna"), kT0 + 11'000);
  must(s, AssignToMe{"old2"}, agent("ada"), kT0 + 12'000);
  must(s, CloseConversation{"old2"}, agent("ada"), kT0 + 13'000);
  for (const char* id : {"c1", "c2", "c3"}) {
    std::string v = std::string("v-") + id;
    must(s, StartConversation{id, v, "pb1", ""}, visitor(v), kT0 + 20'000);
    must(s, RequestLiveChat{id, 120}, kBot, kT0 + 20'000);
  }
  EXPECT_EQ(next_assignments(s, kAuto),
            (std::vector<Assignment>{{"c1", "carl"}, {"c2", "anna"}, {"c3", "ada"}}));
}

TEST(Assignment, OpenChatsCountAgainstCapacityWhateverTheirPlaybook) {
  State s = waiting({"m1"}, "pb-manual");
  must(s, AssignToMe{"m1"}, agent("ada"), kT0 + 5000);
  for (const char* id : {"c1", "c2"}) {
    std::string v = std::string("v-") + id;
    must(s, StartConversation{id, v, "pb1", ""}, visitor(v), kT0 + 6000);
    must(s, RequestLiveChat{id, 120}, kBot, kT0 + 6000);
  }
  EXPECT_EQ(open_chats(s, "ada"), 1);
  EXPECT_EQ(next_assignments(s, kAuto), (std::vector<Assignment>{{"c1", "anna"}, {"c2", "carl"}}))
      << "ada is full with her manual chat";
  // Each assignment decide accepts as AssignToMe, and then the line is empty.
  for (const auto& a : next_assignments(s, kAuto)) must(s, AssignToMe{a.conversation}, agent(a.to), kT0 + 7000);
  EXPECT_TRUE(waiting_line(s, kAuto).empty());
  EXPECT_TRUE(next_assignments(s, kAuto).empty());
}

TEST(Assignment, AClosedChatMakesRoomForTheNextInLine) {
  State s = waiting({"c1", "c2", "c3", "c4"});
  for (const char* u : {"ada", "carl"}) must(s, SetOnline{false}, agent(u));  // anna alone, capacity 1
  auto first = next_assignments(s, kAuto);
  ASSERT_EQ(first, (std::vector<Assignment>{{"c1", "anna"}}));
  must(s, AssignToMe{"c1"}, agent("anna"), kT0 + 9000);
  EXPECT_TRUE(next_assignments(s, kAuto).empty());
  EXPECT_EQ(place_in_line(s, kAuto, "c3"), 2u) << "the visitor of c3 reads \"2nd in line\"";
  must(s, CloseConversation{"c1"}, agent("anna"), kT0 + 10'000);
  EXPECT_EQ(next_assignments(s, kAuto), (std::vector<Assignment>{{"c2", "anna"}}));
}

}  // namespace
}  // namespace livechat::test
