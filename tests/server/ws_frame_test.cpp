// The RFC 6455 frame reader and writer helpers (server/src/ws_frame.hpp), without sockets: one
// row per rule, each fed whole and byte by byte.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "livechat/validate.hpp"
#include "ws_frame.hpp"

namespace livechat::server::ws {
namespace {

// A client frame: masked with a fixed key unless `masked` is false.
std::string client_frame(uint8_t opcode, std::string_view payload, bool fin = true, bool masked = true,
                         uint8_t rsv = 0) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | rsv | opcode));
  uint8_t mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(mask_bit | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(static_cast<uint64_t>(payload.size()) >> (56 - 8 * i)));
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) out.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    out.push_back(static_cast<char>(payload[i] ^ (masked ? key[i % 4] : 0)));
  }
  return out;
}

std::string close_frame(uint16_t code, std::string_view reason = {}) {
  std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  payload.append(reason);
  return client_frame(close, payload);
}

// Records what the reader hands on, as text: "text:hi", "ping:x", "close:1000:bye".
struct Recorder : ReaderSink {
  std::vector<std::string> seen;
  bool stop_after_text = false;
  bool on_text(std::string_view message) override {
    seen.push_back("text:" + std::string(message));
    return !stop_after_text;
  }
  bool on_ping(std::string_view payload) override {
    seen.push_back("ping:" + std::string(payload));
    return true;
  }
  bool on_close(uint16_t code, std::string_view reason) override {
    seen.push_back("close:" + std::to_string(code) + ":" + std::string(reason));
    return false;
  }
};

struct Outcome {
  std::vector<std::string> seen;
  int code = 0;  // 0: no failure
  std::string reason;
};

// Feeds `bytes` in chunks of `chunk` bytes (0: all at once).
Outcome read(const std::string& bytes, std::size_t chunk, std::size_t max = 64) {
  Reader reader(max);
  Recorder sink;
  Outcome outcome;
  std::string copy = bytes;
  std::size_t step = chunk == 0 ? std::max<std::size_t>(copy.size(), 1) : chunk;
  for (std::size_t pos = 0; pos < copy.size(); pos += step) {
    Failure failure = reader.feed(copy.data() + pos, std::min(step, copy.size() - pos), sink);
    if (failure.reason) {
      outcome.code = static_cast<int>(failure.code);
      outcome.reason = failure.reason;
      break;
    }
    if (!sink.seen.empty() && sink.seen.back().rfind("close:", 0) == 0) break;
  }
  outcome.seen = sink.seen;
  return outcome;
}

struct Row {
  const char* name;
  std::string bytes;
  std::vector<std::string> seen;  // what the sink got, in order
  int code;                       // the failure's close code, 0 for none
};

