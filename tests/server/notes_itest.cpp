// Private notes against the real server (issue 17, item 2): a note reaches the team (the live
// event, the mention's notify, the snapshot, the REST transcript) and never the visitor: not
// live, not in a resume's replay after a reconnect, not over REST with the visitor's token, not
// after a kill -9 and restart. A visitor cannot write one; a resend is the same note.
#include <string>

#include "harness.hpp"

namespace livechat::itest {
namespace {

json body_of(const test::HttpReply& r) { return json::parse(r.body, nullptr, false); }

// Every frame `peer` received, as text: where a note's words must never appear for a visitor.
std::string everything(const Peer& peer) {
  std::string all;
  for (const auto& j : peer.log()) all += j.dump() + "\n";
  return all;
}

json note(const std::string& conversation, const std::string& text, const std::string& client_id) {
  return {{"type", "post_note"}, {"conversation", conversation}, {"text", text}, {"client_id", client_id}};
}

bool note_event(const json& j, const std::string& text) {
  return j.value("type", "") == "event" && j["event"].value("type", "") == "message_posted" &&
         j["event"].value("author", "") == "note" && j["event"].value("text", "") == text;
}

// The visitor's widget after a reload: the same token, then a resume from the start.
std::string replayed(Server& server, const std::string& token, const std::string& conversation) {
  Visitor again;
  again.token = token;
  EXPECT_TRUE(again.connect(server));
  EXPECT_EQ(again.conversation, conversation);
  again.peer.send({{"v", 1}, {"type", "resume"}, {"conversation", conversation}, {"after", 0}});
  again.peer.wait_type("resumed");
  again.peer.drain(200);
  return everything(again.peer);
}

TEST(Notes, NeverReachTheVisitorAndMentionsNotify) {
  Server server;
  server.start();
  Agent anna, marco;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_TRUE(marco.connect(server, "marco@demo.local"));
  ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");
  Visitor v;
  ASSERT_TRUE(v.connect(server));
  to_live_chat(v);
  v.peer.wait_event("live_chat_requested");
  const std::string id = v.conversation;

  // In Unassigned every user sees the chat: Marco leaves a note for Anna.
  json ack = marco.command(note(id, "@Anna secret-one: she asked for a discount", "n-1"));
  ASSERT_EQ(ack.value("type", ""), "ack") << ack.dump();
  anna.peer.wait([](const json& j) { return note_event(j, "@Anna secret-one: she asked for a discount"); });
  json notify = anna.peer.wait([](const json& j) { return j.value("type", "") == "notify" && j.value("kind", "") == "mentioned"; });
  EXPECT_EQ(notify.value("kind", ""), "mentioned");
  EXPECT_EQ(notify.value("conversation", ""), id);
  EXPECT_EQ(notify.value("title", ""), "You were mentioned in a note");
  EXPECT_FALSE(marco.peer.sees([](const json& j) { return j.value("type", "") == "notify" && j.value("kind", "") == "mentioned"; },
                               200))
      << "the author's own note notifies nobody but those mentioned";

  // The resend of a note (same client id) is the same note.
  json again = marco.command(note(id, "@Anna secret-one: she asked for a discount", "n-1"));
  EXPECT_EQ(again.value("type", ""), "ack");
  EXPECT_TRUE(again.value("duplicate", false));
  EXPECT_EQ(again.value("seq", 0), ack.value("seq", 1));

  // Anna takes the chat, writes to the visitor and a note in between.
  ASSERT_EQ(anna.command({{"type", "assign_to_me"}, {"conversation", id}}).value("type", ""), "ack");
  ASSERT_EQ(anna.command({{"type", "send_message"}, {"conversation", id}, {"text", "public-one"}, {"client_id", "a-1"}})
                .value("type", ""),
            "ack");
  ASSERT_EQ(anna.command(note(id, "secret-two", "n-2")).value("type", ""), "ack");
  ASSERT_EQ(anna.command({{"type", "send_message"}, {"conversation", id}, {"text", "public-two"}, {"client_id", "a-2"}})
                .value("type", ""),
            "ack");
  // Marco no longer sees the chat: he cannot write a note in it (nor learn it exists).
  EXPECT_EQ(marco.command(note(id, "secret-three", "n-3")).value("code", ""), "not_found");

  // Live: the visitor got both messages and no note.
  v.peer.wait([](const json& j) { return j.value("type", "") == "event" && j["event"].value("text", "") == "public-two"; });
  v.peer.drain(200);
  std::string live = everything(v.peer);
  EXPECT_NE(live.find("public-one"), std::string::npos);
  EXPECT_EQ(live.find("secret"), std::string::npos) << live;
  EXPECT_EQ(live.find("\"note\""), std::string::npos) << live;

  // A visitor cannot write a note, not even in their own chat.
  v.peer.send({{"v", 1}, {"type", "post_note"}, {"id", "vn"}, {"conversation", id}, {"text", "secret-four"},
               {"client_id", "vn-1"}});
  json refused = v.peer.wait([](const json& j) { return j.value("id", "") == "vn"; });
  EXPECT_EQ(refused.value("type", ""), "error");
  EXPECT_EQ(refused.value("code", ""), "forbidden");

  // Replay after a reload: the whole transcript again, no note.
  std::string replay = replayed(server, v.token, id);
  EXPECT_NE(replay.find("public-two"), std::string::npos) << replay;
  EXPECT_EQ(replay.find("secret"), std::string::npos) << replay;

  // REST: the visitor's token opens nothing; Anna's transcript has both notes, marked as notes.
  EXPECT_EQ(api(server, v.token, "GET", "/api/conversations/" + id).status, 401);
  auto transcript = api(server, anna.token, "GET", "/api/conversations/" + id);
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  int notes = 0;
  const json body = body_of(transcript);
  for (const auto& m : body["messages"])
    if (m.value("author", "") == "note") ++notes;
  EXPECT_EQ(notes, 2) << transcript.body;

  // Durable like messages: after a kill -9 the notes are still there for the team, and still
  // nowhere for the visitor.
  server.kill9();
  server.start();
  Agent back;
  ASSERT_TRUE(back.connect(server, "anna@demo.local"));
  std::string snapshot = back.snapshot.dump();
  EXPECT_NE(snapshot.find("secret-one"), std::string::npos);
  EXPECT_NE(snapshot.find("secret-two"), std::string::npos);
  std::string after_crash = replayed(server, v.token, id);
  EXPECT_NE(after_crash.find("public-two"), std::string::npos);
  EXPECT_EQ(after_crash.find("secret"), std::string::npos) << after_crash;
}

}  // namespace
}  // namespace livechat::itest
