// The store, part 1: SQLite's schema migrations, the event log and its projections. (CRM and
// account rows, group commit, failures and durability: store_commit_test.cpp; PostgreSQL's own
// facts: store_pg_test.cpp.) AnyStoreTest tests run on both engines, each on its own file in a
// fresh temporary directory or its own PostgreSQL database.
#include "livechat/rules.hpp"
#include "store_fixture.hpp"

namespace livechat::server::test {
namespace {

// [SECTION] Schema and migrations ----------------------------------------------------------------

TEST_F(StoreTest, FreshFileIsMigratedInWalModeAndReopenAppliesNothing) {
  ASSERT_FALSE(dir_.path().empty());
  open().reset();
  EXPECT_EQ(scalar(file(), "PRAGMA user_version"), std::to_string(sqlite::schema_version_known()));
  EXPECT_EQ(scalar(file(), "PRAGMA journal_mode"), "wal");
  for (const char* table : {"events", "conversations", "persons", "organizations", "leads", "activities",
                            "notes", "credentials", "sessions", "visitors", "playbooks", "runs"}) {
    EXPECT_EQ(scalar(file(), std::string("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='") + table +
                                 "'"),
              "1")
        << table;
  }
  EXPECT_EQ(scalar(file(), "SELECT count(*) FROM sqlite_master WHERE type='index' AND name='events_conversation_seq'"),
            "1");
  EXPECT_EQ(scalar(file(), "SELECT count(*) FROM sqlite_master WHERE type='view' AND name='messages'"), "1")
      << "messages is a view over the event log since version 2";

  // Reopening through the store keeps the version; migrate() on the file applies no step.
  open().reset();
  EXPECT_EQ(scalar(file(), "PRAGMA user_version"), std::to_string(sqlite::schema_version_known()));
  auto db = sqlite::open_connection(file(), sqlite::ConnRole::writer, true);
  ASSERT_TRUE(db.ok());
  int applied = -1;
  ASSERT_OK(sqlite::migrate(db.value().get(), &applied));
  EXPECT_EQ(applied, 0);
}

// The record tables of store_columns.hpp are the schema's columns: the same names in the same
// order, with the SQL type and NOT NULL each column type stands for.
TEST_F(StoreTest, MigratedSchemaHasExactlyTheColumnTables) {
  open().reset();
  int tables = 0;
  columns::for_each_table([&](const auto& table) {
    ++tables;
    SCOPED_TRACE(table.name);
    auto info = query(file(), std::string("SELECT name, type, \"notnull\", pk FROM pragma_table_info('") + table.name +
                                  "') ORDER BY cid");
    ASSERT_EQ(info.size(), table.columns.size());
    for (std::size_t i = 0; i < info.size(); ++i) {
      const auto& c = table.columns[i];
      const bool text = c.type == columns::Type::text || c.type == columns::Type::id;
      const bool not_null = c.type != columns::Type::id && c.type != columns::Type::amount;
      EXPECT_EQ(info[i][0], c.name);
      EXPECT_EQ(info[i][1], text ? "TEXT" : "INTEGER") << c.name;
      // The key (first column) is a PRIMARY KEY: SQLite reports it nullable unless declared so.
      if (i > 0) {
        EXPECT_EQ(info[i][2], not_null ? "1" : "0") << c.name;
      }
      EXPECT_EQ(info[i][3], i == 0 ? "1" : "0") << c.name;
    }
  });
  EXPECT_EQ(tables, 13);
}

TEST_F(StoreTest, MigrateCountsEveryStepOnAnEmptyFile) {
  auto db = sqlite::open_connection(file(), sqlite::ConnRole::writer, true);
  ASSERT_TRUE(db.ok());
  int applied = -1;
  ASSERT_OK(sqlite::migrate(db.value().get(), &applied));
  EXPECT_EQ(applied, sqlite::schema_version_known());
  EXPECT_EQ(sqlite::schema_version(db.value().get()).value(), sqlite::schema_version_known());
}

TEST_F(StoreTest, NewerSchemaVersionIsAClearError) {
  open().reset();
  const int newer = sqlite::schema_version_known() + 1;
  query(file(), numbered("PRAGMA user_version = ", newer));
  auto r = Store::open(file(), {}, post());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unsupported_version);
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(std::to_string(newer)), std::string::npos) << r.error().message;
  EXPECT_EQ(scalar(file(), "PRAGMA user_version"), std::to_string(newer));  // left untouched
}

