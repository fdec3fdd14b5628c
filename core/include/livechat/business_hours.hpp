// Business hours: when a team answers chats (per playbook), in its own time zone, with
// holidays. Outside them the Live Chat card runs its offline path and the widget says when the
// team is back. Pure: a time zone is a POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), the form the
// last line of every TZif file in /usr/share/zoneinfo holds for the zone's current rules, so the
// server looks the IANA name up once and the core does the arithmetic the same way natively and
// in WebAssembly (no time zone database in the browser build).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "livechat/model.hpp"
#include "livechat/result.hpp"

namespace livechat {

// --- time zones ---------------------------------------------------------------------------------

// When daylight saving time starts or ends in a year: POSIX's "Mm.w.d/time" (month 1-12, week
// 1-5 where 5 is the last, weekday 0 = Sunday), "Jn" (day 1-365, February 29 never counted) or
// "n" (day 0-365), at `seconds` after local midnight (may be negative or past 24 h).
struct TzTransition {
  enum class Kind { month_week_day, julian_no_leap, julian } kind = Kind::month_week_day;
  int month = 0, week = 0, weekday = 0, day = 0;
  int32_t seconds = 7200;
  bool operator==(const TzTransition&) const = default;
};

struct TimeZone {
  std::string rule;               // as parsed ("CET-1CEST,M3.5.0,M10.5.0/3")
  std::string std_name, dst_name;  // "CET", "CEST" ("" when the zone has no DST)
  int32_t std_offset = 0;          // seconds east of UTC (POSIX writes them west: "CET-1" is +3600)
  int32_t dst_offset = 0;
  bool has_dst = false;
  TzTransition dst_start, dst_end;  // both in local time of the period they end
  bool operator==(const TimeZone&) const = default;
};

// Parses a POSIX TZ rule (the TZif footer). Errors name the problem; Error.field "time_zone".
Result<TimeZone> parse_time_zone(std::string_view posix_rule);

// Seconds east of UTC in `zone` at the instant `utc_ms`.
int32_t utc_offset(const TimeZone& zone, TimeMs utc_ms);

// A wall-clock moment in a zone.
struct LocalTime {
  int year = 1970, month = 1, day = 1;  // the civil date
  int weekday = 4;                      // 0 = Sunday ... 6 = Saturday
  int minute = 0;                       // minutes since local midnight, 0..1439
  bool operator==(const LocalTime&) const = default;
};
LocalTime to_local(const TimeZone& zone, TimeMs utc_ms);
// The instant a wall clock in `zone` shows `minute` on the civil date: when that wall-clock time
// does not exist (the hour skipped in spring) the instant the clocks jump to; when it exists twice
// (the hour repeated in autumn) the first.
TimeMs from_local(const TimeZone& zone, int year, int month, int day, int minute);

// --- business hours -----------------------------------------------------------------------------

struct OpenInterval {
  int from = 0, to = 0;  // minutes since local midnight, [from, to), 0 <= from < to <= 1440
  bool operator==(const OpenInterval&) const = default;
};

struct BusinessHours {
  bool enabled = false;     // off: always open (today's behaviour)
  std::string time_zone;    // the IANA name the admin chose ("Europe/Rome"), shown back
  TimeZone zone;            // its rule, looked up by the server
  std::array<std::vector<OpenInterval>, 7> week;  // by weekday, 0 = Sunday; several a day
  std::vector<std::string> holidays;  // local dates YYYY-MM-DD, closed all day
  bool operator==(const BusinessHours&) const = default;
};

inline constexpr std::size_t kMaxIntervalsPerDay = 6;
inline constexpr std::size_t kMaxHolidays = 366;

// Intervals inside the day, sorted and not overlapping, at most kMaxIntervalsPerDay a day; real
// holiday dates, at most kMaxHolidays; a time zone name when enabled. Error.field names the
// problem ("week.1", "holidays", "time_zone").
Status validate_business_hours(const BusinessHours& hours);

// Whether the team is in at `utc_ms` (always, when not enabled).
bool is_open(const BusinessHours& hours, TimeMs utc_ms);

// The next instant at or after `utc_ms` when the team is in (utc_ms itself when open); nullopt
// when it never opens within a year (no intervals, or every day a holiday).
std::optional<TimeMs> next_opening(const BusinessHours& hours, TimeMs utc_ms);

// --- JSON (REST and the dashboard; business_hours_json.cpp) --------------------------------------
// {"enabled": true, "time_zone": "Europe/Rome",
//  "week": {"monday": [{"from": "09:00", "to": "13:00"}, {"from": "14:00", "to": "18:00"}], ...},
//  "holidays": ["2026-12-25"]}
// Every weekday key is written (an empty list: closed); when read, a missing one is closed. Times
// are "HH:MM" (24 h; "24:00" closes at midnight). The zone's rule is not part of it: the server
// looks time_zone up (the dashboard has no time zone database).
inline constexpr const char* kWeekdayNames[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                                 "thursday", "friday", "saturday"};
nlohmann::json business_hours_to_json_value(const BusinessHours& hours);
// Parses and validates (validate_business_hours); errors name the field ("week.monday.1.from",
// "holidays", "time_zone"). The zone is left default: the caller sets it from time_zone.
Result<BusinessHours> business_hours_from_json_value(const nlohmann::json& value);

// "09:00" for 540; "24:00" for 1440.
std::string clock_text(int minute);
// Minutes since midnight from "H:MM" or "HH:MM" (00:00 to 24:00); nullopt otherwise.
std::optional<int> parse_clock(std::string_view text);

}  // namespace livechat
