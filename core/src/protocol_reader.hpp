// Internal to core/src/protocol_decode*.cpp (not installed, not API): the checked field reader
// both decoding files use, and the domain-value and frame-level readers they share.
// protocol_decode.cpp defines the domain values, the frame checks and the client side;
// protocol_decode_server.cpp defines the server side and the events (read_event).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "livechat/events.hpp"
#include "livechat/model.hpp"
#include "livechat/notifications.hpp"
#include "livechat/result.hpp"
#include "livechat/side_panel.hpp"
#include "livechat/validate.hpp"

namespace livechat::detail {

using nlohmann::json;

// [SECTION] Reader: typed, checked field access with a sticky first error ----------------------

enum class Need { required, optional };
enum class Empty { allowed, refused };

// A quotation of a wire value for an error message.
inline std::string clip(std::string_view s) { return excerpt(s, 64); }

// Reads the fields of one JSON object. All readers of one value share one error slot; after
// the first failure every read is a no-op returning a default, so callers check once at the end.
class Reader {
 public:
  Reader(const json& value, std::string path, std::optional<Error>* error)
      : value_(value), path_(std::move(path)), error_(error) {}

  bool failed() const { return error_->has_value(); }

  void fail(ErrorCode code, std::string message, std::string field) {
    if (!failed()) *error_ = make_error(code, std::move(message), std::move(field));
  }

  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  bool has(const char* key) const { return value_.is_object() && value_.find(key) != value_.end(); }

  // The member `key`, or nullptr (failing with bad_request when it is required).
  const json* get(const char* key, Need need = Need::required) {
    if (failed()) return nullptr;
    auto it = value_.find(key);
    if (it == value_.end()) {
      if (need == Need::required) fail(ErrorCode::bad_request, "missing field '" + path(key) + "'", path(key));
      return nullptr;
    }
    return &*it;
  }

  void wrong_type(const char* key, const char* what) {
    fail(ErrorCode::bad_request, "field '" + path(key) + "' must be " + what, path(key));
  }

  // A string of valid UTF-8. Absent and optional: empty.
  std::string str(const char* key, Need need = Need::required) {
    const json* v = get(key, need);
    if (!v) return {};
    if (!v->is_string()) {
      wrong_type(key, "a string");
      return {};
    }
    const std::string* s = v->get_ptr<const std::string*>();
    if (!is_valid_utf8(*s)) {
      fail(ErrorCode::invalid_field, "field '" + path(key) + "' is not valid UTF-8", path(key));
      return {};
    }
    return *s;
  }

  // An id: a string of at most kMaxIdBytes bytes, non-empty unless allowed.
  std::string id(const char* key, Empty empty, Need need = Need::required) {
    return bounded(key, kMaxIdBytes, empty, need);
  }

  // An id-like string (id, token, language tag) of at most `max` bytes, non-empty unless
  // allowed; both problems are invalid_field (free text beyond its cap is too_large: text()).
  std::string bounded(const char* key, std::size_t max, Empty empty, Need need = Need::required) {
    std::string s = str(key, need);
    if (failed()) return {};
    if (s.empty() && empty == Empty::refused && (need == Need::required || has(key))) {
      fail(ErrorCode::invalid_field, "field '" + path(key) + "' must not be empty", path(key));
    } else if (s.size() > max) {
      fail(ErrorCode::invalid_field, "field '" + path(key) + "' is longer than " + std::to_string(max) + " bytes",
           path(key));
    }
    return s;
  }

  // Free text of at most `max` bytes (too_large beyond).
  std::string text(const char* key, std::size_t max) {
    std::string s = str(key);
    if (s.size() > max) {
      fail(ErrorCode::too_large, "field '" + path(key) + "' is longer than " + std::to_string(max) + " bytes",
           path(key));
    }
    return s;
  }

  bool flag(const char* key) {
    const json* v = get(key);
    if (!v) return false;
    if (!v->is_boolean()) {
      wrong_type(key, "true or false");
      return false;
    }
    return *v->get_ptr<const bool*>();
  }

  // A non-negative integer (seq, pos).
  uint64_t u64(const char* key) {
    const json* v = get(key);
    return v ? u64_value(*v, path(key)) : 0;
  }

  // `v`, which sits at `field`, as a non-negative integer.
  uint64_t u64_value(const json& v, const std::string& field) {
    if (failed()) return 0;
    if (!v.is_number_integer()) {
      fail(ErrorCode::bad_request, "field '" + field + "' must be an integer", field);
      return 0;
    }
    if (v.is_number_unsigned()) return *v.get_ptr<const json::number_unsigned_t*>();
    const int64_t s = *v.get_ptr<const json::number_integer_t*>();
    if (s < 0) {
      fail(ErrorCode::invalid_field, "field '" + field + "' must not be negative", field);
      return 0;
    }
    return static_cast<uint64_t>(s);
  }

