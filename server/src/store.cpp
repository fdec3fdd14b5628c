// The Store over SQLite: opening, the writer's statements and one transaction (store.hpp has the
// contract, store_sqlite.hpp the internals; the queue and group commit are store_group_commit.cpp's,
// reads are in store_read.cpp, the schema in store_schema.cpp).
//
// Each batch is ONE transaction (BEGIN IMMEDIATE ... COMMIT, one fsync with synchronous=FULL) run
// with statements prepared once at open; after a failure, ROLLBACK.
#include <span>

#include "store_sqlite.hpp"

namespace livechat::server {

using sqlite::ResetGuard;
using sqlite::Stmt;

Status SqliteStore::start(const std::string& path) {
  const char* vfs = options_.vfs.empty() ? nullptr : options_.vfs.c_str();
  Result<sqlite::Db> w = sqlite::open_connection(path, sqlite::ConnRole::writer, options_.synchronous_full, vfs);
  if (!w) return w.error();
  wdb_ = std::move(w.value());
  Status s = sqlite::migrate(wdb_.get());
  if (s) s = prepare_writes();
  if (!s) return s;
  // The reader is opened only now, so it never sees a half-migrated schema.
  Result<sqlite::Db> r = sqlite::open_connection(path, sqlite::ConnRole::reader, options_.synchronous_full, vfs);
  if (!r) return r.error();
  rdb_ = std::move(r.value());
  s = prepare_reads();
  if (!s) return s;
  history_ = std::make_unique<SqliteHistory>();
  s = history_->open(path, options_.synchronous_full, vfs);
  if (!s) return s;
  history_thread_ = std::make_unique<Worker>();

  Result<Stmt> last = sqlite::prepare(wdb_.get(), "SELECT coalesce(max(pos), 0) FROM events");
  if (!last) return last.error();
  if (last.value().step() != SQLITE_ROW) return sqlite::error_from(wdb_.get(), SQLITE_ERROR, "read last pos");
  written_pos_ = static_cast<uint64_t>(last.value().i64(0));

  s = start_checkpointer(path);
  if (!s) return s;
  start_writer("store-writer");
  return ok_status();
}

SqliteStore::~SqliteStore() {
  history_thread_.reset();  // finishes the queued history reads (their answers are posted)
  history_.reset();
  stop_writer();        // commits everything still queued first
  stop_checkpointer();                     // then copies the whole WAL into the file
  // Statements before their connections (Stmt and Db members would do it in this order anyway).
  w_ = WriteStmts{};
  r_ = ReadStmts{};
  rdb_.close();
  wdb_.close();
}

Status SqliteStore::prepare_writes() {
  sqlite3* db = wdb_.get();
  struct Item {
    Stmt* stmt;
    std::string sql;
  };
  const Item items[] = {
      {&w_.begin, "BEGIN IMMEDIATE"},
      {&w_.commit, "COMMIT"},
      {&w_.rollback, "ROLLBACK"},
      {&w_.event, "INSERT INTO events (pos, type, conversation, seq, at, body) VALUES (?, ?, ?, ?, ?, ?)"},
      {&w_.conv_insert,
       "INSERT INTO conversations (id, visitor_id, playbook_id, phase, assignee, created_at, closed_at, last_seq) "
       "VALUES (?, ?, ?, 'bot', NULL, ?, NULL, ?)"},
      {&w_.conv_seq, "UPDATE conversations SET last_seq = ?2 WHERE id = ?1"},
      {&w_.conv_phase, "UPDATE conversations SET last_seq = ?2, phase = ?3 WHERE id = ?1"},
      {&w_.conv_assign, "UPDATE conversations SET last_seq = ?2, phase = 'assigned', assignee = ?3 WHERE id = ?1"},
      {&w_.conv_unassign,
       "UPDATE conversations SET last_seq = ?2, phase = 'unassigned', assignee = NULL WHERE id = ?1"},
      {&w_.conv_close, "UPDATE conversations SET last_seq = ?2, phase = 'closed', closed_at = ?3 WHERE id = ?1"},
      {&w_.organization, sqlite::upsert_sql(columns::kOrganizations)},
      {&w_.person, sqlite::upsert_sql(columns::kPersons)},
      {&w_.lead, sqlite::upsert_sql(columns::kLeads)},
      {&w_.activity, sqlite::upsert_sql(columns::kActivities)},
      {&w_.note, sqlite::upsert_sql(columns::kNotes)},
      {&w_.credential, sqlite::upsert_sql(columns::kCredentials)},
      {&w_.session, sqlite::upsert_sql(columns::kSessions)},
      {&w_.end_session, "DELETE FROM sessions WHERE token_hash = ?"},
      {&w_.visitor, sqlite::upsert_sql(columns::kVisitors)},
      {&w_.playbook, sqlite::upsert_sql(columns::kPlaybooks)},
      {&w_.delete_playbook, "DELETE FROM playbooks WHERE id = ?"},
      {&w_.playbook_version, sqlite::upsert_sql(columns::kPlaybookVersions)},
      {&w_.playbook_settings, sqlite::upsert_sql(columns::kPlaybookSettings)},
      {&w_.run, sqlite::upsert_sql(columns::kRuns)},
      {&w_.canned, sqlite::upsert_sql(columns::kCanned)},
      {&w_.delete_canned, "DELETE FROM canned_responses WHERE id = ?"},
  };
  for (const Item& item : items) {
    Result<Stmt> s = sqlite::prepare(db, item.sql);
    if (!s) return s.error();
    *item.stmt = std::move(s.value());
  }
  return ok_status();
}

StoreStats SqliteStore::stats() const {
  StoreStats out = GroupCommitStore::stats();
  std::lock_guard lock(wal_mu_);
  WalStats& wal = out.wal.emplace();
  wal.checkpoints = wal_.checkpoints;
  wal.forced_checkpoints = wal_.forced_checkpoints;
  wal.frames = static_cast<uint64_t>(wal_.frames);
  // A 32-byte file header, then each frame: a 24-byte header and one page.
  wal.bytes = wal_.frames > 0 ? 32 + wal.frames * (static_cast<uint64_t>(page_size_) + 24) : 0;
  return out;
}

// --- one transaction ---------------------------------------------------------------------------

Status SqliteStore::run(Stmt& s, std::string_view what) {
  ResetGuard guard(s);
  const int rc = s.step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return ok_status();
  return sqlite::error_from(wdb_.get(), rc, what);
}

Status SqliteStore::commit_batch(std::span<const Pending> batch, uint64_t& events) {
  Status s = run(w_.begin, "begin");
  if (!s) return s;
  uint64_t pos = written_pos_;
  for (const Pending& p : batch) {
    s = write_one(p.write, pos);
    if (!s) break;
    events += p.write.events.size();
  }
  if (s) s = run(w_.commit, "commit");
  if (!s) {
    // A failed statement leaves the transaction open; a failed COMMIT may or may not have.
    if (!sqlite3_get_autocommit(wdb_.get())) run(w_.rollback, "rollback");
    return s;
  }
  written_pos_ = pos;
  return ok_status();
}

Status SqliteStore::write_event(const StoredEvent& e, uint64_t& last_pos) {
  const std::string at_pos = "event at pos " + std::to_string(e.pos);
  Status s = check_pos(e.pos, last_pos);
  if (!s) return s;
  const EventRow row = event_row(e.event);
  const ConversationId* conv = row.conversation;
  const Seq seq = row.seq;

  Stmt& ins = w_.event;
  ins.bind_u64(1, e.pos);
  ins.bind(2, row.type);
  if (conv) {
    ins.bind(3, *conv);
    ins.bind_u64(4, seq);
    ins.bind(5, row.at);
  }  // else conversation, seq and at stay NULL (reset() clears bindings)
  ins.bind(6, row.body);
  s = run(ins, at_pos);
  if (!s) return s;
  last_pos = e.pos;
  if (!conv) return ok_status();

  // Projections. Every conversation event moves last_seq; a conversation nobody started is an error.
  Stmt* update = &w_.conv_seq;
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, ConversationStarted>) {
          update = nullptr;
          Stmt& st = w_.conv_insert;
          st.bind(1, ev.conversation);
          st.bind_id(2, ev.visitor_id);
          st.bind_id(3, ev.playbook_id);
          st.bind(4, ev.at);
          st.bind_u64(5, ev.seq);
          s = run(st, at_pos + ": start conversation " + in_quotes(ev.conversation));
        } else if constexpr (std::is_same_v<T, LiveChatRequested>) {
          update = &w_.conv_phase;
          update->bind(3, phase_name(Phase::unassigned));
        } else if constexpr (std::is_same_v<T, ConversationAssigned>) {
          update = &w_.conv_assign;
          update->bind_id(3, ev.to);
        } else if constexpr (std::is_same_v<T, ConversationUnassigned>) {
          update = &w_.conv_unassign;
        } else if constexpr (std::is_same_v<T, ConversationClosed>) {
          update = &w_.conv_close;  // the assignee stays, as in core apply()
          update->bind(3, ev.at);
        }
      },
      e.event);
  if (!s || !update) return s;
  update->bind(1, *conv);
  update->bind_u64(2, seq);
  s = run(*update, at_pos + ": update conversation " + in_quotes(*conv));
  if (!s) return s;
  if (sqlite3_changes(wdb_.get()) != 1) {
    return make_error(ErrorCode::not_found, "store: " + at_pos + ": unknown conversation " + in_quotes(*conv));
  }
  return ok_status();
}

