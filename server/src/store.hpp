// Durable storage: the append-only event log, a projection of conversations (and a `messages`
// view over the log), CRM records, credentials, sessions, visitors, playbooks and chatbot runs.
// One interface, two implementations (docs/scale-out.md): an SQLite file in WAL mode (the default,
// store_sqlite.hpp) or a PostgreSQL database (store_pg.hpp), chosen by Store::open's `where`.
// Writes are grouped: many Writes share one transaction and one fsync (group commit), done
// on the store's own writer thread; each Write's callback runs once its COMMIT has returned. Reads
// use a second connection and see only committed data. SQLite's WAL checkpoints run on a third
// thread with a third connection (store_checkpoint.cpp): commits do not wait for them; PostgreSQL
// checkpoints by itself, so that store has none (StoreStats::wal, checkpoint_seconds).
//
// Threading: submit() and every read are called from the server's I/O thread. Callbacks are
// delivered through the `post` function given to open() (the server posts them to the I/O thread).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "livechat/events.hpp"
#include "livechat/model.hpp"
#include "livechat/result.hpp"
#include "metrics.hpp"

namespace livechat::server {

struct StoredEvent {
  uint64_t pos = 0;  // global log position, 1, 2, 3 ... assigned by the engine, strictly increasing
  Event event;
};

// --- CRM records (upserted by id) --------------------------------------------------------------
// An upsert replaces every field except created_at, which keeps the first insert's value. Empty
// id strings (links) are stored as NULL, so foreign keys accept "no link"; a link to a row that
// does not exist fails the whole batch.
struct PersonRow {
  std::string id, name, email, phone, organization_id;
  int64_t created_at = 0, updated_at = 0;
  bool operator==(const PersonRow&) const = default;
};
struct OrganizationRow {
  std::string id, name, address;
  int64_t created_at = 0, updated_at = 0;
  bool operator==(const OrganizationRow&) const = default;
};
// Leads and deals share one shape; `kind` tells them apart ("lead" or "deal").
struct LeadRow {
  std::string id, kind = "lead", title, person_id, organization_id, conversation_id;
  int64_t value_cents = -1;  // -1: no value
  std::string currency, expected_close_date, owner_id;  // owner: user id, empty for the chatbot
  std::string source;   // "live_chat" (an agent) or "chatbot" (the offline flow)
  std::string status = "open";  // leads: open | archived; deals: open | won | lost
  int64_t created_at = 0, updated_at = 0;
  bool operator==(const LeadRow&) const = default;
};
struct ActivityRow {
  std::string id, subject, type = "task", due_date, owner_id, person_id, conversation_id, note;
  bool done = false;
  int64_t created_at = 0, updated_at = 0;
  bool operator==(const ActivityRow&) const = default;
};
struct NoteRow {
  std::string id, content, lead_id, deal_id, person_id, organization_id, author_id;
  int64_t created_at = 0, updated_at = 0;
  bool operator==(const NoteRow&) const = default;
};

// --- accounts and configuration ------------------------------------------------------------
struct CredentialRow {  // a user's password hash (argon2id string from libsodium)
  std::string user_id, password_hash;
};
struct SessionRow {  // an agent sign-in; the token itself is never stored, only its hash
  std::string token_hash, user_id;
  int64_t created_at = 0, expires_at = 0;
};
struct VisitorRow {  // a widget visitor; again only the token's hash is stored
  std::string token_hash, visitor_id, playbook_id;
  int64_t created_at = 0;
};
struct PlaybookRow {
  std::string id, json;           // the playbook in its JSON form (core/playbook.hpp)
  bool embedded = false;          // its widget has loaded from an allowed origin
  int64_t created_at = 0, updated_at = 0;
  std::string embedded_origin{};  // the first allowed origin it loaded from ("" if unknown)
  int64_t embedded_at = 0;        // when (0 if unknown)
  // `json` is the draft the builder edits; visitors get this published version (a row of
  // playbook_versions), 0 while the playbook is not published.
  int64_t published_version = 0;
};
// One published version of a playbook: written once by Publish, never changed (deleted with its
// playbook). Versions count 1, 2, 3... per playbook; a rollback publishes an old one again as new.
struct PlaybookVersionRow {
  std::string id, playbook_id;  // id: the row's own ("pv_..."); (playbook_id, version) is unique
  int64_t version = 0;
  std::string json, author_id;  // the playbook as published; who published it ("" for the system)
  int64_t created_at = 0;       // when
};
struct PlaybookSettingsRow {  // a playbook's settings beside its flow; gone with its playbook
  std::string playbook_id;
  std::string business_hours;  // JSON (core/business_hours.hpp), "" = none (always open)
  int64_t updated_at = 0;
};
struct CannedRow {  // a canned response (core/canned.hpp)
  std::string id, owner_id;  // owner_id "" for a shared one
  std::string shortcut, texts_json;  // texts_json: {"en": "...", "it": "..."}
  int64_t created_at = 0, updated_at = 0;
};
struct RunRow {  // one conversation's chatbot run (core/playbook_run.hpp) as JSON
  std::string conversation_id, playbook_id, json;
  int64_t playbook_version = 0;  // the published version it runs on to the end (0: the live one)
};

// Everything one command makes durable, committed atomically with the rest of its group.
// Applied in this order: events (and their projections), organizations, persons, leads,
// activities, notes, then the account and configuration rows.
struct Write {
  std::vector<StoredEvent> events;  // pos strictly increasing and above every committed pos
  std::vector<PersonRow> persons;
  std::vector<OrganizationRow> organizations;
  std::vector<LeadRow> leads;  // leads and deals
  std::vector<ActivityRow> activities;
  std::vector<NoteRow> notes;
  std::vector<CredentialRow> credentials;
  std::vector<SessionRow> sessions;
  std::vector<std::string> ended_sessions;  // token hashes to delete
  std::vector<VisitorRow> visitors;
  std::vector<PlaybookRow> playbooks;
  std::vector<std::string> deleted_playbooks;  // with their versions and settings
  std::vector<PlaybookVersionRow> playbook_versions;  // applied after playbooks
  std::vector<PlaybookSettingsRow> playbook_settings;
  std::vector<RunRow> runs;
  std::vector<CannedRow> canned;
  std::vector<std::string> deleted_canned;  // ids
  bool empty() const;
};

struct StoreOptions {
  // SQLite: PRAGMA synchronous=FULL (power-loss safe) or NORMAL. PostgreSQL: synchronous_commit
  // on or off (off: a crash of the database server may lose the last commits, never corrupt).
  bool synchronous_full = true;
  // How long the writer lingers for more Writes before a small batch. 0 (default): never; the
  // Writes that arrive while a commit runs form the next batch anyway (natural group commit),
  // and lingering only added its own length to every message's latency (docs/benchmarks.md).
  int group_window_us = 0;
  std::size_t max_batch = 4096;  // Writes per transaction at most
  // SQLite only. WAL checkpoints (copying committed pages from the -wal file into the database file) run on
  // their own thread and connection, never inside a commit: a PASSIVE checkpoint once this many
  // WAL frames (pages) are not yet copied.
  int checkpoint_pages = 1000;
  // Past this much WAL the writer itself runs a RESTART checkpoint between two batches (commits
  // wait for it), so the file stays bounded even when passive checkpoints cannot finish: once no
  // passive checkpoint is running, or at twice the limit at the latest.
  int64_t wal_limit_bytes = int64_t{64} << 20;
  std::string vfs = {};  // SQLite only: the VFS every connection uses; empty: the default (tests wrap it)
};

// The write-ahead log a store checkpoints itself (SQLite). PostgreSQL runs its own checkpoints.
struct WalStats {
  uint64_t checkpoints = 0;         // checkpoints run, passive and forced
  uint64_t forced_checkpoints = 0;  // RESTART (past wal_limit_bytes) and the TRUNCATE at close
  uint64_t frames = 0;  // frames (pages) in the WAL after the last commit, copied or not
  uint64_t bytes = 0;   // the WAL those frames fill (its header and frame headers included)
};

struct StoreStats {
  uint64_t commits = 0;         // transactions committed
  uint64_t writes = 0;          // Writes committed
  uint64_t events = 0;          // events committed
  uint64_t batch_histogram[8] = {};  // Writes per commit: 1, 2-3, 4-7, 8-15, 16-63, 64-255, 256-1023, 1024+
  uint64_t rollbacks = 0;       // batches that failed and were rolled back (their Writes got the error)
  std::optional<WalStats> wal;  // nullopt: the database engine manages its log itself (PostgreSQL)
};

// --- history: the Closed folder, transcripts and search (read off the I/O thread) --------------
// Where a page of the Closed folder starts: strictly older than (closed_at, id) in the folder's
// order (closed_at descending, then id descending). The default starts at the newest.
struct ClosedCursor {
  int64_t closed_at = INT64_MAX;
  std::string id;
};
struct ClosedPage {
  std::vector<Conversation> conversations;  // rebuilt from their events, newest closed first
  std::optional<ClosedCursor> next;         // where the next page starts; nullopt: this was the last
};

// What search looks in. Conversations: closed ones only (open ones are in every agent's working
// set), by the visitor's name, the side panel's person, email, phone and organization, and the
// text of every message. Records: by name, email, phone and organization (leads and deals also
// by their person's).
enum class SearchKind { conversations, persons, organizations, leads, deals };
struct SearchQuery {
  SearchKind kind = SearchKind::conversations;
  std::vector<std::string> terms;  // every term must occur (as typed, case-insensitively); each >= 3 characters
  int64_t before = 0;              // cursor: only hits below this (0: from the newest)
  std::size_t limit = 20;
};
struct SearchHit {
  std::string id;                     // conversation or record id
  std::string kind;                   // "conversation", "person", "organization", "lead", "deal"
  std::string name, email, phone, organization;  // as indexed
  std::string snippet;                // conversations: the text around the first match
  std::optional<Conversation> conversation;  // conversations: the conversation itself
};
struct SearchPage {
  std::vector<SearchHit> hits;  // newest first (closing order; records: creation order)
  int64_t next = 0;             // the `before` of the next page; 0: this was the last
};

// Reads proportional to history. They run on the store's own history thread with their own
// connection (Store::read_history), never on the I/O thread.
class History {
 public:
  virtual ~History() = default;
  virtual Result<ClosedPage> closed_conversations(const ClosedCursor& before, std::size_t limit) = 0;
  // One conversation rebuilt from its events (core apply), nullopt when unknown.
  virtual Result<std::optional<Conversation>> conversation(const ConversationId& id) = 0;
  virtual Result<SearchPage> search(const SearchQuery& query) = 0;
};

enum class CheckpointKind { passive, forced };

// Store::open's `where` as logs may show it: a file path as is, a PostgreSQL URL without its
// password (postgres://user@host:port/database).
std::string store_display_name(const std::string& where);

class Store {
 public:
  using Post = std::function<void(std::function<void()>)>;
  using Done = std::function<void(const Status&)>;

