// Business hours (business_hours.hpp) as tables: POSIX TZ rules parsed and refused, offsets at
// the instants daylight saving time starts and ends (northern and southern hemispheres, half-hour
// zones, no DST), wall-clock conversions across the skipped and the repeated hour, and opening
// hours with lunch breaks, holidays and a DST change in between. Instants are written as UTC
// epoch milliseconds computed independently (Python's datetime), never with the code under test.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "livechat/business_hours.hpp"

namespace livechat::test {
namespace {

constexpr TimeMs kS = 1000;
const char* const kRome = "CET-1CEST,M3.5.0,M10.5.0/3";
const char* const kNewYork = "EST5EDT,M3.2.0,M11.1.0";
const char* const kSydney = "AEST-10AEDT,M10.1.0,M4.1.0/3";

TimeZone zone(const char* rule) {
  auto z = parse_time_zone(rule);
  EXPECT_TRUE(z.ok()) << rule << ": " << (z.ok() ? "" : z.error().message);
  return z.ok() ? z.value() : TimeZone{};
}

TEST(TimeZone, ParsesTheRulesTzifFootersHold) {
  TimeZone rome = zone(kRome);
  EXPECT_EQ(rome.std_name, "CET");
  EXPECT_EQ(rome.dst_name, "CEST");
  EXPECT_EQ(rome.std_offset, 3600);
  EXPECT_EQ(rome.dst_offset, 7200);
  EXPECT_EQ(rome.dst_end.seconds, 3 * 3600);
  EXPECT_EQ(zone("IST-5:30").std_offset, 5 * 3600 + 1800);
  EXPECT_FALSE(zone("IST-5:30").has_dst);
  EXPECT_EQ(zone("<+0330>-3:30").std_offset, 12600);
  EXPECT_EQ(zone("<-03>3").std_offset, -10800);
  EXPECT_EQ(zone("UTC0").std_offset, 0);
  TimeZone godthab = zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");  // negative transition times (RFC 8536)
  EXPECT_EQ(godthab.dst_start.seconds, -3600);
  EXPECT_EQ(godthab.dst_offset, -3600);
  TimeZone us_default = zone("EST5EDT");  // no rules: POSIX's default
  EXPECT_TRUE(us_default.has_dst);
  EXPECT_EQ(us_default.dst_start.month, 3);

  for (const char* bad : {"", "C-1", "CET", "CET-", "CET-25", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0",
                          "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1 CEST", "CET-1CEST,J0,J300",
                          "<+03", "CET-1CEST,M3.5.0/200,M10.5.0"}) {
    auto z = parse_time_zone(bad);
    EXPECT_FALSE(z.ok()) << "'" << bad << "' was accepted";
    if (!z.ok()) {
      EXPECT_EQ(z.error().field, "time_zone");
    }
  }
}

struct OffsetRow {
  const char* rule;
  TimeMs at;
  int32_t offset;
};

TEST(TimeZone, OffsetsAroundEveryTransition) {
  const OffsetRow rows[] = {
      {kRome, 1774746000000 - kS, 3600},  {kRome, 1774746000000, 7200},  // 2026-03-29 01:00Z
      {kRome, 1792890000000 - kS, 7200},  {kRome, 1792890000000, 3600},  // 2026-10-25 01:00Z
      {kNewYork, 1772953200000 - kS, -5 * 3600}, {kNewYork, 1772953200000, -4 * 3600},  // 2026-03-08 07:00Z
      {kNewYork, 1793512800000 - kS, -4 * 3600}, {kNewYork, 1793512800000, -5 * 3600},  // 2026-11-01 06:00Z
      // Sydney: summer time across the new year, ends in April, starts in October.
      {kSydney, 1775318400000 - kS, 11 * 3600}, {kSydney, 1775318400000, 10 * 3600},  // 2026-04-04 16:00Z
      {kSydney, 1791043200000 - kS, 10 * 3600}, {kSydney, 1791043200000, 11 * 3600},  // 2026-10-03 16:00Z
      {kSydney, 1796299200000, 11 * 3600},  // December
      {"IST-5:30", 1782889200000, 19800},
      {kRome, -1000, 3600},  // before 1970
      // J60 is March 1 in every year; day 59 (zero-based) is February 29 in a leap year.
      {"AAA0BBB,J60/0,J300/0", 1835481600000 - kS, 0}, {"AAA0BBB,J60/0,J300/0", 1835481600000, 3600},
      {"AAA0BBB,59/0,300/0", 1835395200000 - kS, 0}, {"AAA0BBB,59/0,300/0", 1835395200000, 3600},
  };
  for (const auto& row : rows) EXPECT_EQ(utc_offset(zone(row.rule), row.at), row.offset) << row.rule << " at " << row.at;
}

TEST(TimeZone, WallClockBothWays) {
  TimeZone rome = zone(kRome);
  EXPECT_EQ(to_local(rome, 1796299200000), (LocalTime{2026, 12, 3, 4, 13 * 60}));  // Thursday 13:00
  EXPECT_EQ(to_local(rome, -1000), (LocalTime{1970, 1, 1, 4, 59}));
  EXPECT_EQ(from_local(rome, 2026, 7, 1, 9 * 60), 1782889200000);            // 09:00 CEST = 07:00Z
  EXPECT_EQ(from_local(rome, 2026, 3, 29, 2 * 60 + 30), 1774746000000);      // skipped: the jump, 01:00Z
  EXPECT_EQ(from_local(rome, 2026, 10, 25, 2 * 60 + 30), 1792888200000);     // repeated: the first, 00:30Z
  EXPECT_EQ(from_local(zone(kSydney), 2026, 12, 3, 23 * 60), 1796299200000);  // 23:00 AEDT = 12:00Z
}

BusinessHours office() {
  BusinessHours h;
  h.enabled = true;
  h.time_zone = "Europe/Rome";
  h.zone = zone(kRome);
  for (int day = 1; day <= 5; ++day) h.week[static_cast<std::size_t>(day)] = {{9 * 60, 13 * 60}, {14 * 60, 18 * 60}};
  h.holidays = {"2026-12-08"};
  return h;
}

TEST(BusinessHours, OpenAndNextOpening) {
  const BusinessHours h = office();
  struct Row {
    const char* what;
    TimeMs at;
    bool open;
    TimeMs next;
  } rows[] = {
      {"Thursday 10:00", 1796288400000, true, 1796288400000},
      {"Thursday 13:00, lunch", 1796299200000, false, 1796302800000},
      {"Thursday 13:59:59", 1796302800000 - kS, false, 1796302800000},
      {"Friday 18:30: back Monday 9:00", 1796405400000, false, 1796630400000},
      {"Monday 18:30: Tuesday is a holiday", 1796664600000, false, 1796803200000},
      {"Friday 19:00 CET: Monday 9:00 is CEST", 1774634400000, false, 1774854000000},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(is_open(h, row.at), row.open) << row.what;
    EXPECT_EQ(next_opening(h, row.at), std::optional<TimeMs>(row.next)) << row.what;
  }
  BusinessHours off = h;
  off.enabled = false;
  EXPECT_TRUE(is_open(off, 1796405400000));
  BusinessHours never = h;
  never.week = {};
  EXPECT_EQ(next_opening(never, 1796405400000), std::nullopt);
}

TEST(BusinessHours, Validation) {
  struct Row {
    const char* what;
    void (*change)(BusinessHours&);
    const char* field;
  } rows[] = {
      {"the office", [](BusinessHours&) {}, ""},
      {"open all day", [](BusinessHours& h) { h.week[0] = {{0, 1440}}; }, ""},
      {"no time zone", [](BusinessHours& h) { h.time_zone.clear(); }, "time_zone"},
      {"closes before it opens", [](BusinessHours& h) { h.week[2] = {{600, 540}}; }, "week.2"},
      {"past midnight", [](BusinessHours& h) { h.week[3] = {{600, 1441}}; }, "week.3"},
      {"overlapping", [](BusinessHours& h) { h.week[4] = {{540, 780}, {700, 900}}; }, "week.4"},
      {"out of order", [](BusinessHours& h) { h.week[5] = {{840, 900}, {540, 600}}; }, "week.5"},
      {"seven intervals", [](BusinessHours& h) {
         h.week[6].clear();
         for (int i = 0; i < 7; ++i) h.week[6].push_back({i * 60, i * 60 + 30});
       }, "week.6"},
      {"not a date", [](BusinessHours& h) { h.holidays = {"2026-02-30"}; }, "holidays"},
  };
  for (const auto& row : rows) {
    BusinessHours h = office();
    row.change(h);
    Status s = validate_business_hours(h);
    EXPECT_EQ(s.ok() ? std::string() : s.error().field, row.field) << row.what;
  }
}

TEST(BusinessHours, ClockTexts) {
  struct Row {
    const char* text;
    std::optional<int> minute;
  } rows[] = {{"09:00", 540}, {"9:00", 540}, {"00:00", 0}, {"23:59", 1439}, {"24:00", 1440}, {"24:01", {}},
              {"25:00", {}},  {"9:60", {}},  {"9", {}},     {"09:0", {}},    {"09:000", {}}, {"ab:cd", {}},
              {"", {}},       {"-1:00", {}}, {":30", {}},   {"123:00", {}}};
  for (const auto& row : rows) EXPECT_EQ(parse_clock(row.text), row.minute) << row.text;
  EXPECT_EQ(clock_text(540), "09:00");
  EXPECT_EQ(clock_text(0), "00:00");
  EXPECT_EQ(clock_text(1440), "24:00");
  EXPECT_EQ(clock_text(13 * 60 + 5), "13:05");
}

TEST(BusinessHours, JsonRoundTripAndErrors) {
  BusinessHours h = office();
  h.zone = TimeZone{};  // not part of the JSON form
  nlohmann::json j = business_hours_to_json_value(h);
  EXPECT_EQ(j["week"]["monday"], nlohmann::json::parse(R"([{"from":"09:00","to":"13:00"},{"from":"14:00","to":"18:00"}])"));
  EXPECT_EQ(j["week"]["sunday"], nlohmann::json::array());
  auto back = business_hours_from_json_value(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), h);
  // Missing days are closed; absent members keep their defaults (off).
  auto sparse = business_hours_from_json_value(nlohmann::json::parse(R"({"week":{"friday":[{"from":"8:30","to":"24:00"}]}})"));
  ASSERT_TRUE(sparse.ok());
  EXPECT_FALSE(sparse.value().enabled);
  EXPECT_EQ(sparse.value().week[5], (std::vector<OpenInterval>{{510, 1440}}));
  EXPECT_TRUE(sparse.value().week[1].empty());

