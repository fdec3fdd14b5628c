// The PostgreSQL store's schema and its numbered migrations, plus the libpq helpers of
// store_pg.hpp.
//
// Migrations: kMigrations[i] takes the database from version i to i + 1, numbered as SQLite's
// (store_schema.cpp): step N here does what step N there does, in PostgreSQL's SQL. The version
// is the one row of livechat_schema. Each step runs in its own transaction holding an advisory
// lock, together with the version's update, so a crash leaves a whole step or none, and two
// servers starting at once migrate once. Never edit a released step: append a new one.
//
// Types: text for text and ids (an empty id is NULL, as in SQLite, so foreign keys accept "no
// link"), bigint for integers, boolean for flags. Event bodies are text (byte-exact JSON); SQL
// that looks inside one goes through livechat_json(), which first turns the escape \u0000
// (which PostgreSQL's json refuses to turn into text) into \ufffd.
#include <string>

#include "store_pg.hpp"

namespace livechat::server::pg {

namespace {

// Any constant: the key of the advisory lock every migration step holds.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7306086143960531968)";

// Version 1: the event log, its conversations projection, CRM records, accounts and configuration.
// (SQLite's version 1 also had a messages table that version 2 replaced by a view; here there
// never was one.)
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE events (
  pos          bigint PRIMARY KEY,
  type         text NOT NULL,
  conversation text,
  seq          bigint,
  at           bigint,
  body         text NOT NULL
);
CREATE UNIQUE INDEX events_conversation_seq ON events(conversation, seq);

CREATE TABLE conversations (
  id          text PRIMARY KEY,
  visitor_id  text,
  playbook_id text,
  phase       text NOT NULL CHECK (phase IN ('bot', 'unassigned', 'assigned', 'closed')),
  assignee    text,
  created_at  bigint NOT NULL,
  closed_at   bigint,
  last_seq    bigint NOT NULL
);
CREATE INDEX conversations_phase ON conversations(phase, assignee);

-- The projection's updates: one row changed, or the event names a conversation nobody started.
CREATE FUNCTION livechat_one_conversation(changed bigint, id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF changed <> 1 THEN
    RAISE EXCEPTION 'unknown conversation ''%''', id USING ERRCODE = 'foreign_key_violation';
  END IF;
END $$;

CREATE TABLE organizations (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  address    text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE persons (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  email           text NOT NULL,
  phone           text NOT NULL,
  organization_id text REFERENCES organizations(id),
  created_at      bigint NOT NULL,
  updated_at      bigint NOT NULL
);
CREATE INDEX persons_organization ON persons(organization_id);

CREATE TABLE leads (
  id                  text PRIMARY KEY,
  kind                text NOT NULL CHECK (kind IN ('lead', 'deal')),
  title               text NOT NULL,
  person_id           text REFERENCES persons(id),
  organization_id     text REFERENCES organizations(id),
  conversation_id     text REFERENCES conversations(id),
  value_cents         bigint,
  currency            text NOT NULL,
  expected_close_date text NOT NULL,
  owner_id            text,
  source              text NOT NULL,
  status              text NOT NULL,
  created_at          bigint NOT NULL,
  updated_at          bigint NOT NULL
);
CREATE INDEX leads_kind ON leads(kind);
CREATE INDEX leads_person ON leads(person_id);
CREATE INDEX leads_organization ON leads(organization_id);
CREATE INDEX leads_conversation ON leads(conversation_id);

CREATE TABLE activities (
  id              text PRIMARY KEY,
  subject         text NOT NULL,
  type            text NOT NULL,
  due_date        text NOT NULL,
  owner_id        text,
  person_id       text REFERENCES persons(id),
  conversation_id text REFERENCES conversations(id),
  note            text NOT NULL,
  done            boolean NOT NULL,
  created_at      bigint NOT NULL,
  updated_at      bigint NOT NULL
);
CREATE INDEX activities_person ON activities(person_id);
CREATE INDEX activities_conversation ON activities(conversation_id);

CREATE TABLE notes (
  id              text PRIMARY KEY,
  content         text NOT NULL,
  lead_id         text REFERENCES leads(id),
  deal_id         text REFERENCES leads(id),
  person_id       text REFERENCES persons(id),
  organization_id text REFERENCES organizations(id),
  author_id       text,
  created_at      bigint NOT NULL,
  updated_at      bigint NOT NULL
);
CREATE INDEX notes_lead ON notes(lead_id);
CREATE INDEX notes_deal ON notes(deal_id);
CREATE INDEX notes_person ON notes(person_id);
CREATE INDEX notes_organization ON notes(organization_id);

CREATE TABLE credentials (
  user_id       text PRIMARY KEY,
  password_hash text NOT NULL
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id    text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE visitors (
  token_hash  text PRIMARY KEY,
  visitor_id  text NOT NULL,
  playbook_id text,
  created_at  bigint NOT NULL
);

CREATE TABLE playbooks (
  id         text PRIMARY KEY,
  json       text NOT NULL,
  embedded   boolean NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE runs (
  conversation_id text PRIMARY KEY,
  playbook_id     text,
  json            text NOT NULL
);
)sql";

// Version 2: messages, a view over the event log with the columns operators' SQL expects. And,
// here only, a message's idempotency id (client_id) unique per conversation and author in the
// database itself: several nodes write one PostgreSQL database, so a resend reaching another node
// must still never be stored twice (SQLite has one writer, whose engine refuses repeats).
constexpr const char* kSchemaV2 = R"sql(
CREATE FUNCTION livechat_json(body text) RETURNS json LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
  $$ SELECT replace(body, '\u0000', '\ufffd')::json $$;
CREATE VIEW messages (conversation_id, seq, author, author_id, text, at, client_id) AS
  SELECT conversation, seq, livechat_json(body) ->> 'author', nullif(livechat_json(body) ->> 'author_id', ''),
         livechat_json(body) ->> 'text', at, nullif(livechat_json(body) ->> 'client_id', '')
  FROM events WHERE type = 'message_posted';
CREATE UNIQUE INDEX events_client_id ON events
  (conversation, (livechat_json(body) ->> 'author_id'), (livechat_json(body) ->> 'client_id'))
  WHERE type = 'message_posted' AND livechat_json(body) ->> 'client_id' <> '';
)sql";

// Version 3: where and when a playbook first loaded from one of its allowed sites.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE playbooks ADD COLUMN embedded_origin text NOT NULL DEFAULT '';
ALTER TABLE playbooks ADD COLUMN embedded_at bigint NOT NULL DEFAULT 0;
)sql";

// Version 4: canned responses, shared (owner_id '') and personal.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE canned_responses (
  id         text PRIMARY KEY,
  owner_id   text NOT NULL,
  shortcut   text NOT NULL,
  texts_json text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX canned_responses_by_owner ON canned_responses (owner_id, shortcut);
)sql";

// Version 5: a visitor's newest conversation.
constexpr const char* kSchemaV5 = R"sql(
CREATE INDEX conversations_visitor ON conversations(visitor_id, playbook_id, created_at);
)sql";

// Version 6: the Closed folder's order, and search with pg_trgm (docs/scale-out.md says why not
// full-text search): every term must be a case-insensitive substring (ILIKE '%term%') of a
// document, which a GIN trigram index serves.
// - conversation_search: one document per CLOSED conversation, pos = the pos of its
//   conversation_closed event (closing order). Kept by a trigger on the event log, in the
//   transaction that appends the events: at close, and again when a closed conversation's side
//   panel changes.
// - search_records: persons, organizations, leads and deals (id: creation order), kept by
//   triggers on the CRM tables.
// Existing rows are indexed at the end.
constexpr const char* kSchemaV6 = R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX conversations_closed ON conversations(phase, closed_at, id);

CREATE VIEW conversation_documents (conversation, name, email, phone, organization, messages) AS
  SELECT s.conversation,
         trim(E'\n' FROM coalesce(livechat_json(s.body) ->> 'visitor_name', '') || E'\n' ||
                         coalesce(livechat_json(p.body) -> 'panel' ->> 'person_name', '')),
         coalesce(livechat_json(p.body) -> 'panel' ->> 'email', ''),
         coalesce(livechat_json(p.body) -> 'panel' ->> 'phone', ''),
         trim(E'\n' FROM coalesce(livechat_json(p.body) -> 'panel' ->> 'organization_name', '') || E'\n' ||
                         coalesce(livechat_json(p.body) -> 'panel' ->> 'organization_address', '')),
         coalesce((SELECT string_agg(livechat_json(m.body) ->> 'text', E'\n' ORDER BY m.seq) FROM events m
                   WHERE m.conversation = s.conversation AND m.type = 'message_posted'), '')
  FROM events s
  LEFT JOIN events p ON p.pos = (SELECT max(pos) FROM events
                                 WHERE conversation = s.conversation AND type = 'side_panel_updated')
  WHERE s.type = 'conversation_started';

CREATE TABLE conversation_search (
  pos          bigint PRIMARY KEY,
  conversation text NOT NULL,
  name         text NOT NULL,
  email        text NOT NULL,
  phone        text NOT NULL,
  organization text NOT NULL,
  messages     text NOT NULL,
  document     text GENERATED ALWAYS AS
                 (name || E'\n' || email || E'\n' || phone || E'\n' || organization || E'\n' || messages) STORED
);
CREATE INDEX conversation_search_document ON conversation_search USING gin (document gin_trgm_ops);

-- (Re)indexes `conv` if it is closed.
CREATE FUNCTION livechat_index_conversation(conv text) RETURNS void LANGUAGE sql AS $$
  DELETE FROM conversation_search WHERE conversation = conv;
  INSERT INTO conversation_search (pos, conversation, name, email, phone, organization, messages)
    SELECT c.pos, d.conversation, d.name, d.email, d.phone, d.organization, d.messages
    FROM events c JOIN conversation_documents d ON d.conversation = c.conversation
    WHERE c.conversation = conv AND c.type = 'conversation_closed';
$$;
CREATE FUNCTION livechat_conversation_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM livechat_index_conversation(NEW.conversation);
  RETURN NULL;
END $$;
CREATE TRIGGER conversation_search AFTER INSERT ON events
  FOR EACH ROW WHEN (NEW.type IN ('conversation_closed', 'side_panel_updated'))
  EXECUTE FUNCTION livechat_conversation_search();
SELECT livechat_index_conversation(conversation) FROM events WHERE type = 'conversation_closed';

CREATE TABLE search_records (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('person', 'organization', 'lead', 'deal')),
  ref          text NOT NULL,
  name         text NOT NULL,
  email        text NOT NULL,
  phone        text NOT NULL,
  organization text NOT NULL,
  document     text GENERATED ALWAYS AS (name || E'\n' || email || E'\n' || phone || E'\n' || organization) STORED,
  UNIQUE (kind, ref)
);
CREATE INDEX search_records_document ON search_records USING gin (document gin_trgm_ops);
CREATE VIEW record_documents (kind, ref, name, email, phone, organization) AS
  SELECT 'person', p.id, p.name, p.email, p.phone, coalesce(o.name, '')
  FROM persons p LEFT JOIN organizations o ON o.id = p.organization_id
  UNION ALL
  SELECT 'organization', id, name, '', '', address FROM organizations
  UNION ALL
  SELECT l.kind, l.id, trim(E'\n' FROM l.title || E'\n' || coalesce(p.name, '')), coalesce(p.email, ''),
         coalesce(p.phone, ''), coalesce(o.name, '')
  FROM leads l LEFT JOIN persons p ON p.id = l.person_id LEFT JOIN organizations o ON o.id = l.organization_id;
