#include "livechat/result.hpp"

#include <array>

namespace livechat {

namespace {
constexpr std::array<std::pair<ErrorCode, std::string_view>, 10> kNames{{
    {ErrorCode::bad_request, "bad_request"},
    {ErrorCode::invalid_field, "invalid_field"},
    {ErrorCode::not_found, "not_found"},
    {ErrorCode::forbidden, "forbidden"},
    {ErrorCode::conflict, "conflict"},
    {ErrorCode::offline, "offline"},
    {ErrorCode::closed, "closed"},
    {ErrorCode::too_large, "too_large"},
    {ErrorCode::rate_limited, "rate_limited"},
    {ErrorCode::unsupported_version, "unsupported_version"},
}};
}  // namespace

std::string_view error_code_name(ErrorCode code) {
  for (const auto& [c, name] : kNames)
    if (c == code) return name;
  return "bad_request";
}

bool parse_error_code(std::string_view name, ErrorCode& out) {
  for (const auto& [c, n] : kNames)
    if (n == name) {
      out = c;
      return true;
    }
  return false;
}

}  // namespace livechat
