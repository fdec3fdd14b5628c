// Internals of the PostgreSQL Store (store.hpp): small RAII wrappers over libpq, the schema
// migrations (store_pg_schema.cpp) and the Store implementation, whose members are split between
// store_pg.cpp (open, one transaction per batch, reads) and store_pg_search.cpp (History).
// docs/scale-out.md says why it is built this way. Nothing outside store*.cpp and the store's
// tests should include this header.
//
// Three connections, each used by one thread only: the writer's (the group-commit thread), the
// reader's (the I/O thread) and the history thread's. Every statement is prepared once per
// connection under a name. Values travel as text; PostgreSQL text cannot hold a NUL character,
// so a Write holding one fails with a clear error instead of being cut short.
#pragma once
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store.hpp"
#include "store_columns.hpp"
#include "store_group_commit.hpp"
#include "worker.hpp"

namespace livechat::server::pg {

struct ConnClose {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnClose>;
struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Res = std::unique_ptr<PGresult, ResultClear>;

// The parameters of one statement, as text ($1 is the first added). nullopt is SQL NULL.
class Params {
 public:
  Params& add(std::string_view v) { return push(std::string(v)); }
  Params& add(int64_t v) { return push(std::to_string(v)); }
  Params& add_u64(uint64_t v);  // clamped to INT64_MAX (bigint is signed)
  Params& add_id(std::string_view v) { return v.empty() ? add_null() : add(v); }  // "" is NULL
  Params& add_null() {
    values_.emplace_back();
    return *this;
  }
  // The first value holding a NUL byte (PostgreSQL text cannot), or -1.
  int with_nul() const;
  int size() const { return static_cast<int>(values_.size()); }
  // Pointers into this object, valid while it lives unchanged.
  std::vector<const char*> pointers() const;

