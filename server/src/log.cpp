#include "log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace livechat::server {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::mutex g_mutex;  // guards g_sink and the write itself
std::function<void(std::string_view)> g_sink;

// JSON text of a string, never failing on bad UTF-8.
std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "2026-11-24T21:00:00.123Z"
std::string iso_time(int64_t time_ms) {
  std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  int millis = static_cast<int>(time_ms % 1000);
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

}  // namespace

void set_log_level(LogLevel level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }
LogLevel log_level() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }
bool log_enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

bool parse_log_level(std::string_view name, LogLevel& out) {
  for (LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (name == log_level_name(level)) {
      out = level;
      return true;
    }
  }
  return false;
}

void set_log_sink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

std::string format_log_line(int64_t time_ms, LogLevel level, std::string_view msg, const nlohmann::json& fields) {
  std::string line = "{\"t\":\"" + iso_time(time_ms) + "\",\"level\":\"" + std::string(log_level_name(level)) +
                     "\",\"msg\":" + json_string(msg);
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      if (key == "t" || key == "level" || key == "msg") continue;  // never shadow the fixed keys
      line += ',';
      line += json_string(key);
      line += ':';
      line += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  } else if (!fields.is_null()) {
    line += ",\"fields\":";
    line += fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  line += '}';
  return line;
}

void log_line(LogLevel level, std::string_view msg, const nlohmann::json& fields) {
  if (!log_enabled(level)) return;
  using namespace std::chrono;
  int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  std::string line = format_log_line(now, level, msg, fields);
  std::lock_guard lock(g_mutex);
  if (g_sink) {
    g_sink(line);
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace livechat::server