std::vector<Row> rows() {
  std::string two_byte_len(200, 'a'), at_limit(64, 'b');
  return {
      {"single_text", client_frame(text, "hi"), {"text:hi"}, 0},
      {"empty_text", client_frame(text, ""), {"text:"}, 0},
      {"two_messages_in_one_chunk", client_frame(text, "a") + client_frame(text, "b"), {"text:a", "text:b"}, 0},
      {"fragments_assemble", client_frame(text, "he", false) + client_frame(continuation, "ll", false) +
                                 client_frame(continuation, "o"),
       {"text:hello"}, 0},
      {"ping_between_fragments", client_frame(text, "a", false) + client_frame(ping, "p") +
                                     client_frame(continuation, "b"),
       {"ping:p", "text:ab"}, 0},
      {"pong_is_dropped", client_frame(pong, "x") + client_frame(text, "after"), {"text:after"}, 0},
      {"message_at_the_limit", client_frame(text, at_limit), {"text:" + at_limit}, 0},
      {"close_with_code_and_reason", close_frame(1000, "bye"), {"close:1000:bye"}, 0},
      {"close_without_payload_is_1005", client_frame(close, ""), {"close:1005:"}, 0},
      {"utf8_split_across_fragments", client_frame(text, "\xC3", false) + client_frame(continuation, "\xA9"),
       {"text:\xC3\xA9"}, 0},
      {"unmasked_frame", client_frame(text, "hi", true, false), {}, 1002},
      {"reserved_bit", client_frame(text, "hi", true, true, 0x40), {}, 1002},
      {"unknown_opcode", client_frame(0x3, "x"), {}, 1002},
      {"unknown_control_opcode", client_frame(0xB, "x"), {}, 1002},
      {"binary_is_1003", client_frame(binary, "\x01\x02"), {}, 1003},
      {"binary_continuation_inside_text", client_frame(text, "a", false) + client_frame(binary, "b"), {}, 1002},
      {"text_inside_a_fragmented_message", client_frame(text, "a", false) + client_frame(text, "b"), {}, 1002},
      {"continuation_without_a_message", client_frame(continuation, "a"), {}, 1002},
      {"fragmented_ping", client_frame(ping, "a", false), {}, 1002},
      {"control_frame_over_125", client_frame(ping, std::string(126, 'p')), {}, 1002},
      {"message_over_the_limit", client_frame(text, two_byte_len), {}, 1009},
      {"fragments_over_the_limit", client_frame(text, std::string(40, 'a'), false) +
                                       client_frame(continuation, std::string(40, 'a')),
       {}, 1009},
      {"length_high_bit", std::string("\x81\xFF\x80\x00\x00\x00\x00\x00\x00\x01", 10), {}, 1002},
      {"invalid_utf8_text", client_frame(text, "\xFF\xFE"), {}, 1007},
      {"overlong_utf8", client_frame(text, "\xC0\xAF"), {}, 1007},
      {"surrogate_utf8", client_frame(text, "\xED\xA0\x80"), {}, 1007},
      {"truncated_utf8_at_message_end", client_frame(text, "a\xE2\x82"), {}, 1007},
      {"close_one_byte_payload", client_frame(close, "\x03"), {}, 1002},
      {"close_code_1005_is_not_sendable", close_frame(1005), {}, 1002},
      {"close_code_999", close_frame(999), {}, 1002},
      {"close_code_2000", close_frame(2000), {}, 1002},
      {"close_code_4999_ok", close_frame(4999, "x"), {"close:4999:x"}, 0},
      {"close_reason_invalid_utf8", close_frame(1000, "\xFF"), {}, 1007},
  };
}

TEST(WsFrameReader, EveryRuleWholeAndByteByByte) {
  for (const Row& row : rows()) {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
      SCOPED_TRACE(std::string(row.name) + " chunk " + std::to_string(chunk));
      Outcome outcome = read(row.bytes, chunk);
      EXPECT_EQ(outcome.code, row.code) << outcome.reason;
      EXPECT_EQ(outcome.seen, row.seen);
    }
  }
}

TEST(WsFrameReader, ReasonsForTheCloseFrame) {
  EXPECT_EQ(read(client_frame(binary, "x"), 0).reason, "text frames only");
  EXPECT_EQ(read(client_frame(text, std::string(65, 'a')), 0).reason, "frame too large");
  EXPECT_EQ(read(client_frame(text, "\xFF"), 0).reason, "invalid UTF-8");
}

TEST(WsFrameReader, KeepsNothingOnceAMessageIsDone) {
  Reader reader(1 << 20);
  Recorder sink;
  std::string big = client_frame(text, std::string(100000, 'x'));
  std::string first = big.substr(0, 5000), rest = big.substr(5000);
  EXPECT_EQ(reader.feed(first.data(), first.size(), sink).reason, nullptr);
  EXPECT_GT(reader.held_bytes(), 4000u) << "the cut frame is held";
  EXPECT_EQ(reader.feed(rest.data(), rest.size(), sink).reason, nullptr);
  ASSERT_EQ(sink.seen.size(), 1u);
  EXPECT_EQ(sink.seen[0].size(), 5u + 100000u);
  EXPECT_EQ(reader.held_bytes(), 0u) << "freed once the message was handed on";
}

