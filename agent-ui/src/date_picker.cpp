#include "date_picker.hpp"

#include <cstdio>
#include <ctime>

#include "i18n.hpp"
#include "imgui.h"
#include "livechat/validate.hpp"
#include "widgets.hpp"

namespace agent {

namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in(int y, int m) {  // m: 1..12
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}
// 0 = Monday .. 6 = Sunday, for a date of the proleptic Gregorian calendar (Sakamoto's method).
int weekday(int y, int m, int d) {
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  int sunday0 = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
  return (sunday0 + 6) % 7;
}

struct Ymd {
  int y = 0, m = 0, d = 0;
};

Ymd today(double now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

bool parse(const char* s, Ymd& out) {
  if (!livechat::is_valid_date(s)) return false;
  return std::sscanf(s, "%4d-%2d-%2d", &out.y, &out.m, &out.d) == 3;
}

void write(char* buf, std::size_t size, Ymd v) { std::snprintf(buf, size, "%04d-%02d-%02d", v.y, v.m, v.d); }

// The month the open calendar shows (y * 12 + m - 1); one calendar is open at a time.
int g_shown_month = 0;

// The month grid; true when a day was picked (written to buf).
bool calendar(char* buf, std::size_t size, double now_ms) {
  int y = g_shown_month / 12, m = g_shown_month % 12 + 1;
  Ymd now = today(now_ms), current;
  bool has_current = parse(buf, current);
  if (ImGui::Button("<", ImVec2(28, 0))) --g_shown_month;
  ui::track("month:prev");
  ImGui::SameLine();
  if (ImGui::Button(">", ImVec2(28, 0))) ++g_shown_month;
  ui::track("month:next");
  ImGui::SameLine();
  ImGui::Text("  %s %d", month_name(m), y);

  // TRANSLATORS: the calendar's weekday columns, Monday first (Italian: Lu Ma Me Gi Ve Sa Do).
  static const char* kDays[] = {N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su")};
  bool picked = false;
  if (ImGui::BeginTable("##grid", 7, ImGuiTableFlags_SizingFixedSame)) {
    for (const char* d : kDays) {
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", tr(d));
    }
    for (int i = 0; i < weekday(y, m, 1); ++i) ImGui::TableNextColumn();
    for (int d = 1; d <= days_in(y, m); ++d) {
      ImGui::TableNextColumn();
      bool is_current = has_current && current.y == y && current.m == m && current.d == d;
      bool is_today = now.y == y && now.m == m && now.d == d;
      char label[24];
      std::snprintf(label, sizeof label, "%d##day", d);
      if (is_today) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.15f, 0.40f, 0.85f, 1));
      if (ImGui::Selectable(label, is_current, 0, ImVec2(26, 0))) {
        write(buf, size, {y, m, d});
        picked = true;
      }
      if (is_today) ImGui::PopStyleColor();
      std::snprintf(label, sizeof label, "day:%d", d);
      ui::track(label);
    }
    ImGui::EndTable();
  }
  if (ImGui::Button(tr("Today"))) {
    write(buf, size, now);
    picked = true;
  }
  ui::track("date:today");
  ImGui::SameLine();
  if (ImGui::Button(tr("Clear"))) {
    buf[0] = 0;
    picked = true;
  }
  ui::track("date:clear");
  return picked;
}

}  // namespace

bool date_field(const char* id, char* buf, std::size_t size, double now_ms) {
  ImGui::PushID(id);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 60);
  bool changed = ImGui::InputText(id, buf, size, ImGuiInputTextFlags_CharsDecimal);
  ui::track(id);
  ImGui::SameLine();
  if (ImGui::Button(tr("Pick"), ImVec2(-1, 0))) {
    Ymd start;
    if (!parse(buf, start)) start = today(now_ms);
    g_shown_month = start.y * 12 + start.m - 1;
    ImGui::OpenPopup("calendar popup");
  }
  ui::track("calendar");
  if (ImGui::BeginPopup("calendar popup")) {
    if (calendar(buf, size, now_ms)) {
      changed = true;
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
  ImGui::PopID();
  return changed;
}

}  // namespace agent
