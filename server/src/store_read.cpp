// Reads of the SQLite Store: the reader connection, used from the I/O thread only (no locking).
// In WAL mode it sees only committed transactions. Every statement is reset as soon as its rows
// are read, so no read keeps a snapshot open (which would hold back WAL checkpoints).
// Readers without a Result in their signature answer "nothing" (nullopt / empty) on an SQLite error.
#include "store_sqlite.hpp"

namespace livechat::server {

using sqlite::ResetGuard;
using sqlite::Stmt;

using namespace columns;  // the record tables (store_columns.hpp) every read below uses

namespace {

// Every row of an already-bound select_sql(table) statement, then reset.
template <class Row, std::size_t N>
std::vector<Row> all(Stmt& s, const Table<Row, N>& table) {
  ResetGuard guard(s);
  std::vector<Row> rows;
  while (s.step() == SQLITE_ROW) rows.push_back(sqlite::read_row(s, table));
  return rows;
}

// The row of a select_sql(table, "WHERE key = ?") statement, then reset.
template <class Row, std::size_t N>
std::optional<Row> one(Stmt& s, const std::string& key, const Table<Row, N>& table) {
  ResetGuard guard(s);
  s.bind(1, key);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return sqlite::read_row(s, table);
}

int64_t clamp_i64(uint64_t v) { return v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v); }

}  // namespace

// Rows of (pos, body) decoded into StoredEvents (decode_event: an error names its pos).
Result<std::vector<StoredEvent>> sqlite::decode_events(sqlite3* db, Stmt& s) {
  ResetGuard guard(s);
  std::vector<StoredEvent> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    const char* body = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
    const std::size_t size = static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 1));
    Result<StoredEvent> e = decode_event(static_cast<uint64_t>(s.i64(0)), body ? std::string_view(body, size) : "");
    if (!e) return e.error();
    out.push_back(std::move(e.value()));
  }
  if (rc != SQLITE_DONE) return sqlite::error_from(db, rc, "read events");
  return out;
}

Result<std::optional<Conversation>> sqlite::rebuild_conversation(sqlite3* db, Stmt& events, const ConversationId& id) {
  Result<std::vector<StoredEvent>> log = decode_events(db, events);
  if (!log) return log.error();
  return server::rebuild_conversation(log.value(), id);
}

