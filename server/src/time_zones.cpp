// See time_zones.hpp. TZif (RFC 8536): version 2+ files end with "\n<POSIX TZ string>\n".
#include "time_zones.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

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

}  // namespace livechat::server