TEST_F(StoreTest, UnopenablePathIsAnError) {
  auto r = Store::open(dir_.path() + "/no/such/dir/x.db", {}, post());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("open"), std::string::npos) << r.error().message;
}

// [SECTION] The event log ------------------------------------------------------------------------

TEST_P(AnyStoreTest, EveryEventKindRoundTripsInPosOrder) {
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->last_pos(), 0u);
  std::vector<StoredEvent> written;
  uint64_t pos = 0;
  for (const Event& e : every_event("c-ü")) written.push_back(at(++pos, e));
  ASSERT_OK(put(*store, events_write(written)));

  auto read = store->events_after(0, 1000);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read.value().size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(read.value()[i].pos, written[i].pos);
    EXPECT_TRUE(read.value()[i].event == written[i].event) << "event " << i << " ("
                                                             << event_type_name(written[i].event) << ")";
  }
  EXPECT_EQ(store->last_pos(), pos);
  EXPECT_EQ(sql_rows("SELECT type, conversation, seq, at FROM events WHERE pos = 1")[0],
            (std::vector<std::string>{"user_added", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(sql_rows("SELECT type, conversation, seq, at FROM events WHERE pos = 7")[0],
            (std::vector<std::string>{"message_posted", "c-ü", "2", "1001"}));
  EXPECT_EQ(store->stats().events, written.size());
}

// What the engine reads at start-up and when it acts on a closed conversation it no longer holds:
// the users' events alone, the open conversations, one conversation rebuilt from its events (as
// the core's apply makes it), its chatbot run, and a visitor's newest conversation.
TEST_P(AnyStoreTest, WorkingSetReads) {
  auto store = open();
  ASSERT_TRUE(store);
  std::vector<StoredEvent> written;
  uint64_t pos = 0;
  State want;
  for (const Event& e : every_event("closed-1")) {
    written.push_back(at(++pos, e));
    livechat::apply(want, e);
  }
  written.push_back(at(++pos, ConversationStarted{"open-1", 1, 2000, "v-1", "pb-1", ""}));
  written.push_back(at(++pos, OnlineChanged{"u-anna", false}));
  written.push_back(at(++pos, ConversationStarted{"other-pb", 1, 3000, "v-1", "pb-2", ""}));
  written.push_back(at(++pos, MessagePosted{"open-1", 2, 5000, Author::bot, "", "Hi!", ""}));
  Write w = events_write(written);
  w.runs = {{"open-1", "pb-1", R"({"card":1})"}};
  ASSERT_OK(put(*store, w));

  auto users = store->user_events_after(0, 100);
  ASSERT_TRUE(users.ok()) << users.error().message;
  EXPECT_EQ(positions(users.value()), (std::vector<uint64_t>{1, 2, 3, 4, 5, 16}));
  EXPECT_EQ(positions(store->user_events_after(4, 1).value()), (std::vector<uint64_t>{5}));

  // Both are chatbot-phase, last active at 5000 (a message) and 3000 (started): older ones are
  // dormant. Unassigned and assigned ones are always open (the closed-1 history is closed).
  EXPECT_EQ(store->open_conversations(0).value(), (std::vector<ConversationId>{"open-1", "other-pb"}));
  EXPECT_EQ(store->open_conversations(3001).value(), (std::vector<ConversationId>{"open-1"}));
  EXPECT_EQ(store->open_conversations(5001).value(), (std::vector<ConversationId>{}));
  auto loaded = store->load_conversation("closed-1");
  ASSERT_TRUE(loaded.ok() && loaded.value().has_value());
  EXPECT_TRUE(*loaded.value() == want.conversations.at("closed-1"));
  EXPECT_FALSE(store->load_conversation("nobody").value().has_value());

  EXPECT_EQ(store->run("open-1")->json, R"({"card":1})");
  EXPECT_FALSE(store->run("closed-1").has_value());
  EXPECT_EQ(store->latest_conversation("v-1", "pb-1"), std::optional<ConversationId>("open-1"));
  EXPECT_EQ(store->latest_conversation("v-1", "pb-2"), std::optional<ConversationId>("other-pb"));
  EXPECT_EQ(store->latest_conversation("v-2", "pb-1"), std::nullopt);
}

// Two interleaved conversations: pos 1..8 alternate a (seq 1..4) and b (seq 1..4).
std::vector<StoredEvent> interleaved() {
  std::vector<StoredEvent> out;
  uint64_t pos = 0;
  for (const char* c : {"a", "b"}) out.push_back(at(++pos, ConversationStarted{c, 1, 10, "v", "", ""}));
  for (Seq seq = 2; seq <= 4; ++seq)
    for (const char* c : {"a", "b"})
      out.push_back(at(++pos, MessagePosted{c, seq, TimeMs(seq), Author::visitor, "v", numbered("m", seq), ""}));
  return out;
}

TEST_P(AnyStoreTest, EventsAfterHonoursPositionAndLimit) {
  auto store = open();
  ASSERT_OK(put(*store, events_write(interleaved())));
  struct Row {
    uint64_t after;
    std::size_t limit;
    std::vector<uint64_t> want;
  };
  const Row rows[] = {
      {0, 100, {1, 2, 3, 4, 5, 6, 7, 8}},
      {0, 3, {1, 2, 3}},
      {5, 2, {6, 7}},
      {7, 100, {8}},
      {8, 100, {}},
      {0, 0, {}},
      {std::numeric_limits<uint64_t>::max(), 10, {}},
      {2, std::numeric_limits<std::size_t>::max(), {3, 4, 5, 6, 7, 8}},
  };
  for (const Row& row : rows) {
    auto r = store->events_after(row.after, row.limit);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(positions(r.value()), row.want) << "after " << row.after << " limit " << row.limit;
  }
}

TEST_P(AnyStoreTest, ConversationEventsFilterBySeqAndMaxPos) {
  auto store = open();
  ASSERT_OK(put(*store, events_write(interleaved())));
  struct Row {
    const char* conv;
    uint64_t after_seq, max_pos;
    std::vector<uint64_t> want;
  };
  const Row rows[] = {
      {"a", 0, 100, {1, 3, 5, 7}},
      {"b", 0, 100, {2, 4, 6, 8}},
      {"a", 2, 100, {5, 7}},
      {"b", 1, 6, {4, 6}},
      {"a", 0, 4, {1, 3}},
      {"a", 4, 100, {}},
      {"a", 0, 0, {}},
      {"nobody", 0, 100, {}},
      {"b", 0, std::numeric_limits<uint64_t>::max(), {2, 4, 6, 8}},
  };
  for (const Row& row : rows) {
    auto r = store->conversation_events(row.conv, row.after_seq, row.max_pos);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(positions(r.value()), row.want) << row.conv << " after seq " << row.after_seq << " max " << row.max_pos;
    for (const auto& e : r.value()) EXPECT_EQ(*event_conversation(e.event), row.conv);
  }
}

TEST_P(AnyStoreTest, OutOfOrderOrDuplicatePosFailsTheBatch) {
  struct Row {
    const char* name;
    std::vector<uint64_t> positions;
  };
  const Row rows[] = {
      {"duplicate_within_write", {3, 3}},
      {"before_committed", {2}},
      {"equal_to_committed", {2, 1}},  // 2 is already committed
      {"decreasing", {5, 4}},
      {"zero", {0}},
  };
  for (const Row& row : rows) {
    auto r = Store::open(fresh_where(), {}, post());
    ASSERT_TRUE(r.ok());
    Store& store = *r.value();
    ASSERT_OK(put(store, events_write({at(1, OnlineChanged{"u", true}), at(2, OnlineChanged{"u", false})})));
    std::vector<StoredEvent> events;
    for (uint64_t p : row.positions) events.push_back(at(p, AwayChanged{"u", true}));
    Status s = put(store, events_write(events));
    ASSERT_FALSE(s.ok()) << row.name;
    EXPECT_EQ(s.error().code, ErrorCode::conflict) << row.name;
    EXPECT_NE(s.error().message.find("pos"), std::string::npos) << row.name << ": " << s.error().message;
    EXPECT_EQ(store.last_pos(), 2u) << row.name;  // nothing of the failed batch is there
    // The store goes on: the next position is still accepted.
    EXPECT_TRUE(put(store, events_write({at(3, AwayChanged{"u", false})})).ok()) << row.name;
  }
}

TEST_P(AnyStoreTest, UndecodableBodyIsAnErrorNamingItsPos) {
  struct Row {
    const char* name;
    const char* body;
  };
  const Row rows[] = {
      {"not_json", "{not json"},
      {"unknown_type", R"({"type":"no_such_event"})"},
      {"missing_fields", R"({"type":"message_posted"})"},
  };
  auto store = open();
  ASSERT_OK(put(*store, events_write({at(1, OnlineChanged{"u", true})})));
  for (const Row& row : rows) {
    sql_rows("DELETE FROM events WHERE pos = 42");
    sql_rows(std::string("INSERT INTO events (pos, type, body) VALUES (42, 'x', '") + row.body + "')");
    auto read = store->events_after(0, 10);
    ASSERT_FALSE(read.ok()) << row.name;
    EXPECT_NE(read.error().message.find("pos 42"), std::string::npos) << row.name << ": " << read.error().message;
  }
}

// [SECTION] Projections --------------------------------------------------------------------------

TEST_P(AnyStoreTest, ConversationProjectionFollowsTheEvents) {
  auto store = open();
  const std::string cols = "SELECT phase, assignee, closed_at, last_seq, visitor_id, playbook_id, created_at "
                           "FROM conversations WHERE id = 'c1'";
  struct Row {
    Event event;
    std::vector<std::string> want;  // phase, assignee, closed_at, last_seq, visitor, playbook, created_at
  };
  const Row rows[] = {
      {ConversationStarted{"c1", 1, 100, "v1", "pb1", "Ann"}, {"bot", "NULL", "NULL", "1", "v1", "pb1", "100"}},
      {MessagePosted{"c1", 2, 101, Author::bot, "", "Ciao! 👋", ""}, {"bot", "NULL", "NULL", "2", "v1", "pb1", "100"}},
      {LiveChatRequested{"c1", 3, 102, 5000}, {"unassigned", "NULL", "NULL", "3", "v1", "pb1", "100"}},
      {WaitExpired{"c1", 4, 5000}, {"unassigned", "NULL", "NULL", "4", "v1", "pb1", "100"}},
      {ConversationAssigned{"c1", 5, 5001, "anna", "anna"}, {"assigned", "anna", "NULL", "5", "v1", "pb1", "100"}},
      {MessagePosted{"c1", 6, 5002, Author::agent, "anna", "Hi, I'm Anna", "a-1"},
       {"assigned", "anna", "NULL", "6", "v1", "pb1", "100"}},
      {ConversationAssigned{"c1", 7, 5003, "carl", "anna"}, {"assigned", "carl", "NULL", "7", "v1", "pb1", "100"}},
      {ConversationUnassigned{"c1", 8, 5004, "carl"}, {"unassigned", "NULL", "NULL", "8", "v1", "pb1", "100"}},
      {ConversationAssigned{"c1", 9, 5005, "anna", "anna"}, {"assigned", "anna", "NULL", "9", "v1", "pb1", "100"}},
      {SidePanelUpdated{"c1", 10, 5006, SidePanel{}, "anna"}, {"assigned", "anna", "NULL", "10", "v1", "pb1", "100"}},
      {ItemRecorded{"c1", 11, 5007, ItemKind::lead, "l1", "anna"},
       {"assigned", "anna", "NULL", "11", "v1", "pb1", "100"}},
      {ConversationClosed{"c1", 12, 6000, "anna"}, {"closed", "anna", "6000", "12", "v1", "pb1", "100"}},
      {ItemRecorded{"c1", 13, 7000, ItemKind::deal, "d1", "carl"},
       {"closed", "anna", "6000", "13", "v1", "pb1", "100"}},
  };
  uint64_t pos = 0;
  for (const Row& row : rows) {
    ASSERT_OK(put(*store, events_write({at(++pos, row.event)})));
    auto got = sql_rows(cols);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], row.want) << "after " << event_type_name(row.event) << " seq " << event_seq(row.event);
  }
  EXPECT_EQ(sql_rows("SELECT seq, author, author_id, text, at, client_id FROM messages "
                          "WHERE conversation_id = 'c1' ORDER BY seq"),
            (std::vector<std::vector<std::string>>{{"2", "bot", "NULL", "Ciao! 👋", "101", "NULL"},
                                                   {"6", "agent", "anna", "Hi, I'm Anna", "5002", "a-1"}}));
}

