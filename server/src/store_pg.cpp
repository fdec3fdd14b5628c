// The Store over PostgreSQL: opening, one transaction per batch, and the reads (store.hpp has the
// contract, store_pg.hpp the internals, store_group_commit.cpp the queue and the writer thread).
//
// One batch = one pipeline (libpq's pipeline mode): every statement of every Write is sent
// without waiting for answers, then one sync point. Statements between two sync points run as
// ONE implicit transaction that PostgreSQL commits at the sync point (with synchronous_commit on
// the commit waits for its WAL flush, and concurrent commits share one flush). The first failing
// statement aborts the rest, and the whole transaction is rolled back. So a batch costs a few
// round trips however many statements it holds: answers are read every kChunk statements, so
// neither side's socket buffer can fill while the other waits.
//
// pos and seq come from the engine as in SQLite; inside the transaction the primary keys
// (pos; conversation and seq) and check_pos keep the log append-only, and the projection's
// updates fail on a conversation nobody started (livechat_one_conversation).
#include "store_pg.hpp"


namespace livechat::server {

using namespace columns;  // the record tables (store_columns.hpp)
using pg::Named;
using pg::Params;

namespace {

constexpr int kChunk = 256;  // statements sent before their answers are read

std::string dollar(int i) { return "$" + std::to_string(i); }

// The writer's statements. The projection updates answer how many rows they changed to
// livechat_one_conversation, which fails the transaction unless it is exactly one.
std::vector<Named> write_statements() {
  auto one_conversation = [](const char* set) {
    return std::string("WITH u AS (UPDATE conversations SET last_seq = $2") + set +
           " WHERE id = $1 RETURNING 1) SELECT livechat_one_conversation((SELECT count(*) FROM u), $1)";
  };
  return {
      {"event", "INSERT INTO events (pos, type, conversation, seq, at, body) VALUES ($1, $2, $3, $4, $5, $6)"},
      {"conv_insert",
       "INSERT INTO conversations (id, visitor_id, playbook_id, phase, assignee, created_at, closed_at, last_seq) "
       "VALUES ($1, $2, $3, 'bot', NULL, $4, NULL, $5)"},
      {"conv_seq", one_conversation("")},
      {"conv_phase", one_conversation(", phase = $3")},
      {"conv_assign", one_conversation(", phase = 'assigned', assignee = $3")},
      {"conv_unassign", one_conversation(", phase = 'unassigned', assignee = NULL")},
      {"conv_close", one_conversation(", phase = 'closed', closed_at = $3")},
      {"organization", upsert_sql(kOrganizations, dollar)},
      {"person", upsert_sql(kPersons, dollar)},
      {"lead", upsert_sql(kLeads, dollar)},
      {"activity", upsert_sql(kActivities, dollar)},
      {"note", upsert_sql(kNotes, dollar)},
      {"credential", upsert_sql(kCredentials, dollar)},
      {"session", upsert_sql(kSessions, dollar)},
      {"end_session", "DELETE FROM sessions WHERE token_hash = $1"},
      {"visitor", upsert_sql(kVisitors, dollar)},
      {"playbook", upsert_sql(kPlaybooks, dollar)},
      {"delete_playbook", "DELETE FROM playbooks WHERE id = $1"},
      {"playbook_version", upsert_sql(kPlaybookVersions, dollar)},
      {"playbook_settings", upsert_sql(kPlaybookSettings, dollar)},
      {"run", upsert_sql(kRuns, dollar)},
      {"canned", upsert_sql(kCanned, dollar)},
      {"delete_canned", "DELETE FROM canned_responses WHERE id = $1"},
  };
}

// The I/O thread's statements.
std::vector<Named> read_statements() {
  return {
      {"events_after", "SELECT pos, body FROM events WHERE pos > $1 ORDER BY pos LIMIT $2"},
      {"conversation_events",
       "SELECT pos, body FROM events WHERE conversation = $1 AND seq > $2 AND pos <= $3 ORDER BY seq"},
      {"last_pos", "SELECT coalesce(max(pos), 0) FROM events"},
      {"user_events_after",
       "SELECT pos, body FROM events WHERE conversation IS NULL AND pos > $1 ORDER BY pos LIMIT $2"},
      {"open_conversations",
       "SELECT id FROM (SELECT id FROM conversations WHERE phase IN ('unassigned', 'assigned') UNION ALL "
       "SELECT id FROM conversations AS c WHERE phase = 'bot' AND greatest(created_at, coalesce((SELECT max(at) "
       "FROM events WHERE conversation = c.id AND type = 'message_posted'), 0)) >= $1) o ORDER BY id COLLATE \"C\""},
      {"latest_conversation",
       "SELECT id FROM conversations WHERE visitor_id = $1 AND playbook_id = $2 "
       "ORDER BY created_at DESC, id COLLATE \"C\" DESC LIMIT 1"},
      {"credential", select_sql(kCredentials, "WHERE user_id = $1")},
      {"session", select_sql(kSessions, "WHERE token_hash = $1")},
      {"visitor", select_sql(kVisitors, "WHERE token_hash = $1")},
      {"playbooks", select_sql(kPlaybooks, "ORDER BY id COLLATE \"C\"")},
      {"playbook", select_sql(kPlaybooks, "WHERE id = $1")},
      {"playbook_versions", select_sql(kPlaybookVersions, "WHERE playbook_id = $1 ORDER BY version DESC")},
      {"playbook_version", select_sql(kPlaybookVersions, "WHERE playbook_id = $1 AND version = $2")},
      {"playbook_settings", select_sql(kPlaybookSettings, "ORDER BY playbook_id COLLATE \"C\"")},
      {"runs", select_sql(kRuns, "ORDER BY conversation_id COLLATE \"C\"")},
      {"canned", select_sql(kCanned, "ORDER BY shortcut COLLATE \"C\", id COLLATE \"C\"")},
      {"run", select_sql(kRuns, "WHERE conversation_id = $1")},
      {"persons", select_sql(kPersons, "ORDER BY id COLLATE \"C\"")},
      {"organizations", select_sql(kOrganizations, "ORDER BY id COLLATE \"C\"")},
      {"leads", select_sql(kLeads, "WHERE kind = $1 ORDER BY id COLLATE \"C\"")},
      {"activities", select_sql(kActivities, "ORDER BY id COLLATE \"C\"")},
      {"notes", select_sql(kNotes, "ORDER BY id COLLATE \"C\"")},
      {"person", select_sql(kPersons, "WHERE id = $1")},
      {"organization", select_sql(kOrganizations, "WHERE id = $1")},
      {"lead", select_sql(kLeads, "WHERE id = $1")},
      {"activity", select_sql(kActivities, "WHERE id = $1")},
      {"note", select_sql(kNotes, "WHERE id = $1")},
  };
}

}  // namespace

// --- reading the log (shared with PgHistory) ---------------------------------------------------

Result<std::vector<StoredEvent>> pg::decode_events(const PGresult* res) {
  std::vector<StoredEvent> out;
  const int n = PQntuples(res);
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Result<StoredEvent> e = decode_event(std::strtoull(PQgetvalue(res, i, 0), nullptr, 10),
                                         std::string_view(PQgetvalue(res, i, 1), PQgetlength(res, i, 1)));
    if (!e) return e.error();
    out.push_back(std::move(e.value()));
  }
  return out;
}

