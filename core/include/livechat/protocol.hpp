// The wire protocol: JSON text frames over WebSocket (/ws/visitor, /ws/agent), version 1.
// Every frame is one JSON object with "v": 1 and a "type". This header is the frame catalogue
// and the encode/decode contract; docs/protocol.md shows one example of every frame.
// The JSON-valued helpers (events, users, conversations as nlohmann::json) live in
// protocol_json.hpp, so including this header does not pull in nlohmann/json (only its
// forward declarations, through playbook.hpp).
//
// Maintenance reminder: a new Command or Event alternative, or a new frame, needs a row in
// protocol_encode.cpp, a row in protocol_decode.cpp or protocol_decode_server.cpp, a round-trip row (and a reject row per
// rule) in tests/core/protocol_test.cpp and an example in docs/protocol.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "livechat/commands.hpp"
#include "livechat/events.hpp"
#include "livechat/model.hpp"
#include "livechat/playbook_run.hpp"  // PromptKind, Prompt; via playbook.hpp the wait-time range
#include "livechat/result.hpp"

namespace livechat {

// [SECTION] Limits ------------------------------------------------------------------------------
inline constexpr int kProtocolVersion = 1;          // the only "v" this build speaks
inline constexpr std::size_t kMaxFrameBytes = 65536;  // one frame, bytes of UTF-8 (too_large)
// Server -> client frames may be larger (a snapshot holds an agent's working set; the server
// splits one that would not fit, docs/protocol.md):
// decode_server_frame accepts up to this many bytes. Client -> server stays kMaxFrameBytes.
inline constexpr std::size_t kMaxServerFrameBytes = 64 * 1024 * 1024;
inline constexpr int kMaxFrameDepth = 32;           // nesting of objects/arrays (bad_request)
inline constexpr std::size_t kMaxTokenBytes = 256;  // hello.token, welcome.token (invalid_field)
inline constexpr std::size_t kMaxLangBytes = 16;    // hello.lang (invalid_field)
// request_live_chat.wait_seconds range: kMinWaitSeconds..kMaxWaitSeconds, defined once, in
// playbook.hpp (the Live Chat card's wait time uses the same range).
static_assert(kMinWaitSeconds == 1 && kMaxWaitSeconds == 3600, "docs/protocol.md states 1..3600");

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

// The first frame on every WebSocket (both endpoints); the server answers WelcomeFrame
// (/ws/visitor) or AgentWelcomeFrame (/ws/agent), or an error and closes.
//   visitor: token = the visitor token kept in localStorage, or empty (the server then issues
//            one); playbook = the playbook id the widget was embedded with (required for
//            visitors: the server checks it, the protocol only its size);
//   agent:   token = the session token, or empty when it comes as a cookie; has_after_pos: the
//            agent saw everything up to log position after_pos (resume instead of a snapshot).
// lang is the UI language ("it", "en-GB"; may be empty). Sizes: token <= kMaxTokenBytes,
// playbook <= kMaxIdBytes, lang <= kMaxLangBytes (invalid_field). On the wire every field is
// optional (absent = empty); encode() writes token, playbook and lang always and after_pos
// only when has_after_pos (after_pos is meaningless otherwise).
struct HelloFrame {
  std::string token;
  std::string playbook;
  std::string lang;
  uint64_t after_pos = 0;
  bool has_after_pos = false;
  bool operator==(const HelloFrame&) const = default;
};

// The visitor opens a new conversation with the playbook of the hello; the server assigns the
// ids and answers ack/error with this request id, then the conversation's events and a prompt.
struct StartFrame {
  std::string request_id;
  bool operator==(const StartFrame&) const = default;
};

using ClientFrame =
    std::variant<CommandFrame, ResumeFrame, TypingFrame, AnswerFrame, PingFrame, HelloFrame, StartFrame>;

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

// Answer to a visitor's hello (/ws/visitor, type "welcome"). visitor_id and token (1..
// kMaxTokenBytes bytes; the one sent, or a newly issued one the widget stores) identify the
// visitor; conversation is the visitor's open conversation with the hello's playbook, or empty
// (send StartFrame to open one). bot_name and bot_avatar_url (may be empty) dress the bot;
// live_chat_available: at least one agent is available right now, within the playbook's business
// hours; back_at: outside them, when they next open (UTC ms; absent or 0 otherwise).
struct WelcomeFrame {
  std::string visitor_id;
  std::string token;
  ConversationId conversation;
  std::string bot_name;
  std::string bot_avatar_url;
  bool live_chat_available = false;
  TimeMs back_at = 0;  // outside business hours: when the team is next in (UTC ms); 0 otherwise
  bool operator==(const WelcomeFrame&) const = default;
};

// Answer to an agent's hello (/ws/agent, type "agent_welcome"): the authenticated user.
struct AgentWelcomeFrame {
  User user;
  bool operator==(const AgentWelcomeFrame&) const = default;
};

// What the chatbot waits for in a conversation: a Prompt (playbook_run.hpp), typed. On the wire
// (type "prompt"): kind as prompt_kind_name() (none | buttons | free_text | capture |
// waiting_for_agent | finished); card_id (may be empty, e.g. for none); buttons: the labels, only
// for kind buttons (else empty); field: capture_kind_name() (name | email | phone | company) for
// kind capture, else "". Build one with prompt_frame() so the frame always encodes as it decodes.
struct PromptFrame {
  ConversationId conversation;
  Prompt prompt;
  bool operator==(const PromptFrame&) const = default;
};

// An agent's working set (users, and the open conversations can_see lets them see; closed ones
// are paged over REST) as of log position pos; events with a greater pos follow. May exceed
// kMaxFrameBytes (encode never fails; decode_server_frame accepts up to kMaxServerFrameBytes);
// the server sends a larger working set as the users here and a ConversationFrame each.
struct SnapshotFrame {
  uint64_t pos = 0;
  std::vector<User> users;
  std::vector<Conversation> conversations;
  bool operator==(const SnapshotFrame&) const = default;
};

// One conversation's full state as of log position pos: sent to an agent when a conversation
// becomes visible to them (assigned to them, back in Unassigned, closed), and to a visitor
// after a resume if the server prefers it to a replay.
struct ConversationFrame {
  uint64_t pos = 0;
  Conversation conversation;
  bool operator==(const ConversationFrame&) const = default;
};

// A conversation left the agent's view (assigned to someone else); to whom is not said.
struct HiddenFrame {
  ConversationId conversation;
  bool operator==(const HiddenFrame&) const = default;
};

// A desktop/toast notification for the agent. kind is notification_kind_name()
// (notifications.hpp): new_unassigned | assigned_to_you | new_message; title and body are
// worded by the server in the agent's language.
struct NotifyFrame {
  std::string kind;
  ConversationId conversation;
  std::string title;
  std::string body;
  bool operator==(const NotifyFrame&) const = default;
};

using ServerFrame = std::variant<AckFrame, ErrorFrame, EventFrame, ServerTyping, ResumedFrame, PongFrame,
                                 WelcomeFrame, AgentWelcomeFrame, PromptFrame, SnapshotFrame, ConversationFrame,
                                 HiddenFrame, NotifyFrame>;

// [SECTION] Encode / decode -------------------------------------------------------------------

// Writes a frame as compact JSON text (one line, object keys in sorted order). Never fails and
// never validates: values are written as they are, except that invalid UTF-8 in a string is
// replaced by U+FFFD (so the receiver's decode never sees it). Callers keep within the limits.
// The frames a chat message makes (ack, message_posted event, notify) are written straight as
// text (protocol_direct.cpp); every frame reads exactly as dumping to_json_value(frame)
// (protocol_json.hpp) would write it, byte for byte.
std::string encode(const ClientFrame& frame);
std::string encode(const ServerFrame& frame);
// encode(EventFrame{pos, event}) without copying the event: the server sends one event to many.
std::string encode_event_frame(uint64_t pos, const Event& event);

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

// The request id a client frame carries (command, answer, start), "" for the others. Used to
// answer a refused frame with an error its sender can match.
const std::string& request_id_of(const ClientFrame& frame);

// The request id of a frame's text whether or not it decodes: its "id" when the text is a JSON
// object (within kMaxFrameBytes and kMaxFrameDepth) whose "id" is a string of 1..kMaxIdBytes bytes;
// "" otherwise. A frame refused after its id could be read (a message too long, a field
// invalid, a rate limit) is answered with this id, so the client knows which request failed.
std::string request_id_in(std::string_view text);

// Reads one server frame, with the same frame-level checks and field rules as
// decode_client_frame, except that the size limit is kMaxServerFrameBytes (snapshots can be
// large) and message text in events is not capped (bot messages may be long).
Result<ServerFrame> decode_server_frame(std::string_view text);

// The wire type name of a command ("add_user", "send_message", ...).
std::string_view command_type_name(const Command& command);

// The wire names of PromptKind (playbook_run.hpp): "none", "buttons", "free_text", "capture",
// "waiting_for_agent", "finished"; and the inverse (false for an unknown name).
std::string_view prompt_kind_name(PromptKind kind);
bool parse_prompt_kind(std::string_view name, PromptKind& out);

// The prompt frame for `prompt` in `conversation`: buttons kept only for button prompts and the
// capture field only for capture prompts (CaptureKind::name otherwise), as the decoder reads it.
PromptFrame prompt_frame(ConversationId conversation, const Prompt& prompt);

}  // namespace livechat