TEST_F(StoreTest, VersionOneMessagesTableBecomesAViewOverTheLog) {
  {
    auto store = open();
    ASSERT_OK(put(*store, events_write({at(1, ConversationStarted{"c1", 1, 100, "v1", "", ""}),
                                        at(2, MessagePosted{"c1", 2, 101, Author::visitor, "v1", "Ciao", "m-1"}),
                                        at(3, MessagePosted{"c1", 3, 102, Author::bot, "", "Hi!", ""})})));
  }
  // The file as version 1 left it: a messages table written beside the log.
  undo_search_schema(file());
  query(file(), "DROP VIEW messages");
  query(file(), "CREATE TABLE messages (conversation_id TEXT NOT NULL REFERENCES conversations(id), seq INTEGER NOT "
                "NULL, author TEXT NOT NULL, author_id TEXT, text TEXT NOT NULL, at INTEGER NOT NULL, client_id TEXT, "
                "PRIMARY KEY (conversation_id, seq)) STRICT");
  query(file(), "INSERT INTO messages VALUES ('c1', 2, 'visitor', 'v1', 'Ciao', 101, 'm-1'), "
                "('c1', 3, 'bot', NULL, 'Hi!', 102, NULL)");
  query(file(), "ALTER TABLE playbooks DROP COLUMN embedded_origin");  // nor version 3's columns
  query(file(), "ALTER TABLE playbooks DROP COLUMN embedded_at");
  query(file(), "DROP TABLE canned_responses");  // nor version 4's table
  query(file(), "INSERT INTO playbooks VALUES ('pb1', '{}', 1, 5, 6)");
  query(file(), "PRAGMA user_version = 1");
  const std::string messages = "SELECT conversation_id, seq, author, author_id, text, at, client_id FROM messages ORDER BY seq";
  const std::vector<std::vector<std::string>> want = {{"c1", "2", "visitor", "v1", "Ciao", "101", "m-1"},
                                                      {"c1", "3", "bot", "NULL", "Hi!", "102", "NULL"}};
  ASSERT_EQ(query(file(), messages), want);

  open().reset();  // migrates to the current version
  EXPECT_EQ(scalar(file(), "PRAGMA user_version"), std::to_string(sqlite::schema_version_known()));
  EXPECT_EQ(scalar(file(), "SELECT type FROM sqlite_master WHERE name = 'messages'"), "view");
  EXPECT_EQ(query(file(), messages), want) << "the same rows, now read from the event log";
  EXPECT_EQ(query(file(), "SELECT embedded, embedded_origin, embedded_at FROM playbooks"),
            (std::vector<std::vector<std::string>>{{"1", "", "0"}}))
      << "an embedded playbook of an older version: where and when unknown";
}