CREATE FUNCTION livechat_index_record(record_kind text, record text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO search_records (kind, ref, name, email, phone, organization)
    SELECT * FROM record_documents WHERE kind = record_kind AND ref = record
    ON CONFLICT (kind, ref) DO UPDATE SET
      name = excluded.name, email = excluded.email, phone = excluded.phone, organization = excluded.organization;
$$;
-- The record's kind: the trigger's argument, else (leads and deals) its kind column.
CREATE FUNCTION livechat_record_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_NARGS > 0 THEN
    PERFORM livechat_index_record(TG_ARGV[0], NEW.id);
  ELSE
    PERFORM livechat_index_record(NEW.kind, NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER persons_search AFTER INSERT OR UPDATE ON persons
  FOR EACH ROW EXECUTE FUNCTION livechat_record_search('person');
CREATE TRIGGER organizations_search AFTER INSERT OR UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION livechat_record_search('organization');
CREATE TRIGGER leads_search AFTER INSERT OR UPDATE ON leads
  FOR EACH ROW EXECUTE FUNCTION livechat_record_search();
INSERT INTO search_records (kind, ref, name, email, phone, organization) SELECT * FROM record_documents;
)sql";

// Version 7: drafts and published versions (issue 15), as SQLite's version 7.
constexpr const char* kSchemaV7 = R"sql(
ALTER TABLE playbooks ADD COLUMN published_version bigint NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN playbook_version bigint NOT NULL DEFAULT 0;
CREATE TABLE playbook_versions (
  id          text PRIMARY KEY,
  playbook_id text NOT NULL REFERENCES playbooks(id) ON DELETE CASCADE,
  version     bigint NOT NULL,
  json        text NOT NULL,
  author_id   text NOT NULL,
  created_at  bigint NOT NULL,
  UNIQUE (playbook_id, version)
);
CREATE FUNCTION pg_temp.livechat_published(body text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RETURN coalesce((livechat_json(body) ->> 'published') = 'true', false);
EXCEPTION WHEN others THEN
  RETURN false;  -- not JSON: never published (SQLite's json_valid)
END $$;
UPDATE playbooks SET published_version = 1 WHERE pg_temp.livechat_published(json);
INSERT INTO playbook_versions (id, playbook_id, version, json, author_id, created_at)
  SELECT 'pv_' || id || '_1', id, 1, json, '', updated_at FROM playbooks WHERE published_version = 1;
UPDATE runs SET playbook_version = 1 WHERE playbook_id IN (SELECT id FROM playbooks WHERE published_version = 1);
)sql";

// Version 8: a playbook's settings beside its flow (issue 18), as SQLite's version 8.
constexpr const char* kSchemaV8 = R"sql(
CREATE TABLE playbook_settings (
  playbook_id    text PRIMARY KEY REFERENCES playbooks(id) ON DELETE CASCADE,
  business_hours text NOT NULL,
  updated_at     bigint NOT NULL
);
)sql";

constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4, kSchemaV5, kSchemaV6, kSchemaV7,
                                       kSchemaV8};
