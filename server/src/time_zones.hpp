// The current rule of an IANA time zone ("Europe/Rome"), for business hours (core/business_hours.hpp):
// the POSIX TZ string in the footer of its TZif file under the system's zoneinfo folder (Debian's
// tzdata). The rule is the zone's present one: it stands for every date from now on, not for
// instants before the zone's last change of rules.
#pragma once
#include <string>
#include <string_view>

#include "livechat/business_hours.hpp"

namespace livechat::server {

inline constexpr const char* kZoneinfoDir = "/usr/share/zoneinfo";

// Errors (Error.field "time_zone"): a name that is not a zone name (letters, digits, '_', '-', '+',
// '/' parts, no "."), no such zone, a file without a footer rule.
Result<TimeZone> lookup_time_zone(std::string_view name, const std::string& zoneinfo = kZoneinfoDir);

}  // namespace livechat::server
