// Shared test fixtures: a small cast of users and a conversation in each phase.
//   ada  - admin, online          anna - regular, online
//   carl - regular, online        bob  - regular, offline
//   visitor "v1" owns every conversation below; "v2" is another visitor.
#pragma once
#include <string>

#include <gtest/gtest.h>

#include "cast.hpp"
#include "livechat/notifications.hpp"
#include "livechat/rules.hpp"

namespace livechat::test {

// Runs a command that must succeed; fails the test with the error otherwise.
inline void must(State& s, const Command& c, const Actor& a, TimeMs now = kT0) {
  auto r = execute(s, c, a, now);
  ASSERT_TRUE(r.ok()) << "command failed: " << r.error().message;
}

// The team of cast.hpp, failing the test if any set-up command is refused.
inline State team() {
  bool ok = false;
  State s = team(ok);
  EXPECT_TRUE(ok) << "team set-up refused";
  return s;
}

enum class Stage { bot, unassigned, missed, assigned_to_anna, closed };

inline const char* stage_name(Stage st) {
  switch (st) {
    case Stage::bot: return "bot";
    case Stage::unassigned: return "unassigned";
    case Stage::missed: return "missed";
    case Stage::assigned_to_anna: return "assigned_to_anna";
    case Stage::closed: return "closed";
  }
  return "?";
}

// The team plus conversation "c1" of visitor "v1" brought to `stage` (wait time 120 s from kT0;
// the closed one was assigned to anna and closed by her).
inline State at_stage(Stage st) {
  State s = team();
  must(s, StartConversation{"c1", "v1", "pb1", "Vera"}, visitor("v1"));
  must(s, SendMessage{"c1", "Hello", "m1"}, visitor("v1"));
  if (st == Stage::bot) return s;
  must(s, RequestLiveChat{"c1", 120}, kBot);
  if (st == Stage::unassigned) return s;
  if (st == Stage::missed) {
    must(s, ExpireWait{"c1"}, kSystem, kT0 + 120'000);
    return s;
  }
  must(s, AssignToMe{"c1"}, agent("anna"), kT0 + 1000);
  if (st == Stage::assigned_to_anna) return s;
  must(s, CloseConversation{"c1"}, agent("anna"), kT0 + 2000);
  return s;
}

// Runs a command that must succeed and returns the notifications its events cause.
inline std::vector<Notification> run_and_notify(State& s, const Command& c, const Actor& a) {
  auto r = execute(s, c, a, kT0 + 1);
  EXPECT_TRUE(r.ok()) << r.error().message;
  std::vector<Notification> out;
  if (r)
    for (const auto& e : r.value().events)
      for (auto& n : notifications_for(s, e)) out.push_back(n);
  return out;
}

}  // namespace livechat::test