TEST_P(AnyStoreTest, EventsOfAnUnknownConversationFail) {
  auto store = open();
  const Event rows[] = {
      MessagePosted{"ghost", 1, 1, Author::visitor, "v", "hi", "m1"},  // its conversation's last_seq
      LiveChatRequested{"ghost", 1, 1, 2},
      ConversationClosed{"ghost", 1, 1, ""},
      ItemRecorded{"ghost", 1, 1, ItemKind::lead, "l1", ""},
  };
  for (const Event& e : rows) {
    Status s = put(*store, events_write({at(1, e)}));
    ASSERT_FALSE(s.ok()) << event_type_name(e);
    EXPECT_NE(s.error().message.find("ghost"), std::string::npos) << s.error().message;
  }
  EXPECT_EQ(store->last_pos(), 0u);
  // A conversation started twice breaks the primary key.
  ASSERT_OK(put(*store, events_write({at(1, ConversationStarted{"c", 1, 1, "v", "", ""})})));
  EXPECT_FALSE(put(*store, events_write({at(2, ConversationStarted{"c", 1, 1, "v", "", ""})})).ok());
  EXPECT_EQ(sql_value("SELECT playbook_id FROM conversations WHERE id = 'c'"), "NULL");  // "" stored as NULL
}

// [SECTION] Playbook versions (issue 15) ---------------------------------------------------------

