// Internals of the SQLite Store (store.hpp): small RAII wrappers over the sqlite3 C API, the
// schema migrations (store_schema.cpp) and the Store implementation class, whose members are
// split between store.cpp (open, writer thread, group commit), store_checkpoint.cpp (WAL
// checkpoints) and store_read.cpp (reads).
// Nothing outside store*.cpp and the store's tests should include this header.
#pragma once
#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store.hpp"
#include "store_columns.hpp"
#include "store_group_commit.hpp"
#include "worker.hpp"

namespace livechat::server::sqlite {

// One connection; closes on destruction. Every statement prepared on it must be gone first.
class Db {
 public:
  Db() = default;
  explicit Db(sqlite3* db) : db_(db) {}
  Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept {
    if (this != &o) {
      close();
      db_ = o.db_;
      o.db_ = nullptr;
    }
    return *this;
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { close(); }
  void close() {
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
  }
  sqlite3* get() const { return db_; }
  explicit operator bool() const { return db_ != nullptr; }

 private:
  sqlite3* db_ = nullptr;
};

// One prepared statement. Parameters are 1-based, columns 0-based (as in sqlite3). Text is bound
// SQLITE_STATIC: the bound strings must outlive the step() that uses them. Always reset() after
// use (ResetGuard) so a read statement never holds a WAL snapshot open.
class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(s_);
      s_ = o.s_;
      o.s_ = nullptr;
    }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() const { return s_; }
  explicit operator bool() const { return s_ != nullptr; }

  void bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind_null(int i) { sqlite3_bind_null(s_, i); }
  // Ids: an empty string is stored as NULL (so foreign keys accept "no such link").
  void bind_id(int i, std::string_view v) {
    if (v.empty())
      bind_null(i);
    else
      bind(i, v);
  }
  // Unsigned values beyond INT64_MAX are clamped (SQLite integers are signed 64-bit).
  void bind_u64(int i, uint64_t v) {
    bind(i, v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v));
  }
  int step() { return sqlite3_step(s_); }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
  // NULL reads as "".
  std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(s_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Resets a statement when the scope ends, whatever the path out.
class ResetGuard {
 public:
  explicit ResetGuard(Stmt& s) : s_(s) {}
  ~ResetGuard() { s_.reset(); }
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;

 private:
  Stmt& s_;
};

// [SECTION] The record tables of store_columns.hpp in SQLite's SQL

// store_columns.hpp's upsert with "?" parameters.
template <class Row, std::size_t N>
std::string upsert_sql(const columns::Table<Row, N>& t) {
  return columns::upsert_sql(t, [](int) { return std::string("?"); });
}
using columns::select_sql;

// Binds every column of `r` as parameters 1..N of an upsert_sql statement.
template <class Row, std::size_t N>
void bind_row(Stmt& s, const columns::Table<Row, N>& t, const Row& r) {
  int i = 0;
  for (const auto& c : t.columns) {
    ++i;
    switch (c.type) {
      case columns::Type::text: s.bind(i, r.*c.text); break;
      case columns::Type::id: s.bind_id(i, r.*c.text); break;
      case columns::Type::integer: s.bind(i, r.*c.number); break;
      case columns::Type::amount:
        if (r.*c.number >= 0) s.bind(i, r.*c.number);  // else NULL: no value
        break;
      case columns::Type::flag: s.bind(i, int64_t{r.*c.flag}); break;
    }
  }
}

// The current row of a select_sql statement.
template <class Row, std::size_t N>
Row read_row(const Stmt& s, const columns::Table<Row, N>& t) {
  Row r;
  int i = 0;
  for (const auto& c : t.columns) {
    switch (c.type) {
      case columns::Type::text:
      case columns::Type::id: r.*c.text = s.text(i); break;  // NULL reads as ""
      case columns::Type::integer: r.*c.number = s.i64(i); break;
      case columns::Type::amount: r.*c.number = s.is_null(i) ? -1 : s.i64(i); break;
      case columns::Type::flag: r.*c.flag = s.i64(i) != 0; break;
    }
    ++i;
  }
  return r;
}

// An Error carrying `what` and the connection's current message. SQLITE_CONSTRAINT -> conflict,
// SQLITE_FULL / SQLITE_TOOBIG -> too_large, anything else -> conflict (the write did not happen).
Error error_from(sqlite3* db, int rc, std::string_view what);

// Runs SQL without results (one or more statements).
Status exec(sqlite3* db, const char* sql);
// Prepares `sql` for repeated use (SQLITE_PREPARE_PERSISTENT).
Result<Stmt> prepare(sqlite3* db, std::string_view sql);

// Opens (creating if needed) `path` in SQLite's multi-thread mode (one connection per thread)
// and sets the connection pragmas: busy_timeout, foreign_keys=ON, synchronous, and for the
// writer journal_mode=WAL (persistent in the file). The reader connection is query_only; the
// checkpointer's only runs checkpoints (their fsyncs follow its synchronous setting, so it must
// match the writer's). `vfs`: a registered SQLite VFS name, or null for the default.
enum class ConnRole { writer, reader, checkpointer };
Result<Db> open_connection(const std::string& path, ConnRole role, bool synchronous_full, const char* vfs = nullptr);

// --- schema (store_schema.cpp) ----------------------------------------------------------------
// The schema version this build writes (PRAGMA user_version). Version 0 is an empty file.
int schema_version_known();
// Brings the database up to schema_version_known(): each missing step runs in its own
// transaction (BEGIN IMMEDIATE ... user_version = N; COMMIT), so a crash leaves a whole step or
// none. `applied` (optional) receives how many steps ran: 0 for an up-to-date file. A file with a
// newer version than this build knows is an unsupported_version error and is left untouched.
Status migrate(sqlite3* db, int* applied = nullptr);
// PRAGMA user_version.
Result<int> schema_version(sqlite3* db);

// --- reading the event log (store_read.cpp) ---------------------------------------------------
// The rows of an already-bound "SELECT pos, body FROM events ..." statement decoded into
// StoredEvents, then reset. A body that does not decode is an error naming its pos.
Result<std::vector<StoredEvent>> decode_events(sqlite3* db, Stmt& s);
// One conversation rebuilt with the core's apply() from an already-bound statement that selects
// (pos, body) of its events in seq order; nullopt when it has none.
Result<std::optional<Conversation>> rebuild_conversation(sqlite3* db, Stmt& events, const ConversationId& id);

}  // namespace livechat::server::sqlite

