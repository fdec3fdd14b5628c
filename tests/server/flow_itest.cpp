// The article's flows against the real server: visitor, chatbot, live chat, Unassigned, assign,
// chat both ways, reassign, side panel, lead and deal, close, Closed, edits after close.
#include "harness.hpp"

namespace livechat::itest {
namespace {

// Walks the demo playbook (Live Chat template) to the Live Chat card.
void to_live_chat_card(Visitor& v) {
  ASSERT_EQ(v.start().value("type", ""), "ack");
  json p = v.prompt();
  ASSERT_EQ(p.value("kind", ""), "buttons");
  ASSERT_EQ(v.answer("I want a demo").value("type", ""), "ack");
  EXPECT_EQ(v.prompt().value("field", ""), "email");
  ASSERT_EQ(v.answer("vera@example.it").value("type", ""), "ack");
  EXPECT_EQ(v.prompt().value("field", ""), "name");
  ASSERT_EQ(v.answer("Vera Rossi").value("type", ""), "ack");
}

bool is_event(const json& j, const std::string& type) {
  return j.value("type", "") == "event" && j["event"].value("type", "") == type;
}

TEST(ArticleFlow, VisitorToLeadToClosedAndBeyond) {
  Server server;
  server.start();
  Agent anna, marco;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_TRUE(marco.connect(server, "marco@demo.local"));
  EXPECT_EQ(anna.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");
  EXPECT_EQ(marco.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");

  Visitor v;
  ASSERT_TRUE(v.connect(server));
  to_live_chat_card(v);
  EXPECT_EQ(v.prompt().value("kind", ""), "waiting_for_agent");
  v.peer.wait_event("live_chat_requested", v.conversation);
  std::string c = v.conversation;

  // The conversation enters Unassigned: both online agents see it and are notified.
  for (Agent* a : {&anna, &marco}) {
    json conv = a->peer.wait_type("conversation");
    EXPECT_EQ(conv["conversation"]["id"], c);
    EXPECT_EQ(conv["conversation"]["phase"], "unassigned");
    EXPECT_EQ(a->peer.wait_type("notify")["kind"], "new_unassigned");
  }

  // Assign to me: anna takes it; marco loses sight of it; the visitor sees "Anna joined".
  EXPECT_EQ(anna.command({{"type", "assign_to_me"}, {"conversation", c}}).value("type", ""), "ack");
  anna.peer.wait_event("conversation_assigned", c);
  EXPECT_EQ(marco.peer.wait_type("hidden")["conversation"], c);
  json joined_user = v.peer.wait_event("user_added");
  EXPECT_EQ(joined_user["event"]["user"]["name"], "Anna Rossi");
  EXPECT_EQ(joined_user["event"]["user"]["email"], "") << "visitors never learn agents' emails";
  v.peer.wait_event("conversation_assigned", c);

  // Chat both ways, with notifications for the assignee.
  EXPECT_EQ(anna.command({{"type", "send_message"}, {"conversation", c}, {"text", "Ciao Vera, sono Anna 👋"}, {"client_id", "a-1"}})
                .value("type", ""),
            "ack");
  json got = v.peer.wait([](const json& j) { return is_event(j, "message_posted") && j["event"]["author"] == "agent"; });
  EXPECT_EQ(got["event"]["text"], "Ciao Vera, sono Anna 👋");
  EXPECT_EQ(v.say("Vorrei una demo, perché?").value("type", ""), "ack");
  EXPECT_EQ(anna.peer.wait([](const json& j) { return is_event(j, "message_posted") && j["event"]["author"] == "visitor"; })
                ["event"]["text"],
            "Vorrei una demo, perché?");
  EXPECT_EQ(anna.peer.wait_type("notify")["kind"], "new_message");
  EXPECT_FALSE(marco.peer.sees([](const json& j) { return is_event(j, "message_posted"); }, 200))
      << "marco must not see anna's chat";

  // Another agent cannot act on it: to him it does not exist.
  EXPECT_EQ(marco.command({{"type", "send_message"}, {"conversation", c}, {"text", "hi"}, {"client_id", "m-1"}})["code"],
            "not_found");
  EXPECT_EQ(marco.command({{"type", "close_conversation"}, {"conversation", c}})["code"], "not_found");

  // Reassign to marco, then marco gives it back to Unassigned.
  EXPECT_EQ(anna.command({{"type", "reassign"}, {"conversation", c}, {"to", marco.user_id}}).value("type", ""), "ack");
  EXPECT_EQ(anna.peer.wait_type("hidden")["conversation"], c);
  EXPECT_EQ(marco.peer.wait_type("conversation")["conversation"]["assignee"], marco.user_id);
  EXPECT_EQ(marco.peer.wait_type("notify")["kind"], "assigned_to_you");
  EXPECT_EQ(marco.command({{"type", "reassign"}, {"conversation", c}, {"to", ""}}).value("type", ""), "ack");
  EXPECT_EQ(anna.peer.wait_type("conversation")["conversation"]["phase"], "unassigned");
  EXPECT_EQ(anna.command({{"type", "assign_to_me"}, {"conversation", c}}).value("type", ""), "ack");

  // Side panel (the chatbot already captured email and name), then a lead and a deal.
  json panel = {{"deal_value_cents", 250000}, {"currency", "EUR"}, {"expected_close_date", "2026-12-31"},
                {"person_name", "Vera Rossi"}, {"email", "vera@example.it"}, {"phone", "+39 02 1234 5678"},
                {"organization_name", "Rossi Srl"}, {"organization_address", "Via Roma 1, Milano"},
                {"notes", "Wants a demo for 5 seats"}};
  EXPECT_EQ(anna.command({{"type", "update_side_panel"}, {"conversation", c}, {"panel", panel}}).value("type", ""), "ack");
  json bad_panel = panel;
  bad_panel["email"] = "vera@";
  json refused = anna.command({{"type", "update_side_panel"}, {"conversation", c}, {"panel", bad_panel}});
  EXPECT_EQ(refused["code"], "invalid_field");
  EXPECT_EQ(refused["field"], "email");
  EXPECT_EQ(anna.command({{"type", "record_item"}, {"conversation", c}, {"kind", "lead"}, {"item_id", "x"}}).value("type", ""),
            "ack");
  json lead_row = anna.peer.wait_event("item_recorded", c);
  std::string lead_id = lead_row["event"]["item_id"];
  auto deal = api(server, anna.token, "POST", "/api/conversations/" + c + "/deals", json{{"title", "5 seats"}});
  EXPECT_EQ(deal.status, 201) << deal.body;
  anna.peer.wait_event("item_recorded", c);
  json state = json::parse(api(server, anna.token, "GET", "/api/conversations/" + c).body);
  EXPECT_EQ(state["phase"], "assigned") << "creating a lead or deal never closes";

  // The lead is a real CRM row linked to the person and organization from the side panel.
  json lead = json::parse(api(server, anna.token, "GET", "/api/leads/" + lead_id).body);
  EXPECT_EQ(lead["conversation_id"], c);
  EXPECT_EQ(lead["value_cents"], 250000);
  EXPECT_EQ(lead["source"], "live_chat");
  json person = json::parse(api(server, anna.token, "GET", "/api/persons/" + lead["person_id"].get<std::string>()).body);
  EXPECT_EQ(person["email"], "vera@example.it");
  json org = json::parse(api(server, anna.token, "GET", "/api/organizations/" + lead["organization_id"].get<std::string>()).body);
  EXPECT_EQ(org["name"], "Rossi Srl");
  json deals = json::parse(api(server, anna.token, "GET", "/api/deals?conversation=" + c).body);
  ASSERT_EQ(deals.size(), 1u);
  EXPECT_EQ(deals[0]["title"], "5 seats");

  // Close: the visitor sees the chat ended; everyone sees it in Closed with its time.
  EXPECT_EQ(anna.command({{"type", "close_conversation"}, {"conversation", c}}).value("type", ""), "ack");
  v.peer.wait_event("conversation_closed", c);
  EXPECT_EQ(v.peer.wait([](const json& j) { return j.value("type", "") == "prompt" && j["kind"] == "finished"; })["kind"],
            "finished");
  json closed = marco.peer.wait_type("conversation");
  EXPECT_EQ(closed["conversation"]["phase"], "closed");
  EXPECT_GT(closed["conversation"]["closed_at"].get<int64_t>(), 0);

  // After closing: never reopened, no new messages; side panel and leads still editable.
  EXPECT_EQ(marco.command({{"type", "assign_to_me"}, {"conversation", c}})["code"], "closed");
  EXPECT_EQ(v.say("hello?")["code"], "closed");
  panel["notes"] = "Follow up in January";
  EXPECT_EQ(marco.command({{"type", "update_side_panel"}, {"conversation", c}, {"panel", panel}}).value("type", ""), "ack");
  auto late_lead = api(server, marco.token, "POST", "/api/conversations/" + c + "/leads", json{{"title", "Upsell"}});
  EXPECT_EQ(late_lead.status, 201) << late_lead.body;
}

TEST(ArticleFlow, WaitTimeRunsOutIntoTheOfflineFlow) {
  Server server;
  server.start();
  std::string admin = login(server, "admin@demo.local");
  auto edit = api(server, admin, "PATCH", "/api/playbooks/pb_demo/cards/live_chat", json{{"wait_seconds", 1}});
  ASSERT_EQ(edit.status, 200) << edit.body;
  auto published = api(server, admin, "POST", "/api/playbooks/pb_demo/publish", json::object());
  ASSERT_EQ(published.status, 200) << published.body;  // the draft's wait time reaches visitors
  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  anna.command({{"type", "set_online"}, {"online", true}});

  Visitor v;
  ASSERT_TRUE(v.connect(server));
  to_live_chat_card(v);
  EXPECT_EQ(v.prompt().value("kind", ""), "waiting_for_agent");
  // Nobody takes it: after the wait time the visitor gets the offline message and the flow.
  v.peer.wait_event("wait_expired", v.conversation, 5000);
  json offline = v.peer.wait([](const json& j) {
    return is_event(j, "message_posted") && j["event"]["text"].get<std::string>().find("nobody is available") != std::string::npos;
  });
  EXPECT_TRUE(offline.is_object());
  EXPECT_EQ(v.peer.wait([](const json& j) { return j.value("type", "") == "prompt" && j["kind"] == "finished"; })["kind"],
            "finished");
  // The lead from the offline flow exists, linked to the chat; the chat stays in Unassigned, missed.
  anna.peer.wait_event("item_recorded", v.conversation);
  json leads = json::parse(api(server, anna.token, "GET", "/api/leads?conversation=" + v.conversation).body);
  ASSERT_EQ(leads.size(), 1u);
  EXPECT_EQ(leads[0]["source"], "chatbot");
  EXPECT_EQ(leads[0]["title"], "Chat lead: Vera Rossi");
  json conv = json::parse(api(server, anna.token, "GET", "/api/conversations/" + v.conversation).body);
  EXPECT_EQ(conv["phase"], "unassigned");
  EXPECT_EQ(conv["missed"], true);
  // The finished run is durable: after a restart the widget is told the chatbot is done.
  server.kill9();
  server.start();
  Visitor back;
  back.token = v.token;
  ASSERT_TRUE(back.connect(server));
  ASSERT_EQ(back.conversation, v.conversation);
  back.peer.send({{"v", 1}, {"type", "resume"}, {"conversation", back.conversation}, {"after", 0}});
  back.peer.wait_type("resumed");
  EXPECT_EQ(back.prompt().value("kind", ""), "finished");

  // It can still be taken, and then the visitor writes to a human again.
  Agent anna2;
  ASSERT_TRUE(anna2.connect(server, "anna@demo.local"));
  anna2.command({{"type", "set_online"}, {"online", true}});
  EXPECT_EQ(anna2.command({{"type", "assign_to_me"}, {"conversation", v.conversation}}).value("type", ""), "ack");
  EXPECT_EQ(back.prompt().value("kind", ""), "waiting_for_agent");
  EXPECT_EQ(back.say("Still there? Great").value("type", ""), "ack");
  EXPECT_EQ(anna2.peer.wait([](const json& j) { return is_event(j, "message_posted") && j["event"]["author"] == "visitor"; })
                ["event"]["text"],
            "Still there? Great");
}

TEST(ArticleFlow, NobodyOnlineRunsTheOfflineFlowAtOnce) {
  Server server;
  server.start();
  Visitor v;
  ASSERT_TRUE(v.connect(server));
  to_live_chat_card(v);
  json p = v.prompt();
  EXPECT_EQ(p.value("kind", ""), "finished");
  v.peer.wait([](const json& j) {
    return is_event(j, "message_posted") && j["event"]["text"].get<std::string>().find("nobody is available") != std::string::npos;
  });
  std::string token = login(server, "anna@demo.local");
  json leads = json::parse(api(server, token, "GET", "/api/leads?conversation=" + v.conversation).body);
  EXPECT_EQ(leads.size(), 1u);
  // An agent who comes online later finds it in Unassigned, marked missed.
  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  bool found = false;
  for (const auto& conv : anna.snapshot["conversations"])
    if (conv["id"] == v.conversation) {
      found = true;
      EXPECT_EQ(conv["phase"], "unassigned");
      EXPECT_EQ(conv["missed"], true);
    }
  EXPECT_TRUE(found);
}

TEST(ArticleFlow, NotEmbeddedPlaybookRunsOfflineOnly) {
  Server server;
  server.start();
  std::string admin = login(server, "admin@demo.local");
  auto created = api(server, admin, "POST", "/api/playbooks", json{{"name", "Pricing page"}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = json::parse(created.body)["id"];
  ASSERT_EQ(api(server, admin, "POST", "/api/playbooks/" + id + "/publish", json{{"published", true}}).status, 200);
  auto list = json::parse(api(server, admin, "GET", "/api/playbooks").body);
  for (const auto& pb : list) {
    if (pb["id"] == id) {
      EXPECT_EQ(pb["status"], "offline-only");
    }
  }

  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  anna.command({{"type", "set_online"}, {"online", true}});
  Visitor v;  // from the server's own page: a preview, not an embedding
  ASSERT_TRUE(v.connect(server, id));
  to_live_chat_card(v);
  EXPECT_EQ(v.prompt().value("kind", ""), "finished") << "offline-only: no live chat even with anna online";

  // Once the widget loads from one of the playbook's sites, it is embedded and goes live.
  json pb = json::parse(api(server, admin, "GET", "/api/playbooks/" + id).body)["playbook"];
  pb["allowed_origins"] = json::array({"https://shop.example.com"});
  ASSERT_EQ(api(server, admin, "PUT", "/api/playbooks/" + id, pb).status, 200);
  ASSERT_EQ(api(server, admin, "POST", "/api/playbooks/" + id + "/publish", json::object()).status, 200);
  Visitor w;
  ASSERT_TRUE(w.connect(server, id, "https://shop.example.com"));
  to_live_chat_card(w);
  EXPECT_EQ(w.prompt().value("kind", ""), "waiting_for_agent");
  list = json::parse(api(server, admin, "GET", "/api/playbooks").body);
  for (const auto& p : list) {
    if (p["id"] == id) {
      EXPECT_EQ(p["status"], "embedded");
    }
  }
}

}  // namespace
}  // namespace livechat::itest
