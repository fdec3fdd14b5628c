// The store's History reads (store.hpp, store_search.cpp): the Closed folder by position,
// conversations rebuilt from their events, and FTS5 search filled by the schema's triggers in the
// same transaction as the events and records, including the migration's back-fill.
#include <future>

#include "livechat/rules.hpp"
#include "store_fixture.hpp"

namespace livechat::server::test {
namespace {

// Runs one History read on the store's history thread and waits for it.
template <class F>
auto on_history(Store& store, F f) {
  using R = decltype(f(std::declval<History&>()));
  auto promise = std::make_shared<std::promise<R>>();
  auto future = promise->get_future();
  store.read_history([promise, f](History& h) mutable { promise->set_value(f(h)); });
  return future.get();
}

// A closed chat: started (visitor_name), one visitor message, closed at `closed_at`.
std::vector<StoredEvent> closed_chat(uint64_t& pos, const std::string& id, const std::string& name,
                                     const std::string& text, TimeMs closed_at) {
  std::vector<StoredEvent> out;
  out.push_back(at(++pos, ConversationStarted{id, 1, closed_at - 10, "v-" + id, "pb", name}));
  out.push_back(at(++pos, MessagePosted{id, 2, closed_at - 5, Author::visitor, "v-" + id, text, "m-" + id}));
  out.push_back(at(++pos, ConversationClosed{id, 3, closed_at, "anna"}));
  return out;
}

std::vector<std::string> hit_ids(const Result<SearchPage>& page) {
  std::vector<std::string> out;
  if (!page) {
    ADD_FAILURE() << page.error().message;
    return out;
  }
  for (const auto& h : page.value().hits) out.push_back(h.id);
  return out;
}

SearchQuery words(std::vector<std::string> terms, SearchKind kind = SearchKind::conversations) {
  SearchQuery q;
  q.kind = kind;
  q.terms = std::move(terms);
  return q;
}

TEST_P(AnyStoreTest, ClosedFolderPagesByPositionNewestFirst) {
  auto store = open();
  uint64_t pos = 0;
  Write w;
  // Seven closed chats, two pairs sharing closed_at; one open chat (never in the folder).
  const std::vector<std::pair<std::string, TimeMs>> chats = {{"c1", 100}, {"c2", 200}, {"c4", 200}, {"c3", 300},
                                                             {"c5", 400}, {"c7", 400}, {"c6", 500}};
  for (const auto& [id, closed_at] : chats)
    for (auto& e : closed_chat(pos, id, "Guest " + id, "hello from " + id, closed_at)) w.events.push_back(e);
  w.events.push_back(at(++pos, ConversationStarted{"open", 1, 900, "v-open", "pb", "Open"}));
  ASSERT_OK(put(*store, std::move(w)));

  std::vector<std::string> order;
  ClosedCursor cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = on_history(*store, [&](History& h) { return h.closed_conversations(cursor, 3); });
    ASSERT_TRUE(page) << page.error().message;
    for (const Conversation& c : page.value().conversations) order.push_back(c.id);
    if (!page.value().next) break;
    cursor = *page.value().next;
  }
  EXPECT_EQ(order, (std::vector<std::string>{"c6", "c7", "c5", "c3", "c4", "c2", "c1"}));

