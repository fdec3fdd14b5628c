// --demo: an admin and two agents, the demo playbook made from the Live Chat template, published
// and allowed on this server's own pages (the demo page at /demo/). Idempotent: users and the
// playbook are created once; passwords are (re)set at every start.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "engine.hpp"

namespace livechat::server {

inline constexpr const char* kDemoPlaybookId = "pb_demo";

struct DemoLogin {
  std::string name, email, password;
  bool admin = false;
};

// `password` empty: a new random password per user. `conversations` > 0 (--demo-conversations)
// also adds that many closed conversations of the demo playbook (c_demo_1 ...; each a visitor
// message, closed by the chatbot), for scale tests of the dashboard's Closed folder; ones that
// exist are kept. `done` runs once everything is durable.
void seed_demo(Engine& engine, Store& store, const std::string& public_origin, const std::string& password,
               int conversations, std::function<void(std::vector<DemoLogin>)> done);

// A large history for scale tests and benchmarks, written straight into the store (never through
// the engine): `conversations` closed conversations of the demo playbook after the store's last
// position, conversation i being c_h_<i> (visitor v_h_<i>, "Seeded visitor <i>"): started, one
// visitor question, closed by the chatbot. 5,000 conversations a transaction; returns once durable.
Status seed_history(Store& store, int conversations);

}  // namespace livechat::server
