// The frames handled without a JSON DOM (protocol_direct.hpp) against their definitions.
// Written (ack, message_posted event, notify): byte for byte what dumping to_json_value(frame)
// gives, on the events of a long random command run and on random strings full of what JSON
// must escape, including invalid UTF-8 (where the direct writer must step aside for the DOM's
// U+FFFD). Read (send_message): whatever the direct reader accepts, the full decoder accepts
// with the same frame, on random frames and on random mutations of them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "livechat/protocol.hpp"
#include "livechat/protocol_json.hpp"
#include "livechat/validate.hpp"
#include "protocol_direct.hpp"
#include "random_commands.hpp"

namespace livechat {
namespace {

using random_commands::Rng;

// The definition: the frame's JSON value, dumped as encode() always did.
std::string dom_text(const ServerFrame& frame) {
  return to_json_value(frame).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Whether the direct writer took the frame (and then, that it wrote the DOM's text).
bool written_directly(const ServerFrame& frame) {
  std::string direct;
  if (!detail::encode_direct(frame, direct)) return false;
  EXPECT_EQ(direct, dom_text(frame));
  return true;
}

// Pieces of strings: plain text, every escape JSON has, control characters, multi-byte
// characters, and byte sequences that are not UTF-8 (lone continuation, truncated sequence,
// overlong, surrogate, above U+10FFFF, bytes that never occur).
const std::vector<std::string> kPieces = {
    "hello", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", std::string(1, '\0'), "\x01", "\x1f", "\x7f",
    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x91\x8b", "\xf4\x8f\xbf\xbf", "**bold**", "<script>", "u_0123456789abcdef",
    "\x80", "\xc3", "\xe2\x82", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xfe", "\xff"};
constexpr int kInvalidPieces = 8;  // the last ones above

std::string random_string(Rng& rng, bool allow_invalid) {
  std::string s;
  int n = rng.below(6);
  int choices = static_cast<int>(kPieces.size()) - (allow_invalid ? 0 : kInvalidPieces);
  for (int i = 0; i < n; ++i) s += kPieces[rng.below(choices)];
  return s;
}

TEST(ProtocolDirect, EventsOfARandomRunMatchTheDom) {
  bool setup_ok = false;
  State state = test::team(setup_ok);
  ASSERT_TRUE(setup_ok);
  Rng rng{random_commands::kSeed};
  TimeMs now = test::kT0;
  int conversations = 0, direct = 0, events = 0;
  uint64_t pos = 0;
  for (int i = 0; i < 40'000; ++i) {
    now += rng.below(5000);
    Actor actor;
    Command command = random_commands::random_command(rng, conversations, actor);
    auto decision = decide(state, command, actor, now);
    if (!decision) continue;
    if (std::holds_alternative<StartConversation>(command)) ++conversations;
    for (const Event& e : decision.value().events) {
      apply(state, e);
      ++events;
      ServerFrame frame = EventFrame{++pos, e};
      std::string expected = dom_text(frame);
      ASSERT_EQ(encode(frame), expected) << "event " << event_type_name(e);
      ASSERT_EQ(encode_event_frame(pos, e), expected) << "event " << event_type_name(e);
      if (written_directly(frame)) ++direct;
      EXPECT_EQ(written_directly(frame), std::holds_alternative<MessagePosted>(e)) << event_type_name(e);
    }
  }
  EXPECT_GT(events, 10'000);
  EXPECT_GT(direct, 1'000);  // the message_posted frames did take the direct path
}

TEST(ProtocolDirect, RandomStringsMatchTheDom) {
  Rng rng{7};
  int direct = 0, declined = 0;
  for (int i = 0; i < 20'000; ++i) {
    bool allow_invalid = rng.below(4) == 0;
    bool valid = true;  // every string of the frame being built is UTF-8
    auto str = [&] {
      std::string s = random_string(rng, allow_invalid);
      valid = valid && is_valid_utf8(s);
      return s;
    };
    auto check = [&](const ServerFrame& frame) {
      std::string expected = dom_text(frame);
      ASSERT_EQ(encode(frame), expected);
      bool took = written_directly(frame);
      EXPECT_EQ(took, valid) << expected;
      (took ? direct : declined)++;
      valid = true;
    };
    MessagePosted m{str(), rng.next(), static_cast<TimeMs>(rng.next()), static_cast<Author>(rng.below(4)), str(),
                    str(),  str()};
    ASSERT_EQ(encode_event_frame(7, m), dom_text(EventFrame{7, m}));
    check(EventFrame{rng.next(), m});
    check(AckFrame{str(), rng.next(), rng.below(2) == 0});
    check(NotifyFrame{str(), str(), str(), str()});
  }
  EXPECT_GT(direct, 10'000);
  EXPECT_GT(declined, 1'000);
}

struct EdgeRow {
  const char* name;
  std::string text;
  uint64_t seq;
  TimeMs at;
};

TEST(ProtocolDirect, EdgeValuesMatchTheDom) {
  const EdgeRow rows[] = {
      {"empty text, zero numbers", "", 0, 0},
      {"largest seq, earliest time", "x", std::numeric_limits<uint64_t>::max(), std::numeric_limits<TimeMs>::min()},
      {"negative time", "x", 1, -1},
      {"latest time", "x", 1, std::numeric_limits<TimeMs>::max()},
      {"nul inside the text", std::string("a\0b", 3), 1, 1},
      {"every control character", [] {
         std::string s;
         for (int c = 0; c < 0x20; ++c) s += static_cast<char>(c);
         return s;
       }(), 2, 2},
      {"quotes and backslashes only", "\"\\\"\\", 3, 3},
      {"truncated at the end", "ok\xe2\x82", 4, 4},
  };
  for (const auto& row : rows) {
    MessagePosted m{"c_1", row.seq, row.at, Author::visitor, "v_1", row.text, "m1"};
    EXPECT_EQ(encode(EventFrame{row.seq, m}), dom_text(EventFrame{row.seq, m})) << row.name;
    EXPECT_EQ(encode(AckFrame{row.text, row.seq, true}), dom_text(AckFrame{row.text, row.seq, true})) << row.name;
    NotifyFrame n{"new_message", "c_1", row.text, row.text};
    EXPECT_EQ(encode(n), dom_text(n)) << row.name;
  }
}

TEST(ProtocolDirect, OtherFramesKeepTheDomPath) {
  for (const ServerFrame& frame : {ServerFrame{PongFrame{}}, ServerFrame{HiddenFrame{"c_1"}},
                                   ServerFrame{EventFrame{1, WaitExpired{"c_1", 2, 3}}}}) {
    EXPECT_FALSE(written_directly(frame));
    EXPECT_EQ(encode(frame), dom_text(frame));
  }
}

// A send_message frame as a client writes it, or with its keys in another order and spaces.
std::string send_message_text(Rng& rng, const std::string& id, const SendMessage& m) {
  if (rng.below(2) == 0) return encode(ClientFrame{CommandFrame{id, m}});
  auto quoted = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::vector<std::string> fields = {"\"v\":1", "\"type\":\"send_message\"", "\"id\":" + quoted(id),
                                     "\"conversation\":" + quoted(m.conversation), "\"text\":" + quoted(m.text),
                                     "\"client_id\":" + quoted(m.client_id)};
  for (std::size_t i = fields.size(); i > 1; --i) std::swap(fields[i - 1], fields[rng.below(static_cast<int>(i))]);
  const char* spaces[] = {"", " ", "\n\t ", "\r\n"};
  std::string text = std::string(spaces[rng.below(4)]) + "{";
  for (std::size_t i = 0; i < fields.size(); ++i)
    text += (i ? "," : "") + std::string(spaces[rng.below(4)]) + fields[i];
  return text + spaces[rng.below(4)] + "}" + spaces[rng.below(4)];
}

// Checks one text: if the direct reader takes it, the full decoder reads the same frame.
bool read_directly(std::string_view text) {
  auto direct = detail::decode_send_message_direct(text);
  if (!direct) return false;
  auto full = detail::decode_client_frame_dom(text);
  EXPECT_TRUE(full.ok()) << text;
  if (full.ok()) {
    EXPECT_TRUE(full.value() == *direct) << text;
  }
  return true;
}

TEST(ProtocolDirect, SendMessagesReadLikeTheFullDecoder) {
  Rng rng{11};
  int direct = 0, plain = 0, mutated_direct = 0;
  const std::string kEdits[] = {"\"", "\\", ",", ":", "{", "}", " ", "1", "0", "x", "\x01", "\xc3",
                                "\"v\":2,", "\"a\":\"b\","};
  // Half the frames need no escape at all (what chat messages mostly look like).
  const std::string kPlain[] = {"hello", " ", "/", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x91\x8b",
                                "u_0123456789abcdef"};
  for (int i = 0; i < 20'000; ++i) {
    bool allow_invalid = rng.below(8) == 0, escapes = rng.below(2) == 0;
    auto str = [&] {
      if (escapes) return random_string(rng, allow_invalid);
      std::string s;
      for (int n = rng.below(6); n > 0; --n) s += kPlain[rng.below(std::size(kPlain))];
      return s;
    };
    std::string id = rng.below(20) ? str() + "r" : "";
    SendMessage m{str() + "c", str(), rng.below(20) ? str() + "m" : ""};
    if (rng.below(50) == 0) m.text = std::string(kMaxMessageBytes + rng.below(2), 'x');
    if (rng.below(50) == 0) m.conversation = std::string(kMaxIdBytes + rng.below(2), 'c');
    std::string text = send_message_text(rng, id, m);
    bool took = read_directly(text);
    direct += took;
    // A frame the full decoder accepts whose strings needed no escape is the direct reader's.
    if (text.find('\\') == std::string::npos && detail::decode_client_frame_dom(text).ok()) {
      ++plain;
      EXPECT_TRUE(took) << text;
    }
    ASSERT_EQ(decode_client_frame(text).ok(), detail::decode_client_frame_dom(text).ok()) << text;
    for (int k = 0; k < 3; ++k) {  // a few random edits: the direct reader must not be fooled
      std::size_t at = static_cast<std::size_t>(rng.below(static_cast<int>(text.size()) + 1));
      switch (rng.below(3)) {
        case 0: text.insert(at, kEdits[rng.below(std::size(kEdits))]); break;
        case 1: if (at < text.size()) text.erase(at, 1 + rng.below(3)); break;
        default: if (at < text.size()) text[at] = kEdits[rng.below(std::size(kEdits))][0];
      }
      mutated_direct += read_directly(text);
    }
  }
  EXPECT_GT(direct, 5'000);
  EXPECT_GT(plain, 5'000);
  EXPECT_GT(mutated_direct, 1'000);  // edits inside values: still frames, still read alike
}

TEST(ProtocolDirect, OtherClientFramesKeepTheFullPath) {
  const std::string rows[] = {
      R"({"v":1,"type":"send_message","id":"r","conversation":"c","text":"hi","client_id":"m","extra":1})",
      R"({"v":1,"type":"send_message","id":"r","conversation":"c","text":"hi"})",
      R"({"v":1,"type":"send_message","id":"r","id":"r","conversation":"c","text":"hi","client_id":"m"})",
      R"({"v":2,"type":"send_message","id":"r","conversation":"c","text":"hi","client_id":"m"})",
      R"({"v":1,"type":"answer","id":"r","conversation":"c","text":"hi","client_id":"m"})",
      R"({"v":1,"type":"send_message","id":"","conversation":"c","text":"hi","client_id":"m"})",
      R"({"v":1,"type":"send_message","id":"r","conversation":"c","text":"say "hi"","client_id":"m"})",
      R"({"v":1.0,"type":"send_message","id":"r","conversation":"c","text":"hi","client_id":"m"})",
      R"({"v":1,"type":"send_message","id":"r","conversation":"c","text":"hi","client_id":"m"} x)",
  };
  for (const auto& text : rows) {
    EXPECT_FALSE(detail::decode_send_message_direct(text)) << text;
    auto full = detail::decode_client_frame_dom(text);
    auto both = decode_client_frame(text);
    ASSERT_EQ(both.ok(), full.ok()) << text;
    if (full.ok()) {
      EXPECT_TRUE(both.value() == full.value()) << text;
    } else {
      EXPECT_EQ(both.error().message, full.error().message) << text;
    }
  }
}

}  // namespace
}  // namespace livechat