  // Rebuilt with the core's apply: the same conversation the engine would hold.
  State state;
  uint64_t again = 0;
  for (auto& e : closed_chat(again, "c1", "Guest c1", "hello from c1", 100)) livechat::apply(state, e.event);
  auto c1 = on_history(*store, [](History& h) { return h.conversation("c1"); });
  ASSERT_TRUE(c1 && c1.value());
  EXPECT_EQ(*c1.value(), state.conversations.at("c1"));
  auto none = on_history(*store, [](History& h) { return h.conversation("nobody"); });
  ASSERT_TRUE(none);
  EXPECT_FALSE(none.value());
  // The I/O thread's load_conversation reads the same.
  auto loaded = store->load_conversation("c1");
  ASSERT_TRUE(loaded && loaded.value());
  EXPECT_EQ(*loaded.value(), state.conversations.at("c1"));
}

TEST_P(AnyStoreTest, SearchFindsClosedChatsAndRecordsInAnyScript) {
  auto store = open();
  uint64_t pos = 0;
  Write w;
  for (auto& e : closed_chat(pos, "c-ja", "山田", "東京タワーで会いましょう", 100)) w.events.push_back(e);
  for (auto& e : closed_chat(pos, "c-ar", "ليلى", "مرحبا بالعالم", 200)) w.events.push_back(e);
  for (auto& e : closed_chat(pos, "c-emoji", "Zoë", "party 🎉🎊🎈 " + kWild, 300)) w.events.push_back(e);
  w.events.push_back(at(++pos, ConversationStarted{"c-open", 1, 400, "v-open", "pb", "Open"}));
  w.events.push_back(at(++pos, MessagePosted{"c-open", 2, 401, Author::visitor, "v-open", "東京タワー too", ""}));
  ASSERT_OK(put(*store, std::move(w)));

  auto find = [&](std::vector<std::string> terms) {
    return hit_ids(on_history(*store, [&](History& h) { return h.search(words(terms)); }));
  };
  EXPECT_EQ(find({"タワー"}), std::vector<std::string>{"c-ja"});  // open chats are not indexed
  EXPECT_EQ(find({"بالعالم"}), std::vector<std::string>{"c-ar"});
  EXPECT_EQ(find({"🎊🎈 "}), std::vector<std::string>{"c-emoji"});
  EXPECT_EQ(find({"Привет"}), std::vector<std::string>{"c-emoji"});
  EXPECT_EQ(find({"zoë"}), std::vector<std::string>{"c-emoji"});
  EXPECT_EQ(find({"\"q\" \\"}), std::vector<std::string>{"c-emoji"});  // quotes are text, not syntax
  EXPECT_TRUE(find({"タワー", "bonjour"}).empty());
  auto hits = on_history(*store, [&](History& h) { return h.search(words({"タワー"})); });
  ASSERT_TRUE(hits && hits.value().hits.size() == 1);
  ASSERT_TRUE(hits.value().hits[0].conversation);
  EXPECT_EQ(hits.value().hits[0].conversation->messages[0].text, "東京タワーで会いましょう");
  EXPECT_NE(hits.value().hits[0].snippet.find("タワー"), std::string::npos);

  // The side panel edited after closing: the document follows (the old name is gone).
  SidePanel panel;
  panel.person_name = "Giulia Verdi";
  panel.email = "giulia@example.it";
  panel.phone = "+39 02 1234";
  panel.organization_name = "Verdi & Figli";
  ASSERT_OK(put(*store, events_write({at(++pos, SidePanelUpdated{"c-ar", 4, 250, panel, "anna"})})));
  EXPECT_EQ(find({"giulia@example"}), std::vector<std::string>{"c-ar"});
  EXPECT_EQ(find({"Figli"}), std::vector<std::string>{"c-ar"});
  panel.email = "g.verdi@example.it";
  ASSERT_OK(put(*store, events_write({at(++pos, SidePanelUpdated{"c-ar", 5, 260, panel, "anna"})})));
  EXPECT_TRUE(find({"giulia@example"}).empty());
  EXPECT_EQ(find({"g.verdi"}), std::vector<std::string>{"c-ar"});
  EXPECT_EQ(sql_value("SELECT count(*) FROM conversation_search"), "3");

  // Records: indexed on insert, re-indexed on update; leads by their person too.
  Write crm;
  crm.organizations.push_back({"o1", "北京烤鸭有限公司", "Via Roma 1", 1, 1});
  crm.persons.push_back({"p1", "Zoë Kowalczyk", "zoe@example.pl", "+48 600 700 800", "o1", 1, 1});
  LeadRow lead;
  lead.id = "l1";
  lead.title = "Ten seats";
  lead.person_id = "p1";
  crm.leads.push_back(lead);
  ASSERT_OK(put(*store, std::move(crm)));
  auto records = [&](std::vector<std::string> terms, SearchKind kind) {
    return hit_ids(on_history(*store, [&](History& h) { return h.search(words(terms, kind)); }));
  };
  EXPECT_EQ(records({"烤鸭有"}, SearchKind::persons), std::vector<std::string>{"p1"});
  EXPECT_EQ(records({"600 700"}, SearchKind::persons), std::vector<std::string>{"p1"});
  EXPECT_EQ(records({"北京烤"}, SearchKind::organizations), std::vector<std::string>{"o1"});
  EXPECT_EQ(records({"kowalczyk"}, SearchKind::leads), std::vector<std::string>{"l1"});
  EXPECT_TRUE(records({"kowalczyk"}, SearchKind::deals).empty());
  Write rename;
  rename.persons.push_back({"p1", "Zoë Nowak", "zoe@example.pl", "+48 600 700 800", "o1", 1, 2});
  ASSERT_OK(put(*store, std::move(rename)));
  EXPECT_TRUE(records({"kowalczyk"}, SearchKind::persons).empty());
  EXPECT_EQ(records({"nowak"}, SearchKind::persons), std::vector<std::string>{"p1"});
  if (!postgres()) {  // FTS5's own check of its index
    EXPECT_EQ(sql_value("INSERT INTO record_search(record_search) VALUES('integrity-check')"), "<none>");
  }
}

TEST_P(AnyStoreTest, SearchPagesNewestFirstEachHitOnce) {
  auto store = open();
  uint64_t pos = 0;
  Write w;
  for (int i = 0; i < 25; ++i)
    for (auto& e : closed_chat(pos, numbered("c", static_cast<uint64_t>(i)), "G", "late delivery " + std::to_string(i), 100 + i))
      w.events.push_back(e);
  ASSERT_OK(put(*store, std::move(w)));
  std::vector<std::string> got;
  SearchQuery q = words({"delivery"});
  q.limit = 10;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = on_history(*store, [&](History& h) { return h.search(q); });
    for (const auto& id : hit_ids(page)) got.push_back(id);
    if (!page || page.value().next == 0) break;
    q.before = page.value().next;
  }
  ASSERT_EQ(got.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], numbered("c", static_cast<uint64_t>(24 - i)));
}

TEST_F(StoreTest, TheSearchMigrationIndexesWhatIsThere) {
  {
    auto store = open();
    uint64_t pos = 0;
    Write w = events_write(closed_chat(pos, "c-old", "Ólafur", "終わりましたか", 100));
    w.persons.push_back({"p-old", "Ólafur Arnalds", "olafur@example.is", "", "", 1, 1});
    ASSERT_OK(put(*store, std::move(w)));
  }
  undo_search_schema(file());
  ASSERT_EQ(scalar(file(), "SELECT count(*) FROM sqlite_master WHERE name LIKE '%search%'"), "0");
  auto store = open();  // migrates
  EXPECT_EQ(scalar(file(), "PRAGMA user_version"), std::to_string(sqlite::schema_version_known()));
  EXPECT_EQ(hit_ids(on_history(*store, [](History& h) { return h.search(words({"終わりま"})); })),
            std::vector<std::string>{"c-old"});
  EXPECT_EQ(hit_ids(on_history(*store, [](History& h) { return h.search(words({"arnalds"}, SearchKind::persons)); })),
            std::vector<std::string>{"p-old"});
}

}  // namespace
}  // namespace livechat::server::test
