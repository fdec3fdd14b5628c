// Reads of the SQLite Store: the reader connection, used from the I/O thread only (no locking).
// In WAL mode it sees only committed transactions. Every statement is reset as soon as its rows
// are read, so no read keeps a snapshot open (which would hold back WAL checkpoints).
// Readers without a Result in their signature answer "nothing" (nullopt / empty) on an SQLite error.
#include <nlohmann/json.hpp>

#include "livechat/protocol_json.hpp"
#include "store_sqlite.hpp"

namespace livechat::server {

using sqlite::ResetGuard;
using sqlite::Stmt;

namespace {

constexpr const char* kPersonCols = "id, name, email, phone, organization_id, created_at, updated_at";
constexpr const char* kOrganizationCols = "id, name, address, created_at, updated_at";
constexpr const char* kLeadCols =
    "id, kind, title, person_id, organization_id, conversation_id, value_cents, currency, expected_close_date, "
    "owner_id, source, status, created_at, updated_at";
constexpr const char* kActivityCols =
    "id, subject, type, due_date, owner_id, person_id, conversation_id, note, done, created_at, updated_at";
constexpr const char* kNoteCols =
    "id, content, lead_id, deal_id, person_id, organization_id, author_id, created_at, updated_at";
constexpr const char* kPlaybookCols = "id, json, embedded, created_at, updated_at, embedded_origin, embedded_at";

std::string select(const char* cols, const char* table, const char* tail) {
  return std::string("SELECT ") + cols + " FROM " + table + " " + tail;
}

PersonRow person_row(const Stmt& s) {
  return PersonRow{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.i64(5), s.i64(6)};
}
OrganizationRow organization_row(const Stmt& s) {
  return OrganizationRow{s.text(0), s.text(1), s.text(2), s.i64(3), s.i64(4)};
}
LeadRow lead_row(const Stmt& s) {
  LeadRow r;
  r.id = s.text(0);
  r.kind = s.text(1);
  r.title = s.text(2);
  r.person_id = s.text(3);
  r.organization_id = s.text(4);
  r.conversation_id = s.text(5);
  r.value_cents = s.is_null(6) ? -1 : s.i64(6);
  r.currency = s.text(7);
  r.expected_close_date = s.text(8);
  r.owner_id = s.text(9);
  r.source = s.text(10);
  r.status = s.text(11);
  r.created_at = s.i64(12);
  r.updated_at = s.i64(13);
  return r;
}
ActivityRow activity_row(const Stmt& s) {
  ActivityRow r;
  r.id = s.text(0);
  r.subject = s.text(1);
  r.type = s.text(2);
  r.due_date = s.text(3);
  r.owner_id = s.text(4);
  r.person_id = s.text(5);
  r.conversation_id = s.text(6);
  r.note = s.text(7);
  r.done = s.i64(8) != 0;
  r.created_at = s.i64(9);
  r.updated_at = s.i64(10);
  return r;
}
NoteRow note_row(const Stmt& s) {
  return NoteRow{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),
                 s.text(5), s.text(6), s.i64(7), s.i64(8)};
}
PlaybookRow playbook_row(const Stmt& s) {
  return PlaybookRow{s.text(0), s.text(1), s.i64(2) != 0, s.i64(3), s.i64(4), s.text(5), s.i64(6)};
}
RunRow run_row(const Stmt& s) { return RunRow{s.text(0), s.text(1), s.text(2)}; }

// Every row of an already-bound statement, then reset.
template <class Row, class Make>
std::vector<Row> all(Stmt& s, Make make) {
  ResetGuard guard(s);
  std::vector<Row> rows;
  while (s.step() == SQLITE_ROW) rows.push_back(make(s));
  return rows;
}

// The row of a statement looking one key up, then reset.
template <class Row, class Make>
std::optional<Row> one(Stmt& s, const std::string& key, Make make) {
  ResetGuard guard(s);
  s.bind(1, key);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return make(s);
}

// Rows of (pos, body) decoded into StoredEvents. A body that does not decode is an error naming
// its pos: the log is the source of truth and must never be half-read silently.
Result<std::vector<StoredEvent>> decode_events(sqlite3* db, Stmt& s) {
  ResetGuard guard(s);
  std::vector<StoredEvent> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    const uint64_t pos = static_cast<uint64_t>(s.i64(0));
    const char* body = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
    const std::size_t size = static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 1));
    const std::string where = "store: event at pos " + std::to_string(pos);
    if (!body) return make_error(ErrorCode::bad_request, where + ": empty body", "pos");
    nlohmann::json value = nlohmann::json::parse(body, body + size, nullptr, false);
    if (value.is_discarded()) return make_error(ErrorCode::bad_request, where + ": body is not JSON", "pos");
    Result<Event> event = event_from_json(value);
    if (!event) {
      return make_error(event.error().code, where + ": " + event.error().message, event.error().field);
    }
    out.push_back(StoredEvent{pos, std::move(event.value())});
  }
  if (rc != SQLITE_DONE) return sqlite::error_from(db, rc, "read events");
  return out;
}

