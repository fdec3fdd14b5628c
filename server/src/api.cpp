// The REST API: routing, authentication, and the routes about people and conversations.
// Playbook routes are in api_playbooks.cpp, CRM routes in api_crm.cpp, reads of history (the
// Closed folder, one conversation, search) in api_search.cpp.
#include "api.hpp"

#include <vector>

#include "api_internal.hpp"
#include "auth.hpp"
#include "livechat/protocol_json.hpp"
#include "livechat/validate.hpp"
#include "log.hpp"

namespace livechat::server {

namespace {

// The session cookie (token "" and max_age 0 end it). Secure whenever the public URL is https,
// so a browser never sends it over plain http.
std::string session_cookie(const std::string& public_origin, const std::string& token, int64_t max_age) {
  std::string secure = public_origin.rfind("https://", 0) == 0 ? "; Secure" : "";
  return "lc_session=" + token + "; Path=/; HttpOnly; SameSite=Strict" + secure + "; Max-Age=" + std::to_string(max_age);
}
using json = nlohmann::json;

const char* const kCrm[] = {"persons", "organizations", "leads", "deals", "activities", "notes"};

// Matches "/api/leads/l_1" against "/api/leads/:id", filling params.
bool match(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
  std::size_t i = 0, j = 0;
  while (i < pattern.size() && j < path.size()) {
    if (pattern[i] == ':') {
      std::size_t name_end = pattern.find('/', i);
      std::size_t value_end = path.find('/', j);
      if (name_end == std::string::npos) name_end = pattern.size();
      if (value_end == std::string::npos) value_end = path.size();
      if (value_end == j) return false;
      params[pattern.substr(i + 1, name_end - i - 1)] = path.substr(j, value_end - j);
      i = name_end;
      j = value_end;
    } else {
      if (pattern[i] != path[j]) return false;
      ++i;
      ++j;
    }
  }
  return i == pattern.size() && j == path.size();
}

json user_json(const User& u) { return to_json_value(u); }
}  // namespace

// --- Call helpers ------------------------------------------------------------------------------

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request:
    case ErrorCode::invalid_field:
    case ErrorCode::unsupported_version: return 400;
    case ErrorCode::not_found: return 404;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::conflict:
    case ErrorCode::closed:
    case ErrorCode::offline: return 409;
    case ErrorCode::too_large: return 413;
    case ErrorCode::rate_limited: return 429;
  }
  return 400;
}

std::optional<std::string> string_member(const json& object, const char* name, std::string fallback) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<json> Api::Call::body() {
  if (request.body.size() > 1 << 20) {
    error(413, ErrorCode::too_large, "request body too large");
    return std::nullopt;
  }
  if (!is_valid_utf8(request.body)) {
    error(400, ErrorCode::bad_request, "request body is not valid UTF-8");
    return std::nullopt;
  }
  // nlohmann's parser recurses: refuse deep nesting before parsing.
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : request.body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') in_string = true;
    else if (c == '{' || c == '[') max_depth = std::max(max_depth, ++depth);
    else if (c == '}' || c == ']') --depth;
  }
  if (max_depth > 32) {
    error(400, ErrorCode::bad_request, "request body is nested too deeply");
    return std::nullopt;
  }
  nlohmann::json value = nlohmann::json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    error(400, ErrorCode::bad_request, "request body must be a JSON object");
    return std::nullopt;
  }
  return value;
}

void send_json(const Respond& respond, int status, const nlohmann::json& value) {
  HttpResponse r;
  r.status = status;
  r.body = status == 204 ? std::string() : value.dump(-1, ' ', false, json::error_handler_t::replace);
  (*respond)(std::move(r));
}

void send_error(const Respond& respond, const Error& e) {
  nlohmann::json body{{"code", std::string(error_code_name(e.code))}, {"message", e.message}};
  if (!e.field.empty()) body["field"] = e.field;
  send_json(respond, http_status(e.code), {{"error", body}});
}

void Api::Call::json(int status, const nlohmann::json& value) const { send_json(respond, status, value); }

