// RFC 6455 server framing without I/O: see ws_frame.hpp.
#include "ws_frame.hpp"

#include "livechat/validate.hpp"

#include <cstring>

namespace livechat::server::ws {
namespace {

uint64_t big_endian(const char* data, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  return value;
}

// XORs `size` bytes with the 4-byte `mask`, 8 bytes at a time where it can.
void unmask(char* data, std::size_t size, const char* mask) {
  unsigned char key[8];
  for (int i = 0; i < 8; ++i) key[i] = static_cast<unsigned char>(mask[i % 4]);
  uint64_t wide;
  std::memcpy(&wide, key, 8);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, data + i, 8);
    chunk ^= wide;
    std::memcpy(data + i, &chunk, 8);
  }
  for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ key[i % 4]);
}

bool valid_close_code(uint64_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

void release(std::string& buffer) { std::string().swap(buffer); }

}  // namespace

// --- Reader ----------------------------------------------------------------------------------

Failure Reader::feed(char* data, std::size_t size, ReaderSink& sink) {
  if (failure_.reason) return failure_;
  // A frame cut last time: go on from a copy that holds its start and the new bytes.
  bool from_partial = !partial_.empty();
  if (from_partial) {
    partial_.append(data, size);
    data = partial_.data();
    size = partial_.size();
  }
  std::size_t pos = 0;
  Step last = Step::frame;
  while (pos < size) {
    std::size_t used = 0;
    last = step(data + pos, size - pos, used, sink);
    if (last == Step::need_more) break;
    pos += used;
    if (last != Step::frame) break;
  }
  if (last == Step::fail) {
    release(partial_);
    release(message_);
    return failure_;
  }
  if (last == Step::stop) {
    release(partial_);
    return failure_;
  }
  if (from_partial) {
    partial_.erase(0, pos);
    if (partial_.empty()) {
      release(partial_);
    } else if (partial_.capacity() > 2 * partial_.size() + 1024) {
      partial_.shrink_to_fit();  // a long chunk went through: keep only the cut frame
    }
  } else if (pos < size) {
    partial_.assign(data + pos, size - pos);
  }
  return failure_;
}

Reader::Step Reader::fail(CloseCode code, const char* reason) {
  failure_ = {code, reason};
  return Step::fail;
}

Reader::Step Reader::step(char* data, std::size_t size, std::size_t& used, ReaderSink& sink) {
  if (size < 2) return Step::need_more;
  auto b0 = static_cast<unsigned char>(data[0]);
  auto b1 = static_cast<unsigned char>(data[1]);
  bool fin = b0 & 0x80;
  uint8_t opcode = b0 & 0x0F;
  if (b0 & 0x70) return fail(CloseCode::protocol_error, "reserved bits set");
  if (!(b1 & 0x80)) return fail(CloseCode::protocol_error, "frame not masked");
  uint64_t length = b1 & 0x7F;
  switch (opcode) {
    case text:
      if (in_message_) return fail(CloseCode::protocol_error, "expected a continuation frame");
      break;
    case binary:
      if (in_message_) return fail(CloseCode::protocol_error, "expected a continuation frame");
      return fail(CloseCode::unknown_data, "text frames only");
    case continuation:
      if (!in_message_) return fail(CloseCode::protocol_error, "continuation without a message");
      break;
    case close:
    case ping:
    case pong:
      if (!fin) return fail(CloseCode::protocol_error, "fragmented control frame");
      if (length > 125) return fail(CloseCode::protocol_error, "control frame too large");
      break;
    default:
      return fail(CloseCode::protocol_error, "unknown opcode");
  }
  std::size_t header = 2;
  if (length == 126) {
    if (size < 4) return Step::need_more;
    length = big_endian(data + 2, 2);
    header = 4;
  } else if (length == 127) {
    if (size < 10) return Step::need_more;
    length = big_endian(data + 2, 8);
    if (length >> 63) return fail(CloseCode::protocol_error, "frame length out of range");
    header = 10;
  }
  bool data_frame = opcode == text || opcode == continuation;
  if (data_frame && length > max_message_bytes_ - message_.size()) {
    return fail(CloseCode::too_big, "frame too large");
  }
  header += 4;  // the mask
  if (size < header || size - header < length) return Step::need_more;
  char* payload = data + header;
  unmask(payload, length, data + header - 4);
  used = header + length;
  std::string_view bytes(payload, length);

  if (data_frame) {
    if (fin && !in_message_) {
      if (!is_valid_utf8(bytes)) return fail(CloseCode::bad_payload, "invalid UTF-8");
      return sink.on_text(bytes) ? Step::frame : Step::stop;
    }
    message_.append(bytes);
    in_message_ = true;
    if (!fin) return Step::frame;
    in_message_ = false;
    if (!is_valid_utf8(message_)) return fail(CloseCode::bad_payload, "invalid UTF-8");
    std::string message;
    message.swap(message_);
    return sink.on_text(message) ? Step::frame : Step::stop;
  }
  if (opcode == ping) return sink.on_ping(bytes) ? Step::frame : Step::stop;
  if (opcode == pong) return Step::frame;
  // close
  if (length == 1) return fail(CloseCode::protocol_error, "bad close frame");
  uint16_t code = 1005;
  std::string_view reason;
  if (length >= 2) {
    uint64_t sent = big_endian(payload, 2);
    if (!valid_close_code(sent)) return fail(CloseCode::protocol_error, "bad close code");
    code = static_cast<uint16_t>(sent);
    reason = bytes.substr(2);
    if (!is_valid_utf8(reason)) return fail(CloseCode::bad_payload, "invalid UTF-8");
  }
  return sink.on_close(code, reason) ? Step::frame : Step::stop;
}

// --- helpers ---------------------------------------------------------------------------------

std::size_t frame_header(uint8_t opcode, std::size_t size, uint8_t* out) {
  out[0] = static_cast<uint8_t>(0x80 | opcode);
  if (size < 126) {
    out[1] = static_cast<uint8_t>(size);
    return 2;
  }
  if (size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<uint8_t>(size >> 8);
    out[3] = static_cast<uint8_t>(size);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<uint8_t>(static_cast<uint64_t>(size) >> (56 - 8 * i));
  return 10;
}

std::string close_payload(uint16_t code, std::string_view reason) {
  if (code == 1005) return {};
  reason = livechat::utf8_prefix(reason, 123);  // a close frame's payload is at most 125 bytes
  std::string payload;
  payload.reserve(2 + reason.size());
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return payload;
}

bool valid_key(std::string_view key) {
  if (key.size() != 24 || key[22] != '=' || key[23] != '=') return false;
  for (std::size_t i = 0; i < 22; ++i) {
    if (base64_value(key[i]) < 0) return false;
  }
  return (base64_value(key[21]) & 0x0F) == 0;  // 16 bytes: the last symbol carries 2 bits
}

}  // namespace livechat::server::ws
