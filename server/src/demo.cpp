#include "demo.hpp"

#include <memory>

#include "auth.hpp"
#include "log.hpp"

namespace livechat::server {

void seed_demo(Engine& engine, Store& store, const std::string& public_origin, const std::string& password,
               std::function<void(std::vector<DemoLogin>)> done) {
  struct Seed {
    const char* id;
    const char* name;
    const char* email;
    Role role;
  };
  static const Seed kUsers[] = {{"u_demo_admin", "Ada Admin", "admin@demo.local", Role::admin},
                                {"u_demo_anna", "Anna Rossi", "anna@demo.local", Role::regular},
                                {"u_demo_marco", "Marco Bianchi", "marco@demo.local", Role::regular}};
  auto logins = std::make_shared<std::vector<DemoLogin>>();
  auto pending = std::make_shared<int>(1);  // 1 until every write is under way
  auto finish = [logins, pending, done]() {
    if (--*pending == 0) done(*logins);
  };
  const Actor system{Actor::Kind::system, ""};

  for (const auto& seed : kUsers) {
    std::string pw = password.empty() ? new_token().substr(0, 16) : password;
    logins->push_back(DemoLogin{seed.name, seed.email, pw, seed.role == Role::admin});
    Write w;
    w.credentials.push_back(CredentialRow{seed.id, hash_password(pw)});
    ++*pending;
    if (engine.committed().users.count(seed.id)) {
      engine.write(std::move(w), [finish](const Status&) { finish(); });
      continue;
    }
    User u;
    u.id = seed.id;
    u.name = seed.name;
    u.email = seed.email;
    u.role = seed.role;
    engine.run(AddUser{u}, system, std::move(w), [finish, id = u.id](Result<Outcome> r) {
      if (!r) log_warn("demo user not added", {{"user", id}, {"error", r.error().message}});
      finish();
    });
  }

  // The demo playbook: the Live Chat template, published, allowed on our own pages.
  auto existing = store.playbook(kDemoPlaybookId);
  Playbook pb;
  PlaybookRow row;
  if (existing) {
    auto parsed = playbook_from_json(existing->json);
    if (parsed) pb = parsed.value();
    row = *existing;
  }
  if (!existing || pb.cards.empty()) {
    pb = live_chat_template(kDemoPlaybookId, "Website chat (demo)");
    pb.bot_name = "Lia";
    pb.published = true;
    row.id = kDemoPlaybookId;
  }
  bool listed = false;
  for (const auto& o : pb.allowed_origins) listed = listed || o == public_origin;
  if (!listed) pb.allowed_origins.push_back(public_origin);
  row.json = playbook_to_json(pb);
  Write w;
  w.playbooks.push_back(row);
  engine.playbook_changed(row);
  ++*pending;
  engine.write(std::move(w), [finish](const Status&) { finish(); });
  finish();
}

}  // namespace livechat::server