Result<std::optional<Conversation>> pg::rebuild_conversation(const PGresult* res, const ConversationId& id) {
  Result<std::vector<StoredEvent>> log = decode_events(res);
  if (!log) return log.error();
  return server::rebuild_conversation(log.value(), id);
}

std::string store_display_name(const std::string& where) {
  if (!is_postgres_url(where)) return where;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(where.c_str(), &error);
  PQfreemem(error);
  if (!options) return "postgres://(unreadable URL)";
  std::string user, host, port, dbname;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    const std::string_view k = o->keyword;
    if (k == "user") user = o->val;
    if (k == "host") host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
  }
  PQconninfoFree(options);
  return "postgres://" + (user.empty() ? "" : user + "@") + host + (port.empty() ? "" : ":" + port) + "/" + dbname;
}

// --- opening -----------------------------------------------------------------------------------

Status PgStore::start(const std::string& url) {
  url_ = url;
  // Migrate on a plain connection first: the statements prepared below need the schema.
  {
    Result<pg::Conn> setup = pg::connect(url, options_.synchronous_full, {});
    if (!setup) return setup.error();
    Status s = pg::migrate(setup.value().get());
    if (!s) return s;
  }
  const std::vector<Named> writes = write_statements();
  Result<pg::Conn> w = pg::connect(url, options_.synchronous_full, writes);
  if (!w) return w.error();
  writer_ = std::move(w.value());
  const std::vector<Named> reads = read_statements();
  Result<pg::Conn> r = pg::connect(url, options_.synchronous_full, reads);
  if (!r) return r.error();
  reader_ = std::move(r.value());
  history_ = std::make_unique<PgHistory>();
  Status s = history_->open(url, options_.synchronous_full);
  if (!s) return s;
  history_thread_ = std::make_unique<Worker>();
  written_pos_ = last_pos();
  start_writer("store-writer");
  return ok_status();
}

