// Internal to core/src/protocol_direct.cpp (not installed, not API): compact JSON text written
// straight into a string, with no DOM in between. What it writes is byte for byte what
// nlohmann::json's dump(-1, ' ', false, replace) writes for the same value, provided that
//  - the caller gives each object's keys in sorted (byte) order, as nlohmann's std::map keeps
//    them, and
//  - every string is valid UTF-8. The writer checks this (ok() turns false); the caller then
//    throws the text away and takes the DOM path, which replaces invalid bytes with U+FFFD.
// tests/core/protocol_direct_test.cpp compares the two paths on many frames.
#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "livechat/validate.hpp"

namespace livechat::detail {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  // "{" at the top level, or `"key":{` inside an object; end() closes either.
  void begin() {
    out_ += '{';
    first_ = true;
  }
  void begin(std::string_view key) {
    name(key);
    begin();
  }
  void end() {
    out_ += '}';
    first_ = false;
  }

  void text(std::string_view key, std::string_view value) {
    name(key);
    quoted(value);
  }
  void number(std::string_view key, int64_t value) {
    name(key);
    digits(value);
  }
  void unsigned_number(std::string_view key, uint64_t value) {
    name(key);
    digits(value);
  }
  void flag(std::string_view key, bool value) {
    name(key);
    out_ += value ? "true" : "false";
  }

  // False once a string was not valid UTF-8: the text is then not what dump() would write.
  bool ok() const { return ok_; }

 private:
  void name(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    quoted(key);
    out_ += ':';
  }

  template <class Int>
  void digits(Int value) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, static_cast<std::size_t>(r.ptr - buf));
  }

  // dump()'s escaping for valid UTF-8 without ensure_ascii: the two-character escapes, other
  // control characters as \u00xx (lower-case hex), every other byte as it is.
  void quoted(std::string_view s) {
    ok_ = ok_ && is_valid_utf8(s);
    out_ += '"';
    std::size_t plain = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + plain, i - plain);
      plain = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\t': out_ += "\\t"; break;
        case '\n': out_ += "\\n"; break;
        case '\f': out_ += "\\f"; break;
        case '\r': out_ += "\\r"; break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out_.append(u, sizeof u);
        }
      }
    }
    out_.append(s.data() + plain, s.size() - plain);
    out_ += '"';
  }

  std::string& out_;
  bool first_ = true;
  bool ok_ = true;
};

}  // namespace livechat::detail
