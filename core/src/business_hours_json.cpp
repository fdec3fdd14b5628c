// Business hours as JSON: see business_hours.hpp. Kept apart from the arithmetic so the widget,
// which never reads this form, does not link it.
#include <nlohmann/json.hpp>

#include "livechat/business_hours.hpp"

namespace livechat {

using json = nlohmann::json;

std::string clock_text(int minute) {
  std::string s = "00:00";
  s[0] = static_cast<char>('0' + minute / 600);
  s[1] = static_cast<char>('0' + minute / 60 % 10);
  s[3] = static_cast<char>('0' + minute % 60 / 10);
  s[4] = static_cast<char>('0' + minute % 10);
  return s;
}

std::optional<int> parse_clock(std::string_view text) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon < 1 || colon > 2 || text.size() != colon + 3) return std::nullopt;
  int hours = 0;
  for (std::size_t i = 0; i < colon; ++i) {
    if (!digit(text[i])) return std::nullopt;
    hours = hours * 10 + (text[i] - '0');
  }
  if (!digit(text[colon + 1]) || !digit(text[colon + 2])) return std::nullopt;
  int minutes = (text[colon + 1] - '0') * 10 + (text[colon + 2] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return hours * 60 + minutes;
}

json business_hours_to_json_value(const BusinessHours& hours) {
  json week = json::object();
  for (std::size_t d = 0; d < 7; ++d) {
    json day = json::array();
    for (const auto& in : hours.week[d]) day.push_back({{"from", clock_text(in.from)}, {"to", clock_text(in.to)}});
    week[kWeekdayNames[d]] = std::move(day);
  }
  return {{"enabled", hours.enabled}, {"time_zone", hours.time_zone}, {"week", std::move(week)},
          {"holidays", hours.holidays}};
}

namespace {
Error bad(const std::string& field, const std::string& message) {
  return make_error(ErrorCode::invalid_field, message, field);
}
}  // namespace

Result<BusinessHours> business_hours_from_json_value(const json& value) {
  if (!value.is_object()) return make_error(ErrorCode::bad_request, "business hours are a JSON object", "");
  BusinessHours hours;
  if (auto it = value.find("enabled"); it != value.end()) {
    if (!it->is_boolean()) return bad("enabled", "'enabled' is true or false");
    hours.enabled = it->get<bool>();
  }
  if (auto it = value.find("time_zone"); it != value.end() && !it->is_null()) {
    if (!it->is_string()) return bad("time_zone", "'time_zone' is a name such as Europe/Rome");
    hours.time_zone = it->get<std::string>();
  }
  if (auto it = value.find("week"); it != value.end() && !it->is_null()) {
    if (!it->is_object()) return bad("week", "'week' maps weekdays (\"monday\" ...) to lists of intervals");
    for (const auto& [key, day] : it->items()) {
      std::size_t d = 0;
      while (d < 7 && key != kWeekdayNames[d]) ++d;
      if (d == 7) return bad("week." + key.substr(0, 32), "'" + key.substr(0, 32) + "' is not a weekday (monday ... sunday)");
      const std::string field = "week." + key;
      if (!day.is_array()) return bad(field, "a day is a list of {\"from\": \"09:00\", \"to\": \"13:00\"}");
      if (day.size() > kMaxIntervalsPerDay)
        return bad(field, "at most " + std::to_string(kMaxIntervalsPerDay) + " opening intervals a day");
      for (std::size_t i = 0; i < day.size(); ++i) {
        OpenInterval in;
        for (const char* end : {"from", "to"}) {
          const std::string at = field + "." + std::to_string(i) + "." + end;
          auto t = day[i].is_object() ? day[i].find(end) : day[i].end();
          std::optional<int> minute;
          if (day[i].is_object() && t != day[i].end() && t->is_string()) minute = parse_clock(t->get<std::string>());
          if (!minute) return bad(at, "a time is HH:MM, from 00:00 to 24:00");
          (end[0] == 'f' ? in.from : in.to) = *minute;
        }
        hours.week[d].push_back(in);
      }
    }
  }
  if (auto it = value.find("holidays"); it != value.end() && !it->is_null()) {
    if (!it->is_array()) return bad("holidays", "'holidays' is a list of dates YYYY-MM-DD");
    if (it->size() > kMaxHolidays) return bad("holidays", "at most " + std::to_string(kMaxHolidays) + " holidays");
    for (const auto& h : *it) {
      if (!h.is_string()) return bad("holidays", "a holiday is a date YYYY-MM-DD");
      hours.holidays.push_back(h.get<std::string>());
    }
  }
  if (auto s = validate_business_hours(hours); !s) {
    Error e = s.error();
    // validate_business_hours names a day by its number; the JSON names it by its key.
    if (e.field.rfind("week.", 0) == 0) e.field = std::string("week.") + kWeekdayNames[(e.field[5] - '0') % 7];
    return e;
  }
  return hours;
}

}  // namespace livechat