PgStore::~PgStore() {
  history_thread_.reset();  // finishes the queued history reads (their answers are posted)
  history_.reset();
  stop_writer();  // commits everything still queued first
}

// --- one transaction ---------------------------------------------------------------------------

Status PgStore::plan(const Write& w, uint64_t& last_pos, std::vector<Step>& steps) {
  for (const StoredEvent& e : w.events) {
    Status s = check_pos(e.pos, last_pos);
    if (!s) return s;
    last_pos = e.pos;
    const std::string at_pos = "event at pos " + std::to_string(e.pos);
    EventRow row = event_row(e.event);
    const ConversationId* conv = row.conversation;
    Params ins;
    ins.add_u64(e.pos).add(row.type);
    if (conv)
      ins.add(*conv).add_u64(row.seq).add(row.at);
    else
      ins.add_null().add_null().add_null();
    ins.add(row.body);
    steps.push_back({"event", std::move(ins), at_pos});
    if (!conv) continue;

    // Projections, as SQLite's write_event makes them.
    Params update;
    update.add(*conv).add_u64(row.seq);
    const char* name = "conv_seq";
    std::visit(
        [&](const auto& ev) {
          using T = std::decay_t<decltype(ev)>;
          if constexpr (std::is_same_v<T, ConversationStarted>) {
            name = nullptr;
            Params p;
            p.add(ev.conversation).add_id(ev.visitor_id).add_id(ev.playbook_id).add(ev.at).add_u64(ev.seq);
            steps.push_back({"conv_insert", std::move(p), at_pos + ": start conversation " + in_quotes(ev.conversation)});
          } else if constexpr (std::is_same_v<T, LiveChatRequested>) {
            name = "conv_phase";
            update.add(phase_name(Phase::unassigned));
          } else if constexpr (std::is_same_v<T, ConversationAssigned>) {
            name = "conv_assign";
            update.add_id(ev.to);
          } else if constexpr (std::is_same_v<T, ConversationUnassigned>) {
            name = "conv_unassign";
          } else if constexpr (std::is_same_v<T, ConversationClosed>) {
            name = "conv_close";  // the assignee stays, as in core apply()
            update.add(ev.at);
          }
        },
        e.event);
    if (name) steps.push_back({name, std::move(update), at_pos + ": update conversation " + in_quotes(*conv)});
  }
  auto upsert = [&](const char* name, const auto& table, const auto& row, std::string what) {
    steps.push_back({name, pg::row_params(table, row), std::move(what)});
  };
  auto key = [&](const char* name, const std::string& k, std::string what) {
    Params p;
    p.add(k);
    steps.push_back({name, std::move(p), std::move(what)});
  };
  for (const OrganizationRow& r : w.organizations) upsert("organization", kOrganizations, r, "organization " + in_quotes(r.id));
  for (const PersonRow& r : w.persons) upsert("person", kPersons, r, "person " + in_quotes(r.id));
  for (const LeadRow& r : w.leads) upsert("lead", kLeads, r, r.kind + " " + in_quotes(r.id));
  for (const ActivityRow& r : w.activities) upsert("activity", kActivities, r, "activity " + in_quotes(r.id));
  for (const NoteRow& r : w.notes) upsert("note", kNotes, r, "note " + in_quotes(r.id));
  for (const CredentialRow& r : w.credentials)
    upsert("credential", kCredentials, r, "credential of " + in_quotes(r.user_id));
  for (const SessionRow& r : w.sessions) upsert("session", kSessions, r, "session of " + in_quotes(r.user_id));
  for (const std::string& h : w.ended_sessions) key("end_session", h, "end session");
  for (const VisitorRow& r : w.visitors) upsert("visitor", kVisitors, r, "visitor " + in_quotes(r.visitor_id));
  for (const PlaybookRow& r : w.playbooks) upsert("playbook", kPlaybooks, r, "playbook " + in_quotes(r.id));
  for (const std::string& id : w.deleted_playbooks) key("delete_playbook", id, "delete playbook " + in_quotes(id));
  for (const PlaybookVersionRow& r : w.playbook_versions)
    upsert("playbook_version", kPlaybookVersions, r,
           "version " + std::to_string(r.version) + " of playbook " + in_quotes(r.playbook_id));
  for (const PlaybookSettingsRow& r : w.playbook_settings)
    upsert("playbook_settings", kPlaybookSettings, r, "settings of playbook " + in_quotes(r.playbook_id));
  for (const RunRow& r : w.runs) upsert("run", kRuns, r, "run of conversation " + in_quotes(r.conversation_id));
  for (const CannedRow& r : w.canned) upsert("canned", kCanned, r, "canned response " + in_quotes(r.id));
  for (const std::string& id : w.deleted_canned) key("delete_canned", id, "delete canned response " + in_quotes(id));
  return ok_status();
}

