// The current rule of an IANA time zone ("Europe/Rome"), for business hours (core/business_hours.hpp):
// the POSIX TZ string in the footer of its TZif file under the system's zoneinfo folder (Debian's
// tzdata). The rule is the zone's present one: it stands for every date from now on, not for
// instants before the zone's last change of rules.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "livechat/business_hours.hpp"

namespace livechat::server {

inline constexpr const char* kZoneinfoDir = "/usr/share/zoneinfo";

// Errors (Error.field "time_zone"): a name that is not a zone name (letters, digits, '_', '-', '+',
// '/' parts, no "."), no such zone, a file without a footer rule.
Result<TimeZone> lookup_time_zone(std::string_view name, const std::string& zoneinfo = kZoneinfoDir);

// Business hours from their JSON text (core business_hours_from_json_value: shape and rules),
// with the rule of their time zone looked up. Errors name the field.
Result<BusinessHours> business_hours_from_json(std::string_view json_text, const std::string& zoneinfo = kZoneinfoDir);

// The zone names the dashboard offers (zone1970.tab's, sorted; "UTC" first).
std::vector<std::string> time_zone_names(const std::string& zoneinfo = kZoneinfoDir);

}  // namespace livechat::server