void Api::Call::error(int status, ErrorCode code, const std::string& message, const std::string& field) const {
  nlohmann::json e{{"code", std::string(error_code_name(code))}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  json(status, {{"error", e}});
}

void Api::Call::error(const Error& e) const { error(http_status(e.code), e.code, e.message, e.field); }

bool Api::Call::require_admin() const {
  if (admin()) return true;
  error(403, ErrorCode::forbidden, "only admins can do this");
  return false;
}

// --- routing -----------------------------------------------------------------------------------

Api::Api(Loop& loop, Store& store, Engine& engine, ApiOptions options)
    : loop_(loop),
      store_(store),
      engine_(engine),
      options_(std::move(options)),
      login_failures_(options_.max_login_failures_per_minute) {}

struct Api::RouteEntry {
  std::string method;
  std::string pattern;  // segments; ":name" captures one
  Route route;
  bool signed_in;           // the route needs a signed-in agent
  const char* kind = nullptr;  // CRM collection for the crm_* routes
};

// Every route: those with a handler of their own, then four per CRM collection (kCrm).
const std::vector<Api::RouteEntry>& Api::route_table() {
  static const std::vector<RouteEntry> kRoutes = [] {
    std::vector<RouteEntry> r = {
        {"GET", "/healthz", &Api::healthz, false},
        {"GET", "/metrics", &Api::metrics_text, false},
        {"POST", "/api/login", &Api::login, false},
        {"POST", "/api/logout", &Api::logout, true},
        {"GET", "/api/me", &Api::me, true},
        {"GET", "/api/me/notifications", &Api::get_notifications, true},
        {"PUT", "/api/me/notifications", &Api::put_notifications, true},
        {"GET", "/api/users", &Api::list_users, true},
        {"POST", "/api/users", &Api::add_user, true},
        {"PATCH", "/api/users/:id", &Api::update_user, true},
        {"GET", "/api/conversations", &Api::list_conversations, true},
        {"GET", "/api/conversations/:id", &Api::get_conversation, true},
        {"GET", "/api/search", &Api::search, true},
        {"POST", "/api/conversations/:id/:items", &Api::create_from_conversation, true},
        {"GET", "/api/playbooks", &Api::list_playbooks, true},
        {"POST", "/api/playbooks", &Api::create_playbook, true},
        {"GET", "/api/playbooks/:id", &Api::get_playbook, true},
        {"PUT", "/api/playbooks/:id", &Api::put_playbook, true},
        {"DELETE", "/api/playbooks/:id", &Api::delete_playbook, true},
        {"POST", "/api/playbooks/:id/live-chat-card", &Api::add_live_chat_card, true},
        {"POST", "/api/playbooks/:id/cards", &Api::insert_card, true},
        {"PUT", "/api/playbooks/:id/cards/:card", &Api::replace_card, true},
        {"POST", "/api/playbooks/:id/cards/:card/move", &Api::move_card, true},
        {"PUT", "/api/playbooks/:id/links", &Api::set_link, true},
        {"PATCH", "/api/playbooks/:id/cards/:card", &Api::edit_card, true},
        {"DELETE", "/api/playbooks/:id/cards/:card", &Api::delete_card, true},
        {"POST", "/api/playbooks/:id/publish", &Api::publish_playbook, true},
        {"POST", "/api/playbooks/:id/discard", &Api::discard_draft, true},
        {"GET", "/api/playbooks/:id/versions", &Api::list_playbook_versions, true},
        {"GET", "/api/playbooks/:id/versions/:version", &Api::get_playbook_version, true},
        {"POST", "/api/playbooks/:id/versions/:version/restore", &Api::restore_playbook_version, true},
        {"GET", "/api/playbooks/:id/snippet", &Api::snippet, true},
        {"GET", "/api/embed/:id", &Api::embed_check, false},
        {"GET", "/api/playbooks/:id/hours", &Api::get_hours, true},
        {"PUT", "/api/playbooks/:id/hours", &Api::put_hours, true},
        {"GET", "/api/time-zones", &Api::time_zones, true},
        {"GET", "/api/canned", &Api::list_canned, true},
        {"POST", "/api/canned", &Api::create_canned, true},
        {"PATCH", "/api/canned/:id", &Api::update_canned, true},
        {"DELETE", "/api/canned/:id", &Api::delete_canned, true},
    };
    for (const char* kind : kCrm) {
      std::string base = std::string("/api/") + kind;
      r.push_back({"GET", base, &Api::crm_list, true, kind});
      r.push_back({"POST", base, &Api::crm_create, true, kind});
      r.push_back({"GET", base + "/:id", &Api::crm_get, true, kind});
      r.push_back({"PATCH", base + "/:id", &Api::crm_update, true, kind});
    }
    return r;
  }();
  return kRoutes;
}

std::vector<std::string> Api::routes() {
  std::vector<std::string> out;
  for (const auto& r : route_table()) out.push_back(r.method + " " + r.pattern);
  return out;
}

void Api::handle(const HttpRequest& request, std::function<void(HttpResponse)> respond) {
  Call call{request, {}, std::nullopt, {}, std::make_shared<std::function<void(HttpResponse)>>(std::move(respond))};
  const RouteEntry* found = nullptr;
  bool path_known = false;
  for (const auto& r : route_table()) {
    std::map<std::string, std::string> params;
    if (!match(r.pattern, request.path, params)) continue;
    path_known = true;
    if (request.method != r.method) continue;
    found = &r;
    call.params = std::move(params);
    if (r.kind) call.params["kind"] = r.kind;
    break;
  }
  Route route = found ? found->route : nullptr;
  bool signed_in = found ? found->signed_in : true;
  if (!route) {
    if (path_known) return call.error(405, ErrorCode::bad_request, "method not allowed on " + request.path);
    return call.error(404, ErrorCode::not_found, "no such endpoint: " + request.path);
  }
  if (signed_in) {
    std::string token;
    std::string auth = request.header("authorization");
    bool bearer = auth.rfind("Bearer ", 0) == 0;
    if (bearer) token = auth.substr(7);
    if (token.empty()) token = request.cookie("lc_session");
    // Guessing tokens is slowed like guessing passwords: an address with too many invalid ones
    // is refused without a look-up for the rest of its minute.
    Throttle& guesses = engine_.token_failures();
    std::string who = address_of(request.remote);
    if (!token.empty() && guesses.blocked(who, loop_.now_ms()))
      return call.error(429, ErrorCode::rate_limited, "too many invalid sign-in tokens; wait a minute");
    auto session = token.empty() ? std::nullopt : store_.session(token_hash(token));
    auto user = session ? engine_.committed().users.find(session->user_id) : engine_.committed().users.end();
    if (!session || session->expires_at <= loop_.now_ms() || user == engine_.committed().users.end()) {
      if (!token.empty()) guesses.failed(who, loop_.now_ms());
      return call.error(401, ErrorCode::forbidden, "sign in first");
    }
    // A cookie rides along on any site's request: changes made with it must come from our pages.
    if (!bearer && request.method != "GET") {
      std::string origin = request.header("origin");
      if (origin != options_.public_origin && origin != "http://" + request.header("host"))
        return call.error(403, ErrorCode::forbidden, "cross-site request refused");
    }
    call.user = user->second;
    call.token_hash = token_hash(token);
  }
  (this->*route)(call);
}

// --- sign-in -----------------------------------------------------------------------------------

void Api::login(Call& call) {
  std::string who = address_of(call.request.remote);
  if (login_failures_.blocked(who, loop_.now_ms()))
    return call.error(429, ErrorCode::rate_limited, "too many failed sign-ins; wait a minute");
  auto body = call.body();
  if (!body) return;
  auto email = string_member(*body, "email"), password = string_member(*body, "password");
  if (!email || !password || email->empty() || password->empty())
    return call.error(400, ErrorCode::bad_request, "email and password are required");
  const User* user = nullptr;
  for (const auto& [id, u] : engine_.committed().users)
    if (u.email == trim(*email)) user = &u;
  auto credential = user ? store_.credential(user->id) : std::nullopt;
  std::optional<std::string> hash;
  if (credential) hash = credential->password_hash;
  std::optional<User> found = credential ? std::optional<User>(*user) : std::nullopt;
  auto respond = call.respond;
  hasher_.run([this, respond, who, found, hash, pw = *password]() {
    // An unknown email costs the same hashing as a wrong password: timing must not tell them
    // apart. The decoy is hashed here, once, off the I/O thread (it held the loop ~0.3 s).
    static const std::string decoy = hash_password("decoy password for unknown accounts");
    bool valid = verify_password(hash ? *hash : decoy, pw) && found.has_value();
    loop_.post([this, respond, who, found, valid]() { finish_login(respond, who, found, valid); });
  });
}

void Api::finish_login(const std::shared_ptr<std::function<void(HttpResponse)>>& respond, const std::string& who,
                       const std::optional<User>& user, bool valid) {
  if (!valid) {
    login_failures_.failed(who, loop_.now_ms());
    log_info("sign-in refused", {{"remote", who}});
    return send_json(respond, 401, {{"error", {{"code", "forbidden"}, {"message", "wrong email or password"}}}});
  }
  int64_t now = loop_.now_ms();
  std::string token = new_token();
  Write w;
  w.sessions.push_back(SessionRow{token_hash(token), user->id, now, now + options_.session_ttl_ms});
  User signed_in = *user;
  std::string cookie = session_cookie(options_.public_origin, token, options_.session_ttl_ms / 1000);
  engine_.write(std::move(w), [respond, token, signed_in, cookie](const Status&) {
    HttpResponse r;
    r.body = nlohmann::json{{"token", token}, {"user", user_json(signed_in)}}.dump();
    r.headers.emplace_back("Set-Cookie", cookie);
    (*respond)(std::move(r));
  });
}

void Api::logout(Call& call) {
  Write w;
  w.ended_sessions.push_back(call.token_hash);
  auto respond = call.respond;
  std::string hash = call.token_hash;
  std::string cookie = session_cookie(options_.public_origin, "", 0);
  engine_.write(std::move(w), [this, respond, hash, cookie](const Status&) {
    engine_.session_ended(hash);
    HttpResponse r;
    r.status = 204;
    r.headers.emplace_back("Set-Cookie", cookie);
    (*respond)(std::move(r));
  });
}

void Api::me(Call& call) { call.json(200, user_json(*call.user)); }

// --- users -------------------------------------------------------------------------------------

void Api::list_users(Call& call) {
  json out = json::array();
  for (const auto& [id, u] : engine_.committed().users) out.push_back(user_json(u));
  call.json(200, out);
}

void Api::add_user(Call& call) {
  if (!call.require_admin()) return;
  auto body = call.body();
  if (!body) return;
  auto name = string_member(*body, "name"), email = string_member(*body, "email"),
       password = string_member(*body, "password"), role = string_member(*body, "role", "regular");
  if (!name || !email || !password || !role) return call.error(400, ErrorCode::bad_request, "name, email, password and role must be strings");
  if (utf8_length(*password) < kMinPasswordChars || password->size() > kMaxNameBytes)
    return call.error(400, ErrorCode::invalid_field,
                      "the password needs at least " + std::to_string(kMinPasswordChars) + " characters (at most " +
                          std::to_string(kMaxNameBytes) + " bytes)",
                      "password");
  User u;
  u.id = new_id("u");
  u.name = trim(*name);
  u.email = trim(*email);
  if (!parse_role(*role, u.role)) return call.error(400, ErrorCode::invalid_field, "role is admin or regular", "role");
  // Hashing (argon2id) takes a tenth of a second or more: on the hasher thread, as for sign-in,
  // so the I/O thread keeps serving every socket meanwhile.
  auto respond = call.respond;
  Actor admin{Actor::Kind::agent, call.user->id};
  hasher_.run([this, respond, u, admin, pw = *password]() {
    std::string hash = hash_password(pw);
    loop_.post([this, respond, u, admin, hash]() {
      if (hash.empty())
        return send_json(respond, 503, {{"error", {{"code", "conflict"}, {"message", "could not hash the password; try again"}}}});
      Write w;
      w.credentials.push_back(CredentialRow{u.id, hash});
      engine_.run(AddUser{u}, admin, std::move(w), [this, respond, id = u.id](Result<Outcome> r) {
        if (!r) return send_error(respond, r.error());
        send_json(respond, 201, user_json(engine_.committed().users.at(id)));
      });
    });
  });
}

void Api::update_user(Call& call) {
  if (!call.require_admin()) return;
  auto body = call.body();
  if (!body) return;
  auto role = string_member(*body, "role");
  Role r;
  if (!role || !parse_role(*role, r)) return call.error(400, ErrorCode::invalid_field, "role is admin or regular", "role");
  auto respond = call.respond;
  std::string id = call.params["id"];
  engine_.run(SetRole{id, r}, Actor{Actor::Kind::agent, call.user->id}, {}, [this, respond, id](Result<Outcome> res) {
    if (!res) return send_error(respond, res.error());
    send_json(respond, 200, user_json(engine_.committed().users.at(id)));
  });
}

// --- notification settings ---------------------------------------------------------------------

void Api::get_notifications(Call& call) {
  const auto& n = call.user->notifications;
  call.json(200, {{"new_unassigned", n.new_unassigned}, {"assigned_to_me", n.assigned_to_me}, {"new_message", n.new_message}});
}

void Api::put_notifications(Call& call) {
  auto body = call.body();
  if (!body) return;
  NotificationSettings n = call.user->notifications;
  for (auto [name, flag] : {std::pair{"new_unassigned", &n.new_unassigned}, std::pair{"assigned_to_me", &n.assigned_to_me},
                            std::pair{"new_message", &n.new_message}}) {
    auto it = body->find(name);
    if (it == body->end()) continue;
    if (!it->is_boolean()) return call.error(400, ErrorCode::bad_request, std::string(name) + " must be true or false", name);
    *flag = it->get<bool>();
  }
  auto respond = call.respond;
  engine_.run(SetNotificationSettings{n}, Actor{Actor::Kind::agent, call.user->id}, {}, [respond, n](Result<Outcome> r) {
    if (!r) return send_error(respond, r.error());
    send_json(respond, 200, {{"new_unassigned", n.new_unassigned}, {"assigned_to_me", n.assigned_to_me}, {"new_message", n.new_message}});
  });
}

// --- conversations -----------------------------------------------------------------------------

void Api::create_from_conversation(Call& call) {
  std::string items = call.params["items"];
  ItemKind kind;
  if (items == "leads") kind = ItemKind::lead;
  else if (items == "deals") kind = ItemKind::deal;
  else if (items == "activities") kind = ItemKind::activity;
  else return call.error(404, ErrorCode::not_found, "no such endpoint: " + call.request.path);
  auto body = call.body();
  if (!body) return;
  auto title = string_member(*body, "title");
  if (!title || title->size() > kMaxNameBytes)
    return call.error(400, ErrorCode::invalid_field,
                      "title must be a string of at most " + std::to_string(kMaxNameBytes) + " bytes", "title");
  auto respond = call.respond;
  engine_.create_item(call.params["id"], kind, Actor{Actor::Kind::agent, call.user->id}, trim(*title),
                      [respond, items](Result<std::string> r) {
                                            if (!r) return send_error(respond, r.error());
                        send_json(respond, 201, {{"id", r.value()}, {"kind", items}});
                      });
}

// --- health ------------------------------------------------------------------------------------

void Api::healthz(Call& call) { call.json(200, {{"status", "ok"}, {"pos", engine_.committed_pos()}}); }

void Api::metrics_text(Call& call) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = metrics ? metrics() : std::string();
  (*call.respond)(std::move(r));
}

}  // namespace livechat::server