  // Opens the store at `where` and applies schema migrations, starts the writer thread. `where`
  // is a PostgreSQL connection URL (postgres://... or postgresql://..., the database must exist)
  // or else the path of an SQLite file (created if needed). `post` must run the given function on
  // the I/O thread.
  static Result<std::unique_ptr<Store>> open(const std::string& where, StoreOptions options, Post post);
  virtual ~Store() = default;  // stops the writer after committing what was submitted

  // Queues `write`; `done` runs (through post) once it is durable, or with the error if the
  // transaction failed (the server then stops: memory is ahead of the disk).
  virtual void submit(Write write, Done done) = 0;
  // Waits until everything submitted so far is durable (tests, shutdown) and its done has been
  // handed to post. Never call it from a done that post runs inline on the writer thread.
  virtual void flush() = 0;
  virtual StoreStats stats() const = 0;
  // How long checkpoints took (thread-safe to read while the store runs); nullptr when the store
  // runs no checkpoints of its own (PostgreSQL).
  virtual const Histogram* checkpoint_seconds(CheckpointKind kind) const = 0;
  // "sqlite" or "postgres" (logs, metrics).
  virtual std::string_view engine() const = 0;

  // --- reads (committed data only) ------------------------------------------------------------
  virtual Result<std::vector<StoredEvent>> events_after(uint64_t after_pos, std::size_t limit) = 0;
  // A conversation's events with seq > after_seq and pos <= max_pos, in order.
  virtual Result<std::vector<StoredEvent>> conversation_events(const std::string& conversation, uint64_t after_seq,
                                                               uint64_t max_pos) = 0;
  virtual uint64_t last_pos() = 0;
  // User events (those of no conversation) with pos > after_pos, in order, at most `limit`.
  virtual Result<std::vector<StoredEvent>> user_events_after(uint64_t after_pos, std::size_t limit) = 0;
  // One conversation as its events make it (core apply, in seq order): messages, side panel,
  // items, client ids. nullopt when no such conversation was started.
  virtual Result<std::optional<Conversation>> load_conversation(const ConversationId& id) = 0;
  // The ids of the conversations that are not closed (bot, unassigned, assigned), in id order:
  // the engine's working set at start-up (docs/architecture.md, Bounded memory).
  // Unassigned and assigned conversations, and chatbot-phase ones active (started, or a message)
  // at or after `bot_active_since`; older chatbot-phase ones are dormant (Engine::sweep_dormant).
  virtual Result<std::vector<ConversationId>> open_conversations(TimeMs bot_active_since) = 0;
  // The newest conversation `visitor_id` started with `playbook_id`, if any.
  virtual std::optional<ConversationId> latest_conversation(const std::string& visitor_id,
                                                            const std::string& playbook_id) = 0;

