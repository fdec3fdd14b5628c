// The REST routes that read history from the store: the Closed folder page by page, one
// conversation (from memory when the engine holds it, else rebuilt from the store), and search
// over closed conversations and CRM records. Store reads run on the store's history thread
// (Store::read_history); the answer's JSON is made there too, and only the finished response
// is posted back to the I/O thread. Visibility is the core's can_see(), applied to every row.
#include <string>

#include "api.hpp"
#include "api_internal.hpp"
#include "livechat/inbox.hpp"
#include "livechat/protocol_json.hpp"
#include "livechat/richtext.hpp"
#include "livechat/validate.hpp"

namespace livechat::server {

namespace {
using json = nlohmann::json;

constexpr std::size_t kExcerptBytes = 200;
constexpr std::size_t kMaxQueryBytes = 200;
constexpr std::size_t kMinTermCharacters = 3;  // the trigram index finds runs of 3+ characters

// A response made on the history thread.
HttpResponse reply(int status, const json& value) {
  HttpResponse r;
  r.status = status;
  r.body = value.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse error_reply(const Error& e) {
  json body{{"code", std::string(error_code_name(e.code))}, {"message", e.message}};
  if (!e.field.empty()) body["field"] = e.field;
  return reply(http_status(e.code), {{"error", body}});
}

// A Closed folder row (docs/protocol.md, "GET /api/conversations").
json closed_row(const Conversation& c) {
  InboxRow row = inbox_row(c);
  return {{"id", c.id},
          {"visitor_name", row.visitor_name},
          {"playbook_id", c.playbook_id},
          {"assignee", c.assignee},
          {"closed_at", c.closed_at},
          {"closed_by", c.closed_by},
          {"created_at", c.created_at},
          {"excerpt", excerpt(to_plain_text(row.last_message), kExcerptBytes)},
          {"missed", c.missed}};
}

// The cursor of the Closed folder: "<closed_at>:<id>", opaque to clients.
std::string closed_cursor(const ClosedCursor& c) { return std::to_string(c.closed_at) + ":" + c.id; }
bool parse_closed_cursor(const std::string& text, ClosedCursor& out) {
  std::size_t colon = text.find(':');
  if (colon == 0 || colon == std::string::npos || colon > 18 || colon + 1 == text.size()) return false;
  for (std::size_t i = 0; i < colon; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  out.closed_at = std::stoll(text.substr(0, colon));
  out.id = text.substr(colon + 1);
  return true;
}

// A query parameter that must be a whole number in [min, max]; `fallback` when absent.
bool number_param(const HttpRequest& request, const char* name, int64_t min, int64_t max, int64_t fallback,
                  int64_t& out) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) {
    out = fallback;
    return true;
  }
  const std::string& text = it->second;
  if (text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoll(text);
  return out >= min && out <= max;
}

std::string query_param(const HttpRequest& request, const char* name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? std::string() : it->second;
}

bool parse_search_kind(const std::string& text, SearchKind& out) {
  if (text.empty() || text == "conversations") out = SearchKind::conversations;
  else if (text == "people" || text == "persons") out = SearchKind::persons;
  else if (text == "organizations") out = SearchKind::organizations;
  else if (text == "leads") out = SearchKind::leads;
  else if (text == "deals") out = SearchKind::deals;
  else return false;
  return true;
}

// The words of `q` (split at ASCII whitespace) that are long enough for the index.
std::vector<std::string> search_terms(const std::string& q) {
  std::vector<std::string> terms;
  std::size_t i = 0;
  while (i < q.size()) {
    std::size_t start = q.find_first_not_of(" \t\r\n", i);
    if (start == std::string::npos) break;
    std::size_t end = q.find_first_of(" \t\r\n", start);
    if (end == std::string::npos) end = q.size();
    std::string term = q.substr(start, end - start);
    if (utf8_length(term) >= kMinTermCharacters) terms.push_back(std::move(term));
    i = end;
  }
  return terms;
}

}  // namespace

void Api::read_history(Call& call, std::function<HttpResponse(History&)> job) {
  const std::string user = call.user->id;
  if (!history_reads_->enter(user))
    return call.error(429, ErrorCode::rate_limited, "too many searches and pages at once; try again in a moment");
  Loop& loop = loop_;
  store_.read_history([&loop, respond = call.respond, job = std::move(job), reads = history_reads_, user](History& h) {
    loop.post([respond, r = job(h), reads, user]() mutable {
      reads->leave(user);
      (*respond)(std::move(r));
    });
  });
}

void Api::list_conversations(Call& call) {
  if (query_param(call.request, "folder") != "closed")
    return call.error(400, ErrorCode::invalid_field, "folder must be closed (the other folders come with the snapshot)",
                      "folder");
  int64_t limit = 0;
  if (!number_param(call.request, "limit", 1, 100, 50, limit))
    return call.error(400, ErrorCode::invalid_field, "limit is a whole number from 1 to 100", "limit");
  ClosedCursor before;
  std::string cursor = query_param(call.request, "before");
  if (!cursor.empty() && !parse_closed_cursor(cursor, before))
    return call.error(400, ErrorCode::invalid_field, "before is a cursor from an earlier page's next", "before");
  read_history(call, [me = call.user->id, before, limit](History& history) {
    Result<ClosedPage> page = history.closed_conversations(before, static_cast<std::size_t>(limit));
    if (!page) return error_reply(page.error());
    json rows = json::array();
    for (const Conversation& c : page.value().conversations)
      if (can_see(c, me)) rows.push_back(closed_row(c));
    std::string next = page.value().next ? closed_cursor(*page.value().next) : std::string();
    return reply(200, {{"conversations", std::move(rows)}, {"next", next}});
  });
}

void Api::get_conversation(Call& call) {
  const std::string& id = call.params["id"];
  const auto& held = engine_.committed().conversations;
  if (auto it = held.find(id); it != held.end()) {
    if (!can_see(it->second, call.user->id)) return call.error(403, ErrorCode::forbidden, "this conversation is not yours to see");
    return call.json(200, to_json_value(it->second));
  }
  read_history(call, [me = call.user->id, id](History& history) {
    Result<std::optional<Conversation>> c = history.conversation(id);
    if (!c) return error_reply(c.error());
    if (!c.value()) return error_reply(make_error(ErrorCode::not_found, "no such conversation"));
    if (!can_see(*c.value(), me))
      return error_reply(make_error(ErrorCode::forbidden, "this conversation is not yours to see"));
    return reply(200, to_json_value(*c.value()));
  });
}

void Api::search(Call& call) {
  std::string q = query_param(call.request, "q");
  if (q.size() > kMaxQueryBytes || !is_valid_utf8(q))
    return call.error(400, ErrorCode::invalid_field, "q is text of at most 200 bytes", "q");
  SearchQuery query;
  query.terms = search_terms(q);
  if (query.terms.empty())
    return call.error(400, ErrorCode::invalid_field, "type at least 3 characters to search", "q");
  if (!parse_search_kind(query_param(call.request, "kind"), query.kind))
    return call.error(400, ErrorCode::invalid_field, "kind is conversations, people, organizations, leads or deals",
                      "kind");
  int64_t limit = 0, cursor = 0;
  if (!number_param(call.request, "limit", 1, 50, 20, limit))
    return call.error(400, ErrorCode::invalid_field, "limit is a whole number from 1 to 50", "limit");
  if (!number_param(call.request, "cursor", 1, INT64_MAX, 0, cursor))
    return call.error(400, ErrorCode::invalid_field, "cursor is a number from an earlier page's next", "cursor");
  query.limit = static_cast<std::size_t>(limit);
  query.before = cursor;
  read_history(call, [me = call.user->id, query](History& history) {
    Result<SearchPage> page = history.search(query);
    if (!page) return error_reply(page.error());
    json results = json::array();
    for (const SearchHit& hit : page.value().hits) {
      if (hit.conversation) {
        if (!can_see(*hit.conversation, me)) continue;
        json row = closed_row(*hit.conversation);
        row["kind"] = hit.kind;
        row["snippet"] = hit.snippet;
        results.push_back(std::move(row));
      } else if (hit.kind != "conversation") {
        results.push_back({{"kind", hit.kind}, {"id", hit.id}, {"name", hit.name}, {"email", hit.email},
                           {"phone", hit.phone}, {"organization", hit.organization}});
      }
    }
    std::string next = page.value().next ? std::to_string(page.value().next) : std::string();
    return reply(200, {{"results", std::move(results)}, {"next", next}});
  });
}

}  // namespace livechat::server
