// REST for canned responses (core/canned.hpp): every rule (validation, who may edit, who sees)
// is the core's; this file parses, keeps shortcuts unique per owner and makes changes durable.
//   GET    /api/canned        the ones the caller sees (shared and their own), by shortcut
//   POST   /api/canned        {"shortcut", "texts": {"en": "...", "it": "..."}, "shared"?} -> 201
//   PATCH  /api/canned/:id    {"shortcut"?, "texts"?} -> 200
//   DELETE /api/canned/:id    -> 204
// The API keeps every canned response in memory (a team has tens or hundreds), loaded from the
// store on first use and changed together with each Write, so two quick requests cannot both
// take one shortcut before the first is durable.
#include <nlohmann/json.hpp>

#include "api_internal.hpp"
#include "auth.hpp"
#include "livechat/canned.hpp"

namespace livechat::server {

namespace {
using json = nlohmann::json;

json canned_json(const CannedResponse& c, int64_t created_at, int64_t updated_at) {
  return {{"id", c.id},
          {"shortcut", c.shortcut},
          {"texts", c.texts},
          {"shared", c.owner.empty()},
          {"owner", c.owner},
          {"created_at", created_at},
          {"updated_at", updated_at}};
}

// Reads "texts" ({"en": "..."}) when present. False (400 sent) when it has another shape.
bool read_texts(Api::Call& call, const json& body, std::optional<std::map<std::string, std::string>>& out) {
  auto it = body.find("texts");
  if (it == body.end()) return true;
  bool strings = it->is_object();
  if (strings)
    for (const auto& [lang, text] : it->items()) strings = strings && text.is_string();
  if (!strings) {
    call.error(400, ErrorCode::bad_request, "'texts' must be an object of strings, e.g. {\"en\": \"Hello\"}", "texts");
    return false;
  }
  out.emplace();
  for (const auto& [lang, text] : it->items()) (*out)[lang] = text.get<std::string>();
  return true;
}

}  // namespace

std::map<std::string, Api::Canned>& Api::canned() {
  if (!canned_loaded_) {
    for (const CannedRow& row : store_.canned_responses()) {
      Canned c;
      c.response.id = row.id;
      c.response.owner = row.owner_id;
      c.response.shortcut = row.shortcut;
      json texts = json::parse(row.texts_json, nullptr, false);
      if (texts.is_object())
        for (const auto& [lang, text] : texts.items())
          if (text.is_string()) c.response.texts[lang] = text.get<std::string>();
      c.created_at = row.created_at;
      c.updated_at = row.updated_at;
      canned_[row.id] = std::move(c);
    }
    canned_loaded_ = true;
  }
  return canned_;
}

// GET /api/canned
void Api::list_canned(Call& call) {
  std::vector<const Canned*> seen;
  for (const auto& [id, c] : canned())
    if (sees_canned(*call.user, c.response)) seen.push_back(&c);
  std::sort(seen.begin(), seen.end(), [](const Canned* a, const Canned* b) {
    return a->response.shortcut != b->response.shortcut ? a->response.shortcut < b->response.shortcut
                                                        : a->response.owner > b->response.owner;  // personal first
  });
  json out = json::array();
  for (const Canned* c : seen) out.push_back(canned_json(c->response, c->created_at, c->updated_at));
  call.json(200, out);
}

// Validates `next` (the core's rules, then one shortcut per owner) and makes it durable;
// answers `status` with it once committed.
void Api::save_canned(Call& call, Canned next, int status) {
  Status valid = validate_canned(next.response);
  if (!valid) return call.error(valid.error());
  for (const auto& [id, c] : canned())
    if (id != next.response.id && c.response.owner == next.response.owner && c.response.shortcut == next.response.shortcut)
      return call.error(409, ErrorCode::conflict,
                        "/" + next.response.shortcut + " is already a " +
                            (next.response.owner.empty() ? "shared" : "personal") + " canned response",
                        "shortcut");
  next.updated_at = loop_.now_ms();
  if (next.created_at == 0) next.created_at = next.updated_at;
  Write w;
  w.canned.push_back(CannedRow{next.response.id, next.response.owner, next.response.shortcut,
                               json(next.response.texts).dump(), next.created_at, next.updated_at});
  json body = canned_json(next.response, next.created_at, next.updated_at);
  canned_[next.response.id] = std::move(next);
  engine_.write(std::move(w), [respond = call.respond, status, body = std::move(body)](const Status& s) {
    if (!s) return send_error(respond, s.error());
    send_json(respond, status, body);
  });
}

// POST /api/canned
void Api::create_canned(Call& call) {
  auto body = call.body();
  if (!body) return;
  auto shortcut = string_member(*body, "shortcut");
  std::optional<std::map<std::string, std::string>> texts;
  if (!shortcut) return call.error(400, ErrorCode::bad_request, "'shortcut' must be a string", "shortcut");
  if (!read_texts(call, *body, texts)) return;
  auto shared = body->find("shared");
  if (shared != body->end() && !shared->is_boolean())
    return call.error(400, ErrorCode::bad_request, "'shared' must be true or false", "shared");
  Canned c;
  c.response.id = new_id("cr");
  c.response.shortcut = *shortcut;
  if (texts) c.response.texts = std::move(*texts);
  c.response.owner = shared != body->end() && shared->get<bool>() ? "" : call.user->id;
  if (!may_edit_canned(*call.user, c.response))
    return call.error(403, ErrorCode::forbidden, "only admins manage the team's shared canned responses");
  save_canned(call, std::move(c), 201);
}

// The canned response :id for a change, or an error sent (404 also for someone else's personal
// one: it is not theirs to know about).
Api::Canned* Api::editable_canned(Call& call) {
  auto it = canned().find(call.params["id"]);
  if (it == canned_.end() || !sees_canned(*call.user, it->second.response)) {
    call.error(404, ErrorCode::not_found, "no canned response '" + call.params["id"] + "'");
    return nullptr;
  }
  if (!may_edit_canned(*call.user, it->second.response)) {
    call.error(403, ErrorCode::forbidden, "only admins change the team's shared canned responses");
    return nullptr;
  }
  return &it->second;
}

// PATCH /api/canned/:id
void Api::update_canned(Call& call) {
  auto body = call.body();
  if (!body) return;
  Canned* current = editable_canned(call);
  if (!current) return;
  auto shortcut = string_member(*body, "shortcut", current->response.shortcut);
  std::optional<std::map<std::string, std::string>> texts;
  if (!shortcut) return call.error(400, ErrorCode::bad_request, "'shortcut' must be a string", "shortcut");
  if (!read_texts(call, *body, texts)) return;
  Canned next = *current;
  next.response.shortcut = *shortcut;
  if (texts) next.response.texts = std::move(*texts);
  save_canned(call, std::move(next), 200);
}

// DELETE /api/canned/:id
void Api::delete_canned(Call& call) {
  Canned* current = editable_canned(call);
  if (!current) return;
  Write w;
  w.deleted_canned.push_back(current->response.id);
  canned_.erase(current->response.id);
  engine_.write(std::move(w), [respond = call.respond](const Status& s) {
    if (!s) return send_error(respond, s.error());
    send_json(respond, 204, nullptr);
  });
}

}  // namespace livechat::server