int64_t clamp_i64(uint64_t v) { return v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v); }

}  // namespace

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
      {&r_.credential, "SELECT user_id, password_hash FROM credentials WHERE user_id = ?"},
      {&r_.session, "SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ?"},
      {&r_.visitor, "SELECT token_hash, visitor_id, playbook_id, created_at FROM visitors WHERE token_hash = ?"},
      {&r_.playbooks, select(kPlaybookCols, "playbooks", "ORDER BY id")},
      {&r_.playbook, select(kPlaybookCols, "playbooks", "WHERE id = ?")},
      {&r_.runs, "SELECT conversation_id, playbook_id, json FROM runs ORDER BY conversation_id"},
      {&r_.persons, select(kPersonCols, "persons", "ORDER BY id")},
      {&r_.organizations, select(kOrganizationCols, "organizations", "ORDER BY id")},
      {&r_.leads, select(kLeadCols, "leads", "WHERE kind = ? ORDER BY id")},
      {&r_.activities, select(kActivityCols, "activities", "ORDER BY id")},
      {&r_.notes, select(kNoteCols, "notes", "ORDER BY id")},
      {&r_.person, select(kPersonCols, "persons", "WHERE id = ?")},
      {&r_.organization, select(kOrganizationCols, "organizations", "WHERE id = ?")},
      {&r_.lead, select(kLeadCols, "leads", "WHERE id = ?")},
      {&r_.activity, select(kActivityCols, "activities", "WHERE id = ?")},
      {&r_.note, select(kNoteCols, "notes", "WHERE id = ?")},
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
  return decode_events(rdb_.get(), s);
}

Result<std::vector<StoredEvent>> SqliteStore::conversation_events(const std::string& conversation,
                                                                  uint64_t after_seq, uint64_t max_pos) {
  Stmt& s = r_.conversation_events;
  s.bind(1, conversation);
  s.bind(2, clamp_i64(after_seq));
  s.bind(3, clamp_i64(max_pos));
  return decode_events(rdb_.get(), s);
}

uint64_t SqliteStore::last_pos() {
  Stmt& s = r_.last_pos;
  ResetGuard guard(s);
  return s.step() == SQLITE_ROW ? static_cast<uint64_t>(s.i64(0)) : 0;
}

// --- accounts and configuration ----------------------------------------------------------------

std::optional<CredentialRow> SqliteStore::credential(const std::string& user_id) {
  return one<CredentialRow>(r_.credential, user_id, [](const Stmt& s) { return CredentialRow{s.text(0), s.text(1)}; });
}

std::optional<SessionRow> SqliteStore::session(const std::string& token_hash) {
  return one<SessionRow>(r_.session, token_hash,
                         [](const Stmt& s) { return SessionRow{s.text(0), s.text(1), s.i64(2), s.i64(3)}; });
}

std::optional<VisitorRow> SqliteStore::visitor(const std::string& token_hash) {
  return one<VisitorRow>(r_.visitor, token_hash,
                         [](const Stmt& s) { return VisitorRow{s.text(0), s.text(1), s.text(2), s.i64(3)}; });
}

std::vector<PlaybookRow> SqliteStore::playbooks() { return all<PlaybookRow>(r_.playbooks, playbook_row); }
std::optional<PlaybookRow> SqliteStore::playbook(const std::string& id) {
  return one<PlaybookRow>(r_.playbook, id, playbook_row);
}
std::vector<RunRow> SqliteStore::runs() { return all<RunRow>(r_.runs, run_row); }

// --- CRM -----------------------------------------------------------------------------------------

std::vector<PersonRow> SqliteStore::persons() { return all<PersonRow>(r_.persons, person_row); }
std::vector<OrganizationRow> SqliteStore::organizations() {
  return all<OrganizationRow>(r_.organizations, organization_row);
}
std::vector<LeadRow> SqliteStore::leads(const std::string& kind) {
  r_.leads.bind(1, kind);
  return all<LeadRow>(r_.leads, lead_row);
}
std::vector<ActivityRow> SqliteStore::activities() { return all<ActivityRow>(r_.activities, activity_row); }
std::vector<NoteRow> SqliteStore::notes() { return all<NoteRow>(r_.notes, note_row); }

std::optional<PersonRow> SqliteStore::person(const std::string& id) {
  return one<PersonRow>(r_.person, id, person_row);
}
std::optional<OrganizationRow> SqliteStore::organization(const std::string& id) {
  return one<OrganizationRow>(r_.organization, id, organization_row);
}
std::optional<LeadRow> SqliteStore::lead(const std::string& id) { return one<LeadRow>(r_.lead, id, lead_row); }
std::optional<ActivityRow> SqliteStore::activity(const std::string& id) {
  return one<ActivityRow>(r_.activity, id, activity_row);
}
std::optional<NoteRow> SqliteStore::note(const std::string& id) { return one<NoteRow>(r_.note, id, note_row); }

bool SqliteStore::integrity_ok() {
  Result<Stmt> s = sqlite::prepare(rdb_.get(), "PRAGMA integrity_check");
  if (!s) return false;
  if (s.value().step() != SQLITE_ROW) return false;
  const bool ok = s.value().text(0) == "ok";
  return ok && s.value().step() == SQLITE_DONE;
}

}  // namespace livechat::server