constexpr int kVersion = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

}  // namespace

// --- libpq helpers -------------------------------------------------------------------------------

Params& Params::add_u64(uint64_t v) {
  return add(v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v));
}

int Params::with_nul() const {
  for (std::size_t i = 0; i < values_.size(); ++i)
    if (values_[i] && values_[i]->find('\0') != std::string::npos) return static_cast<int>(i);
  return -1;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

Error error_from(const PGresult* res, const PGconn* conn, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view cls = state ? std::string_view(state).substr(0, 2) : std::string_view();
  const ErrorCode code = cls == "53" || cls == "54" ? ErrorCode::too_large : ErrorCode::conflict;
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = "store: ";
  message.append(what);
  message += ": ";
  message += primary ? primary : (conn ? PQerrorMessage(conn) : "no connection");
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return make_error(code, std::move(message));
}

Status exec(PGconn* conn, const char* sql, std::string_view what) {
  Res res(PQexec(conn, sql));
  const ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return ok_status();
  return error_from(res.get(), conn, what);
}

Result<Res> run(PGconn* conn, const char* name, const Params& params, std::string_view what) {
  const std::vector<const char*> values = params.pointers();
  Res res(PQexecPrepared(conn, name, params.size(), values.data(), nullptr, nullptr, 0));
  const ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
  return error_from(res.get(), conn, what);
}

Result<Conn> connect(const std::string& url, bool synchronous_full, std::span<const Named> statements) {
  Conn conn(PQconnectdb(url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    // libpq's message never holds the password.
    std::string message = "store: cannot connect to PostgreSQL: ";
    message += conn ? PQerrorMessage(conn.get()) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return make_error(ErrorCode::conflict, std::move(message));
  }
  // UTF-8 both ways; commits durable (or not) as asked; quiet NOTICEs.
  Status s = exec(conn.get(),
                  synchronous_full ? "SET client_encoding = 'UTF8'; SET synchronous_commit = on; "
                                     "SET client_min_messages = warning"
                                   : "SET client_encoding = 'UTF8'; SET synchronous_commit = off; "
                                     "SET client_min_messages = warning",
                  "set up the connection");
  if (!s) return s.error();
  for (const Named& st : statements) {
    Res res(PQprepare(conn.get(), st.name, st.sql.c_str(), 0, nullptr));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return error_from(res.get(), conn.get(), std::string("prepare ") + st.sql.substr(0, 60));
    }
  }
  return conn;
}

// --- schema ------------------------------------------------------------------------------------

int schema_version_known() { return kVersion; }

Result<int> schema_version(PGconn* conn) {
  Res res(PQexec(conn, "SELECT coalesce(max(version), 0) FROM livechat_schema"));
  if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK) return error_from(res.get(), conn, "read the schema version");
  return std::atoi(PQgetvalue(res.get(), 0, 0));
}