  // A signed 64-bit integer (times in ms).
  int64_t i64(const char* key) {
    const json* v = get(key);
    if (!v) return 0;
    if (!v->is_number_integer()) {
      wrong_type(key, "an integer");
      return 0;
    }
    if (v->is_number_unsigned()) {
      const uint64_t u = *v->get_ptr<const json::number_unsigned_t*>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        fail(ErrorCode::invalid_field, "field '" + path(key) + "' is out of range", path(key));
        return 0;
      }
      return static_cast<int64_t>(u);
    }
    return *v->get_ptr<const json::number_integer_t*>();
  }

  // An integer in lo..hi (invalid_field outside; lo <= hi, both non-negative).
  int64_t int_in(const char* key, int64_t lo, int64_t hi) {
    const json* v = get(key);
    if (!v) return lo;
    if (!v->is_number_integer()) {
      wrong_type(key, "an integer");
      return lo;
    }
    const bool in_range = v->is_number_unsigned()
                              ? *v->get_ptr<const json::number_unsigned_t*>() <= static_cast<uint64_t>(hi) &&
                                    *v->get_ptr<const json::number_unsigned_t*>() >= static_cast<uint64_t>(lo)
                              : *v->get_ptr<const json::number_integer_t*>() <= hi &&
                                    *v->get_ptr<const json::number_integer_t*>() >= lo;
    if (!in_range) {
      fail(ErrorCode::invalid_field,
           "field '" + path(key) + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi),
           path(key));
      return lo;
    }
    return i64(key);
  }

  // An enum written as its snake_case name; unknown names are invalid_field.
  template <class E>
  E name(const char* key, bool (*parse)(std::string_view, E&)) {
    E out{};
    std::string s = str(key);
    if (!failed() && !parse(s, out))
      fail(ErrorCode::invalid_field, "field '" + path(key) + "' has an unknown value '" + clip(s) + "'", path(key));
    return out;
  }

  // A reader for the nested object `key` (an empty, failed reader when missing or not one).
  Reader object(const char* key) {
    const json* v = get(key);
    if (v && !v->is_object()) {
      wrong_type(key, "an object");
      v = nullptr;
    }
    return Reader(v ? *v : empty_object(), path(key), error_);
  }

  // The nested array `key`, or nullptr after failing.
  const json* array(const char* key) {
    const json* v = get(key);
    if (v && !v->is_array()) {
      wrong_type(key, "an array");
      return nullptr;
    }
    return v;
  }

  // The array `key` of strings (each valid UTF-8); an element at fault is named `key[i]`.
  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    const json* a = array(key);
    if (!a) return out;
    for (std::size_t i = 0; i < a->size() && !failed(); ++i) {
      const json& e = (*a)[i];
      const std::string at = path(key) + "[" + std::to_string(i) + "]";
      if (!e.is_string())
        fail(ErrorCode::bad_request, "field '" + at + "' must be a string", at);
      else if (!is_valid_utf8(*e.get_ptr<const std::string*>()))
        fail(ErrorCode::invalid_field, "field '" + at + "' is not valid UTF-8", at);
      else
        out.push_back(*e.get_ptr<const std::string*>());
    }
    return out;
  }

  // A reader for element `i` of `array` (which sits at field `key`); must be an object.
  Reader element(const char* key, const json& element, std::size_t i) {
    std::string at = path(key) + "[" + std::to_string(i) + "]";
    if (!failed() && !element.is_object())
      fail(ErrorCode::bad_request, "field '" + at + "' must be an object", at);
    return Reader(element.is_object() ? element : empty_object(), at, error_);
  }

  const json& value() const { return value_; }

 private:
  static const json& empty_object() {
    static const json kEmpty = json::object();
    return kEmpty;
  }

  const json& value_;
  std::string path_;
  std::optional<Error>* error_;
};

// [SECTION] Shared readers ---------------------------------------------------------------------

// Domain values (protocol_decode.cpp).
NotificationSettings read_settings(Reader r);
User read_user(Reader r);
SidePanel read_panel(Reader r);
// A whole conversation (conversation_from_json, the snapshot and conversation frames).
Conversation read_conversation(Reader r);

// The frame-level checks shared by both directions (at most `max_bytes`); on success `out`
// holds a JSON object with the right "v", and `type` its "type" (protocol_decode.cpp).
std::optional<Error> parse_frame(std::string_view text, std::size_t max_bytes, json& out, std::string& type);
Error unknown_type(const std::string& type);

// One event read from `r` by its "type"; nullopt after failing (protocol_decode_server.cpp).
std::optional<Event> read_event(Reader& r);

}  // namespace livechat::detail
