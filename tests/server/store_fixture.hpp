// Shared helpers of the store tests (store_test.cpp, store_commit_test.cpp, ...): a temporary
// directory, raw SQL queries on the file or database, event builders and fixtures whose callbacks
// run inline on the store's writer thread.
//
// StoreTest: one SQLite file (the tests of SQLite's own facts: pragmas, its migrations, WAL).
// AnyStoreTest: the same tests on each engine (GoogleTest value-parameterized: .../sqlite and
// .../postgres); the PostgreSQL ones get a fresh database on the tests' own server
// (tests/support/test_postgres.hpp) and carry the ctest label `postgres`.
#pragma once
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store.hpp"
#include "store_sqlite.hpp"
#include "test_postgres.hpp"

namespace livechat::server::test {

// Text that must survive byte-exact: accents, Cyrillic, CJK, emoji, quotes, control characters
// and an embedded NUL.
inline const std::string kWild = std::string("Àccénts è già — Привет — 你好 — 😀👩‍💻 \"q\" \\ \t\n\x01") + std::string("\0nul", 4);

// [SECTION] Helpers ------------------------------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/livechat_store_XXXXXX";
    const char* dir = mkdtemp(tmpl);
    path_ = dir ? dir : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Rows of a query on a separate raw connection, every column as text ("NULL" for NULL).
inline std::vector<std::vector<std::string>> query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::vector<std::string>> rows;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char* t = sqlite3_column_text(st, i);
        row.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      rows.push_back(std::move(row));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

inline std::string scalar(const std::string& path, const std::string& sql) {
  auto rows = query(path, sql);
  return rows.empty() || rows[0].empty() ? "<none>" : rows[0][0];
}

// prefix + n. (Written with append: GCC 12 at -O3 raises a false -Wrestrict on "x" + std::string.)
inline std::string numbered(const char* prefix, uint64_t n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

// Turns a current file back into what the step before the settings migration left (the last
// step): no playbook_settings.
inline void undo_settings_schema(const std::string& path) {
  query(path, "DROP TABLE playbook_settings");
  query(path, "PRAGMA user_version = " + std::to_string(sqlite::schema_version_known() - 1));
}

// Turns a current file back into what the step before the versions migration left: no
// playbook_versions, no published_version nor playbook_version columns.
inline void undo_versions_schema(const std::string& path) {
  undo_settings_schema(path);
  for (const char* sql : {"DROP TABLE playbook_versions", "ALTER TABLE playbooks DROP COLUMN published_version",
                          "ALTER TABLE runs DROP COLUMN playbook_version"})
    query(path, sql);
  query(path, "PRAGMA user_version = " + std::to_string(sqlite::schema_version_known() - 2));
}

// Turns a current file back into what the step before the search migration left: without its
// search index and Closed folder index (store_schema.cpp; the step before the versions step).
// Version tests build older files this way.
inline void undo_search_schema(const std::string& path) {
  undo_versions_schema(path);
  for (const char* sql :
       {"DROP TRIGGER conversation_search_closed", "DROP TRIGGER conversation_search_panel",
        "DROP TRIGGER persons_search_insert", "DROP TRIGGER persons_search_update",
        "DROP TRIGGER organizations_search_insert", "DROP TRIGGER organizations_search_update",
        "DROP TRIGGER leads_search_insert", "DROP TRIGGER leads_search_update", "DROP VIEW conversation_documents",
        "DROP VIEW record_documents", "DROP TABLE conversation_search", "DROP TABLE record_search",
        "DROP TABLE search_records", "DROP INDEX conversations_closed"})
    query(path, sql);
  query(path, "PRAGMA user_version = " + std::to_string(sqlite::schema_version_known() - 3));
}

inline StoredEvent at(uint64_t pos, Event e) { return StoredEvent{pos, std::move(e)}; }

inline Write events_write(std::vector<StoredEvent> events) {
  Write w;
  w.events = std::move(events);
  return w;
}

// One of every event kind; conversation events for `conv` with seq 1..9.
inline std::vector<Event> every_event(const std::string& conv) {
  SidePanel panel;
  panel.deal_value_cents = 123456;
  panel.currency = "EUR";
  panel.person_name = "Zoë Ünal 李";
  panel.notes = kWild;
  return {
      UserAdded{User{"u-anna", "Anna Łukasiewicz 李", "anna@example.com", Role::admin, true, false, {false, true, false}}},
      RoleChanged{"u-anna", Role::regular},
      OnlineChanged{"u-anna", true},
      AwayChanged{"u-anna", true},
      NotificationSettingsChanged{"u-anna", {true, false, true}},
      ConversationStarted{conv, 1, 1000, "v-1", "pb-1", "Ζωή"},
      MessagePosted{conv, 2, 1001, Author::visitor, "v-1", kWild, "m-1"},
      LiveChatRequested{conv, 3, 1002, 121002},
      WaitExpired{conv, 4, 121002},
      ConversationAssigned{conv, 5, 121003, "u-anna", "u-anna"},
      SidePanelUpdated{conv, 6, 121004, panel, "u-anna"},
      ItemRecorded{conv, 7, 121005, ItemKind::deal, "deal-1", "u-anna"},
      ConversationUnassigned{conv, 8, 121006, "u-anna"},
      ConversationClosed{conv, 9, 121007, ""},
  };
}

inline std::vector<uint64_t> positions(const std::vector<StoredEvent>& events) {
  std::vector<uint64_t> out;
  for (const auto& e : events) out.push_back(e.pos);
  return out;
}

enum class Engine { sqlite, postgres };

// Rows of a query on a separate libpq connection, every column as text ("NULL" for NULL).
inline std::vector<std::vector<std::string>> pg_query(const std::string& url, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << url << ": " << PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    const ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) ADD_FAILURE() << sql << ": " << PQresultErrorMessage(res);
    for (int i = 0; st == PGRES_TUPLES_OK && i < PQntuples(res); ++i) {
      std::vector<std::string> row;
      for (int c = 0; c < PQnfields(res); ++c) row.push_back(PQgetisnull(res, i, c) ? "NULL" : PQgetvalue(res, i, c));
      rows.push_back(std::move(row));
    }
    PQclear(res);
  }
  PQfinish(conn);
  return rows;
}

