// A seeded random sequence of 100,000 commands from random actors (tests/core/random_commands.hpp),
// run through decide + apply.
// It prints the final state hash; tests/core/native_vs_wasm.sh checks that the native and the
// WebAssembly runs print the same one (and pass the same number of tests).
#include <cinttypes>
#include <cstdio>

#include "fixtures.hpp"
#include "random_commands.hpp"
#include "livechat/inbox.hpp"
#include "livechat/state_hash.hpp"

namespace livechat::test {
namespace {

using random_commands::random_command;
using random_commands::Rng;

// Invariants that must hold after every step.
void check_invariants(const State& s) {
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

TEST(Determinism, HundredThousandRandomCommandsGiveARecordedHash) {
  // The generator and its loop live in random_commands.hpp: the browser probe
  // (tests/e2e/core_probe.cpp) runs the very same sequence (seed 20261124, 100,000 commands).
  static_assert(random_commands::kSeed == 20261124 && random_commands::kSteps == 100'000);
  auto run = random_commands::run(random_commands::kSeed, random_commands::kSteps, [](int i, const State& s) {
    if (i % 997 == 0) check_invariants(s);
    return !::testing::Test::HasFatalFailure();
  });
  ASSERT_TRUE(run.setup_ok);
  ASSERT_TRUE(run.completed);
  const State& s = run.state;
  int accepted = run.accepted, conversations = run.conversations;
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
