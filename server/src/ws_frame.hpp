// RFC 6455 framing for the server side, with no I/O and no Boost: the parser that turns a
// client's bytes into messages, pings and closes (ws::Reader), the server's frame headers
// (ws::frame_header), and the handshake's key check. net_ws.cpp runs it over a socket;
// tests/server/ws_frame_test.cpp and tests/fuzz/fuzz_ws_frame.cpp drive it directly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace livechat::server::ws {

enum Opcode : uint8_t { continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };

// Close codes the server sends (RFC 6455 section 7.4.1).
enum class CloseCode : uint16_t {
  normal = 1000,
  going_away = 1001,
  protocol_error = 1002,
  unknown_data = 1003,  // "text frames only"
  bad_payload = 1007,   // "invalid UTF-8"
  policy_error = 1008,
  too_big = 1009,
  internal_error = 1011,
};

// Why the reader stopped: `code` to close with and a short reason (a literal).
struct Failure {
  CloseCode code;
  const char* reason;
};

// What a Reader hands on, one call per complete thing. Each returns true to keep reading, false
// to stop (the connection is closing): the rest of the bytes fed are dropped.
class ReaderSink {
 public:
  virtual ~ReaderSink() = default;
  virtual bool on_text(std::string_view message) = 0;  // a whole, valid UTF-8 text message
  virtual bool on_ping(std::string_view payload) = 0;  // answer with a pong carrying `payload`
  // The peer's close frame: `code` 1005 (no status) when it had no payload; `reason` is UTF-8.
  virtual bool on_close(uint16_t code, std::string_view reason) = 0;
};

// Reads the frames a client sends, in order, whatever way they are cut into chunks. Enforces:
// frames masked, RSV bits clear, known opcodes, control frames of at most 125 bytes and never
// fragmented, continuation only inside a fragmented message and data frames never inside one,
// 64-bit lengths with the high bit clear (all 1002); binary messages (1003); text messages of at
// most `max_message_bytes` (1009, decided from the frame headers, before the payload is held);
// text that is valid UTF-8 once complete (1007); close payloads of 0 or 2+ bytes (1002) with a
// valid code (1002) and a UTF-8 reason (1007). Pongs are dropped.
//
// Keeps only what is unfinished between calls: the tail of a frame cut by the chunk's end, and
// the fragments of a message not yet complete; both are freed once done.
class Reader {
 public:
  explicit Reader(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Parses `data` (unmasked in place: the caller's buffer is scratch). Once the stream breaks a
  // rule, returns that Failure (and the same from every later call); else a Failure whose reason
  // is null: all bytes were taken, or the sink said stop (the rest of `data` dropped).
  Failure feed(char* data, std::size_t size, ReaderSink& sink);

  // Heap bytes held for unfinished work (the partial frame and the message being assembled).
  std::size_t held_bytes() const {
    const std::size_t inline_capacity = std::string().capacity();
    return partial_.capacity() + message_.capacity() - 2 * inline_capacity;
  }

 private:
  enum class Step { frame, need_more, stop, fail };
  // Parses one frame at data[0..size): sets `used` to its length when complete.
  Step step(char* data, std::size_t size, std::size_t& used, ReaderSink& sink);
  Step fail(CloseCode code, const char* reason);

  std::size_t max_message_bytes_;
  std::string partial_;           // a frame cut by the end of the last chunk
  std::string message_;           // fragments of a text message so far
  bool in_message_ = false;       // a fragmented message has started
  Failure failure_{CloseCode::normal, nullptr};
};

// Writes the header of an unmasked, final server frame with `opcode` and a payload of `size`
// bytes into `out` (room for 10); returns its length: 2, 4 or 10.
std::size_t frame_header(uint8_t opcode, std::size_t size, uint8_t* out);

// A close frame's payload: the code (big-endian) and `reason`, cut to fit 125 bytes on a UTF-8
// boundary. Code 1005 (no status) gives an empty payload.
std::string close_payload(uint16_t code, std::string_view reason);

// True when `key` (Sec-WebSocket-Key) is the base64 form of 16 bytes.
bool valid_key(std::string_view key);

}  // namespace livechat::server::ws
