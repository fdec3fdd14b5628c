// Business hours and POSIX TZ rules: see business_hours.hpp. The civil-date conversions are
// Howard Hinnant's days_from_civil / civil_from_days algorithms (proleptic Gregorian calendar).
#include "livechat/business_hours.hpp"

#include <algorithm>
#include <cctype>

#include "livechat/validate.hpp"

namespace livechat {

namespace {

constexpr int64_t kDaySeconds = 86400;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int year, month, day;
};
Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

int weekday_of(int64_t days) { return static_cast<int>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6); }

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The day (days since 1970-01-01) a transition falls on in `year`.
int64_t transition_day(const TzTransition& t, int year) {
  const int64_t jan1 = days_from_civil(year, 1, 1);
  switch (t.kind) {
    case TzTransition::Kind::julian_no_leap: return jan1 + t.day - 1 + (leap(year) && t.day >= 60 ? 1 : 0);
    case TzTransition::Kind::julian: return jan1 + t.day;
    case TzTransition::Kind::month_week_day: break;
  }
  const int64_t first = days_from_civil(year, t.month, 1);
  const int64_t next = t.month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, t.month + 1, 1);
  int64_t day = first + (t.weekday - weekday_of(first) + 7) % 7 + int64_t{7} * (t.week - 1);
  while (day >= next) day -= 7;  // week 5: the last one in the month
  return day;
}

// The UTC second a transition happens in `year`, given the offset in force just before it.
int64_t transition_utc(const TzTransition& t, int year, int32_t offset_before) {
  return transition_day(t, year) * kDaySeconds + t.seconds - offset_before;
}

int32_t offset_at_seconds(const TimeZone& z, int64_t utc_s) {
  if (!z.has_dst) return z.std_offset;
  const int year = civil_from_days(floor_div(utc_s + z.std_offset, kDaySeconds)).year;
  const int64_t start = transition_utc(z.dst_start, year, z.std_offset);
  const int64_t end = transition_utc(z.dst_end, year, z.dst_offset);
  const bool dst = start < end ? (utc_s >= start && utc_s < end) : (utc_s < end || utc_s >= start);
  return dst ? z.dst_offset : z.std_offset;
}

// --- the rule's grammar ---------------------------------------------------------------------

struct Parser {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  bool number(int& out, int max) {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) return false;
    out = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      out = out * 10 + (s[i++] - '0');
      if (out > max) return false;
    }
    return true;
  }
  // "CET" (three or more letters) or "<+0330>".
  bool name(std::string& out) {
    std::size_t from = i;
    if (eat('<')) {
      while (!done() && peek() != '>') ++i;
      if (!eat('>') || i - from < 5) return false;
    } else {
      while (std::isalpha(static_cast<unsigned char>(peek()))) ++i;
      if (i - from < 3) return false;
    }
    out = std::string(s.substr(from, i - from));
    return true;
  }
  // [+-]hh[:mm[:ss]] in seconds, hours at most max_hours.
  bool hms(int32_t& out, int max_hours) {
    bool negative = eat('-');
    if (!negative) eat('+');
    int h = 0, m = 0, sec = 0;
    if (!number(h, max_hours)) return false;
    if (eat(':') && (!number(m, 59) || (eat(':') && !number(sec, 59)))) return false;
    out = (h * 3600 + m * 60 + sec) * (negative ? -1 : 1);
    return true;
  }
  bool transition(TzTransition& t) {
    if (eat('M')) {
      t.kind = TzTransition::Kind::month_week_day;
      if (!number(t.month, 12) || t.month < 1 || !eat('.') || !number(t.week, 5) || t.week < 1 || !eat('.') ||
          !number(t.weekday, 6))
        return false;
    } else if (eat('J')) {
      t.kind = TzTransition::Kind::julian_no_leap;
      if (!number(t.day, 365) || t.day < 1) return false;
    } else {
      t.kind = TzTransition::Kind::julian;
      if (!number(t.day, 365)) return false;
    }
    t.seconds = 7200;
    return !eat('/') || hms(t.seconds, 167);
  }
};

Error zone_error(std::string_view rule, const char* what) {
  return make_error(ErrorCode::invalid_field,
                    "time zone rule '" + excerpt(rule, 60) + "': " + what, "time_zone");
}

}  // namespace

Result<TimeZone> parse_time_zone(std::string_view rule) {
  TimeZone z;
  z.rule = std::string(rule);
  Parser p{rule};
  int32_t west = 0;
  if (!p.name(z.std_name)) return zone_error(rule, "expected a zone name such as CET or <+0330>");
  if (!p.hms(west, 24)) return zone_error(rule, "expected the offset after the name, e.g. CET-1");
  z.std_offset = -west;
  z.dst_offset = z.std_offset;
  if (!p.done()) {
    if (!p.name(z.dst_name)) return zone_error(rule, "expected the daylight saving time name, e.g. CEST");
    z.has_dst = true;
    z.dst_offset = z.std_offset + 3600;
    if (p.peek() != ',' && !p.done()) {
      if (!p.hms(west, 24)) return zone_error(rule, "expected the daylight saving time offset");
      z.dst_offset = -west;
    }
    if (p.done()) {  // POSIX's default rules (the United States' since 2007)
      z.dst_start = TzTransition{TzTransition::Kind::month_week_day, 3, 2, 0, 0, 7200};
      z.dst_end = TzTransition{TzTransition::Kind::month_week_day, 11, 1, 0, 0, 7200};
    } else if (!p.eat(',') || !p.transition(z.dst_start) || !p.eat(',') || !p.transition(z.dst_end)) {
      return zone_error(rule, "expected when daylight saving time starts and ends, e.g. ,M3.5.0,M10.5.0/3");
    }
  }
  if (!p.done()) return zone_error(rule, "unexpected text at the end");
  return z;
}

