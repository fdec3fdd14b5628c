// The direct reader of protocol_direct.hpp: a send_message frame in its plainest shape, read
// without a JSON DOM. Whatever it is not sure of, it leaves to decode_client_frame's full path
// (which also words every error), so it can only ever accept what that path accepts, with the
// same result; tests/core/protocol_direct_test.cpp checks that on many frames and mutations.
#include <array>
#include <optional>
#include <string_view>

#include "livechat/validate.hpp"
#include "protocol_direct.hpp"

namespace livechat::detail {

namespace {

// A cursor over a flat JSON object whose values are strings without escapes or small
// unsigned integers. Any other shape makes it fail, and the caller declines.
struct FlatObject {
  std::string_view text;
  std::size_t at = 0;

  void spaces() {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')) ++at;
  }
  bool take(char c) {
    spaces();
    if (at >= text.size() || text[at] != c) return false;
    ++at;
    return true;
  }
  // A string with no escape and no control character: its bytes are its value.
  std::optional<std::string_view> plain_string() {
    if (!take('"')) return std::nullopt;
    std::size_t start = at;
    while (at < text.size()) {
      auto c = static_cast<unsigned char>(text[at]);
      if (c == '"') return text.substr(start, at++ - start);
      if (c == '\\' || c < 0x20) return std::nullopt;
      ++at;
    }
    return std::nullopt;
  }
  // Digits only (JSON forbids a leading zero before more digits).
  std::optional<std::string_view> digits() {
    spaces();
    std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    std::string_view d = text.substr(start, at - start);
    if (d.empty() || (d.size() > 1 && d[0] == '0')) return std::nullopt;
    return d;
  }
};

bool id_ok(std::string_view id) { return !id.empty() && id.size() <= kMaxIdBytes; }

}  // namespace

std::optional<ClientFrame> decode_send_message_direct(std::string_view text) {
  if (text.size() > kMaxFrameBytes) return std::nullopt;
  // The fields, in no particular order, each exactly once, and nothing else.
  enum Field { v, type, id, conversation, body, client_id, kFields };
  static constexpr std::array<std::string_view, kFields> kNames = {"v", "type", "id", "conversation", "text",
                                                                   "client_id"};
  std::array<std::optional<std::string_view>, kFields> values;
  FlatObject o{text};
  if (!o.take('{')) return std::nullopt;
  for (int n = 0; n < kFields; ++n) {
    if (n > 0 && !o.take(',')) return std::nullopt;
    auto key = o.plain_string();
    if (!key || !o.take(':')) return std::nullopt;
    int field = 0;
    while (field < kFields && kNames[field] != *key) ++field;
    if (field == kFields || values[field]) return std::nullopt;
    values[field] = field == v ? o.digits() : o.plain_string();
    if (!values[field]) return std::nullopt;
  }
  if (!o.take('}')) return std::nullopt;
  o.spaces();
  if (o.at != text.size()) return std::nullopt;
  if (*values[v] != "1" || *values[type] != "send_message") return std::nullopt;
  static_assert(kProtocolVersion == 1, "the direct reader expects \"v\":1");
  if (!id_ok(*values[id]) || !id_ok(*values[conversation]) || !id_ok(*values[client_id])) return std::nullopt;
  if (values[body]->size() > kMaxMessageBytes) return std::nullopt;
  if (!is_valid_utf8(text)) return std::nullopt;
  return ClientFrame{CommandFrame{std::string(*values[id]),
                                  SendMessage{std::string(*values[conversation]), std::string(*values[body]),
                                              std::string(*values[client_id])}}};
}

}  // namespace livechat::detail