  struct Row {
    const char* json;
    const char* field;
  } rows[] = {
      {R"([])", ""},
      {R"({"enabled":"yes"})", "enabled"},
      {R"({"enabled":true})", "time_zone"},
      {R"({"time_zone":7})", "time_zone"},
      {R"({"week":[]})", "week"},
      {R"({"week":{"funday":[]}})", "week.funday"},
      {R"({"week":{"monday":{}}})", "week.monday"},
      {R"({"week":{"monday":[{"from":"09:00"}]}})", "week.monday.0.to"},
      {R"({"week":{"monday":[{"from":"09:00","to":"13:00"},{"from":"9am","to":"10:00"}]}})", "week.monday.1.from"},
      {R"({"week":{"monday":["09:00-13:00"]}})", "week.monday.0.from"},
      {R"({"week":{"tuesday":[{"from":"13:00","to":"09:00"}]}})", "week.tuesday"},
      {R"({"week":{"sunday":[{"from":"09:00","to":"13:00"},{"from":"12:00","to":"14:00"}]}})", "week.sunday"},
      {R"({"holidays":"2026-12-25"})", "holidays"},
      {R"({"holidays":["2026-13-01"]})", "holidays"},
      {R"({"holidays":[20261225]})", "holidays"},
  };
  for (const auto& row : rows) {
    auto r = business_hours_from_json_value(nlohmann::json::parse(row.json));
    ASSERT_FALSE(r.ok()) << row.json;
    EXPECT_EQ(r.error().field, row.field) << row.json << ": " << r.error().message;
  }
}

}  // namespace
}  // namespace livechat::test