  virtual std::optional<CredentialRow> credential(const std::string& user_id) = 0;
  virtual std::optional<SessionRow> session(const std::string& token_hash) = 0;
  virtual std::optional<VisitorRow> visitor(const std::string& token_hash) = 0;
  virtual std::vector<PlaybookRow> playbooks() = 0;
  virtual std::optional<PlaybookRow> playbook(const std::string& id) = 0;
  virtual std::vector<PlaybookVersionRow> playbook_versions(const std::string& playbook_id) = 0;  // newest first
  virtual std::optional<PlaybookVersionRow> playbook_version(const std::string& playbook_id, int64_t version) = 0;
  virtual std::vector<PlaybookSettingsRow> playbook_settings() = 0;  // every playbook's that has some
  virtual std::vector<RunRow> runs() = 0;
  virtual std::vector<CannedRow> canned_responses() = 0;  // every one, by shortcut
  virtual std::optional<RunRow> run(const std::string& conversation_id) = 0;

  virtual std::vector<PersonRow> persons() = 0;
  virtual std::vector<OrganizationRow> organizations() = 0;
  virtual std::vector<LeadRow> leads(const std::string& kind) = 0;  // "lead" or "deal"
  virtual std::vector<ActivityRow> activities() = 0;
  virtual std::vector<NoteRow> notes() = 0;
  virtual std::optional<PersonRow> person(const std::string& id) = 0;
  virtual std::optional<OrganizationRow> organization(const std::string& id) = 0;
  virtual std::optional<LeadRow> lead(const std::string& id) = 0;  // leads and deals
  virtual std::optional<ActivityRow> activity(const std::string& id) = 0;
  virtual std::optional<NoteRow> note(const std::string& id) = 0;

  // Queues `job` on the history thread; it gets the History reads and answers through its own
  // post (the store never touches what it captured on any other thread). Jobs run in order.
  virtual void read_history(std::function<void(History&)> job) = 0;

  // SQLite: PRAGMA integrity_check == "ok". PostgreSQL (which checks its pages itself): the
  // conversations projection agrees with the log (each last_seq is its conversation's newest seq).
  virtual bool integrity_ok() = 0;
};

}  // namespace livechat::server
