// The REST routes of a playbook's business hours (admins only): read them with whether the team
// is in now and when it next is, replace them, and the time zone names the dashboard offers.
// The rules are the core's (business_hours_from_json_value, validate_business_hours); the zone's
// rule comes from the system's tzdata (time_zones.cpp). The engine caches the hours it decides
// with (Engine::hours_changed).
// Maintenance reminder: the response shapes are listed in docs/protocol.md ("REST API").
#include <optional>
#include <string>

#include "api.hpp"
#include "api_internal.hpp"
#include "time_zones.hpp"

namespace livechat::server {

namespace {
using json = nlohmann::json;

// The stored settings row of a playbook (a fresh one, with no hours, when it has none).
PlaybookSettingsRow settings_of(Store& store, const std::string& playbook_id) {
  for (auto& row : store.playbook_settings())
    if (row.playbook_id == playbook_id) return row;
  return PlaybookSettingsRow{playbook_id, "", 0};
}

// {"hours": <business hours JSON>, "open_now", "next_opening": UTC ms or null}
json view(const BusinessHours& hours, int64_t now) {
  auto next = next_opening(hours, now);
  return {{"hours", business_hours_to_json_value(hours)},
          {"open_now", is_open(hours, now)},
          {"next_opening", next ? json(*next) : json(nullptr)}};
}

bool playbook_exists(Api::Call& call, Store& store) {
  const std::string& id = call.params["id"];
  if (store.playbook(id)) return true;
  call.error(404, ErrorCode::not_found, "playbook '" + id + "' does not exist", "id");
  return false;
}
}  // namespace

// GET /api/playbooks/:id/hours -> view
void Api::get_hours(Call& call) {
  if (!call.require_admin() || !playbook_exists(call, store_)) return;
  PlaybookSettingsRow row = settings_of(store_, call.params["id"]);
  BusinessHours hours;
  if (!row.business_hours.empty()) {
    auto stored = business_hours_from_json(row.business_hours);
    if (!stored)
      return call.error(409, ErrorCode::conflict,
                        "stored business hours cannot be read (" + stored.error().message + "); replace them with PUT",
                        stored.error().field);
    hours = std::move(stored.value());
  }
  call.json(200, view(hours, loop_.now_ms()));
}

// PUT /api/playbooks/:id/hours <business hours JSON> (or the view's {"hours": ...}) -> view
void Api::put_hours(Call& call) {
  if (!call.require_admin() || !playbook_exists(call, store_)) return;
  auto body = call.body();
  if (!body) return;
  const json& doc = body->contains("hours") && (*body)["hours"].is_object() ? (*body)["hours"] : *body;
  auto hours = business_hours_from_json(doc.dump());
  if (!hours) return call.error(hours.error());
  int64_t now = loop_.now_ms();
  PlaybookSettingsRow row = settings_of(store_, call.params["id"]);
  row.business_hours = business_hours_to_json_value(hours.value()).dump();
  row.updated_at = now;
  Write w;
  w.playbook_settings.push_back(row);
  engine_.write(std::move(w), [respond = call.respond, answer = view(hours.value(), now)](const Status& s) {
    if (!s) return send_error(respond, s.error());
    send_json(respond, 200, answer);
  });
  engine_.hours_changed(row.playbook_id, std::move(hours.value()));
}

// GET /api/time-zones -> ["UTC", "Africa/Abidjan", ...]
void Api::time_zones(Call& call) {
  if (!call.require_admin()) return;
  call.json(200, time_zone_names());
}

}  // namespace livechat::server