Status PgStore::commit_batch(std::span<const Pending> batch, uint64_t& events) {
  std::vector<Step> steps;
  uint64_t pos = written_pos_;
  for (const Pending& p : batch) {
    Status s = plan(p.write, pos, steps);
    if (!s) return s;
    events += p.write.events.size();
  }
  for (const Step& step : steps) {
    if (step.params.with_nul() >= 0) {
      return make_error(ErrorCode::bad_request,
                        "store: " + step.what + ": PostgreSQL text cannot hold a NUL character (value " +
                            std::to_string(step.params.with_nul() + 1) + ")");
    }
  }
  Status s = send(steps);
  if (s) written_pos_ = pos;
  return s;
}

Status PgStore::send(std::span<const Step> steps) {
  if (!writer_ || PQstatus(writer_.get()) != CONNECTION_OK) {  // lost: a new connection, once per batch
    const std::vector<Named> writes = write_statements();
    Result<pg::Conn> w = pg::connect(url_, options_.synchronous_full, writes);
    if (!w) return w.error();
    writer_ = std::move(w.value());
  }
  PGconn* conn = writer_.get();
  if (!PQenterPipelineMode(conn)) return pg::error_from(nullptr, conn, "start a transaction");
  Status status = ok_status();
  bool lost = false;
  // Reads the answer of one statement: its result, then the null that ends it.
  auto answer = [&](const Step* step) {
    pg::Res res(PQgetResult(conn));
    if (!res) {
      lost = true;
      return;
    }
    const ExecStatusType st = PQresultStatus(res.get());
    const bool done = st == (step ? PGRES_COMMAND_OK : PGRES_PIPELINE_SYNC) || (step && st == PGRES_TUPLES_OK);
    if (!done && st != PGRES_PIPELINE_ABORTED && status) {
      status = pg::error_from(res.get(), conn, step ? step->what : "commit");
    }
    if (step) pg::Res end(PQgetResult(conn));  // the null after each statement's result
  };
  std::size_t answered = 0, sent = 0;
  for (; sent < steps.size() && status && !lost; ++sent) {
    const Step& step = steps[sent];
    const std::vector<const char*> values = step.params.pointers();
    if (!PQsendQueryPrepared(conn, step.name, step.params.size(), values.data(), nullptr, nullptr, 0)) {
      lost = true;
      break;
    }
    if ((sent + 1) % kChunk == 0) {
      if (!PQsendFlushRequest(conn) || PQflush(conn) != 0) {
        lost = true;
        break;
      }
      while (answered <= sent && !lost) answer(&steps[answered++]);
    }
  }
  if (!lost && PQpipelineSync(conn)) {
    while (answered < sent && !lost) answer(&steps[answered++]);
    if (!lost) answer(nullptr);  // the sync point: committed, or rolled back after an error
  } else {
    lost = true;
  }
  if (lost) {
    // The outcome of the commit is unknown: the caller must not treat it as durable. The next
    // batch starts on a new connection.
    const Error e = pg::error_from(nullptr, conn, "the connection to PostgreSQL failed during a commit");
    writer_.reset();
    return e;
  }
  PQexitPipelineMode(conn);
  return status;
}