TEST(WsFrameReader, AFailureSticksAndStopDropsTheRest) {
  Reader reader(64);
  Recorder sink;
  std::string bad = client_frame(text, "x", true, false);
  EXPECT_EQ(reader.feed(bad.data(), bad.size(), sink).code, CloseCode::protocol_error);
  std::string good = client_frame(text, "fine");
  EXPECT_EQ(reader.feed(good.data(), good.size(), sink).code, CloseCode::protocol_error) << "no reading past an error";
  EXPECT_TRUE(sink.seen.empty());

  Reader stopping(64);
  Recorder stopper;
  stopper.stop_after_text = true;
  std::string two = client_frame(text, "a") + client_frame(text, "b");
  EXPECT_EQ(stopping.feed(two.data(), two.size(), stopper).reason, nullptr);
  EXPECT_EQ(stopper.seen, std::vector<std::string>{"text:a"});
}

TEST(WsFrameHeader, TwoFourOrTenBytes) {
  uint8_t out[10];
  ASSERT_EQ(frame_header(text, 125, out), 2u);
  EXPECT_EQ(out[0], 0x81);
  EXPECT_EQ(out[1], 125);
  ASSERT_EQ(frame_header(text, 126, out), 4u);
  EXPECT_EQ(out[1], 126);
  EXPECT_EQ((out[2] << 8) | out[3], 126);
  ASSERT_EQ(frame_header(close, 65535, out), 4u);
  EXPECT_EQ(out[0], 0x88);
  ASSERT_EQ(frame_header(text, 65536, out), 10u);
  EXPECT_EQ(out[1], 127);
  EXPECT_EQ(out[7], 1);  // 0x10000: byte 6 of 8
  EXPECT_EQ(out[9], 0);
}

TEST(WsFrameHeader, ClosePayloadCutsTheReasonOnACharacter) {
  EXPECT_EQ(close_payload(1005, "ignored"), "");
  EXPECT_EQ(close_payload(1008, "slow consumer"), std::string("\x03\xF0slow consumer", 15));
  std::string long_reason;
  for (int i = 0; i < 100; ++i) long_reason += "\xC3\xA9";  // 200 bytes of 2-byte characters
  std::string payload = close_payload(1000, long_reason);
  EXPECT_LE(payload.size(), 125u);
  EXPECT_TRUE(livechat::is_valid_utf8(std::string_view(payload).substr(2)));
}

TEST(WsHandshake, KeyIsSixteenBytesOfBase64) {
  EXPECT_TRUE(valid_key("dGhlIHNhbXBsZSBub25jZQ=="));  // RFC 6455's example
  EXPECT_FALSE(valid_key(""));
  EXPECT_FALSE(valid_key("dGhlIHNhbXBsZSBub25jZQ="));    // too short
  EXPECT_FALSE(valid_key("dGhlIHNhbXBsZSBub25jZQ=x"));   // padding
  EXPECT_FALSE(valid_key("dGhlIHNhbXBsZSBub25jZR=="));   // 'R' carries bits past 16 bytes
  EXPECT_FALSE(valid_key("dGhlIHNhbXBsZSBub25j*Q=="));   // not base64
}

TEST(WsUtf8, Boundaries) {
  EXPECT_TRUE(livechat::is_valid_utf8(""));
  EXPECT_TRUE(livechat::is_valid_utf8("plain ascii, longer than eight bytes"));
  EXPECT_TRUE(livechat::is_valid_utf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
  EXPECT_FALSE(livechat::is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(livechat::is_valid_utf8("\xF0\x80\x80\x80"));  // overlong
  EXPECT_TRUE(livechat::is_valid_utf8("\xEF\xBF\xBF"));
  EXPECT_FALSE(livechat::is_valid_utf8("\x80"));
  EXPECT_FALSE(livechat::is_valid_utf8("abcdefgh\xC3"));      // cut after an ASCII run
}

}  // namespace
}  // namespace livechat::server::ws
