// The playbook builder's REST routes against the real server (issue 15): the same core edits the
// dashboard applies. From an empty playbook: cards inserted on links and branches, the Live Chat
// card placed where the core proposes (never the start), a card edited, moved, a link set, a
// refused delete; Publish refused while a problem remains, naming its card; then a visitor walks
// the published flow to the Live Chat card and, nobody being online, through the offline flow.
#include "harness.hpp"

namespace livechat::itest {
namespace {

json card_of(const json& view, const std::string& id) {  // a view or a version
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

// The bot's next message containing `text` (null after the timeout).
json bot_says(Visitor& v, const std::string& text) {
  return v.peer.wait([&](const json& j) {
    return j.value("type", "") == "event" && j["event"].value("type", "") == "message_posted" &&
           j["event"].value("text", "").find(text) != std::string::npos;
  });
}

// Drafts and versions (issue 15, item 3): edits wait in the draft until Publish; a conversation
// finishes on the version it started with, even across a restart; going back to an earlier
// version publishes it again as a new one; discard and unpublish.
TEST(PlaybookVersions, ADraftWaitsForPublishAndRunsKeepTheirVersion) {
  Server server;
  server.start();
  std::string admin = login(server, "admin@demo.local");
  auto call = [&](const std::string& method, const std::string& path, const json& body = nullptr) {
    auto r = api(server, admin, method, path, body);
    return std::make_pair(r.status, json::parse(r.body, nullptr, false));
  };
  auto [made, created] = call("POST", "/api/playbooks", {{"name", "Versions"}, {"template", "live_chat"}});
  ASSERT_EQ(made, 201) << created.dump();
  const std::string id = created.value("id", ""), pb = "/api/playbooks/" + id;
  EXPECT_EQ(created["published_version"], 0);
  EXPECT_TRUE(created["draft"].get<bool>());
  auto [first, v1] = call("POST", pb + "/publish", {{"published", true}});
  ASSERT_EQ(first, 200) << v1.dump();
  EXPECT_EQ(v1["published_version"], 1);
  EXPECT_FALSE(v1["draft"].get<bool>());
  EXPECT_EQ(v1["changes"], json::array());

  Visitor anna;  // starts on version 1 and is mid-flow when version 2 goes live
  ASSERT_TRUE(anna.connect(server, id));
  ASSERT_EQ(anna.start().value("type", ""), "ack");
  EXPECT_EQ(anna.prompt().value("kind", ""), "buttons");
  const std::string first_chat = anna.conversation;

  // The draft: a new text for the email question. Visitors do not see it yet.
  const std::string old_text = "Great! What is your email address?", new_text = "Your work email, please?";
  auto [edited, draft] = call("PUT", pb + "/cards/ask_email",
                              {{"type", "capture"}, {"text", new_text}, {"field", "email"}, {"next", "ask_name"}});
  ASSERT_EQ(edited, 200) << draft.dump();
  EXPECT_EQ(draft["published_version"], 1);
  EXPECT_TRUE(draft["draft"].get<bool>());
  EXPECT_EQ(draft["changes"], json::parse(R"([{"kind":"card_changed","name":"ask_email","fields":["text"]}])"));
  Visitor ben;
  ASSERT_TRUE(ben.connect(server, id));
  ASSERT_EQ(ben.start().value("type", ""), "ack");
  ASSERT_EQ(ben.answer("I want a demo").value("type", ""), "ack");
  EXPECT_TRUE(bot_says(ben, old_text).is_object()) << "an unpublished draft never reaches visitors";

  auto [second, v2] = call("POST", pb + "/publish", json::object());
  ASSERT_EQ(second, 200) << v2.dump();
  EXPECT_EQ(v2["published_version"], 2);
  auto [again, same] = call("POST", pb + "/publish", json::object());
  EXPECT_EQ(again, 200);
  EXPECT_EQ(same["published_version"], 2) << "publishing an unchanged draft makes no new version";

  // Anna, mid-flow on version 1, goes on with it; so does she after a restart. Carla gets 2.
  server.stop();
  server.start();
  admin = login(server, "admin@demo.local");
  ASSERT_TRUE(anna.connect(server, id));
  ASSERT_EQ(anna.conversation, first_chat);
  anna.peer.send({{"v", 1}, {"type", "resume"}, {"conversation", anna.conversation}, {"after", 0}});
  EXPECT_EQ(anna.prompt().value("kind", ""), "buttons") << "back where she was";
  ASSERT_EQ(anna.answer("I want a demo").value("type", ""), "ack");
  EXPECT_TRUE(bot_says(anna, old_text).is_object()) << "a running conversation keeps the version it started on";
  Visitor carla;
  ASSERT_TRUE(carla.connect(server, id));
  ASSERT_EQ(carla.start().value("type", ""), "ack");
  ASSERT_EQ(carla.answer("I want a demo").value("type", ""), "ack");
  EXPECT_TRUE(bot_says(carla, new_text).is_object()) << "a new conversation starts on the published version";

  // The versions, newest first, with who published them.
  auto [listed, versions] = call("GET", pb + "/versions");
  ASSERT_EQ(listed, 200) << versions.dump();
  EXPECT_EQ(versions["published_version"], 2);
  ASSERT_EQ(versions["versions"].size(), 2u) << versions.dump();
  EXPECT_EQ(versions["versions"][0]["version"], 2);
  EXPECT_EQ(versions["versions"][0]["author_name"], "Ada Admin");
  EXPECT_GT(versions["versions"][1]["created_at"].get<int64_t>(), 0);
  EXPECT_EQ(call("GET", pb + "/versions/9").first, 404);
  EXPECT_EQ(call("GET", pb + "/versions/1x").first, 404);

  // Back to version 1: restored into the draft, then published as version 3 (1 and 2 unchanged).
  auto [restored, back] = call("POST", pb + "/versions/1/restore", json::object());
  ASSERT_EQ(restored, 200) << back.dump();
  EXPECT_EQ(back["changes"], json::parse(R"([{"kind":"card_changed","name":"ask_email","fields":["text"]}])"));
  auto [third, v3] = call("POST", pb + "/publish", json::object());
  ASSERT_EQ(third, 200) << v3.dump();
  EXPECT_EQ(v3["published_version"], 3);
  auto [read2, version2] = call("GET", pb + "/versions/2");
  ASSERT_EQ(read2, 200);
  EXPECT_EQ(card_of(version2, "ask_email")["text"], new_text) << "nothing rewritten";
  Visitor dora;
  ASSERT_TRUE(dora.connect(server, id));
  ASSERT_EQ(dora.start().value("type", ""), "ack");
  ASSERT_EQ(dora.answer("I want a demo").value("type", ""), "ack");
  EXPECT_TRUE(bot_says(dora, old_text).is_object()) << "the rollback is live";

  // Discard: the draft goes back to the published version. (PUT of the whole playbook, as the
  // dashboard saves, answers the changes too.)
  json whole = call("GET", pb).second["playbook"];
  whole["bot_name"] = "Lia";
  auto [put, changed] = call("PUT", pb, whole);
  ASSERT_EQ(put, 200) << changed.dump();
  EXPECT_EQ(changed["changes"], json::parse(R"([{"kind":"setting","name":"bot_name","fields":[]}])"));
  ASSERT_EQ(call("PATCH", pb + "/cards/greeting", {{"text", "Hello!"}}).first, 200);
  auto [discarded, clean] = call("POST", pb + "/discard", json::object());
  ASSERT_EQ(discarded, 200) << clean.dump();
  EXPECT_FALSE(clean["draft"].get<bool>());
  EXPECT_EQ(card_of(clean, "greeting")["text"], "Hi there! Welcome, we are happy to help.");

  // Unpublished: no new visitor; the versions stay; publishing again makes version 4.
  auto [off, unpublished] = call("POST", pb + "/publish", {{"published", false}});
  ASSERT_EQ(off, 200);
  EXPECT_EQ(unpublished["published_version"], 0);
  EXPECT_FALSE(unpublished["playbook"]["published"].get<bool>());
  Visitor eve;
  EXPECT_FALSE(eve.connect(server, id));
  EXPECT_EQ(call("GET", pb + "/versions").second["versions"].size(), 3u);
  EXPECT_EQ(call("POST", pb + "/discard", json::object()).first, 409) << "nothing published to go back to";
  EXPECT_EQ(call("POST", pb + "/publish", json::object()).second["published_version"], 4);
}

}  // namespace
}  // namespace livechat::itest
