// The store's schema and its numbered migrations, plus the connection helpers of store_sqlite.hpp.
//
// Migrations: kMigrations[i] takes the file from user_version i to i + 1. Each runs in its own
// BEGIN IMMEDIATE transaction together with `PRAGMA user_version = i + 1`, so a crash leaves a
// whole step or none. Never edit a released step: append a new one.
#include <string>

#include "store_sqlite.hpp"

namespace livechat::server::sqlite {

namespace {

// Version 1: the event log, its projections, CRM records, accounts and configuration.
// Empty ids are stored as NULL so that "no link" passes the foreign keys. Tables are STRICT, so a
// value of the wrong type is refused instead of silently stored.
constexpr const char* kSchemaV1 = R"sql(
-- The append-only event log. body is livechat::to_json_value(event); conversation, seq and at
-- are copies for indexing (NULL for user events).
CREATE TABLE events (
  pos          INTEGER PRIMARY KEY,
  type         TEXT NOT NULL,
  conversation TEXT,
  seq          INTEGER,
  at           INTEGER,
  body         TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX events_conversation_seq ON events(conversation, seq);

-- Projections of the log, maintained in the same transaction as the events.
CREATE TABLE conversations (
  id          TEXT PRIMARY KEY,
  visitor_id  TEXT,
  playbook_id TEXT,
  phase       TEXT NOT NULL CHECK (phase IN ('bot', 'unassigned', 'assigned', 'closed')),
  assignee    TEXT,
  created_at  INTEGER NOT NULL,
  closed_at   INTEGER,
  last_seq    INTEGER NOT NULL
) STRICT;
CREATE INDEX conversations_phase ON conversations(phase, assignee);

CREATE TABLE messages (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  seq             INTEGER NOT NULL,
  author          TEXT NOT NULL,
  author_id       TEXT,
  text            TEXT NOT NULL,
  at              INTEGER NOT NULL,
  client_id       TEXT,
  PRIMARY KEY (conversation_id, seq)
) STRICT;

-- CRM records, upserted by id.
CREATE TABLE organizations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  address    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE persons (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  email           TEXT NOT NULL,
  phone           TEXT NOT NULL,
  organization_id TEXT REFERENCES organizations(id),
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX persons_organization ON persons(organization_id);

-- Leads and deals; value_cents is NULL when there is no value (-1 in LeadRow).
CREATE TABLE leads (
  id                  TEXT PRIMARY KEY,
  kind                TEXT NOT NULL CHECK (kind IN ('lead', 'deal')),
  title               TEXT NOT NULL,
  person_id           TEXT REFERENCES persons(id),
  organization_id     TEXT REFERENCES organizations(id),
  conversation_id     TEXT REFERENCES conversations(id),
  value_cents         INTEGER,
  currency            TEXT NOT NULL,
  expected_close_date TEXT NOT NULL,
  owner_id            TEXT,
  source              TEXT NOT NULL,
  status              TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX leads_kind ON leads(kind);
CREATE INDEX leads_person ON leads(person_id);
CREATE INDEX leads_organization ON leads(organization_id);
CREATE INDEX leads_conversation ON leads(conversation_id);

CREATE TABLE activities (
  id              TEXT PRIMARY KEY,
  subject         TEXT NOT NULL,
  type            TEXT NOT NULL,
  due_date        TEXT NOT NULL,
  owner_id        TEXT,
  person_id       TEXT REFERENCES persons(id),
  conversation_id TEXT REFERENCES conversations(id),
  note            TEXT NOT NULL,
  done            INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX activities_person ON activities(person_id);
CREATE INDEX activities_conversation ON activities(conversation_id);

CREATE TABLE notes (
  id              TEXT PRIMARY KEY,
  content         TEXT NOT NULL,
  lead_id         TEXT REFERENCES leads(id),
  deal_id         TEXT REFERENCES leads(id),
  person_id       TEXT REFERENCES persons(id),
  organization_id TEXT REFERENCES organizations(id),
  author_id       TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX notes_lead ON notes(lead_id);
CREATE INDEX notes_deal ON notes(deal_id);
CREATE INDEX notes_person ON notes(person_id);
CREATE INDEX notes_organization ON notes(organization_id);

-- Accounts and configuration.
CREATE TABLE credentials (
  user_id       TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE visitors (
  token_hash  TEXT PRIMARY KEY,
  visitor_id  TEXT NOT NULL,
  playbook_id TEXT,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE playbooks (
  id         TEXT PRIMARY KEY,
  json       TEXT NOT NULL,
  embedded   INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE runs (
  conversation_id TEXT PRIMARY KEY,
  playbook_id     TEXT,
  json            TEXT NOT NULL
) STRICT;
)sql";

// Version 2: the messages projection (nothing in the server read it, and it wrote every
// message's text a second time: docs/benchmarks.md) becomes a view over the event log, with the
// same columns for operators' SQL ("" ids read as NULL, as the table stored them).
constexpr const char* kSchemaV2 = R"sql(
DROP TABLE messages;
CREATE VIEW messages (conversation_id, seq, author, author_id, text, at, client_id) AS
  SELECT conversation, seq, body ->> '$.author', nullif(body ->> '$.author_id', ''), body ->> '$.text', at,
         nullif(body ->> '$.client_id', '')
  FROM events WHERE type = 'message_posted';
)sql";

// Version 3: where and when a playbook first loaded from one of its allowed sites, for the
// dashboard's "embedded on https://shop.example since ..." (playbooks embedded before: unknown).
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE playbooks ADD COLUMN embedded_origin TEXT NOT NULL DEFAULT '';
ALTER TABLE playbooks ADD COLUMN embedded_at INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 4: canned responses (core/canned.hpp), shared (owner_id '') and personal.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE canned_responses (
  id         TEXT PRIMARY KEY,
  owner_id   TEXT NOT NULL,
  shortcut   TEXT NOT NULL,
  texts_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX canned_responses_by_owner ON canned_responses (owner_id, shortcut);
)sql";

// Version 5: a visitor's newest conversation is looked up in the store (the engine holds open
// conversations only), so the widget's welcome needs no walk of every conversation.
constexpr const char* kSchemaV5 = R"sql(
CREATE INDEX IF NOT EXISTS conversations_visitor ON conversations(visitor_id, playbook_id, created_at);
)sql";

// Version 6: history read from the store instead of memory (issue 14), and search.
// - The Closed folder pages newest first by (closed_at, id): an index that serves that order.
// - Full-text search with FTS5's trigram tokenizer: it matches any run of three or more
//   characters in any script (CJK has no spaces between words, so a word tokenizer would see a
//   whole sentence as one token), case-insensitively, byte-exact otherwise (docs/architecture.md).
// - conversation_search: one document per CLOSED conversation, rowid = the pos of its
//   conversation_closed event (so rowid order is closing order, newest last). Filled by triggers
//   on the event log, inside the transaction that appends the events: at close, and again when
//   a closed conversation's side panel changes. Its text is the visitor's name, the side panel's
//   person, email, phone and organization, and every message.
// - record_search: persons, organizations, leads and deals, through search_records (FTS5's
//   external content: the indexed values, kept so an update can remove exactly what it indexed),
//   filled by triggers on the CRM tables.
// Existing rows are indexed by this migration (back-fill at the end).
constexpr const char* kSchemaV6 = R"sql(
CREATE INDEX conversations_closed ON conversations(phase, closed_at, id);

CREATE VIEW conversation_documents (conversation, name, email, phone, organization, messages) AS
  SELECT s.conversation,
         trim(coalesce(s.body ->> '$.visitor_name', '') || char(10) || coalesce(p.body ->> '$.panel.person_name', ''), char(10)),
         coalesce(p.body ->> '$.panel.email', ''),
         coalesce(p.body ->> '$.panel.phone', ''),
         trim(coalesce(p.body ->> '$.panel.organization_name', '') || char(10) || coalesce(p.body ->> '$.panel.organization_address', ''), char(10)),
         coalesce((SELECT group_concat(m.body ->> '$.text', char(10)) FROM events m
                   WHERE m.conversation = s.conversation AND m.type = 'message_posted'), '')
  FROM events s
  LEFT JOIN events p ON p.pos = (SELECT max(pos) FROM events
                                 WHERE conversation = s.conversation AND type = 'side_panel_updated')
  WHERE s.type = 'conversation_started';

CREATE VIRTUAL TABLE conversation_search USING fts5(
  conversation UNINDEXED, name, email, phone, organization, messages, tokenize = 'trigram');

CREATE TRIGGER conversation_search_closed AFTER INSERT ON events WHEN new.type = 'conversation_closed' BEGIN
  INSERT INTO conversation_search (rowid, conversation, name, email, phone, organization, messages)
    SELECT new.pos, * FROM conversation_documents WHERE conversation = new.conversation;
END;
CREATE TRIGGER conversation_search_panel AFTER INSERT ON events WHEN new.type = 'side_panel_updated' BEGIN
  DELETE FROM conversation_search WHERE rowid =
    (SELECT pos FROM events WHERE conversation = new.conversation AND type = 'conversation_closed');
  INSERT INTO conversation_search (rowid, conversation, name, email, phone, organization, messages)
    SELECT c.pos, d.* FROM events c JOIN conversation_documents d ON d.conversation = c.conversation
    WHERE c.conversation = new.conversation AND c.type = 'conversation_closed';
END;
INSERT INTO conversation_search (rowid, conversation, name, email, phone, organization, messages)
  SELECT c.pos, d.* FROM events c JOIN conversation_documents d ON d.conversation = c.conversation
  WHERE c.type = 'conversation_closed';

CREATE TABLE search_records (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'lead', 'deal')),
  ref          TEXT NOT NULL,
  name         TEXT NOT NULL,
  email        TEXT NOT NULL,
  phone        TEXT NOT NULL,
  organization TEXT NOT NULL,
  UNIQUE (kind, ref)
) STRICT;
CREATE VIRTUAL TABLE record_search USING fts5(
  name, email, phone, organization, content = 'search_records', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER search_records_insert AFTER INSERT ON search_records BEGIN
  INSERT INTO record_search (rowid, name, email, phone, organization)
    VALUES (new.id, new.name, new.email, new.phone, new.organization);
END;
CREATE TRIGGER search_records_update AFTER UPDATE ON search_records BEGIN
  INSERT INTO record_search (record_search, rowid, name, email, phone, organization)
    VALUES ('delete', old.id, old.name, old.email, old.phone, old.organization);
  INSERT INTO record_search (rowid, name, email, phone, organization)
    VALUES (new.id, new.name, new.email, new.phone, new.organization);
END;
CREATE VIEW record_documents (kind, ref, name, email, phone, organization) AS
  SELECT 'person', p.id, p.name, p.email, p.phone, coalesce(o.name, '')
  FROM persons p LEFT JOIN organizations o ON o.id = p.organization_id
  UNION ALL
  SELECT 'organization', id, name, '', '', address FROM organizations
  UNION ALL
  SELECT l.kind, l.id, trim(l.title || char(10) || coalesce(p.name, ''), char(10)), coalesce(p.email, ''),
         coalesce(p.phone, ''), coalesce(o.name, '')
  FROM leads l LEFT JOIN persons p ON p.id = l.person_id LEFT JOIN organizations o ON o.id = l.organization_id;
CREATE TRIGGER persons_search_insert AFTER INSERT ON persons BEGIN
  INSERT INTO search_records (kind, ref, name, email, phone, organization)
    SELECT * FROM record_documents WHERE kind = 'person' AND ref = new.id
    ON CONFLICT (kind, ref) DO UPDATE SET
      name = excluded.name, email = excluded.email, phone = excluded.phone, organization = excluded.organization;
END;
CREATE TRIGGER persons_search_update AFTER UPDATE ON persons BEGIN
  INSERT INTO search_records (kind, ref, name, email, phone, organization)
    SELECT * FROM record_documents WHERE kind = 'person' AND ref = new.id
    ON CONFLICT (kind, ref) DO UPDATE SET
      name = excluded.name, email = excluded.email, phone = excluded.phone, organization = excluded.organization;
END;
CREATE TRIGGER organizations_search_insert AFTER INSERT ON organizations BEGIN
  INSERT INTO search_records (kind, ref, name, email, phone, organization)
    SELECT * FROM record_documents WHERE kind = 'organization' AND ref = new.id
    ON CONFLICT (kind, ref) DO UPDATE SET
      name = excluded.name, email = excluded.email, phone = excluded.phone, organization = excluded.organization;
END;
CREATE TRIGGER organizations_search_update AFTER UPDATE ON organizations BEGIN
  INSERT INTO search_records (kind, ref, name, email, phone, organization)
    SELECT * FROM record_documents WHERE kind = 'organization' AND ref = new.id
    ON CONFLICT (kind, ref) DO UPDATE SET
      name = excluded.name, email = excluded.email, phone = excluded.phone, organization = excluded.organization;
END;
CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN
  INSERT INTO search_records (kind, ref, name, email, phone, organization)
    SELECT * FROM record_documents WHERE kind = new.kind AND ref = new.id
    ON CONFLICT (kind, ref) DO UPDATE SET
      name = excluded.name, email = excluded.email, phone = excluded.phone, organization = excluded.organization;
END;
CREATE TRIGGER leads_search_update AFTER UPDATE ON leads BEGIN
  INSERT INTO search_records (kind, ref, name, email, phone, organization)
    SELECT * FROM record_documents WHERE kind = new.kind AND ref = new.id
    ON CONFLICT (kind, ref) DO UPDATE SET
      name = excluded.name, email = excluded.email, phone = excluded.phone, organization = excluded.organization;
END;
INSERT INTO search_records (kind, ref, name, email, phone, organization) SELECT * FROM record_documents;
)sql";

// Version 7: drafts and published versions (issue 15). playbooks.json becomes the draft the
// builder edits; visitors get the published_version row of playbook_versions (written once,
// never changed); a chatbot run keeps the version it started on. Playbooks published before
// become version 1 of themselves (by nobody), and their runs run on it.
constexpr const char* kSchemaV7 = R"sql(
ALTER TABLE playbooks ADD COLUMN published_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN playbook_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE playbook_versions (
  id          TEXT PRIMARY KEY,
  playbook_id TEXT NOT NULL REFERENCES playbooks(id) ON DELETE CASCADE,
  version     INTEGER NOT NULL,
  json        TEXT NOT NULL,
  author_id   TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (playbook_id, version)
) STRICT;
UPDATE playbooks SET published_version = 1
  WHERE CASE WHEN json_valid(json) THEN json_extract(json, '$.published') END = 1;
INSERT INTO playbook_versions (id, playbook_id, version, json, author_id, created_at)
  SELECT 'pv_' || id || '_1', id, 1, json, '', updated_at FROM playbooks WHERE published_version = 1;
UPDATE runs SET playbook_version = 1 WHERE playbook_id IN (SELECT id FROM playbooks WHERE published_version = 1);
)sql";

// Version 8: a playbook's settings beside its flow (issue 18): its business hours, as JSON
// (core/business_hours.hpp). Deleted with the playbook.
constexpr const char* kSchemaV8 = R"sql(
CREATE TABLE playbook_settings (
  playbook_id    TEXT PRIMARY KEY REFERENCES playbooks(id) ON DELETE CASCADE,
  business_hours TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;
)sql";

constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4, kSchemaV5, kSchemaV6, kSchemaV7,
                                       kSchemaV8};
constexpr int kVersion = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

}  // namespace

Error error_from(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  ErrorCode code = primary == SQLITE_FULL || primary == SQLITE_TOOBIG ? ErrorCode::too_large : ErrorCode::conflict;
  std::string message = "store: ";
  message.append(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return make_error(code, std::move(message));
}

Status exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return ok_status();
  std::string message = std::string("store: ") + (err ? err : sqlite3_errstr(rc));
  sqlite3_free(err);
  return make_error(ErrorCode::conflict, std::move(message));
}

Result<Stmt> prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return error_from(db, rc, std::string("prepare ") + std::string(sql.substr(0, 60)));
  }
  return Stmt(s);
}