class StoreTest : public ::testing::Test {
 protected:
  StoreTest() = default;
  explicit StoreTest(Engine engine) : engine_(engine) {
    if (engine_ == Engine::postgres) where_ = fresh_where();
  }
  ~StoreTest() override {
    for (const std::string& url : databases_) livechat::test::TestPostgres::shared().drop_database(url);
  }

  std::string file() const { return dir_.path() + "/livechat.db"; }
  // Where this test's store lives: the SQLite file, or the PostgreSQL database's URL.
  std::string where() const { return engine_ == Engine::sqlite ? file() : where_; }
  // Another, empty store location of the same engine.
  std::string fresh_where() {
    if (engine_ == Engine::sqlite) return dir_.path() + numbered("/more-", ++more_) + ".db";
    auto& server = livechat::test::TestPostgres::shared();
    std::string url = server.create_database();
    EXPECT_FALSE(url.empty()) << "the tests' PostgreSQL: " << server.error();
    databases_.push_back(url);
    return url;
  }
  bool postgres() const { return engine_ == Engine::postgres; }
  // kWild as this engine keeps it byte-exact in a record's text column: PostgreSQL's text cannot
  // hold a NUL (its store refuses one: store_pg_test.cpp), so there without the NUL.
  std::string wild() const { return postgres() ? kWild.substr(0, kWild.find('\0')) : kWild; }

  // SQL on the store's file or database, every column as text ("NULL" for NULL).
  std::vector<std::vector<std::string>> sql_rows(const std::string& sql) const {
    return engine_ == Engine::sqlite ? query(file(), sql) : pg_query(where_, sql);
  }
  std::string sql_value(const std::string& sql) const {
    auto r = sql_rows(sql);
    return r.empty() || r[0].empty() ? "<none>" : r[0][0];
  }

  // Callbacks run inline on the writer thread (the server posts them to its I/O thread).
  Store::Post post() {
    return [](std::function<void()> task) { task(); };
  }

  std::unique_ptr<Store> open(StoreOptions options = {}) {
    auto r = Store::open(where(), options, post());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r.value()) : nullptr;
  }

  // Submits one Write, waits for it, returns its status.
  Status put(Store& store, Write w) {
    auto result = std::make_shared<std::optional<Status>>();
    auto calls = std::make_shared<int>(0);
    store.submit(std::move(w), [result, calls](const Status& s) {
      *result = s;
      ++*calls;
    });
    store.flush();
    EXPECT_EQ(*calls, 1);
    return result->value_or(make_error(ErrorCode::conflict, "done never called"));
  }

  TempDir dir_;
  Engine engine_ = Engine::sqlite;

 private:
  std::string where_;
  std::vector<std::string> databases_;
  int more_ = 0;
};

// The interface's tests: each runs on SQLite and on PostgreSQL (INSTANTIATE_TEST_SUITE_P in
// store_test.cpp).
class AnyStoreTest : public StoreTest, public ::testing::WithParamInterface<Engine> {
 protected:
  AnyStoreTest() : StoreTest(GetParam()) {}
};

inline std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::sqlite ? "sqlite" : "postgres";
}

// `text` holds `part`, ignoring ASCII case (the engines word their errors differently).
inline bool mentions(std::string text, std::string part) {
  for (auto* s : {&text, &part})
    for (char& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text.find(part) != std::string::npos;
}

// Collects (index, status) of many Writes' callbacks, in the order they ran.
struct Results {
  std::mutex mu;
  std::vector<std::pair<int, Status>> got;
  Store::Done done(int index) {
    return [this, index](const Status& s) {
      std::lock_guard lock(mu);
      got.emplace_back(index, s);
    };
  }
};

#define ASSERT_OK(status) \
  do { auto&& s_ = (status); ASSERT_TRUE(s_.ok()) << s_.error().message; } while (0)

}  // namespace livechat::server::test