Status SqliteStore::prepare_reads() {
  struct Item {
    Stmt* stmt;
    std::string sql;
  };
  const Item items[] = {
      {&r_.events_after, "SELECT pos, body FROM events WHERE pos > ? ORDER BY pos LIMIT ?"},
      {&r_.conversation_events,
       "SELECT pos, body FROM events WHERE conversation = ? AND seq > ? AND pos <= ? ORDER BY seq"},
      {&r_.last_pos, "SELECT coalesce(max(pos), 0) FROM events"},
      {&r_.user_events_after,
       "SELECT pos, body FROM events WHERE conversation IS NULL AND pos > ? ORDER BY pos LIMIT ?"},
      {&r_.open_conversations,
       "SELECT id FROM conversations WHERE phase IN ('unassigned', 'assigned') UNION ALL "
       "SELECT id FROM conversations AS c WHERE phase = 'bot' AND max(created_at, coalesce((SELECT max(at) "
       "FROM messages WHERE conversation_id = c.id), 0)) >= ? ORDER BY id"},
      {&r_.latest_conversation,
       "SELECT id FROM conversations WHERE visitor_id = ? AND playbook_id = ? ORDER BY created_at DESC, id DESC "
       "LIMIT 1"},
      {&r_.credential, sqlite::select_sql(kCredentials, "WHERE user_id = ?")},
      {&r_.session, sqlite::select_sql(kSessions, "WHERE token_hash = ?")},
      {&r_.visitor, sqlite::select_sql(kVisitors, "WHERE token_hash = ?")},
      {&r_.playbooks, sqlite::select_sql(kPlaybooks, "ORDER BY id")},
      {&r_.playbook, sqlite::select_sql(kPlaybooks, "WHERE id = ?")},
      {&r_.playbook_versions, sqlite::select_sql(kPlaybookVersions, "WHERE playbook_id = ? ORDER BY version DESC")},
      {&r_.playbook_version, sqlite::select_sql(kPlaybookVersions, "WHERE playbook_id = ? AND version = ?")},
      {&r_.playbook_settings, sqlite::select_sql(kPlaybookSettings, "ORDER BY playbook_id")},
      {&r_.runs, sqlite::select_sql(kRuns, "ORDER BY conversation_id")},
      {&r_.canned, sqlite::select_sql(kCanned, "ORDER BY shortcut, id")},
      {&r_.run, sqlite::select_sql(kRuns, "WHERE conversation_id = ?")},
      {&r_.persons, sqlite::select_sql(kPersons, "ORDER BY id")},
      {&r_.organizations, sqlite::select_sql(kOrganizations, "ORDER BY id")},
      {&r_.leads, sqlite::select_sql(kLeads, "WHERE kind = ? ORDER BY id")},
      {&r_.activities, sqlite::select_sql(kActivities, "ORDER BY id")},
      {&r_.notes, sqlite::select_sql(kNotes, "ORDER BY id")},
      {&r_.person, sqlite::select_sql(kPersons, "WHERE id = ?")},
      {&r_.organization, sqlite::select_sql(kOrganizations, "WHERE id = ?")},
      {&r_.lead, sqlite::select_sql(kLeads, "WHERE id = ?")},
      {&r_.activity, sqlite::select_sql(kActivities, "WHERE id = ?")},
      {&r_.note, sqlite::select_sql(kNotes, "WHERE id = ?")},
  };
  for (const Item& item : items) {
    Result<Stmt> s = sqlite::prepare(rdb_.get(), item.sql);
    if (!s) return s.error();
    *item.stmt = std::move(s.value());
  }
  return ok_status();
}

// --- the event log -----------------------------------------------------------------------------

Result<std::vector<StoredEvent>> SqliteStore::events_after(uint64_t after_pos, std::size_t limit) {
  Stmt& s = r_.events_after;
  s.bind(1, clamp_i64(after_pos));
  s.bind(2, clamp_i64(limit));
  return sqlite::decode_events(rdb_.get(), s);
}

Result<std::vector<StoredEvent>> SqliteStore::conversation_events(const std::string& conversation,
                                                                  uint64_t after_seq, uint64_t max_pos) {
  Stmt& s = r_.conversation_events;
  s.bind(1, conversation);
  s.bind(2, clamp_i64(after_seq));
  s.bind(3, clamp_i64(max_pos));
  return sqlite::decode_events(rdb_.get(), s);
}

Result<std::optional<Conversation>> SqliteStore::load_conversation(const ConversationId& id) {
  Stmt& s = r_.conversation_events;
  s.bind(1, id);
  s.bind(2, int64_t{0});
  s.bind(3, INT64_MAX);
  return sqlite::rebuild_conversation(rdb_.get(), s, id);
}

uint64_t SqliteStore::last_pos() {
  Stmt& s = r_.last_pos;
  ResetGuard guard(s);
  return s.step() == SQLITE_ROW ? static_cast<uint64_t>(s.i64(0)) : 0;
}

Result<std::vector<StoredEvent>> SqliteStore::user_events_after(uint64_t after_pos, std::size_t limit) {
  Stmt& s = r_.user_events_after;
  s.bind(1, clamp_i64(after_pos));
  s.bind(2, clamp_i64(limit));
  return decode_events(rdb_.get(), s);
}