namespace livechat::server {

// The History reads (store_search.cpp) on their own read-only connection, used only on the
// store's history thread.
class SqliteHistory final : public History {
 public:
  ~SqliteHistory() override;
  Status open(const std::string& path, bool synchronous_full, const char* vfs);
  Result<ClosedPage> closed_conversations(const ClosedCursor& before, std::size_t limit) override;
  Result<std::optional<Conversation>> conversation(const ConversationId& id) override;
  Result<SearchPage> search(const SearchQuery& query) override;

 private:
  sqlite::Db db_;
  sqlite::Stmt closed_, events_, conversation_search_, record_search_;
};

// The Store over SQLite. Write members live in store.cpp, read members in store_read.cpp.
class SqliteStore final : public GroupCommitStore {
 public:
  SqliteStore(StoreOptions options, Post post) : GroupCommitStore(std::move(options), std::move(post)) {}
  ~SqliteStore() override;

  // Opens both connections, migrates, prepares every statement and starts the writer.
  Status start(const std::string& path);

  StoreStats stats() const override;
  const Histogram* checkpoint_seconds(CheckpointKind kind) const override;
  std::string_view engine() const override { return "sqlite"; }

  Result<std::vector<StoredEvent>> events_after(uint64_t after_pos, std::size_t limit) override;
  Result<std::vector<StoredEvent>> conversation_events(const std::string& conversation, uint64_t after_seq,
                                                       uint64_t max_pos) override;
  uint64_t last_pos() override;
  Result<std::vector<StoredEvent>> user_events_after(uint64_t after_pos, std::size_t limit) override;
  Result<std::optional<Conversation>> load_conversation(const ConversationId& id) override;
  Result<std::vector<ConversationId>> open_conversations(TimeMs bot_active_since) override;
  std::optional<ConversationId> latest_conversation(const std::string& visitor_id,
                                                    const std::string& playbook_id) override;
  std::optional<CredentialRow> credential(const std::string& user_id) override;
  std::optional<SessionRow> session(const std::string& token_hash) override;
  std::optional<VisitorRow> visitor(const std::string& token_hash) override;
  std::vector<PlaybookRow> playbooks() override;
  std::optional<PlaybookRow> playbook(const std::string& id) override;
  std::vector<PlaybookVersionRow> playbook_versions(const std::string& playbook_id) override;
  std::optional<PlaybookVersionRow> playbook_version(const std::string& playbook_id, int64_t version) override;
  std::vector<PlaybookSettingsRow> playbook_settings() override;
  std::vector<RunRow> runs() override;
  std::vector<CannedRow> canned_responses() override;
  std::optional<RunRow> run(const std::string& conversation_id) override;
  std::vector<PersonRow> persons() override;
  std::vector<OrganizationRow> organizations() override;
  std::vector<LeadRow> leads(const std::string& kind) override;
  std::vector<ActivityRow> activities() override;
  std::vector<NoteRow> notes() override;
  std::optional<PersonRow> person(const std::string& id) override;
  std::optional<OrganizationRow> organization(const std::string& id) override;
  std::optional<LeadRow> lead(const std::string& id) override;
  std::optional<ActivityRow> activity(const std::string& id) override;
  std::optional<NoteRow> note(const std::string& id) override;
  void read_history(std::function<void(History&)> job) override;
  bool integrity_ok() override;

