// The History reads of the SQLite store (store.hpp): the Closed folder's pages, one
// conversation rebuilt from its events, and search over the FTS5 tables of schema version 4
// (store_schema.cpp says how they are filled). They run on the store's history thread with a
// read-only connection of their own, so neither the I/O thread nor the writer waits for them.
// Every statement is reset as soon as its rows are read (no snapshot held open).
#include <string>

#include "store_sqlite.hpp"

namespace livechat::server {

using sqlite::ResetGuard;
using sqlite::Stmt;

namespace {

const char* const kClosedPage =
    "SELECT id, closed_at FROM conversations WHERE phase = 'closed' AND (closed_at, id) < (?1, ?2) "
    "ORDER BY closed_at DESC, id DESC LIMIT ?3";
const char* const kConversationEvents = "SELECT pos, body FROM events WHERE conversation = ? ORDER BY seq";
const char* const kConversationSearch =
    "SELECT rowid, conversation, name, email, phone, organization, "
    "snippet(conversation_search, -1, '', '', '...', 48) FROM conversation_search "
    "WHERE conversation_search MATCH ?1 AND rowid < ?2 ORDER BY rowid DESC LIMIT ?3";
const char* const kRecordSearch =
    "SELECT r.rowid, s.ref, s.kind, s.name, s.email, s.phone, s.organization FROM record_search r "
    "JOIN search_records s ON s.id = r.rowid "
    "WHERE record_search MATCH ?1 AND s.kind = ?2 AND r.rowid < ?3 ORDER BY r.rowid DESC LIMIT ?4";

// The FTS5 query for `terms`: each one a quoted string (so nothing typed is FTS5 syntax), all
// of them required.
std::string match_expression(const std::vector<std::string>& terms) {
  std::string out;
  for (const std::string& term : terms) {
    if (!out.empty()) out += " AND ";
    out += '"';
    for (char c : term) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
  }
  return out;
}

int64_t limit_of(std::size_t limit) { return static_cast<int64_t>(limit); }

}  // namespace

SqliteHistory::~SqliteHistory() {
  closed_ = Stmt{};
  events_ = Stmt{};
  conversation_search_ = Stmt{};
  record_search_ = Stmt{};
  db_.close();
}

Status SqliteHistory::open(const std::string& path, bool synchronous_full, const char* vfs) {
  Result<sqlite::Db> db = sqlite::open_connection(path, sqlite::ConnRole::reader, synchronous_full, vfs);
  if (!db) return db.error();
  db_ = std::move(db.value());
  for (auto [stmt, sql] : {std::pair{&closed_, kClosedPage}, std::pair{&events_, kConversationEvents},
                           std::pair{&conversation_search_, kConversationSearch},
                           std::pair{&record_search_, kRecordSearch}}) {
    Result<Stmt> s = sqlite::prepare(db_.get(), sql);
    if (!s) return s.error();
    *stmt = std::move(s.value());
  }
  return ok_status();
}

Result<std::optional<Conversation>> SqliteHistory::conversation(const ConversationId& id) {
  events_.bind(1, id);
  return sqlite::rebuild_conversation(db_.get(), events_, id);
}

Result<ClosedPage> SqliteHistory::closed_conversations(const ClosedCursor& before, std::size_t limit) {
  std::vector<std::pair<ConversationId, int64_t>> ids;
  {
    ResetGuard guard(closed_);
    closed_.bind(1, before.closed_at);
    closed_.bind(2, before.id);
    closed_.bind(3, limit_of(limit));
    int rc;
    while ((rc = closed_.step()) == SQLITE_ROW) ids.emplace_back(closed_.text(0), closed_.i64(1));
    if (rc != SQLITE_DONE) return sqlite::error_from(db_.get(), rc, "read the Closed folder");
  }
  return closed_page(ids, limit, *this);
}

Result<SearchPage> SqliteHistory::search(const SearchQuery& query) {
  const std::string match = match_expression(query.terms);
  const int64_t before = query.before > 0 ? query.before : INT64_MAX;
  const bool conversations = query.kind == SearchKind::conversations;
  Stmt& s = conversations ? conversation_search_ : record_search_;
  SearchPage page;
  std::size_t rows = 0;
  int64_t last = 0;
  {
    ResetGuard guard(s);
    s.bind(1, match);
    if (conversations) {
      s.bind(2, before);
      s.bind(3, limit_of(query.limit));
    } else {
      s.bind(2, std::string_view(record_kind(query.kind)));
      s.bind(3, before);
      s.bind(4, limit_of(query.limit));
    }
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      ++rows;
      last = s.i64(0);
      SearchHit hit;
      hit.id = s.text(1);
      if (conversations) {
        hit.kind = "conversation";
        hit.name = s.text(2), hit.email = s.text(3), hit.phone = s.text(4), hit.organization = s.text(5);
        hit.snippet = s.text(6);
      } else {
        hit.kind = s.text(2);
        hit.name = s.text(3), hit.email = s.text(4), hit.phone = s.text(5), hit.organization = s.text(6);
      }
      page.hits.push_back(std::move(hit));
    }
    if (rc != SQLITE_DONE) return sqlite::error_from(db_.get(), rc, "search");
  }
  for (SearchHit& hit : page.hits) {
    if (!conversations) continue;
    Result<std::optional<Conversation>> c = conversation(hit.id);
    if (!c) return c.error();
    hit.conversation = std::move(c.value());
  }
  if (rows > 0 && rows == query.limit) page.next = last;
  return page;
}

void SqliteStore::read_history(std::function<void(History&)> job) {
  history_thread_->run([this, job = std::move(job)] { job(*history_); });
}

}  // namespace livechat::server
