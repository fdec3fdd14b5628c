// Admin screens: a playbook's business hours (GET/PUT /api/playbooks/:id/hours, GET
// /api/time-zones), the playbook's "Business hours" tab beside its flow. On/off; the team's time zone (a searchable list of the
// server's zone names); each weekday's opening intervals, several a day ("09:00" to "13:00", "+
// Add interval", "Remove"), Monday first; holidays (dates, with the calendar picker); whether
// the team is in now and when it next opens, as the server computes it. Outside the hours the
// Live Chat card runs its offline path and the widget says when the team is back.
// The server checks everything again (the core's rules) and its error names the field.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "admin.hpp"
#include "app.hpp"
#include "date_picker.hpp"
#include "i18n.hpp"
#include "platform.hpp"
#include "widgets.hpp"

namespace agent {

using nlohmann::json;
using namespace livechat;

namespace {

// Weekdays as shown (Monday first), with their index in BusinessHours::week (0 = Sunday).
constexpr int kShownDays[7] = {1, 2, 3, 4, 5, 6, 0};
const char* const kDayNames[7] = {N_("Sunday"),   N_("Monday"), N_("Tuesday"), N_("Wednesday"),
                                  N_("Thursday"), N_("Friday"), N_("Saturday")};

void set_form(HoursForm& f, const json& view) {
  f = HoursForm{};
  f.loaded = true;
  f.view = view;
  const json hours = view.is_object() ? view.value("hours", json::object()) : json::object();
  f.enabled = hours.value("enabled", false);
  ui::copy_utf8(f.zone, sizeof f.zone, hours.value("time_zone", std::string()));
  const json week = hours.value("week", json::object());
  for (int d = 0; d < 7; ++d) {
    for (const auto& in : week.value(kWeekdayNames[d], json::array())) {
      HoursForm::Interval i;
      ui::copy_utf8(i.from, sizeof i.from, in.value("from", std::string()));
      ui::copy_utf8(i.to, sizeof i.to, in.value("to", std::string()));
      f.week[static_cast<std::size_t>(d)].push_back(i);
    }
  }
  for (const auto& h : hours.value("holidays", json::array()))
    if (h.is_string()) f.holidays.push_back(h.get<std::string>());
}

// The form as the REST body (the server parses the times and reports the first mistake).
json form_json(const HoursForm& f) {
  json week = json::object();
  for (int d = 0; d < 7; ++d) {
    json day = json::array();
    for (const auto& i : f.week[static_cast<std::size_t>(d)]) day.push_back({{"from", i.from}, {"to", i.to}});
    week[kWeekdayNames[d]] = std::move(day);
  }
  return {{"enabled", f.enabled}, {"time_zone", f.zone}, {"week", std::move(week)}, {"holidays", f.holidays}};
}

// "Open now" or "Closed: opens <time>" (the browser's local time), from the server's view.
std::string state_words(const HoursForm& f) {
  const json hours = f.view.value("hours", json::object());
  if (!hours.value("enabled", false)) return tr("Off: the team is always in.");
  if (f.view.value("open_now", false)) return tr("Open now.");
  const json next = f.view.value("next_opening", json());
  if (!next.is_number_integer()) return tr("Closed, and no opening in the coming year.");
  return format(tr("Closed now: opens %s."), format_time(platform::now_ms(), next.get<int64_t>()).c_str());
}

void draw_zone_picker(App& app, HoursForm& f) {
  ImGui::SetNextItemWidth(280);
  if (ImGui::BeginCombo("##time_zone", f.zone[0] ? f.zone : tr("Choose the time zone"), ImGuiComboFlags_HeightLarge)) {
    if (f.zones.empty()) ImGui::TextDisabled("%s", tr("Loading…"));
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::InputTextWithHint("##zone_filter", tr("Search, e.g. Rome"), f.zone_filter, sizeof f.zone_filter);
    ui::track("##zone_filter");
    std::string filter = f.zone_filter;
    std::transform(filter.begin(), filter.end(), filter.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto& name : f.zones) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (!filter.empty() && lower.find(filter) == std::string::npos) continue;
      if (ui::selectable(name.c_str(), name == f.zone, ("zone:" + name).c_str())) {
        ui::copy_utf8(f.zone, sizeof f.zone, name);
        f.zone_filter[0] = 0;
        ImGui::CloseCurrentPopup();
      }
    }
    ImGui::EndCombo();
  }
  ui::track("##time_zone");
  (void)app;
}

void draw_week(HoursForm& f) {
  if (!ImGui::BeginTable("##week", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) return;
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 110);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
  for (int d : kShownDays) {
    auto& day = f.week[static_cast<std::size_t>(d)];
    ImGui::PushID(d);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr(kDayNames[d]));
    ImGui::TableNextColumn();
    if (day.empty()) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextDisabled("%s", tr("Closed all day"));
      ImGui::SameLine();
    }
    for (std::size_t i = 0; i < day.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      const std::string where = std::string(kWeekdayNames[d]) + "." + std::to_string(i);
      ImGui::SetNextItemWidth(60);
      ImGui::InputTextWithHint("##from", "09:00", day[i].from, sizeof day[i].from);
      ui::track(("##from:" + where).c_str());
      ImGui::SameLine();
      ImGui::TextUnformatted("–");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(60);
      ImGui::InputTextWithHint("##to", "17:00", day[i].to, sizeof day[i].to);
      ui::track(("##to:" + where).c_str());
      ImGui::SameLine();
      bool remove = ImGui::SmallButton("×");
      ui::track(("remove_interval:" + where).c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Remove this interval"));
      ImGui::SameLine();
      ImGui::PopID();
      if (remove) {
        day.erase(day.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    if (day.size() < kMaxIntervalsPerDay) {
      if (ImGui::SmallButton(tr("+ Add interval"))) {
        // After the last one: an hour later, or the usual morning for an empty day.
        HoursForm::Interval next;
        std::strcpy(next.from, day.empty() ? "09:00" : day.back().to);
        std::strcpy(next.to, day.empty() ? "17:00" : "24:00");
        day.push_back(next);
      }
      ui::track((std::string("add_interval:") + kWeekdayNames[d]).c_str());
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void draw_holidays(HoursForm& f) {
  ImGui::TextUnformatted(tr("Holidays (closed all day):"));
  for (std::size_t i = 0; i < f.holidays.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    int y = 0, m = 0, d = 0;
    std::sscanf(f.holidays[i].c_str(), "%d-%d-%d", &y, &m, &d);
    ImGui::BulletText("%s", date_text(y, m, d).c_str());
    ImGui::SameLine();
    bool remove = ImGui::SmallButton(tr("Remove"));
    ui::track(("remove_holiday:" + f.holidays[i]).c_str());
    ImGui::PopID();
    if (remove) {
      f.holidays.erase(f.holidays.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  // The date field takes its cell's width (date_picker.cpp): a narrow cell, the button beside it.
  if (!ImGui::BeginTable("##add_holiday", 2)) return;
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 240);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableNextColumn();
  date_field("##holiday", f.holiday, sizeof f.holiday, platform::now_ms());
  ImGui::TableNextColumn();
  ImGui::BeginDisabled(!f.holiday[0]);
  if (ui::button(tr("Add holiday"))) {
    if (std::find(f.holidays.begin(), f.holidays.end(), f.holiday) == f.holidays.end()) f.holidays.push_back(f.holiday);
    std::sort(f.holidays.begin(), f.holidays.end());
    f.holiday[0] = 0;
  }
  ImGui::EndDisabled();
  ImGui::EndTable();
}

}  // namespace

void on_hours_answer(App& app, const std::string& what, int status, const std::string& body) {
  HoursForm& f = app.admin.hours;
  json j = json::parse(body, nullptr, false);
  if (what == "hours_zones") {
    if (status == 200 && j.is_array())
      for (const auto& z : j)
        if (z.is_string()) f.zones.push_back(z.get<std::string>());
    return;
  }
  if (status < 200 || status >= 300) {
    ServerError e = status == 0 ? ServerError{tr("The server cannot be reached."), ""} : server_error(body);
    f.message = e.field.empty() ? e.message : format(tr("%s (at %s)"), e.message.c_str(), e.field.c_str());
    f.message_error = true;
    return;
  }
  std::vector<std::string> zones = std::move(f.zones);
  std::string for_playbook = f.playbook_id;
  set_form(f, j);
  f.zones = std::move(zones);
  f.playbook_id = for_playbook;
  if (what == "hours_saved") {
    f.message = tr("Business hours saved.");
    f.message_error = false;
  }
}

void draw_hours(App& app) {
  AdminState& a = app.admin;
  HoursForm& f = a.hours;
  if (f.playbook_id != a.playbook_id) {  // another playbook opened: fetch its hours
    f = HoursForm{};
    f.playbook_id = a.playbook_id;
    app.rest("admin:hours", "GET", "/api/playbooks/" + a.playbook_id + "/hours");
    app.rest("admin:hours_zones", "GET", "/api/time-zones");
  }
  if (!f.loaded) {
    ImGui::TextDisabled("%s", tr("Loading…"));
    return;
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s", tr("Outside these hours the Live Chat card runs its offline path, and the widget tells "
                               "visitors when the team is back, in their own time zone."));
  ImGui::PopTextWrapPos();
  ImGui::TextUnformatted(state_words(f).c_str());
  ImGui::Checkbox(tr("Use business hours"), &f.enabled);
  ui::track("Use business hours");
  ImGui::BeginDisabled(!f.enabled);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("Time zone:"));
  ImGui::SameLine();
  draw_zone_picker(app, f);
  draw_week(f);
  draw_holidays(f);
  ImGui::EndDisabled();
  ui::push_primary();
  if (ui::button(tr("Save business hours"))) {
    f.message.clear();
    app.rest("admin:hours_saved", "PUT", "/api/playbooks/" + a.playbook_id + "/hours",
             form_json(f).dump(-1, ' ', false, json::error_handler_t::replace));
  }
  ui::pop_primary();
  if (!f.message.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(f.message_error ? ImVec4(0.75f, 0.1f, 0.1f, 1) : ImVec4(0.1f, 0.5f, 0.2f, 1), "%s",
                       f.message.c_str());
  }
}

}  // namespace agent