TEST_P(AnyStoreTest, PlaybookVersionsAreKeptNewestFirstAndGoWithTheirPlaybook) {
  auto store = open();
  Write w;
  w.playbooks.push_back(PlaybookRow{"pb1", "{\"draft\":3}", false, 1, 1, "", 0, 2});
  w.playbooks.push_back(PlaybookRow{"pb2", "{}", false, 1, 1, "", 0, 0});
  w.playbook_versions.push_back(PlaybookVersionRow{"pv_a", "pb1", 1, "{\"v\":1}", "u_ada", 10});
  w.playbook_versions.push_back(PlaybookVersionRow{"pv_b", "pb1", 2, "{\"v\":2}", "", 20});
  w.runs.push_back(RunRow{"c1", "pb1", "{}", 1});
  ASSERT_OK(put(*store, std::move(w)));
  auto versions = store->playbook_versions("pb1");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version, 2) << "newest first";
  EXPECT_EQ(versions[1].author_id, "u_ada");
  EXPECT_EQ(store->playbook_version("pb1", 1)->json, "{\"v\":1}");
  EXPECT_FALSE(store->playbook_version("pb1", 3));
  EXPECT_FALSE(store->playbook_version("pb2", 1));
  EXPECT_EQ(store->playbook("pb1")->published_version, 2);
  EXPECT_EQ(store->run("c1")->playbook_version, 1);

  Write gone;
  gone.deleted_playbooks.push_back("pb1");
  ASSERT_OK(put(*store, std::move(gone)));
  EXPECT_TRUE(store->playbook_versions("pb1").empty()) << "a playbook's versions go with it";
}

