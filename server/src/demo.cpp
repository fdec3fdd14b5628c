#include "demo.hpp"

#include <memory>
#include <optional>

#include "auth.hpp"
#include "log.hpp"

namespace livechat::server {

namespace {

// N closed conversations of the demo playbook. Commands are decided against the engine's live
// state at once, so the three of a conversation can be issued back to back; `finish` runs once
// per conversation when its close is durable.
void seed_conversations(Engine& engine, int count, const std::shared_ptr<int>& pending,
                        const std::function<void()>& finish) {
  static const char* kNames[] = {"Giulia Conti", "Tom Baker", "Sofia Marino", "Ravi Patel", "Elena Greco",
                                 "Jonas Berg", "Chiara Ricci", "Omar Haddad"};
  static const char* kAsks[] = {"Do you ship to Switzerland?", "I'd like a quote for **20 seats**.",
                                "What does the *Pro* plan include?", "Can we book a demo next week?"};
  const Actor bot{Actor::Kind::bot, ""};
  // Seeded in order: when the last one exists, so do the others (no look-up of each one).
  if (count > 0 && engine.conversation("c_demo_" + std::to_string(count))) return;
  for (int i = 1; i <= count; ++i) {
    std::string n = std::to_string(i);
    ConversationId id = "c_demo_" + n;
    if (engine.conversation(id)) continue;
    std::string visitor = "v_demo_" + n;
    auto logged = [id](Result<Outcome> r) {
      if (!r) log_warn("demo conversation not added", {{"conversation", id}, {"error", r.error().message}});
    };
    std::string name = std::string(kNames[i % 8]) + " " + n;
    engine.run(StartConversation{id, visitor, kDemoPlaybookId, name}, bot, {}, logged);
    engine.run(SendMessage{id, kAsks[i % 4], "demo-" + n}, Actor{Actor::Kind::visitor, visitor}, {}, logged);
    ++*pending;
    engine.run(CloseConversation{id}, bot, {}, [logged, finish](Result<Outcome> r) {
      logged(std::move(r));
      finish();
    });
  }
}

}  // namespace

void seed_demo(Engine& engine, Store& store, const std::string& public_origin, const std::string& password,
               int conversations, std::function<void(std::vector<DemoLogin>)> done) {
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
  if (!existing || row.published_version == 0 || !listed) {  // published by nobody (the system)
    engine.publish(row, pb, "", w);
  } else {
    w.playbooks.push_back(row);
    engine.playbook_changed(row);
  }
  ++*pending;
  engine.write(std::move(w), [finish](const Status&) { finish(); });
  seed_conversations(engine, conversations, pending, finish);
  finish();
}

Status seed_history(Store& store, int conversations) {
  constexpr int kPerWrite = 5000;
  constexpr TimeMs kStart = 1'700'000'000'000;  // Nov 2023, a minute apart
  auto failed = std::make_shared<std::optional<Error>>();
  uint64_t pos = store.last_pos();
  for (int first = 1; first <= conversations; first += kPerWrite) {
    Write w;
    for (int i = first; i < first + kPerWrite && i <= conversations; ++i) {
      const std::string n = std::to_string(i), id = "c_h_" + n, visitor = "v_h_" + n;
      const TimeMs at = kStart + int64_t{i} * 60'000;
      w.events.push_back({++pos, ConversationStarted{id, 1, at, visitor, kDemoPlaybookId, "Seeded visitor " + n}});
      w.events.push_back(
          {++pos, MessagePosted{id, 2, at + 1000, Author::visitor, visitor, "Question number " + n, "m-" + n}});
      w.events.push_back({++pos, ConversationClosed{id, 3, at + 2000, ""}});
    }
    store.submit(std::move(w), [failed](const Status& s) {
      if (!s && !*failed) *failed = s.error();
    });
  }
  store.flush();
  if (*failed) return **failed;
  return ok_status();
}

}  // namespace livechat::server