Status SqliteStore::write_one(const Write& w, uint64_t& last_pos) {
  Status s = ok_status();
  // Events first (they create the conversations CRM rows link to), then parents before children.
  for (const StoredEvent& e : w.events)
    if (!(s = write_event(e, last_pos))) return s;

  // Each record: its columns bound from store_columns.hpp's table, then the upsert run.
  auto upsert = [&](Stmt& st, const auto& table, const auto& row, const std::string& what) {
    sqlite::bind_row(st, table, row);
    return s = run(st, what);
  };
  for (const OrganizationRow& r : w.organizations)
    if (!upsert(w_.organization, columns::kOrganizations, r, "organization " + in_quotes(r.id))) return s;
  for (const PersonRow& r : w.persons)
    if (!upsert(w_.person, columns::kPersons, r, "person " + in_quotes(r.id))) return s;
  for (const LeadRow& r : w.leads)
    if (!upsert(w_.lead, columns::kLeads, r, r.kind + " " + in_quotes(r.id))) return s;
  for (const ActivityRow& r : w.activities)
    if (!upsert(w_.activity, columns::kActivities, r, "activity " + in_quotes(r.id))) return s;
  for (const NoteRow& r : w.notes)
    if (!upsert(w_.note, columns::kNotes, r, "note " + in_quotes(r.id))) return s;
  for (const CredentialRow& r : w.credentials)
    if (!upsert(w_.credential, columns::kCredentials, r, "credential of " + in_quotes(r.user_id))) return s;
  for (const SessionRow& r : w.sessions)
    if (!upsert(w_.session, columns::kSessions, r, "session of " + in_quotes(r.user_id))) return s;
  for (const std::string& token_hash : w.ended_sessions) {
    w_.end_session.bind(1, token_hash);
    if (!(s = run(w_.end_session, "end session"))) return s;
  }
  for (const VisitorRow& r : w.visitors)
    if (!upsert(w_.visitor, columns::kVisitors, r, "visitor " + in_quotes(r.visitor_id))) return s;
  for (const PlaybookRow& r : w.playbooks)
    if (!upsert(w_.playbook, columns::kPlaybooks, r, "playbook " + in_quotes(r.id))) return s;
  for (const std::string& id : w.deleted_playbooks) {
    w_.delete_playbook.bind(1, id);
    if (!(s = run(w_.delete_playbook, "delete playbook " + in_quotes(id)))) return s;
  }
  for (const PlaybookVersionRow& r : w.playbook_versions)
    if (!upsert(w_.playbook_version, columns::kPlaybookVersions, r,
                "version " + std::to_string(r.version) + " of playbook " + in_quotes(r.playbook_id)))
      return s;
  for (const PlaybookSettingsRow& r : w.playbook_settings)
    if (!upsert(w_.playbook_settings, columns::kPlaybookSettings, r, "settings of playbook " + in_quotes(r.playbook_id)))
      return s;
  for (const RunRow& r : w.runs)
    if (!upsert(w_.run, columns::kRuns, r, "run of conversation " + in_quotes(r.conversation_id))) return s;
  for (const CannedRow& r : w.canned)
    if (!upsert(w_.canned, columns::kCanned, r, "canned response " + in_quotes(r.id))) return s;
  for (const std::string& id : w.deleted_canned) {
    w_.delete_canned.bind(1, id);
    if (!(s = run(w_.delete_canned, "delete canned response " + in_quotes(id)))) return s;
  }
  return s;
}

}  // namespace livechat::server