Result<Db> open_connection(const std::string& path, ConnRole role, bool synchronous_full, const char* vfs) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, vfs);
  Db db(raw);  // closes even when opening failed
  if (rc != SQLITE_OK) return error_from(raw, rc, "open " + path);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), 5000);

  if (role == ConnRole::writer) {
    // journal_mode answers with the mode in force; anything but "wal" means it did not take.
    Result<Stmt> wal = prepare(db.get(), "PRAGMA journal_mode=WAL");
    if (!wal) return wal.error();
    rc = wal.value().step();
    std::string mode = rc == SQLITE_ROW ? wal.value().text(0) : std::string();
    if (mode != "wal") {
      return make_error(ErrorCode::conflict, "store: cannot switch " + path + " to WAL mode (got '" + mode + "')");
    }
  }
  Status s = exec(db.get(), synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  if (s) s = exec(db.get(), "PRAGMA foreign_keys=ON");
  if (s && role == ConnRole::reader) s = exec(db.get(), "PRAGMA query_only=ON");
  if (!s) return s.error();
  return db;
}

int schema_version_known() { return kVersion; }

Result<int> schema_version(sqlite3* db) {
  Result<Stmt> st = prepare(db, "PRAGMA user_version");
  if (!st) return st.error();
  if (st.value().step() != SQLITE_ROW) return error_from(db, SQLITE_ERROR, "read user_version");
  return static_cast<int>(st.value().i64(0));
}