// --- reads (I/O thread) ------------------------------------------------------------------------

template <class Row, std::size_t N>
std::vector<Row> PgStore::all(const char* name, const Table<Row, N>& table, const Params& params) {
  std::vector<Row> rows;
  Result<pg::Res> res = pg::run(reader_.get(), name, params, name);
  if (!res) return rows;  // readers without a Result answer "nothing" on an error, as SQLite's
  for (int i = 0; i < PQntuples(res.value().get()); ++i) rows.push_back(pg::read_row(res.value().get(), i, table));
  return rows;
}

template <class Row, std::size_t N>
std::optional<Row> PgStore::one(const char* name, const Table<Row, N>& table, const std::string& key) {
  Params p;
  p.add(key);
  std::vector<Row> rows = all(name, table, p);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

Result<std::vector<StoredEvent>> PgStore::events(const char* name, const Params& params) {
  Result<pg::Res> res = pg::run(reader_.get(), name, params, "read events");
  if (!res) return res.error();
  return pg::decode_events(res.value().get());
}

Result<std::vector<StoredEvent>> PgStore::events_after(uint64_t after_pos, std::size_t limit) {
  Params p;
  p.add_u64(after_pos).add_u64(limit);
  return events("events_after", p);
}

Result<std::vector<StoredEvent>> PgStore::conversation_events(const std::string& conversation, uint64_t after_seq,
                                                              uint64_t max_pos) {
  Params p;
  p.add(conversation).add_u64(after_seq).add_u64(max_pos);
  return events("conversation_events", p);
}

Result<std::optional<Conversation>> PgStore::load_conversation(const ConversationId& id) {
  Params p;
  p.add(id).add(int64_t{0}).add(INT64_MAX);
  Result<pg::Res> res = pg::run(reader_.get(), "conversation_events", p, "read a conversation");
  if (!res) return res.error();
  return pg::rebuild_conversation(res.value().get(), id);
}

uint64_t PgStore::last_pos() {
  Result<pg::Res> res = pg::run(reader_.get(), "last_pos", {}, "read the last pos");
  return res ? std::strtoull(PQgetvalue(res.value().get(), 0, 0), nullptr, 10) : 0;
}

Result<std::vector<StoredEvent>> PgStore::user_events_after(uint64_t after_pos, std::size_t limit) {
  Params p;
  p.add_u64(after_pos).add_u64(limit);
  return events("user_events_after", p);
}

Result<std::vector<ConversationId>> PgStore::open_conversations(TimeMs bot_active_since) {
  Params p;
  p.add(bot_active_since);
  Result<pg::Res> res = pg::run(reader_.get(), "open_conversations", p, "read open conversations");
  if (!res) return res.error();
  std::vector<ConversationId> ids;
  for (int i = 0; i < PQntuples(res.value().get()); ++i) ids.emplace_back(PQgetvalue(res.value().get(), i, 0));
  return ids;
}

std::optional<ConversationId> PgStore::latest_conversation(const std::string& visitor_id,
                                                           const std::string& playbook_id) {
  Params p;
  p.add(visitor_id).add(playbook_id);
  Result<pg::Res> res = pg::run(reader_.get(), "latest_conversation", p, "read the latest conversation");
  if (!res || PQntuples(res.value().get()) == 0) return std::nullopt;
  return ConversationId(PQgetvalue(res.value().get(), 0, 0));
}

std::optional<CredentialRow> PgStore::credential(const std::string& user_id) {
  return one("credential", kCredentials, user_id);
}
std::optional<SessionRow> PgStore::session(const std::string& token_hash) {
  return one("session", kSessions, token_hash);
}
std::optional<VisitorRow> PgStore::visitor(const std::string& token_hash) {
  return one("visitor", kVisitors, token_hash);
}
std::vector<PlaybookRow> PgStore::playbooks() { return all("playbooks", kPlaybooks); }
std::optional<PlaybookRow> PgStore::playbook(const std::string& id) { return one("playbook", kPlaybooks, id); }
std::vector<PlaybookVersionRow> PgStore::playbook_versions(const std::string& playbook_id) {
  Params p;
  p.add(playbook_id);
  return all("playbook_versions", kPlaybookVersions, p);
}
std::optional<PlaybookVersionRow> PgStore::playbook_version(const std::string& playbook_id, int64_t version) {
  Params p;
  p.add(playbook_id).add(version);
  std::vector<PlaybookVersionRow> rows = all("playbook_version", kPlaybookVersions, p);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}
std::vector<PlaybookSettingsRow> PgStore::playbook_settings() { return all("playbook_settings", kPlaybookSettings); }
std::vector<RunRow> PgStore::runs() { return all("runs", kRuns); }
std::vector<CannedRow> PgStore::canned_responses() { return all("canned", kCanned); }
std::optional<RunRow> PgStore::run(const std::string& conversation_id) { return one("run", kRuns, conversation_id); }

std::vector<PersonRow> PgStore::persons() { return all("persons", kPersons); }
std::vector<OrganizationRow> PgStore::organizations() { return all("organizations", kOrganizations); }
std::vector<LeadRow> PgStore::leads(const std::string& kind) {
  Params p;
  p.add(kind);
  return all("leads", kLeads, p);
}
std::vector<ActivityRow> PgStore::activities() { return all("activities", kActivities); }
std::vector<NoteRow> PgStore::notes() { return all("notes", kNotes); }
std::optional<PersonRow> PgStore::person(const std::string& id) { return one("person", kPersons, id); }
std::optional<OrganizationRow> PgStore::organization(const std::string& id) {
  return one("organization", kOrganizations, id);
}
std::optional<LeadRow> PgStore::lead(const std::string& id) { return one("lead", kLeads, id); }
std::optional<ActivityRow> PgStore::activity(const std::string& id) { return one("activity", kActivities, id); }
std::optional<NoteRow> PgStore::note(const std::string& id) { return one("note", kNotes, id); }

void PgStore::read_history(std::function<void(History&)> job) {
  history_thread_->run([this, job = std::move(job)] { job(*history_); });
}

bool PgStore::integrity_ok() {
  pg::Res res(PQexec(reader_.get(),
                     "SELECT count(*) FROM conversations c WHERE c.last_seq IS DISTINCT FROM "
                     "(SELECT max(seq) FROM events e WHERE e.conversation = c.id)"));
  return res && PQresultStatus(res.get()) == PGRES_TUPLES_OK && std::string_view(PQgetvalue(res.get(), 0, 0)) == "0";
}

}  // namespace livechat::server