int32_t utc_offset(const TimeZone& zone, TimeMs utc_ms) { return offset_at_seconds(zone, floor_div(utc_ms, 1000)); }

LocalTime to_local(const TimeZone& zone, TimeMs utc_ms) {
  const int64_t local = floor_div(utc_ms, 1000) + utc_offset(zone, utc_ms);
  const int64_t days = floor_div(local, kDaySeconds);
  const Civil c = civil_from_days(days);
  return LocalTime{c.year, c.month, c.day, weekday_of(days), static_cast<int>((local - days * kDaySeconds) / 60)};
}

TimeMs from_local(const TimeZone& zone, int year, int month, int day, int minute) {
  const int64_t local = days_from_civil(year, month, day) * kDaySeconds + int64_t{minute} * 60;
  int64_t best = INT64_MAX;
  for (int32_t offset : {zone.std_offset, zone.dst_offset})
    if (offset_at_seconds(zone, local - offset) == offset) best = std::min(best, local - offset);
  if (best != INT64_MAX) return best * 1000;
  // In the hour skipped in spring: the clocks jump between the two readings; find the instant.
  int64_t lo = local - std::max(zone.std_offset, zone.dst_offset), hi = local - std::min(zone.std_offset, zone.dst_offset);
  const int32_t before = offset_at_seconds(zone, lo);
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    (offset_at_seconds(zone, mid) == before ? lo : hi) = mid;
  }
  return hi * 1000;
}

Status validate_business_hours(const BusinessHours& hours) {
  if (hours.enabled && hours.time_zone.empty())
    return make_error(ErrorCode::invalid_field, "choose the team's time zone", "time_zone");
  for (std::size_t d = 0; d < hours.week.size(); ++d) {
    const auto& day = hours.week[d];
    const std::string field = "week." + std::to_string(d);
    if (day.size() > kMaxIntervalsPerDay)
      return make_error(ErrorCode::invalid_field,
                        "at most " + std::to_string(kMaxIntervalsPerDay) + " opening intervals a day", field);
    int end = 0;
    for (const auto& in : day) {
      if (in.from < 0 || in.to > 1440 || in.from >= in.to)
        return make_error(ErrorCode::invalid_field, "an interval opens before it closes, within the day", field);
      if (in.from < end)
        return make_error(ErrorCode::invalid_field, "intervals are in order and do not overlap", field);
      end = in.to;
    }
  }
  if (hours.holidays.size() > kMaxHolidays)
    return make_error(ErrorCode::invalid_field, "at most " + std::to_string(kMaxHolidays) + " holidays", "holidays");
  for (const auto& h : hours.holidays)
    if (!is_valid_date(h)) return make_error(ErrorCode::invalid_field, "a holiday is a date YYYY-MM-DD", "holidays");
  return ok_status();
}

namespace {
bool holiday(const BusinessHours& hours, int year, int month, int day) {
  char date[16];
  int n = 0;
  auto put = [&](int v, int width) {
    for (int w = width - 1; w >= 0; --w) {
      date[n + w] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    n += width;
  };
  put(year, 4);
  date[n++] = '-';
  put(month, 2);
  date[n++] = '-';
  put(day, 2);
  return std::find(hours.holidays.begin(), hours.holidays.end(), std::string_view(date, static_cast<std::size_t>(n))) !=
         hours.holidays.end();
}
}  // namespace

bool is_open(const BusinessHours& hours, TimeMs utc_ms) {
  if (!hours.enabled) return true;
  const LocalTime t = to_local(hours.zone, utc_ms);
  if (holiday(hours, t.year, t.month, t.day)) return false;
  for (const auto& in : hours.week[static_cast<std::size_t>(t.weekday)])
    if (t.minute >= in.from && t.minute < in.to) return true;
  return false;
}

std::optional<TimeMs> next_opening(const BusinessHours& hours, TimeMs utc_ms) {
  if (is_open(hours, utc_ms)) return utc_ms;
  const LocalTime now = to_local(hours.zone, utc_ms);
  const int64_t today = days_from_civil(now.year, now.month, now.day);
  for (int64_t d = today; d <= today + 366; ++d) {
    const Civil c = civil_from_days(d);
    if (holiday(hours, c.year, c.month, c.day)) continue;
    for (const auto& in : hours.week[static_cast<std::size_t>(weekday_of(d))]) {
      TimeMs at = from_local(hours.zone, c.year, c.month, c.day, in.from);
      if (at >= utc_ms && is_open(hours, at)) return at;
    }
  }
  return std::nullopt;
}

}  // namespace livechat
