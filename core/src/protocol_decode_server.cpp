// Reading server -> client frames and the events they (and the server's event log) carry, with
// the same strict field rules as protocol_decode.cpp, which has the domain values, the frame-level
// checks and the client -> server frames. The field Reader both use is protocol_reader.hpp.
// The writing side is protocol_encode.cpp; the two must agree on every field name.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "livechat/notifications.hpp"
#include "livechat/protocol.hpp"
#include "livechat/validate.hpp"
#include "protocol_reader.hpp"

namespace livechat {

using nlohmann::json;
using detail::Empty;
using detail::Need;
using detail::parse_frame;
using detail::read_conversation;
using detail::read_event;
using detail::read_user;
using detail::Reader;
using detail::unknown_type;

// [SECTION] Events ----------------------------------------------------------------------------

namespace {

// The fields every conversation event shares, read first.
struct Head {
  ConversationId conversation;
  Seq seq;
  TimeMs at;
};
Head head(Reader& r) { return Head{r.id("conversation", Empty::refused), r.u64("seq"), r.i64("at")}; }

// One reader per Event alternative, in variant order (event_type_name gives the names). Braced
// initialisers evaluate left to right, so the first field at fault is the one reported.
using EventReader = Event (*)(Reader&);
constexpr std::pair<std::string_view, EventReader> kEventReaders[] = {
    {"user_added", [](Reader& r) -> Event { return UserAdded{read_user(r.object("user"))}; }},
    {"role_changed",
     [](Reader& r) -> Event { return RoleChanged{r.id("user", Empty::refused), r.name("role", parse_role)}; }},
    {"online_changed", [](Reader& r) -> Event { return OnlineChanged{r.id("user", Empty::refused), r.flag("online")}; }},
    {"away_changed", [](Reader& r) -> Event { return AwayChanged{r.id("user", Empty::refused), r.flag("away")}; }},
    {"notification_settings_changed",
     [](Reader& r) -> Event {
       return NotificationSettingsChanged{r.id("user", Empty::refused), read_settings(r.object("settings"))};
     }},
    {"conversation_started",
     [](Reader& r) -> Event {
       Head h = head(r);
       return ConversationStarted{h.conversation, h.seq, h.at, r.id("visitor_id", Empty::allowed),
                                  r.id("playbook_id", Empty::allowed), r.str("visitor_name")};
     }},
    {"message_posted",
     [](Reader& r) -> Event {
       Head h = head(r);
       return MessagePosted{h.conversation, h.seq, h.at, r.name("author", parse_author),
                            r.id("author_id", Empty::allowed), r.str("text"), r.id("client_id", Empty::allowed)};
     }},
    {"live_chat_requested",
     [](Reader& r) -> Event {
       Head h = head(r);
       return LiveChatRequested{h.conversation, h.seq, h.at, r.i64("wait_deadline")};
     }},
    {"wait_expired",
     [](Reader& r) -> Event {
       Head h = head(r);
       return WaitExpired{h.conversation, h.seq, h.at};
     }},
    {"conversation_assigned",
     [](Reader& r) -> Event {
       Head h = head(r);
       return ConversationAssigned{h.conversation, h.seq, h.at, r.id("to", Empty::refused), r.id("by", Empty::allowed)};
     }},
    {"conversation_unassigned",
     [](Reader& r) -> Event {
       Head h = head(r);
       return ConversationUnassigned{h.conversation, h.seq, h.at, r.id("by", Empty::allowed)};
     }},
    {"conversation_closed",
     [](Reader& r) -> Event {
       Head h = head(r);
       return ConversationClosed{h.conversation, h.seq, h.at, r.id("by", Empty::allowed)};
     }},
    {"side_panel_updated",
     [](Reader& r) -> Event {
       Head h = head(r);
       return SidePanelUpdated{h.conversation, h.seq, h.at, read_panel(r.object("panel")), r.id("by", Empty::allowed)};
     }},
    {"item_recorded",
     [](Reader& r) -> Event {
       Head h = head(r);
       return ItemRecorded{h.conversation, h.seq, h.at, r.name("kind", parse_item_kind),
                           r.id("item_id", Empty::refused), r.id("by", Empty::allowed)};
     }},
};
static_assert(std::size(kEventReaders) == std::variant_size_v<Event>, "read every Event alternative");

}  // namespace

namespace detail {

std::optional<Event> read_event(Reader& r) {
  const std::string type = r.str("type");
  if (r.failed()) return std::nullopt;
  for (const auto& [name, read] : kEventReaders)
    if (name == type) return read(r);
  r.fail(ErrorCode::bad_request, "field '" + r.path("type") + "' names an unknown event type '" + clip(type) + "'",
         r.path("type"));
  return std::nullopt;
}

}  // namespace detail

namespace {

// [SECTION] Session frames (hello, welcome, prompt, snapshot ...) -------------------------------

// Inverses of capture_kind_name (playbook.hpp) and notification_kind_name (notifications.hpp).
bool parse_capture_field(std::string_view s, CaptureKind& out) {
  for (CaptureKind k : {CaptureKind::name, CaptureKind::email, CaptureKind::phone, CaptureKind::company})
    if (capture_kind_name(k) == s) {
      out = k;
      return true;
    }
  return false;
}

bool parse_notify_kind(std::string_view s, NotificationKind& out) {
  for (NotificationKind k :
       {NotificationKind::new_unassigned, NotificationKind::assigned_to_you, NotificationKind::new_message,
        NotificationKind::mentioned})
    if (notification_kind_name(k) == s) {
      out = k;
      return true;
    }
  return false;
}

PromptFrame read_prompt(Reader& r) {
  PromptFrame f;
  f.conversation = r.id("conversation", Empty::refused);
  f.prompt.card_id = r.id("card_id", Empty::allowed);
  f.prompt.kind = r.name("kind", parse_prompt_kind);
  f.prompt.buttons = r.strings("buttons");
  if (!r.failed() && f.prompt.kind != PromptKind::buttons && !f.prompt.buttons.empty())
    r.fail(ErrorCode::invalid_field, "field 'buttons' must be empty unless kind is buttons", "buttons");
  if (f.prompt.kind == PromptKind::capture) {
    f.prompt.field = r.name("field", parse_capture_field);
  } else if (!r.failed() && !r.str("field").empty()) {
    r.fail(ErrorCode::invalid_field, "field 'field' must be empty unless kind is capture", "field");
  }
  return f;
}

SnapshotFrame read_snapshot(Reader& r) {
  SnapshotFrame f;
  f.pos = r.u64("pos");
  if (const json* users = r.array("users"))
    for (std::size_t i = 0; i < users->size() && !r.failed(); ++i)
      f.users.push_back(read_user(r.element("users", (*users)[i], i)));
  if (const json* conversations = r.array("conversations"))
    for (std::size_t i = 0; i < conversations->size() && !r.failed(); ++i)
      f.conversations.push_back(read_conversation(r.element("conversations", (*conversations)[i], i)));
  return f;
}

NotifyFrame read_notify(Reader& r) {
  NotifyFrame f;
  f.kind = std::string(notification_kind_name(r.name("kind", parse_notify_kind)));
  f.conversation = r.id("conversation", Empty::refused);
  f.title = r.str("title");
  f.body = r.str("body");
  return f;
}

}  // namespace

Result<ServerFrame> decode_server_frame(std::string_view text) {
  json j;
  std::string type;
  if (auto error = parse_frame(text, kMaxServerFrameBytes, j, type)) return *error;
  std::optional<Error> error;
  Reader r(j, "", &error);
  std::optional<ServerFrame> frame;
  if (type == "ack") {
    frame = AckFrame{r.id("id", Empty::refused), r.u64("seq"), r.flag("duplicate")};
  } else if (type == "error") {
    ErrorFrame f;
    f.request_id = r.id("id", Empty::allowed, Need::optional);
    f.error.code = r.name("code", parse_error_code);
    f.error.message = r.str("message");
    f.error.field = r.str("field", Need::optional);
    frame = f;
  } else if (type == "event") {
    EventFrame f;
    f.pos = r.u64("pos");
    Reader event = r.object("event");
    if (auto e = read_event(event)) f.event = std::move(*e);
    frame = f;
  } else if (type == "typing") {
    frame = ServerTyping{r.id("conversation", Empty::refused), r.flag("typing"), r.str("who")};
  } else if (type == "resumed") {
    frame = ResumedFrame{r.id("conversation", Empty::allowed), r.u64("last_seq"), r.u64("last_pos")};
  } else if (type == "pong") {
    frame = PongFrame{};
  } else if (type == "welcome") {
    frame = WelcomeFrame{r.id("visitor_id", Empty::refused), r.bounded("token", kMaxTokenBytes, Empty::refused),
                         r.id("conversation", Empty::allowed), r.str("bot_name"), r.str("bot_avatar_url"),
                         r.flag("live_chat_available"), r.has("back_at") ? r.i64("back_at") : 0};
  } else if (type == "agent_welcome") {
    frame = AgentWelcomeFrame{read_user(r.object("user"))};
  } else if (type == "prompt") {
    frame = read_prompt(r);
  } else if (type == "snapshot") {
    frame = read_snapshot(r);
  } else if (type == "conversation") {
    frame = ConversationFrame{r.u64("pos"), read_conversation(r.object("conversation"))};
  } else if (type == "hidden") {
    frame = HiddenFrame{r.id("conversation", Empty::refused)};
  } else if (type == "notify") {
    frame = read_notify(r);
  } else {
    return unknown_type(type);
  }
  if (error) return *error;
  return std::move(*frame);
}

}  // namespace livechat
