// A seeded random sequence of 100,000 commands from random actors, run through decide + apply.
// It prints the final state hash; tests/core/native_vs_wasm.sh checks that the native and the
// WebAssembly runs print the same one (and pass the same number of tests).
#include <cinttypes>
#include <cstdio>

#include "fixtures.hpp"
#include "livechat/inbox.hpp"
#include "livechat/state_hash.hpp"

namespace livechat::test {
namespace {

// A tiny deterministic generator (splitmix64): the same numbers on every platform.
struct Rng {
  uint64_t x;
  uint64_t next() {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

const char* const kUsers[] = {"ada", "anna", "bob", "carl"};
const char* const kTexts[] = {"Hello", "perché no?", "Привет", "你好", "👋 hi", "**bold** and *it*", "<script>x</script>"};

Command random_command(Rng& rng, int conversations, Actor& actor) {
  // Most commands go to one of the 20 newest conversations, so chats get to live their lives.
  int pick = conversations - 1 - rng.below(20);
  std::string conv = "c" + std::to_string(pick < 0 ? 0 : pick);
  std::string user = kUsers[rng.below(4)];
  std::string v = "v" + conv.substr(1);
  switch (rng.below(12)) {
    case 0: {
      std::string fresh = std::to_string(rng.below(20) ? conversations : 0);  // sometimes a taken id
      actor = visitor("v" + fresh);
      return StartConversation{"c" + fresh, "v" + fresh, "pb1", ""};
    }
    case 1: actor = visitor(v); return SendMessage{conv, kTexts[rng.below(7)], "m" + std::to_string(rng.below(50))};
    case 2: actor = kBot; return RequestLiveChat{conv, 1 + rng.below(300)};
    case 3: actor = agent(user); return AssignToMe{conv};
    case 4: actor = agent(user); return SendMessage{conv, kTexts[rng.below(7)], "a" + std::to_string(rng.below(50))};
    case 5: actor = agent(user); return Reassign{conv, rng.below(3) ? std::string(kUsers[rng.below(4)]) : ""};
    case 6: actor = agent(user); return CloseConversation{conv};
    case 7: actor = agent(user); return SetOnline{rng.below(4) != 0};
    case 8: actor = kSystem; return ExpireWait{conv};
    case 9: {
      actor = agent(user);
      SidePanel p;
      p.deal_value_cents = rng.below(5) - 1;
      p.currency = p.deal_value_cents >= 0 ? "EUR" : "";
      p.person_name = kTexts[rng.below(7)];
      return UpdateSidePanel{conv, p};
    }
    case 10: {
      actor = rng.below(2) ? agent(user) : kBot;
      return RecordItem{conv, static_cast<ItemKind>(rng.below(3)), "i" + std::to_string(rng.below(1000))};
    }
    default: actor = kSystem; return SetAway{user, rng.below(2) == 0};
  }
}

TEST(Determinism, HundredThousandRandomCommandsGiveARecordedHash) {
  State s = team();
  Rng rng{20261124};
  int accepted = 0, conversations = 0;
  TimeMs now = kT0;
  for (int i = 0; i < 100'000; ++i) {
    now += rng.below(5000);
    Actor actor;
    Command cmd = random_command(rng, conversations, actor);
    auto r = execute(s, cmd, actor, now);
    if (r) {
      ++accepted;
      if (std::holds_alternative<StartConversation>(cmd)) ++conversations;
    }
    // Invariants that must hold after every step.
    if (i % 997 == 0) {
      for (const auto& [id, c] : s.conversations) {
        if (c.phase == Phase::assigned) {
          ASSERT_FALSE(c.assignee.empty()) << id;
        }
        if (c.phase == Phase::unassigned || c.phase == Phase::bot) {
          ASSERT_TRUE(c.assignee.empty()) << id;
        }
        ASSERT_TRUE(c.phase != Phase::closed || c.closed_at > 0) << id;
      }
    }
  }
  // The sequence must exercise the rules, not bounce off them.
  EXPECT_GT(accepted, 20'000);
  EXPECT_GT(conversations, 1'000);
  int closed = 0, assigned = 0;
  for (const auto& [id, c] : s.conversations) {
    closed += c.phase == Phase::closed;
    assigned += c.phase == Phase::assigned;
  }
  EXPECT_GT(closed, 100);
  EXPECT_GT(assigned, 10);

  // Replaying the accepted events on a fresh state reaches the same hash (apply is a fold).
  uint64_t h = state_hash(s);
  std::printf("determinism_hash=%016" PRIx64 " accepted=%d conversations=%d\n", h, accepted, conversations);
  EXPECT_NE(h, state_hash(team()));
}

TEST(Determinism, ReplayingEventsRebuildsTheSameState) {
  State live = team();
  std::vector<Event> log;
  Rng rng{7};
  int conversations = 0;
  for (int i = 0; i < 5'000; ++i) {
    Actor actor;
    Command cmd = random_command(rng, conversations, actor);
    auto r = decide(live, cmd, actor, kT0 + i * 100);
    if (!r) continue;
    if (std::holds_alternative<StartConversation>(cmd)) ++conversations;
    for (const auto& e : r.value().events) {
      apply(live, e);
      log.push_back(e);
    }
  }
  State rebuilt = team();
  for (const auto& e : log) apply(rebuilt, e);
  EXPECT_EQ(rebuilt, live);
  EXPECT_EQ(state_hash(rebuilt), state_hash(live));
}

TEST(Determinism, HashSeesEveryChange) {
  State a = at_stage(Stage::assigned_to_anna), b = a;
  EXPECT_EQ(state_hash(a), state_hash(b));
  b.conversations.at("c1").messages.back().text += "!";
  EXPECT_NE(state_hash(a), state_hash(b));
  b = a;
  b.users.at("bob").notifications.new_message = false;
  EXPECT_NE(state_hash(a), state_hash(b));
}

}  // namespace
}  // namespace livechat::test
