// The wire protocol: JSON text frames over WebSocket (/ws/visitor, /ws/agent), version 1.
// Every frame is one JSON object with "v": 1 and a "type". This header is the frame catalogue
// and the encode/decode contract; docs/protocol.md shows one example of every frame.
// The JSON-valued helpers (events, users, conversations as nlohmann::json) live in
// protocol_json.hpp, so including this header does not pull in nlohmann/json.
//
// Maintenance reminder: a new Command or Event alternative needs a row in protocol_encode.cpp,
// a row in protocol_decode.cpp, a round-trip row in tests/core/protocol_test.cpp and an example
// in docs/protocol.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "livechat/commands.hpp"
#include "livechat/events.hpp"
#include "livechat/model.hpp"
#include "livechat/result.hpp"

namespace livechat {

// [SECTION] Limits ------------------------------------------------------------------------------
inline constexpr int kProtocolVersion = 1;          // the only "v" this build speaks
inline constexpr std::size_t kMaxFrameBytes = 65536;  // one frame, bytes of UTF-8 (too_large)
inline constexpr int kMaxFrameDepth = 32;           // nesting of objects/arrays (bad_request)
inline constexpr int kMinWaitSeconds = 1;           // request_live_chat.wait_seconds range
inline constexpr int kMaxWaitSeconds = 3600;

// [SECTION] Client -> server frames ---------------------------------------------------------
// A command for the state machine. One frame type per Command alternative, named
// command_type_name() ("send_message", ...), the command's fields at the top level beside
// "id" (the client's request id, 1..kMaxIdBytes bytes, echoed in the ack or error).
struct CommandFrame {
  std::string request_id;
  Command command;
  // Usable once every Command alternative has operator== (commands.hpp).
  bool operator==(const CommandFrame&) const = default;
};

// "Send me what I missed." Two forms in one frame:
//   visitor: conversation set, `after` = the last seq seen in it (0: from the start);
//   agent:   conversation empty, `after_pos` = the last global log position seen (0: all).
// On the wire exactly one form is present; encode() writes `after_pos` only for the agent
// form. The server replays what came after and then sends a ResumedFrame.
struct ResumeFrame {
  ConversationId conversation;
  Seq after = 0;
  uint64_t after_pos = 0;
  bool operator==(const ResumeFrame&) const = default;
};

// The sender started or stopped typing in a conversation. Not stored, not acked.
struct TypingFrame {
  ConversationId conversation;
  bool typing = false;
  bool operator==(const TypingFrame&) const = default;
};

// The visitor answers the chatbot: a button label or free text (at most kMaxMessageBytes).
// client_id is the idempotency id, like send_message's.
struct AnswerFrame {
  std::string request_id;
  ConversationId conversation;
  std::string text;
  std::string client_id;
  bool operator==(const AnswerFrame&) const = default;
};

// Keep-alive; the server answers PongFrame.
struct PingFrame {
  bool operator==(const PingFrame&) const = default;
};

using ClientFrame = std::variant<CommandFrame, ResumeFrame, TypingFrame, AnswerFrame, PingFrame>;

// [SECTION] Server -> client frames ---------------------------------------------------------
// The command with this request id was applied and its events are durably stored; `seq` is the
// conversation seq of its last event (0 for user commands). duplicate=true: the idempotency id
// was seen before, nothing was applied again, seq is the original one.
struct AckFrame {
  std::string request_id;
  Seq seq = 0;
  bool duplicate = false;
  bool operator==(const AckFrame&) const = default;
};

// A command (request_id set) or a frame (request_id empty) was refused.
struct ErrorFrame {
  std::string request_id;
  Error error;
  bool operator==(const ErrorFrame&) const = default;
};

// One stored event. pos is the server's global log position (0 when not applicable).
struct EventFrame {
  uint64_t pos = 0;
  Event event;
  bool operator==(const EventFrame&) const = default;
};

// Someone is (not) typing; `who` is the display name to show.
struct ServerTyping {
  ConversationId conversation;
  bool typing = false;
  std::string who;
  bool operator==(const ServerTyping&) const = default;
};

// Replay after a ResumeFrame is complete: the client is caught up to last_seq (visitor form,
// conversation set) or last_pos (agent form, conversation empty).
struct ResumedFrame {
  ConversationId conversation;
  Seq last_seq = 0;
  uint64_t last_pos = 0;
  bool operator==(const ResumedFrame&) const = default;
};

struct PongFrame {
  bool operator==(const PongFrame&) const = default;
};

using ServerFrame = std::variant<AckFrame, ErrorFrame, EventFrame, ServerTyping, ResumedFrame, PongFrame>;

// [SECTION] Encode / decode -------------------------------------------------------------------

// Writes a frame as compact JSON text (one line, object keys in sorted order). Never fails and
// never validates: values are written as they are, except that invalid UTF-8 in a string is
// replaced by U+FFFD (so the receiver's decode never sees it). Callers keep within the limits.
std::string encode(const ClientFrame& frame);
std::string encode(const ServerFrame& frame);

// Reads one client frame. Checks, in order: size <= kMaxFrameBytes (too_large); the text is
// valid UTF-8 (bad_request); nesting <= kMaxFrameDepth (bad_request, checked before parsing);
// well-formed JSON (bad_request); an object (bad_request); "v" == kProtocolVersion (missing or
// not an integer: bad_request, another number: unsupported_version); a known "type"
// (bad_request naming it); then every field of that type. Field errors set Error.field to the
// field's wire path ("conversation", "panel.email", "user.notifications.new_message"):
//   missing or wrong JSON type -> bad_request;  invalid UTF-8, empty required id, id longer
//   than kMaxIdBytes, unknown enum name, negative or out-of-range integer -> invalid_field;
//   text longer than kMaxMessageBytes -> too_large.
// Unknown extra fields are ignored (forward compatibility). Domain rules (email format, panel
// sizes, permissions) are decide()'s job, not this function's.
Result<ClientFrame> decode_client_frame(std::string_view text);

// Reads one server frame, with the same frame-level checks and field rules as
// decode_client_frame (message text in events is not capped: bot messages may be long).
Result<ServerFrame> decode_server_frame(std::string_view text);

// The wire type name of a command ("add_user", "send_message", ...).
std::string_view command_type_name(const Command& command);

}  // namespace livechat
