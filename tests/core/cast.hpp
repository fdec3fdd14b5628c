// The test cast, without GoogleTest (the browser probe uses it too):
//   ada  - admin, online          anna - regular, online
//   carl - regular, online        bob  - regular, offline
#pragma once
#include <string>
#include <utility>

#include "livechat/rules.hpp"

namespace livechat::test {

inline const Actor kSystem{Actor::Kind::system, ""};
inline const Actor kBot{Actor::Kind::bot, ""};
inline Actor agent(std::string id) { return {Actor::Kind::agent, std::move(id)}; }
inline Actor visitor(std::string id) { return {Actor::Kind::visitor, std::move(id)}; }
inline constexpr TimeMs kT0 = 1'700'000'000'000;

inline User make_user(std::string id, std::string name, Role role) {
  User u;
  u.id = id;
  u.name = std::move(name);
  u.email = id + "@example.com";
  u.role = role;
  return u;
}

// The team: ada (admin), anna, carl online; bob offline. `ok` turns
// false if any set-up command is refused.
inline State team(bool& ok) {
  State s;
  ok = true;
  auto run = [&](const Command& c, const Actor& a) { ok = execute(s, c, a, kT0).ok() && ok; };
  run(AddUser{make_user("ada", "Ada", Role::admin)}, kSystem);
  run(AddUser{make_user("anna", "Anna", Role::regular)}, kSystem);
  run(AddUser{make_user("bob", "Bob", Role::regular)}, kSystem);
  run(AddUser{make_user("carl", "Carl", Role::regular)}, kSystem);
  for (const char* id : {"ada", "anna", "carl"}) run(SetOnline{true}, agent(id));
  return s;
}

}  // namespace livechat::test
