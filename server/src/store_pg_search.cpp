// The History reads of the PostgreSQL store (store.hpp): the Closed folder's pages, one
// conversation rebuilt from its events, and search over the pg_trgm-indexed documents of schema
// version 6 (store_pg_schema.cpp says how they are kept). They run on the store's history thread
// with a connection of their own, so neither the I/O thread nor the writer waits for them.
//
// A term matches as SQLite's FTS5 trigram tokenizer matches it: anywhere in the document, in any
// script, case-insensitively (ILIKE '%term%', with %, _ and \ of the term taken literally); every
// term must match. The GIN trigram index finds the candidates, ILIKE decides.
#include <string>

#include "store_pg.hpp"

namespace livechat::server {

using pg::Params;

namespace {

const char* const kClosedPage =
    "SELECT id, closed_at FROM conversations WHERE phase = 'closed' AND (closed_at, id) < ($1, $2) "
    "ORDER BY closed_at DESC, id DESC LIMIT $3";
const char* const kConversationEvents = "SELECT pos, body FROM events WHERE conversation = $1 ORDER BY seq";

// The ILIKE pattern matching `term` anywhere.
std::string contains(const std::string& term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

std::string value(const PGresult* res, int row, int col) {
  return std::string(PQgetvalue(res, row, col), static_cast<std::size_t>(PQgetlength(res, row, col)));
}

}  // namespace

Status PgHistory::open(const std::string& url, bool synchronous_full) {
  const pg::Named statements[] = {{"closed", kClosedPage}, {"events", kConversationEvents}};
  Result<pg::Conn> conn = pg::connect(url, synchronous_full, statements);
  if (!conn) return conn.error();
  conn_ = std::move(conn.value());
  return ok_status();
}

Result<std::optional<Conversation>> PgHistory::conversation(const ConversationId& id) {
  Params p;
  p.add(id);
  Result<pg::Res> res = pg::run(conn_.get(), "events", p, "read a conversation");
  if (!res) return res.error();
  return pg::rebuild_conversation(res.value().get(), id);
}

Result<ClosedPage> PgHistory::closed_conversations(const ClosedCursor& before, std::size_t limit) {
  Params p;
  p.add(before.closed_at).add(before.id).add_u64(limit);
  Result<pg::Res> res = pg::run(conn_.get(), "closed", p, "read the Closed folder");
  if (!res) return res.error();
  std::vector<std::pair<ConversationId, int64_t>> ids;
  for (int i = 0; i < PQntuples(res.value().get()); ++i)
    ids.emplace_back(value(res.value().get(), i, 0), std::strtoll(PQgetvalue(res.value().get(), i, 1), nullptr, 10));
  return closed_page(ids, limit, *this);
}

Result<SearchPage> PgHistory::search(const SearchQuery& query) {
  const bool conversations = query.kind == SearchKind::conversations;
  Params p;
  p.add(query.before > 0 ? query.before : INT64_MAX).add_u64(query.limit);
  std::string where;
  for (const std::string& term : query.terms) {
    p.add(contains(term));
    where += " AND document ILIKE $" + std::to_string(p.size());
  }
  std::string sql;
  if (conversations) {
    // The snippet: up to 24 characters either side of the first term's first match.
    p.add(query.terms.empty() ? std::string() : query.terms.front());
    const std::string t = "$" + std::to_string(p.size());
    sql = "SELECT pos, conversation, name, email, phone, organization, "
          "CASE WHEN at > 25 THEN '...' ELSE '' END || substr(document, greatest(at - 24, 1), 48 + length(" + t +
          ")) || CASE WHEN at + length(" + t + ") + 24 <= length(document) THEN '...' ELSE '' END "
          "FROM (SELECT *, strpos(lower(document), lower(" + t + ")) AS at FROM conversation_search "
          "WHERE pos < $1" + where + " ORDER BY pos DESC LIMIT $2) hits ORDER BY pos DESC";
  } else {
    p.add(std::string_view(record_kind(query.kind)));
    sql = "SELECT id, ref, kind, name, email, phone, organization FROM search_records WHERE kind = $" +
          std::to_string(p.size()) + " AND id < $1" + where + " ORDER BY id DESC LIMIT $2";
  }
  if (p.with_nul() >= 0) return SearchPage{};  // no stored text holds a NUL: nothing matches
  const std::vector<const char*> values = p.pointers();
  pg::Res res(PQexecParams(conn_.get(), sql.c_str(), p.size(), nullptr, values.data(), nullptr, nullptr, 0));
  if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK) return pg::error_from(res.get(), conn_.get(), "search");

  SearchPage page;
  const int rows = PQntuples(res.get());
  for (int i = 0; i < rows; ++i) {
    SearchHit hit;
    hit.id = value(res.get(), i, 1);
    if (conversations) {
      hit.kind = "conversation";
      hit.name = value(res.get(), i, 2), hit.email = value(res.get(), i, 3), hit.phone = value(res.get(), i, 4);
      hit.organization = value(res.get(), i, 5), hit.snippet = value(res.get(), i, 6);
      Result<std::optional<Conversation>> c = conversation(hit.id);
      if (!c) return c.error();
      hit.conversation = std::move(c.value());
    } else {
      hit.kind = value(res.get(), i, 2);
      hit.name = value(res.get(), i, 3), hit.email = value(res.get(), i, 4), hit.phone = value(res.get(), i, 5);
      hit.organization = value(res.get(), i, 6);
    }
    page.hits.push_back(std::move(hit));
  }
  if (rows > 0 && static_cast<std::size_t>(rows) == query.limit)
    page.next = std::strtoll(PQgetvalue(res.get(), rows - 1, 0), nullptr, 10);
  return page;
}

}  // namespace livechat::server
