// The seeded random command sequence shared by tests/core/determinism_test.cpp (native and WASM
// under node) and tests/e2e/core_probe.cpp (WASM in a real browser): one generator, so every
// side runs exactly the same commands and must reach the same state hash.
// It needs only the core: no GoogleTest (the browser probe builds without it) and no iostream.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "cast.hpp"
#include "livechat/rules.hpp"

namespace livechat::random_commands {

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

using test::agent;
using test::kBot;
using test::kSystem;
using test::kT0;
using test::team;
using test::visitor;

inline const char* const kUsers[] = {"ada", "anna", "bob", "carl"};
inline const char* const kTexts[] = {"Hello", "perché no?", "Привет", "你好", "👋 hi", "**bold** and *it*", "<script>x</script>"};

inline Command random_command(Rng& rng, int conversations, Actor& actor) {
  // Most commands go to one of the 20 newest conversations, so chats get to live their lives.
  int pick = conversations - 1 - rng.below(20);
  std::string conv = "c" + std::to_string(pick < 0 ? 0 : pick);
  std::string user = kUsers[rng.below(4)];
  std::string v = "v" + conv.substr(1);
  switch (rng.below(13)) {
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
    case 11: actor = agent(user); return PostNote{conv, kTexts[rng.below(7)], "n" + std::to_string(rng.below(50))};
    default: actor = kSystem; return SetAway{user, rng.below(2) == 0};
  }
}

// What a run ends with.
struct Run {
  State state;
  int accepted = 0;        // commands decide accepted
  int conversations = 0;   // conversations started
  bool setup_ok = false;   // the team was set up without a refusal
  bool completed = false;  // every step ran (the observer did not stop it)
};

// The recorded sequence (tests/core/determinism_test.cpp): 100,000 commands from seed 20261124.
inline constexpr uint64_t kSeed = 20261124;
inline constexpr int kSteps = 100'000;

// Runs `steps` random commands from `seed` through execute (decide + apply), starting from the
// team at kT0 with the clock moving 0..4999 ms per step. After each step it calls
// observe(step_index, state); returning false stops the run early (completed stays false).
template <class Observe>
Run run(uint64_t seed, int steps, Observe observe) {
  Run out;
  out.state = team(out.setup_ok);
  Rng rng{seed};
  TimeMs now = kT0;
  for (int i = 0; i < steps; ++i) {
    now += rng.below(5000);
    Actor actor;
    Command cmd = random_command(rng, out.conversations, actor);
    auto r = execute(out.state, cmd, actor, now);
    if (r) {
      ++out.accepted;
      if (std::holds_alternative<StartConversation>(cmd)) ++out.conversations;
    }
    if (!observe(i, static_cast<const State&>(out.state))) return out;
  }
  out.completed = true;
  return out;
}

inline Run run(uint64_t seed = kSeed, int steps = kSteps) {
  return run(seed, steps, [](int, const State&) { return true; });
}

}  // namespace livechat::random_commands
