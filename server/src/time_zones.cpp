// See time_zones.hpp. TZif (RFC 8536): version 2+ files end with "\n<POSIX TZ string>\n".
#include "time_zones.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

namespace livechat::server {

namespace {
bool zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  bool part_start = true;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '+' || c == '/';
    if (!ok || (part_start && c == '/')) return false;
    part_start = c == '/';
  }
  return true;
}

Error unknown(std::string_view name, const char* why) {
  return make_error(ErrorCode::invalid_field, "unknown time zone '" + std::string(name.substr(0, 64)) + "'" + why,
                    "time_zone");
}
}  // namespace

Result<TimeZone> lookup_time_zone(std::string_view name, const std::string& zoneinfo) {
  if (!zone_name(name)) return unknown(name, " (a name such as Europe/Rome)");
  const std::string path = zoneinfo + "/" + std::string(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || std::filesystem::file_size(path, ec) > (1 << 20) || ec)
    return unknown(name, "");
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return unknown(name, "");
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0 || data[4] < '2' || data.back() != '\n')
    return unknown(name, " (not a time zone file with a rule)");
  std::size_t start = data.rfind('\n', data.size() - 2);
  if (start == std::string::npos) return unknown(name, " (no rule in its file)");
  return parse_time_zone(std::string_view(data).substr(start + 1, data.size() - start - 2));
}

Result<BusinessHours> business_hours_from_json(std::string_view json_text, const std::string& zoneinfo) {
  auto value = nlohmann::json::parse(json_text, nullptr, false);
  if (value.is_discarded()) return make_error(ErrorCode::bad_request, "business hours are not JSON", "");
  auto hours = business_hours_from_json_value(value);
  if (!hours) return hours.error();
  if (!hours.value().time_zone.empty()) {
    auto zone = lookup_time_zone(hours.value().time_zone, zoneinfo);
    if (!zone) return zone.error();
    hours.value().zone = std::move(zone.value());
  }
  return hours;
}

std::vector<std::string> time_zone_names(const std::string& zoneinfo) {
  std::vector<std::string> names;
  std::ifstream in(zoneinfo + "/zone.tab");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string country, coordinates, name;
    if (fields >> country >> coordinates >> name && zone_name(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  names.insert(names.begin(), "UTC");
  return names;
}

}  // namespace livechat::server