 private:
  Params& push(std::string v) {
    values_.emplace_back(std::move(v));
    return *this;
  }
  std::vector<std::optional<std::string>> values_;
};

// Every column of `r` as parameters $1..$N of an upsert_sql statement (store_columns.hpp).
template <class Row, std::size_t N>
Params row_params(const columns::Table<Row, N>& t, const Row& r) {
  Params p;
  for (const auto& c : t.columns) {
    switch (c.type) {
      case columns::Type::text: p.add(r.*c.text); break;
      case columns::Type::id: p.add_id(r.*c.text); break;
      case columns::Type::integer: p.add(r.*c.number); break;
      case columns::Type::amount:
        if (r.*c.number >= 0)
          p.add(r.*c.number);
        else
          p.add_null();  // no value
        break;
      case columns::Type::flag: p.add(std::string_view(r.*c.flag ? "true" : "false")); break;
    }
  }
  return p;
}

// Row `i` of a result of select_sql(table, ...).
template <class Row, std::size_t N>
Row read_row(const PGresult* res, int i, const columns::Table<Row, N>& t) {
  Row r;
  int col = 0;
  for (const auto& c : t.columns) {
    const bool null = PQgetisnull(res, i, col);
    const char* v = PQgetvalue(res, i, col);
    switch (c.type) {
      case columns::Type::text:
      case columns::Type::id: r.*c.text = std::string(v, static_cast<std::size_t>(PQgetlength(res, i, col))); break;
      case columns::Type::integer: r.*c.number = std::strtoll(v, nullptr, 10); break;
      case columns::Type::amount: r.*c.number = null ? -1 : std::strtoll(v, nullptr, 10); break;
      case columns::Type::flag: r.*c.flag = v[0] == 't'; break;
    }
    ++col;
  }
  return r;
}

// An Error carrying `what` and PostgreSQL's message. SQLSTATE class 53 (insufficient resources)
// and 54 (program limit exceeded) -> too_large, anything else -> conflict (the write did not happen).
Error error_from(const PGresult* res, const PGconn* conn, std::string_view what);
// Runs SQL without parameters (one or more statements); `what` names it in errors.
Status exec(PGconn* conn, const char* sql, std::string_view what);
// Runs a statement prepared under `name` and waits for its result (ok: tuples or command).
Result<Res> run(PGconn* conn, const char* name, const Params& params, std::string_view what);
// Connects to `url` and prepares each (name, sql). synchronous_full: synchronous_commit on/off.
struct Named {
  const char* name;
  std::string sql;
};
Result<Conn> connect(const std::string& url, bool synchronous_full, std::span<const Named> statements);

// The rows of a (pos, body) result decoded into StoredEvents. A body that does not decode is an
// error naming its pos.
Result<std::vector<StoredEvent>> decode_events(const PGresult* res);
// One conversation rebuilt with the core's apply() from its events' (pos, body) in seq order.
Result<std::optional<Conversation>> rebuild_conversation(const PGresult* res, const ConversationId& id);

// --- schema (store_pg_schema.cpp) ------------------------------------------------------------
// The schema version this build writes (the one row of livechat_schema). It is SQLite's number:
// migration N of one engine does what migration N of the other does (docs/scale-out.md).
int schema_version_known();
// Brings the database up to schema_version_known(): each step in its own transaction holding an
// advisory lock (so two servers starting at once migrate once). `applied` (optional) receives
// how many steps ran. A newer version than this build knows is an unsupported_version error.
Status migrate(PGconn* conn, int* applied = nullptr);
// The version row of livechat_schema (which migrate creates).
Result<int> schema_version(PGconn* conn);

}  // namespace livechat::server::pg

namespace livechat::server {

// The History reads (store_pg_search.cpp) on their own connection, used only on the store's
// history thread. Search is pg_trgm's: every term a case-insensitive substring (ILIKE) of the
// document, as SQLite's FTS5 trigram tokenizer does.
class PgHistory final : public History {
 public:
  Status open(const std::string& url, bool synchronous_full);
  Result<ClosedPage> closed_conversations(const ClosedCursor& before, std::size_t limit) override;
  Result<std::optional<Conversation>> conversation(const ConversationId& id) override;
  Result<SearchPage> search(const SearchQuery& query) override;

 private:
  pg::Conn conn_;
};

class PgStore final : public GroupCommitStore {
 public:
  PgStore(StoreOptions options, Post post) : GroupCommitStore(std::move(options), std::move(post)) {}
  ~PgStore() override;

  // Connects (writer, reader, history), migrates, prepares every statement and starts the writer.
  Status start(const std::string& url);

  const Histogram* checkpoint_seconds(CheckpointKind) const override { return nullptr; }
  std::string_view engine() const override { return "postgres"; }

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
  // One statement of a batch: a prepared statement's name, its parameters, what it writes.
  struct Step {
    const char* name;
    pg::Params params;
    std::string what;
  };
  Status commit_batch(std::span<const Pending> batch, uint64_t& events) override;
  // The steps of one Write, appended to `steps`; `last_pos` advances past its events.
  Status plan(const Write& w, uint64_t& last_pos, std::vector<Step>& steps);
  // Sends every step in one pipeline (one implicit transaction, committed at its sync point).
  Status send(std::span<const Step> steps);
  template <class Row, std::size_t N>
  std::vector<Row> all(const char* name, const columns::Table<Row, N>& table, const pg::Params& params = {});
  template <class Row, std::size_t N>
  std::optional<Row> one(const char* name, const columns::Table<Row, N>& table, const std::string& key);
  Result<std::vector<StoredEvent>> events(const char* name, const pg::Params& params);

  std::string url_;
  pg::Conn writer_, reader_;  // the writer thread's, the I/O thread's
  uint64_t written_pos_ = 0;  // writer thread: the highest committed pos
  std::unique_ptr<PgHistory> history_;
  std::unique_ptr<Worker> history_thread_;
};

}  // namespace livechat::server