 private:
  // Statements of the writer connection, prepared once and reused by every batch.
  struct WriteStmts {
    sqlite::Stmt begin, commit, rollback;
    sqlite::Stmt event, conv_insert, conv_seq, conv_phase, conv_assign, conv_unassign, conv_close;
    sqlite::Stmt person, organization, lead, activity, note;
    sqlite::Stmt credential, session, end_session, visitor, playbook, delete_playbook, playbook_version, run;
    sqlite::Stmt canned, delete_canned, playbook_settings;
  };
  // Statements of the reader connection (I/O thread only, so no locking).
  struct ReadStmts {
    sqlite::Stmt events_after, conversation_events, last_pos, user_events_after, open_conversations,
        latest_conversation;
    sqlite::Stmt credential, session, visitor, playbooks, playbook, playbook_versions, playbook_version, runs, run, canned,
        playbook_settings;
    sqlite::Stmt persons, organizations, leads, activities, notes;
    sqlite::Stmt person, organization, lead, activity, note;
  };

  Status prepare_writes();
  Status prepare_reads();
  Status commit_batch(std::span<const Pending> batch, uint64_t& events) override;
  void after_batch() override { checkpoint_if_wal_too_big(); }
  Status write_one(const Write& w, uint64_t& last_pos);
  Status write_event(const StoredEvent& e, uint64_t& last_pos);
  Status run(sqlite::Stmt& s, std::string_view what);  // step once, expect SQLITE_DONE

  // --- WAL checkpoints (store_checkpoint.cpp) ---
  struct Checkpointed {
    int rc = SQLITE_OK;
    int frames = 0, copied = 0;  // frames in the WAL, and how many of them are in the file now
  };
  // Turns off SQLite's checkpoint inside COMMIT, hooks the writer's commits and starts the
  // checkpointer thread on its own connection. Before the writer thread starts.
  Status start_checkpointer(const std::string& path);
  // After the writer thread has stopped: joins the checkpointer, then a TRUNCATE checkpoint.
  void stop_checkpointer();
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int frames);
  static int pages_written(sqlite3* db);  // pages the connection wrote since the last call
  void wal_committed(int frames, int written);  // writer thread, from on_wal_commit
  void checkpointer_loop();
  void checkpoint_if_wal_too_big();  // writer thread, between batches
  // One checkpoint, timed and counted. The caller holds checkpoint_mu_.
  Checkpointed checkpoint(sqlite3* db, int mode, CheckpointKind kind);

  sqlite::Db wdb_, rdb_;  // writer connection (writer thread), reader connection (I/O thread)
  WriteStmts w_;
  ReadStmts r_;
  uint64_t written_pos_ = 0;  // writer thread: the highest committed pos

  // The WAL as the writer's commits and the checkpoints see it (wal_mu_).
  struct Wal {
    int frames = 0;         // frames in the WAL after the last commit
    int copied = 0;         // of those, how many a checkpoint has copied into the file
    uint64_t restarts = 0;  // times the WAL started over from its beginning
    uint64_t checkpoints = 0, forced_checkpoints = 0;  // run (StoreStats::wal)
    bool warned = false;    // "checkpoints are not keeping up" logged in this episode
    bool stopping = false;
  };
  mutable std::mutex wal_mu_;
  std::condition_variable checkpoint_wake_;
  Wal wal_;
  std::mutex checkpoint_mu_;  // held through every checkpoint: SQLite refuses a second at once
  sqlite::Db cdb_;            // the checkpointer's connection
  std::thread checkpointer_;
  int page_size_ = 4096;
  int writer_frames_ = 0;     // writer thread: WAL frames after its last commit
  int next_forced_at_ = 0;    // writer thread: no forced checkpoint below this many frames
  Histogram passive_seconds_, forced_seconds_;

  // History reads (store_search.cpp): their own connection, used only on history_thread_'s
  // thread. Stopped first in the destructor (the worker finishes its queue).
  std::unique_ptr<SqliteHistory> history_;
  std::unique_ptr<Worker> history_thread_;
};

}  // namespace livechat::server
