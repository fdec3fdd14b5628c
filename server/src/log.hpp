// Structured logs: one JSON object per line on stderr, e.g.
//   {"t":"2026-11-24T21:00:00.123Z","level":"info","msg":"listening","address":"127.0.0.1:8080"}
// Call as `log_info("listening", {{"address", addr}, {"port", 8080}})`: the fields are a JSON
// object (strings, numbers, booleans) written after t, level and msg, in key order (nlohmann::json
// keeps object keys sorted). A field named t, level or msg is dropped: those three are fixed.
// Thread-safe: lines from different threads never interleave. Text that is not valid UTF-8 is
// written with U+FFFD replacements, never an error (the server builds with JSON_NOEXCEPTION).
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace livechat::server {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

// The global minimum level (default info); lines below it are dropped cheaply.
void set_log_level(LogLevel level);
LogLevel log_level();
bool log_enabled(LogLevel level);
// "debug" | "info" | "warn" | "error" -> true and `out` set; anything else -> false.
bool parse_log_level(std::string_view name, LogLevel& out);
std::string_view log_level_name(LogLevel level);

// Where lines go (without the trailing newline). Empty (the default) means stderr. For tests.
void set_log_sink(std::function<void(std::string_view line)> sink);

// Writes one line if `level` is enabled. `fields` must be a JSON object or null.
void log_line(LogLevel level, std::string_view msg, const nlohmann::json& fields = nullptr);

// The formatted line for `time_ms` (ms since the epoch), without the newline. Pure, for tests.
std::string format_log_line(int64_t time_ms, LogLevel level, std::string_view msg, const nlohmann::json& fields);

inline void log_debug(std::string_view msg, const nlohmann::json& fields = nullptr) {
  if (log_enabled(LogLevel::debug)) log_line(LogLevel::debug, msg, fields);
}
inline void log_info(std::string_view msg, const nlohmann::json& fields = nullptr) {
  log_line(LogLevel::info, msg, fields);
}
inline void log_warn(std::string_view msg, const nlohmann::json& fields = nullptr) {
  log_line(LogLevel::warn, msg, fields);
}
inline void log_error(std::string_view msg, const nlohmann::json& fields = nullptr) {
  log_line(LogLevel::error, msg, fields);
}

}  // namespace livechat::server