TEST_F(StoreTest, VersionSixPublishedPlaybooksBecomeTheirOwnVersionOne) {
  {
    auto store = open();
    Write w;
    w.playbooks.push_back(PlaybookRow{"live", "{\"id\":\"live\",\"published\":true}", true, 1, 7, "", 0, 0});
    w.playbooks.push_back(PlaybookRow{"draft", "{\"id\":\"draft\",\"published\":false}", false, 1, 8, "", 0, 0});
    w.playbooks.push_back(PlaybookRow{"broken", "not json", false, 1, 9, "", 0, 0});
    w.runs.push_back(RunRow{"c1", "live", "{}", 0});
    ASSERT_OK(put(*store, std::move(w)));
  }
  undo_versions_schema(file());
  open().reset();  // migrates
  EXPECT_EQ(query(file(), "SELECT id, published_version FROM playbooks ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"broken", "0"}, {"draft", "0"}, {"live", "1"}}));
  EXPECT_EQ(query(file(), "SELECT playbook_id, version, author_id, created_at, json FROM playbook_versions"),
            (std::vector<std::vector<std::string>>{{"live", "1", "", "7", "{\"id\":\"live\",\"published\":true}"}}));
  EXPECT_EQ(scalar(file(), "SELECT playbook_version FROM runs WHERE conversation_id = 'c1'"), "1");
}
INSTANTIATE_TEST_SUITE_P(Engines, AnyStoreTest, ::testing::Values(Engine::sqlite, Engine::postgres), engine_name);

}  // namespace
}  // namespace livechat::server::test