Status migrate(sqlite3* db, int* applied) {
  if (applied) *applied = 0;
  Result<int> current = schema_version(db);
  if (!current) return current.error();
  if (current.value() > kVersion) {
    return make_error(ErrorCode::unsupported_version,
                      "store: the database has schema version " + std::to_string(current.value()) +
                          ", newer than this build knows (" + std::to_string(kVersion) + "); use a newer server");
  }
  for (int v = current.value(); v < kVersion; ++v) {
    Status s = exec(db, "BEGIN IMMEDIATE");
    if (!s) return s;
    // Another process may have migrated between our read and BEGIN IMMEDIATE: re-check inside.
    Result<int> now = schema_version(db);
    if (!now) {
      exec(db, "ROLLBACK");
      return now.error();
    }
    if (now.value() > v) {
      exec(db, "ROLLBACK");
      if (now.value() > kVersion) return migrate(db, applied);  // reports the newer version
      v = now.value() - 1;
      continue;
    }
    s = exec(db, kMigrations[v]);
    if (s) s = exec(db, ("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
    if (s) s = exec(db, "COMMIT");
    if (!s) {
      exec(db, "ROLLBACK");
      return make_error(s.error().code,
                        "store: migration to schema version " + std::to_string(v + 1) + " failed: " + s.error().message);
    }
    if (applied) ++*applied;
  }
  return ok_status();
}

}  // namespace livechat::server::sqlite
