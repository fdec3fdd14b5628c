// History read from the store over REST (issue 14): the Closed folder page by page, one
// conversation, and search, on a large history seeded straight into the store (Store::submit,
// so the search index is filled by the same triggers as in production).
#include <chrono>
#include <cstdio>
#include <set>

#include "harness.hpp"
#include "livechat/events.hpp"
#include "store.hpp"

namespace livechat::itest {
namespace {

using server::Store;
using server::StoredEvent;
using server::Write;

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string seeded_id(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "c_seed_%07d", i);
  return buf;
}

// One seeded conversation: started, one visitor message, closed by the bot.
struct Seeded {
  std::string id, visitor_name, text;
  TimeMs closed_at = 0;
};

// Appends `chats` straight to the store of a stopped server: three events each.
void seed(const std::string& db, const std::vector<Seeded>& chats) {
  server::StoreOptions options;
  options.synchronous_full = false;
  auto store = Store::open(db, options, [](std::function<void()> task) { task(); });
  ASSERT_TRUE(store) << store.error().message;
  uint64_t pos = store.value()->last_pos();
  Write w;
  for (const Seeded& c : chats) {
    std::string visitor = "v_" + c.id;
    w.events.push_back({++pos, ConversationStarted{c.id, 1, c.closed_at - 60'000, visitor, "pb_demo", c.visitor_name}});
    w.events.push_back(
        {++pos, MessagePosted{c.id, 2, c.closed_at - 30'000, Author::visitor, visitor, c.text, "m_" + c.id}});
    w.events.push_back({++pos, ConversationClosed{c.id, 3, c.closed_at, ""}});
    if (w.events.size() >= 30'000) store.value()->submit(std::exchange(w, Write{}), nullptr);
  }
  if (!w.events.empty()) store.value()->submit(std::move(w), nullptr);
  store.value()->flush();
}

json get(Server& server, const std::string& token, const std::string& path, int expect = 200) {
  auto r = api(server, token, "GET", path);
  EXPECT_EQ(r.status, expect) << path << " " << r.body;
  json out = json::parse(r.body, nullptr, false);
  return out.is_discarded() ? json::object() : out;
}

// Every page of the Closed folder from the newest: the rows in order.
std::vector<json> whole_closed_folder(Server& server, const std::string& token, int limit) {
  std::vector<json> rows;
  std::string next;
  do {
    json page = get(server, token,
                    "/api/conversations?folder=closed&limit=" + std::to_string(limit) +
                        (next.empty() ? "" : "&before=" + url_encode(next)));
    if (!page.contains("conversations")) break;
    for (const json& row : page["conversations"]) rows.push_back(row);
    next = page.value("next", "");
  } while (!next.empty());
  return rows;
}

json search(Server& server, const std::string& token, const std::string& q, const std::string& kind = "conversations",
            const std::string& extra = "") {
  return get(server, token, "/api/search?kind=" + kind + "&q=" + url_encode(q) + extra);
}

// The Closed folder of 200,000 conversations: every one exactly once, newest first (ties on
// closed_at broken by id), each row the contract's shape; then search in it, page by page.
TEST(HistoryRest, LargeClosedFolderPagesEveryConversationOnceNewestFirst) {
  Server server;
  server.start();  // the demo users and playbook
  server.stop();
  constexpr int kCount = 200'000;
  const TimeMs base = 1'700'000'000'000;
  std::vector<Seeded> chats;
  chats.reserve(kCount);
  for (int i = 0; i < kCount; ++i) {
    // Pairs share their closed_at, and ids are not in closing order within a pair.
    Seeded c{seeded_id(i), "Visitor " + std::to_string(i), "question number q" + std::to_string(i) + "x",
             base + (i / 2) * 1000};
    if (i % 500 == 0) c.text += " shipment delayed";  // 400 chats share a phrase
    chats.push_back(std::move(c));
  }
  auto t0 = std::chrono::steady_clock::now();
  seed(server.db(), chats);
  std::printf("[   INFO   ] seeded %d closed conversations in %.1f s\n", kCount,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  std::fflush(stdout);  // before the server forks
  // Start-up replays the whole log today (200,000 conversations): give it time on a loaded machine.
  server.start(180'000);
  std::string anna = login(server, "anna@demo.local");

  t0 = std::chrono::steady_clock::now();
  std::vector<json> rows = whole_closed_folder(server, anna, 100);
  std::printf("[   INFO   ] read the Closed folder in %zu pages in %.1f s\n", rows.size() / 100,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  std::fflush(stdout);  // before the server forks
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kCount));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json& r = rows[i];
    ASSERT_TRUE(seen.insert(r.value("id", "")).second) << "twice: " << r.dump();
    if (i > 0) {
      const json& prev = rows[i - 1];
      bool newer = prev["closed_at"].get<int64_t>() > r["closed_at"].get<int64_t>() ||
                   (prev["closed_at"] == r["closed_at"] && prev["id"].get<std::string>() > r["id"].get<std::string>());
      ASSERT_TRUE(newer) << prev.dump() << " before " << r.dump();
    }
  }
  // The newest row, as the contract shapes it.
  const Seeded& newest = chats[kCount - 1];
  EXPECT_EQ(rows[0]["id"], newest.id);
  EXPECT_EQ(rows[0]["visitor_name"], newest.visitor_name);
  EXPECT_EQ(rows[0]["excerpt"], newest.text);
  EXPECT_EQ(rows[0]["closed_at"], newest.closed_at);
  EXPECT_EQ(rows[0]["created_at"], newest.closed_at - 60'000);
  EXPECT_EQ(rows[0]["playbook_id"], "pb_demo");
  EXPECT_EQ(rows[0]["closed_by"], "");
  EXPECT_EQ(rows[0]["missed"], false);
  EXPECT_TRUE(rows[0].contains("assignee"));

  // One conversation's transcript.
  json one = get(server, anna, "/api/conversations/" + seeded_id(123'456));
  ASSERT_EQ(one.value("phase", ""), "closed");
  ASSERT_EQ(one["messages"].size(), 2u);  // the visitor's message, then "closed"
  EXPECT_EQ(one["messages"][0]["text"], chats[123'456].text);
  EXPECT_EQ(one["messages"][1]["note"], "closed");
  get(server, anna, "/api/conversations/c_nobody", 404);

  // Search: one conversation by a word of its message; 400 of them by a phrase, page by page,
  // each once, newest closed first.
  json hit = search(server, anna, "q123456x");
  ASSERT_EQ(hit["results"].size(), 1u) << hit.dump();
  EXPECT_EQ(hit["results"][0]["id"], seeded_id(123'456));
  EXPECT_EQ(hit["results"][0]["kind"], "conversation");
  EXPECT_NE(hit["results"][0].value("snippet", "").find("q123456x"), std::string::npos);
  std::vector<std::string> found;
  std::string cursor;
  do {
    json page = search(server, anna, "shipment delayed", "conversations",
                       "&limit=50" + (cursor.empty() ? std::string() : "&cursor=" + cursor));
    for (const json& r : page["results"]) found.push_back(r["id"]);
    cursor = page.value("next", "");
  } while (!cursor.empty() && found.size() <= 400);
  ASSERT_EQ(found.size(), 400u);
  for (std::size_t i = 0; i < found.size(); ++i) EXPECT_EQ(found[i], seeded_id(kCount - 500 - static_cast<int>(i) * 500));
}

// Paging while conversations close: a page boundary never loses or repeats a conversation; the
// newly closed ones are at the top (the dashboard merges them from events).
TEST(HistoryRest, PagingAcrossNewlyClosedConversations) {
  Server server;
  server.start();
  server.stop();
  std::vector<Seeded> chats;
  for (int i = 0; i < 120; ++i) chats.push_back({seeded_id(i), "Guest " + std::to_string(i), "hello", 1'700'000'000'000 + i});
  seed(server.db(), chats);
  server.start();
  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");

  std::vector<std::string> ids;
  json page = get(server, anna.token, "/api/conversations?folder=closed&limit=50");
  for (const json& r : page["conversations"]) ids.push_back(r["id"]);
  // Two chats close between pages.
  for (int k = 0; k < 2; ++k) {
    Visitor v;
    std::string c = assigned_chat(server, anna, v);
    ASSERT_EQ(anna.command({{"type", "close_conversation"}, {"conversation", c}}).value("type", ""), "ack");
  }
  for (std::string next = page.value("next", ""); !next.empty(); next = page.value("next", "")) {
    page = get(server, anna.token, "/api/conversations?folder=closed&limit=50&before=" + url_encode(next));
    for (const json& r : page["conversations"]) ids.push_back(r["id"]);
  }
  ASSERT_EQ(ids.size(), 120u);
  for (int i = 0; i < 120; ++i) EXPECT_EQ(ids[static_cast<std::size_t>(i)], seeded_id(119 - i));
  // From the top again: the two new ones first.
  json top = get(server, anna.token, "/api/conversations?folder=closed&limit=3");
  ASSERT_EQ(top["conversations"].size(), 3u);
  EXPECT_NE(top["conversations"][0]["closed_by"], "");
  EXPECT_EQ(top["conversations"][2]["id"], seeded_id(119));

  // Bad parameters get a clear 400.
  get(server, anna.token, "/api/conversations?folder=closed&limit=0", 400);
  get(server, anna.token, "/api/conversations?folder=closed&before=garbage", 400);
  get(server, anna.token, "/api/conversations?folder=mine", 400);
  get(server, anna.token, "/api/search?q=ab", 400);
  get(server, anna.token, "/api/search?q=abc&kind=planets", 400);
  get(server, anna.token, "/api/search?q=abc&cursor=-1", 400);
}

// Text in any script is found byte-exact; an agent never finds a chat they may not see;
// CRM records are found by name, email, phone and organization.
TEST(HistoryRest, SearchAnyScriptAndPermissions) {
  Server server;
  server.start();
  server.stop();
  const std::string tokyo = "東京タワーで会いましょう", arabic = "مرحبا بالعالم، أين طلبي؟", emoji = "party 🎉🎊🎈 tonight 👩‍💻";
  seed(server.db(), {{"c_tokyo", "山田太郎", tokyo, 1'700'000'000'000},
                     {"c_arabic", "ليلى", arabic, 1'700'000'001'000},
                     {"c_emoji", "Zoë", emoji, 1'700'000'002'000}});
  server.start();
  Agent anna;
  ASSERT_TRUE(anna.connect(server, "anna@demo.local"));
  ASSERT_EQ(anna.command({{"type", "set_online"}, {"online", true}}).value("type", ""), "ack");
  std::string marco = login(server, "marco@demo.local");

  auto only = [&](const std::string& q, const std::string& id, const std::string& text) {
    json r = search(server, marco, q);
    ASSERT_EQ(r["results"].size(), 1u) << q << " " << r.dump();
    EXPECT_EQ(r["results"][0]["id"], id);
    EXPECT_EQ(r["results"][0]["excerpt"], text);
    json full = get(server, marco, "/api/conversations/" + id);
    EXPECT_EQ(full["messages"][0]["text"], text);
  };
  only("タワー", "c_tokyo", tokyo);    // no spaces between CJK words
  only("山田太", "c_tokyo", tokyo);    // the visitor's name
  only("بالعالم", "c_arabic", arabic);
  only("ليلى", "c_arabic", arabic);
  only("🎉🎊🎈", "c_emoji", emoji);
  only("👩‍💻", "c_emoji", emoji);       // a ZWJ sequence: three code points
  only("ZOË", "c_emoji", emoji);       // case-insensitive
  EXPECT_EQ(search(server, marco, "東京 会いましょう")["results"].size(), 1u);  // "東京" is too short: ignored
  EXPECT_EQ(search(server, marco, "タワー bonjour")["results"].size(), 0u);    // every term must occur

  // Anna's open chat: marco may not read it (403) and finds nothing of it; nobody finds open
  // chats (they are in the working set), but once anna closes it everyone does.
  Visitor v;
  std::string c = assigned_chat(server, anna, v);
  ASSERT_EQ(v.say("secret plans for ÄÖÜ-zebra").value("type", ""), "ack");
  anna.peer.wait_event("message_posted", c);
  get(server, marco, "/api/conversations/" + c, 403);
  EXPECT_EQ(search(server, marco, "ÄÖÜ-zebra")["results"].size(), 0u);
  EXPECT_EQ(search(server, anna.token, "ÄÖÜ-zebra")["results"].size(), 0u);
  ASSERT_EQ(anna.command({{"type", "close_conversation"}, {"conversation", c}}).value("type", ""), "ack");
  EXPECT_EQ(search(server, marco, "ÄÖÜ-zebra")["results"].size(), 1u);
  // The side panel stays editable after closing, and search follows it.
  json panel = {{"person_name", "Vera Rossi"}, {"email", "vera@example.it"}, {"phone", "+39 333 1234567"},
                {"organization_name", "Acme Ltd"}, {"organization_address", ""}, {"notes", ""},
                {"deal_value_cents", nullptr}, {"currency", ""}, {"expected_close_date", ""}};
  json updated = anna.command({{"type", "update_side_panel"}, {"conversation", c}, {"panel", panel}});
  ASSERT_EQ(updated.value("type", ""), "ack") << updated.dump();
  for (const char* q : {"vera@example", "333 1234", "Acme Ltd"}) EXPECT_EQ(search(server, marco, q)["results"].size(), 1u) << q;

  // CRM records.
  auto made = api(server, marco, "POST", "/api/organizations", json{{"name", "北京烤鸭有限公司"}});
  ASSERT_EQ(made.status, 201) << made.body;
  std::string org = json::parse(made.body)["id"];
  auto person = api(server, marco, "POST", "/api/persons",
                    json{{"name", "Zoë Kowalczyk"}, {"email", "zoe@example.pl"}, {"phone", "+48 600 700 800"},
                         {"organization_id", org}});
  ASSERT_EQ(person.status, 201) << person.body;
  std::string pid = json::parse(person.body)["id"];
  for (const char* q : {"kowalczyk", "zoe@example", "600 700", "烤鸭有"}) {
    json r = search(server, anna.token, q, "people");
    ASSERT_EQ(r["results"].size(), 1u) << q << " " << r.dump();
    EXPECT_EQ(r["results"][0]["id"], pid);
    EXPECT_EQ(r["results"][0]["kind"], "person");
  }
  EXPECT_EQ(search(server, anna.token, "北京烤鸭", "organizations")["results"][0]["id"], org);
  // An update replaces what was indexed.
  ASSERT_EQ(api(server, marco, "PATCH", "/api/persons/" + pid, json{{"name", "Zoë Nowak"}}).status, 200);
  EXPECT_EQ(search(server, anna.token, "kowalczyk", "people")["results"].size(), 0u);
  EXPECT_EQ(search(server, anna.token, "nowak", "people")["results"].size(), 1u);
}

}  // namespace
}  // namespace livechat::itest