Result<std::vector<ConversationId>> SqliteStore::open_conversations(TimeMs bot_active_since) {
  Stmt& s = r_.open_conversations;
  ResetGuard guard(s);
  s.bind(1, bot_active_since);
  std::vector<ConversationId> ids;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) ids.push_back(s.text(0));
  if (rc != SQLITE_DONE) return sqlite::error_from(rdb_.get(), rc, "read open conversations");
  return ids;
}

std::optional<ConversationId> SqliteStore::latest_conversation(const std::string& visitor_id,
                                                               const std::string& playbook_id) {
  Stmt& s = r_.latest_conversation;
  ResetGuard guard(s);
  s.bind(1, visitor_id);
  s.bind(2, playbook_id);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return s.text(0);
}

// --- accounts and configuration ----------------------------------------------------------------

std::optional<CredentialRow> SqliteStore::credential(const std::string& user_id) {
  return one(r_.credential, user_id, kCredentials);
}

std::optional<SessionRow> SqliteStore::session(const std::string& token_hash) {
  return one(r_.session, token_hash, kSessions);
}

std::optional<VisitorRow> SqliteStore::visitor(const std::string& token_hash) {
  return one(r_.visitor, token_hash, kVisitors);
}

std::vector<PlaybookRow> SqliteStore::playbooks() { return all(r_.playbooks, kPlaybooks); }
std::optional<PlaybookRow> SqliteStore::playbook(const std::string& id) { return one(r_.playbook, id, kPlaybooks); }
std::vector<PlaybookVersionRow> SqliteStore::playbook_versions(const std::string& playbook_id) {
  r_.playbook_versions.bind(1, playbook_id);
  return all(r_.playbook_versions, kPlaybookVersions);
}
std::optional<PlaybookVersionRow> SqliteStore::playbook_version(const std::string& playbook_id, int64_t version) {
  r_.playbook_version.bind(2, version);
  return one(r_.playbook_version, playbook_id, kPlaybookVersions);
}
std::vector<PlaybookSettingsRow> SqliteStore::playbook_settings() {
  return all(r_.playbook_settings, kPlaybookSettings);
}
std::vector<RunRow> SqliteStore::runs() { return all(r_.runs, kRuns); }
std::vector<CannedRow> SqliteStore::canned_responses() { return all(r_.canned, kCanned); }
std::optional<RunRow> SqliteStore::run(const std::string& conversation_id) {
  return one(r_.run, conversation_id, kRuns);
}

// --- CRM -----------------------------------------------------------------------------------------

std::vector<PersonRow> SqliteStore::persons() { return all(r_.persons, kPersons); }
std::vector<OrganizationRow> SqliteStore::organizations() { return all(r_.organizations, kOrganizations); }
std::vector<LeadRow> SqliteStore::leads(const std::string& kind) {
  r_.leads.bind(1, kind);
  return all(r_.leads, kLeads);
}
std::vector<ActivityRow> SqliteStore::activities() { return all(r_.activities, kActivities); }
std::vector<NoteRow> SqliteStore::notes() { return all(r_.notes, kNotes); }

std::optional<PersonRow> SqliteStore::person(const std::string& id) { return one(r_.person, id, kPersons); }
std::optional<OrganizationRow> SqliteStore::organization(const std::string& id) {
  return one(r_.organization, id, kOrganizations);
}
std::optional<LeadRow> SqliteStore::lead(const std::string& id) { return one(r_.lead, id, kLeads); }
std::optional<ActivityRow> SqliteStore::activity(const std::string& id) { return one(r_.activity, id, kActivities); }
std::optional<NoteRow> SqliteStore::note(const std::string& id) { return one(r_.note, id, kNotes); }

bool SqliteStore::integrity_ok() {
  Result<Stmt> s = sqlite::prepare(rdb_.get(), "PRAGMA integrity_check");
  if (!s) return false;
  if (s.value().step() != SQLITE_ROW) return false;
  const bool ok = s.value().text(0) == "ok";
  return ok && s.value().step() == SQLITE_DONE;
}

}  // namespace livechat::server