Status migrate(PGconn* conn, int* applied) {
  if (applied) *applied = 0;
  for (;;) {
    Status s = exec(conn, "BEGIN", "begin a migration");
    if (s) s = exec(conn, kMigrationLock, "lock the schema");
    if (s) {
      s = exec(conn, "CREATE TABLE IF NOT EXISTS livechat_schema (version integer NOT NULL)", "create livechat_schema");
    }
    Result<int> now = s ? schema_version(conn) : Result<int>(s.error());
    if (!now) {
      exec(conn, "ROLLBACK", "rollback");
      return now.error();
    }
    const int v = now.value();
    if (v > kVersion) {
      exec(conn, "ROLLBACK", "rollback");
      return make_error(ErrorCode::unsupported_version,
                        "store: the database has schema version " + std::to_string(v) +
                            ", newer than this build knows (" + std::to_string(kVersion) + "); use a newer server");
    }
    if (v == kVersion) return exec(conn, "COMMIT", "commit");
    s = exec(conn, kMigrations[v], "migration");
    const std::string next = std::to_string(v + 1);
    if (s) {
      s = exec(conn, (v == 0 ? "INSERT INTO livechat_schema VALUES (" + next + ")"
                             : "UPDATE livechat_schema SET version = " + next).c_str(),
               "set the schema version");
    }
    if (s) s = exec(conn, "COMMIT", "commit a migration");
    if (!s) {
      exec(conn, "ROLLBACK", "rollback");
      return make_error(s.error().code, "store: migration to schema version " + next + " failed: " + s.error().message);
    }
    if (applied) ++*applied;
  }
}

}  // namespace livechat::server::pg
