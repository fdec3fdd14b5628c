// The PostgreSQL store's own facts (the interface's tests run on it too: AnyStoreTest): its
// numbered migrations, the schema against store_columns.hpp, errors a new operator meets
// (unreachable server, newer schema), text it cannot hold, and what the logs show of a URL.
// Each test gets its own database on the tests' own server (tests/support/test_postgres.hpp).
#include <future>

#include "store_fixture.hpp"
#include "store_pg.hpp"

namespace livechat::server::test {
namespace {

class PgStoreTest : public StoreTest {
 protected:
  PgStoreTest() : StoreTest(Engine::postgres) {}
};

TEST_F(PgStoreTest, FreshDatabaseIsMigratedAndReopenAppliesNothing) {
  open().reset();
  EXPECT_EQ(sql_value("SELECT version FROM livechat_schema"), std::to_string(pg::schema_version_known()));
  EXPECT_EQ(pg::schema_version_known(), sqlite::schema_version_known()) << "migration N does on each engine what it "
                                                                          "does on the other";
  for (const char* table : {"events", "conversations", "organizations", "persons", "leads", "activities", "notes",
                            "credentials", "sessions", "visitors", "playbooks", "runs", "canned_responses",
                            "conversation_search", "search_records"}) {
    EXPECT_EQ(sql_value(std::string("SELECT to_regclass('") + table + "') IS NOT NULL"), "t") << table;
  }
  EXPECT_EQ(sql_value("SELECT relkind FROM pg_class WHERE relname = 'messages'"), "v");
  auto conn = pg::connect(where(), true, {});
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  int applied = -1;
  ASSERT_OK(pg::migrate(conn.value().get(), &applied));
  EXPECT_EQ(applied, 0);
}

TEST_F(PgStoreTest, MigrateCountsEveryStepOnAnEmptyDatabase) {
  auto conn = pg::connect(where(), true, {});
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  int applied = -1;
  ASSERT_OK(pg::migrate(conn.value().get(), &applied));
  EXPECT_EQ(applied, pg::schema_version_known());
  EXPECT_EQ(pg::schema_version(conn.value().get()).value(), pg::schema_version_known());
}

// Every table of store_columns.hpp has exactly its columns, in order, with the type and NULL-ness
// each column type maps to in PostgreSQL.
TEST_F(PgStoreTest, MigratedSchemaHasExactlyTheColumnTables) {
  open().reset();
  columns::for_each_table([&](const auto& table) {
    auto info = sql_rows(std::string("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                                     "WHERE table_name = '") + table.name + "' ORDER BY ordinal_position");
    ASSERT_EQ(info.size(), table.columns.size()) << table.name;
    for (std::size_t i = 0; i < info.size(); ++i) {
      const auto& c = table.columns[i];
      const bool text = c.type == columns::Type::text || c.type == columns::Type::id;
      const bool nullable = c.type == columns::Type::id || c.type == columns::Type::amount;
      EXPECT_EQ(info[i][0], c.name) << table.name;
      EXPECT_EQ(info[i][1], text ? "text" : c.type == columns::Type::flag ? "boolean" : "bigint")
          << table.name << "." << c.name;
      EXPECT_EQ(info[i][2], nullable ? "YES" : "NO") << table.name << "." << c.name;
    }
  });
}

TEST_F(PgStoreTest, NewerSchemaVersionIsAClearError) {
  open().reset();
  const int newer = pg::schema_version_known() + 1;
  sql_rows(numbered("UPDATE livechat_schema SET version = ", newer));
  auto r = Store::open(where(), {}, post());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unsupported_version);
  EXPECT_NE(r.error().message.find(std::to_string(newer)), std::string::npos) << r.error().message;
  EXPECT_EQ(sql_value("SELECT version FROM livechat_schema"), std::to_string(newer));  // left untouched
}

TEST_F(PgStoreTest, UnreachableServerIsAnErrorWithoutThePassword) {
  // Port 1 on loopback: nothing listens there.
  auto r = Store::open("postgres://someone:s3cret@127.0.0.1:1/livechat?connect_timeout=2", {}, post());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot connect to PostgreSQL"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("s3cret"), std::string::npos) << r.error().message;
  EXPECT_EQ(store_display_name("postgres://someone:s3cret@db.example:5433/livechat"),
            "postgres://someone@db.example:5433/livechat");
  EXPECT_EQ(store_display_name("./data/livechat.db"), "./data/livechat.db");
}

// PostgreSQL's text holds no NUL: a Write carrying one fails with a clear error (never cut short
// silently), and the store goes on. In an event's text it is fine (bodies are JSON: \u0000).
TEST_F(PgStoreTest, ANulInARecordIsRefusedAndNothingIsCut) {
  auto store = open();
  Write w;
  w.organizations = {{"o1", std::string("ACME\0 S.p.A.", 12), "Via Roma 1", 1, 1}};
  Status s = put(*store, w);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::bad_request);
  EXPECT_NE(s.error().message.find("organization 'o1'"), std::string::npos) << s.error().message;
  EXPECT_TRUE(store->organizations().empty());
  ASSERT_OK(put(*store, events_write({at(1, ConversationStarted{"c", 1, 1, "v", "", kWild}),
                                      at(2, MessagePosted{"c", 2, 2, Author::visitor, "v", kWild, "m-1"})})));
  auto c = store->load_conversation("c");
  ASSERT_TRUE(c.ok() && c.value());
  EXPECT_EQ(c.value()->messages.at(0).text, kWild);
  EXPECT_EQ(sql_value("SELECT count(*) FROM messages"), "1");  // the view reads it too
}

// Several nodes write one database (docs/scale-out.md): a message's client id is unique there.
TEST_F(PgStoreTest, AMessageIdempotencyIdIsUniqueInTheDatabase) {
  auto store = open();
  // The same id from another author, and messages without one, are different messages.
  ASSERT_OK(put(*store, events_write({at(1, ConversationStarted{"c", 1, 1, "v", "", ""}),
                                      at(2, MessagePosted{"c", 2, 2, Author::visitor, "v", "hi", "m-1"}),
                                      at(3, MessagePosted{"c", 3, 3, Author::agent, "anna", "hello", "m-1"}),
                                      at(4, MessagePosted{"c", 4, 4, Author::bot, "", "no id", ""}),
                                      at(5, MessagePosted{"c", 5, 5, Author::bot, "", "no id", ""})})));
  Status again = put(*store, events_write({at(6, MessagePosted{"c", 6, 6, Author::visitor, "v", "hi", "m-1"})}));
  ASSERT_FALSE(again.ok()) << "a resend reaching the store is refused by the database";
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(store->last_pos(), 5u);
}

TEST_F(PgStoreTest, IntegrityCheckFindsAProjectionBehindTheLog) {
  auto store = open();
  ASSERT_OK(put(*store, events_write({at(1, ConversationStarted{"c", 1, 1, "v", "", ""}),
                                      at(2, MessagePosted{"c", 2, 2, Author::visitor, "v", "hi", ""})})));
  EXPECT_TRUE(store->integrity_ok());
  sql_rows("UPDATE conversations SET last_seq = 1");
  EXPECT_FALSE(store->integrity_ok());
}

TEST_F(PgStoreTest, SearchTakesWildcardsLiterally) {
  auto store = open();
  Write w;
  w.persons = {{"p1", "Ann 100% sure", "a_b@example.com", "", "", 1, 1}, {"p2", "Bob 1000 sure", "axb@example.com", "", "", 2, 2}};
  ASSERT_OK(put(*store, w));
  auto find = [&](std::string term) {
    std::promise<std::vector<std::string>> got;
    store->read_history([&](History& h) {
      SearchQuery q;
      q.kind = SearchKind::persons;
      q.terms = {term};
      std::vector<std::string> ids;
      auto page = h.search(q);
      if (page)
        for (const auto& hit : page.value().hits) ids.push_back(hit.id);
      got.set_value(ids);
    });
    return got.get_future().get();
  };
  EXPECT_EQ(find("00%"), std::vector<std::string>{"p1"});
  EXPECT_EQ(find("a_b"), std::vector<std::string>{"p1"});
  EXPECT_EQ(find("SURE"), (std::vector<std::string>{"p2", "p1"}));  // newest first
}

}  // namespace
}  // namespace livechat::server::test
