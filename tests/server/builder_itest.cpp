// The playbook builder's REST routes against the real server (issue 15): the same core edits the
// dashboard applies. From an empty playbook: cards inserted on links and branches, the Live Chat
// card placed where the core proposes (never the start), a card edited, moved, a link set, a
// refused delete; Publish refused while a problem remains, naming its card; then a visitor walks
// the published flow to the Live Chat card and, nobody being online, through the offline flow.
#include "harness.hpp"

namespace livechat::itest {
namespace {

json card_of(const json& view, const std::string& id) {
  for (const auto& c : view["playbook"]["cards"])
    if (c.value("id", "") == id) return c;
  return nullptr;
}

TEST(PlaybookBuilder, BuildsTheArticlesFlowOverRest) {
  Server server;
  server.start();
  std::string admin = login(server, "admin@demo.local");
  ASSERT_FALSE(admin.empty());
  auto call = [&](const std::string& method, const std::string& path, const json& body = nullptr) {
    auto r = api(server, admin, method, path, body);
    json j = json::parse(r.body, nullptr, false);
    return std::make_pair(r.status, j);
  };

  auto [made, created] = call("POST", "/api/playbooks", {{"name", "Built"}, {"template", "empty"}});
  ASSERT_EQ(made, 201) << created.dump();
  std::string pb = "/api/playbooks/" + created.value("id", "");
  ASSERT_EQ(created["playbook"]["cards"].size(), 1u);

  // Greeting at the start, the question after it, a capture on the question's first button.
  auto insert = [&](const json& body) {
    auto [status, j] = call("POST", pb + "/cards", body);
    EXPECT_EQ(status, 201) << j.dump();
    return j.value("card_id", "");
  };
  EXPECT_EQ(insert({{"after", ""}, {"card", {{"type", "message"}, {"text", "Hi!"}, {"next", ""}}}}), "message");
  EXPECT_EQ(insert({{"after", "message"},
                    {"card", {{"type", "question"}, {"text", "Why?"}, {"answer_key", "intent"},
                              {"buttons", {{{"label", "A demo"}, {"next", ""}}, {{"label", "Browsing"}, {"next", ""}}}}}}}),
            "question");
  EXPECT_EQ(insert({{"after", "question"}, {"branch", "buttons.0.next"},
                    {"card", {{"type", "capture"}, {"text", "Email?"}, {"field", "email"}, {"next", ""}}}}),
            "capture");

  // A card that needs a next cannot go after a card with branches without naming the branch.
  auto [branchless, refused] = call("POST", pb + "/cards", {{"after", "question"}, {"card", {{"type", "end"}}}});
  EXPECT_EQ(branchless, 409) << refused.dump();

  // The Live Chat card without "after": where the core proposes, after the capture.
  auto [added, live] = call("POST", pb + "/live-chat-card", json::object());
  ASSERT_EQ(added, 201) << live.dump();
  EXPECT_EQ(live.value("card_id", ""), "live_chat");
  EXPECT_EQ(live["playbook"]["playbook"]["start"], "message") << "the Live Chat card never becomes the start card";
  EXPECT_EQ(card_of(live["playbook"], "capture")["next"], "live_chat");
  EXPECT_EQ(card_of(live["playbook"], "live_chat")["offline_next"], "end");

  // Publish is refused: nothing uses the captured email yet; the error names the card.
  auto [early, problem] = call("POST", pb + "/publish", {{"published", true}});
  EXPECT_EQ(early, 400) << problem.dump();
  EXPECT_EQ(problem["error"].value("field", ""), "cards.capture.answer_key") << problem.dump();

  // The offline flow creates a lead with the email; the card is edited in full, moved, linked.
  EXPECT_EQ(insert({{"after", "live_chat"}, {"branch", "offline_next"},
                    {"card", {{"type", "create_item"}, {"item", "lead"}, {"title", "Lead {{email}}"}, {"next", ""}}}}),
            "create_item");
  auto [edited, e] = call("PUT", pb + "/cards/create_item",
                          {{"type", "create_item"}, {"item", "lead"}, {"title", "Chat lead {{email}}"},
                           {"fields", {{"email", "email"}, {"note", "intent"}}}, {"next", "end"}});
  ASSERT_EQ(edited, 200) << e.dump();
  EXPECT_EQ(card_of(e, "create_item")["fields"]["email"], "email");
  auto [moved, m] = call("POST", pb + "/cards/message/move", {{"after", "question"}, {"branch", "buttons.1.next"}});
  ASSERT_EQ(moved, 200) << m.dump();
  EXPECT_EQ(m["playbook"]["start"], "question");
  EXPECT_EQ(card_of(m, "question")["buttons"][1]["next"], "message");
  EXPECT_EQ(card_of(m, "message")["next"], "end");
  auto [linked, l] = call("PUT", pb + "/links", {{"after", "message"}, {"target", "message"}});
  EXPECT_EQ(linked, 409) << "a card cannot lead to itself: " << l.dump();
  auto [kept, k] = call("DELETE", pb + "/cards/end");
  EXPECT_EQ(kept, 409) << k.dump();
  EXPECT_NE(k["error"].value("message", "").find("still points to it"), std::string::npos) << k.dump();

  // Published, a visitor walks it: nobody online, so the offline flow creates the lead.
  auto [published, p] = call("POST", pb + "/publish", {{"published", true}});
  ASSERT_EQ(published, 200) << p.dump();
  Visitor v;
  ASSERT_TRUE(v.connect(server, created.value("id", "")));
  ASSERT_EQ(v.start().value("type", ""), "ack");
  EXPECT_EQ(v.prompt().value("kind", ""), "buttons");
  ASSERT_EQ(v.answer("A demo").value("type", ""), "ack");
  EXPECT_EQ(v.prompt().value("field", ""), "email");
  ASSERT_EQ(v.answer("vera@example.it").value("type", ""), "ack");
  json done = v.prompt();
  EXPECT_EQ(done.value("kind", ""), "finished") << done.dump();
  bool lead = false;
  for (int i = 0; i < 50 && !lead; ++i) {
    lead = call("GET", "/api/leads").second.dump().find("Chat lead vera@example.it") != std::string::npos;
    if (!lead) v.peer.drain(100);
  }
  EXPECT_TRUE(lead) << "the offline flow created the lead";
}

}  // namespace
}  // namespace livechat::itest
