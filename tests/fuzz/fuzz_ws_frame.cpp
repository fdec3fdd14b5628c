// libFuzzer target: the WebSocket frame reader (server/src/ws_frame.hpp) on a client's byte
// stream. The first input byte picks how the stream is cut into chunks; the rest is the stream.
//
// Checks, for every input:
//  - no crash, no leak, no undefined behaviour (ASan, UBSan);
//  - cutting the stream differently changes nothing: the same messages, pings and close, and the
//    same failure, as when it arrives whole;
//  - every message handed on is valid UTF-8 and at most the limit; control payloads at most 125;
//  - between chunks the reader holds no more than the limit, one frame's header and slack.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "livechat/validate.hpp"
#include "ws_frame.hpp"

namespace {

using namespace livechat::server::ws;

constexpr std::size_t kLimit = 1024;

struct Log : ReaderSink {
  std::vector<std::string> seen;
  bool on_text(std::string_view message) override {
    if (message.size() > kLimit || !livechat::is_valid_utf8(message)) std::abort();
    seen.push_back("t" + std::string(message));
    return true;
  }
  bool on_ping(std::string_view payload) override {
    if (payload.size() > 125) std::abort();
    seen.push_back("p" + std::string(payload));
    return true;
  }
  bool on_close(uint16_t code, std::string_view reason) override {
    if (reason.size() > 123 || !livechat::is_valid_utf8(reason)) std::abort();
    seen.push_back("c" + std::to_string(code) + std::string(reason));
    return false;
  }
};

struct Run {
  std::vector<std::string> seen;
  int code = 0;
};

Run read(const uint8_t* data, std::size_t size, std::size_t chunk) {
  Reader reader(kLimit);
  Log log;
  Run run;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) {
    Failure failure = reader.feed(bytes.data() + pos, std::min(chunk, bytes.size() - pos), log);
    if (failure.reason) {
      run.code = static_cast<int>(failure.code);
      break;
    }
    if (!log.seen.empty() && log.seen.back()[0] == 'c') break;  // a close ends the stream
    if (reader.held_bytes() > 2 * (kLimit + 14) + 2048) std::abort();
  }
  run.seen = std::move(log.seen);
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::size_t chunk = 1 + data[0] % 17;
  Run whole = read(data + 1, size - 1, size);
  Run cut = read(data + 1, size - 1, chunk);
  if (whole.code != cut.code || whole.seen != cut.seen) std::abort();
  return 0;
}
