// Errors are values: every fallible core function returns Result<T>, an Error with a stable
// code and a human message, or a value. No exceptions anywhere in the core (the WASM builds
// compile with -fno-exceptions).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace livechat {

// Stable error codes. They travel on the wire as their snake_case names (error_code_name);
// maintenance reminder: docs/protocol.md lists them, keep both in step.
enum class ErrorCode {
  bad_request,        // malformed frame or JSON, wrong types, missing fields
  invalid_field,      // a field is present but its value is not acceptable (email, date, size...)
  not_found,          // unknown conversation, user, playbook or card
  forbidden,          // the actor may not do this (role, visibility, not the assignee)
  conflict,           // the state does not allow it (already assigned, closed, duplicate id...)
  offline,            // the agent must be online for this
  closed,             // the conversation is closed: no new messages, never reopened
  too_large,          // a size cap was exceeded
  rate_limited,       // too many frames or requests too fast; slow down and retry
  unsupported_version // a wire protocol version this build does not speak
};

std::string_view error_code_name(ErrorCode code);
bool parse_error_code(std::string_view name, ErrorCode& out);

struct Error {
  ErrorCode code = ErrorCode::bad_request;
  std::string message;  // for humans; may name the field or card at fault
  std::string field;    // optional: the field (or card/field path) at fault
  bool operator==(const Error&) const = default;
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field)};
}

// A value or an Error. Deliberately tiny: ok(), value(), error(), and implicit construction.
template <class T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}
  Result(Error error) : data_(std::move(error)) {}
  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  const Error& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

// For functions that only succeed or fail.
struct Ok {
  bool operator==(const Ok&) const = default;
};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace livechat
