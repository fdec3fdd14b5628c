// Time zones for business hours, checked against the system's own C library: for zones in both
// hemispheres, with half-hour and 45-minute offsets and none, the core's offset from the TZif
// footer rule (time_zones.cpp + core/business_hours.cpp) equals glibc's localtime_r at every hour
// from 2026 to 2031 (the rules in force now: the footer speaks for dates after the zone's last
// change of rules). Also: names that are not zones are refused before any file is opened.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "time_zones.hpp"

namespace livechat::server {
namespace {

// glibc's offset for `zone` at `t` (seconds east of UTC).
long glibc_offset(const char* zone, time_t t) {
  setenv("TZ", zone, 1);
  tzset();
  struct tm local {};
  localtime_r(&t, &local);
  return local.tm_gmtoff;
}

TEST(TimeZones, EveryHourAgreesWithTheCLibrary) {
  const char* zones[] = {"Europe/Rome", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo",
                         "Pacific/Chatham", "Asia/Kathmandu", "Europe/London", "America/Santiago", "UTC"};
  const char* saved = std::getenv("TZ");
  std::string before = saved ? saved : "";
  const time_t from = 1767225600;  // 2026-01-01T00:00:00Z
  const time_t to = from + 6 * 365 * 86400;
  for (const char* name : zones) {
    auto zone = lookup_time_zone(name);
    ASSERT_TRUE(zone.ok()) << name << ": " << zone.error().message;
    int differences = 0;
    for (time_t t = from; t < to; t += 3600) {
      long want = glibc_offset(name, t);
      int32_t got = utc_offset(zone.value(), static_cast<TimeMs>(t) * 1000);
      if (got != want && ++differences <= 3) ADD_FAILURE() << name << " at " << t << ": " << got << " != " << want;
    }
    EXPECT_EQ(differences, 0) << name << " (rule " << zone.value().rule << ")";
  }
  if (saved) setenv("TZ", before.c_str(), 1);
  else unsetenv("TZ");
  tzset();
}

TEST(TimeZones, NamesThatAreNotZonesAreRefused) {
  for (const char* bad : {"", "../../etc/passwd", "/etc/passwd", "Europe/../Rome", "Europe//Rome", "Europe/Rome/",
                          "Europe/Atlantis", "Europe", "zone.tab", "Europe/Rome\n"}) {
    auto zone = lookup_time_zone(bad);
    EXPECT_FALSE(zone.ok()) << bad;
    if (!zone.ok()) {
      EXPECT_EQ(zone.error().field, "time_zone");
    }
  }
}

}  // namespace
}  // namespace livechat::server
