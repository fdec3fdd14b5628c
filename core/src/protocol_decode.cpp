// Reading frames and domain values from JSON, strictly: every field's presence, JSON type,
// UTF-8, size and range is checked before it is read, and the first problem is returned as an
// Error naming the field. No exceptions: nlohmann::json is parsed with allow_exceptions=false
// and never read with .at() or get<>() before its type is checked.
// The writing side is protocol_encode.cpp; the two must agree on every field name.
// This file: the domain values, the frame-level checks, the client -> server frames (commands
// included) and the JSON values of protocol_json.hpp. The server -> client frames and the
// events are in protocol_decode_server.cpp; the field Reader both use is protocol_reader.hpp.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "livechat/notifications.hpp"
#include "livechat/protocol.hpp"
#include "livechat/protocol_json.hpp"
#include "livechat/validate.hpp"
#include "protocol_direct.hpp"
#include "protocol_reader.hpp"

namespace livechat {

using nlohmann::json;
using detail::Empty;
using detail::Need;
using detail::parse_frame;
using detail::read_conversation;
using detail::read_event;
using detail::read_panel;
using detail::read_settings;
using detail::read_user;
using detail::Reader;
using detail::unknown_type;

namespace detail {

// [SECTION] Domain values -------------------------------------------------------------------

NotificationSettings read_settings(Reader r) {
  return NotificationSettings{r.flag("new_unassigned"), r.flag("assigned_to_me"), r.flag("new_message")};
}

User read_user(Reader r) {
  return User{r.id("id", Empty::refused), r.str("name"), r.str("email"), r.name("role", parse_role),
              r.flag("online"), r.flag("away"), read_settings(r.object("notifications"))};
}

SidePanel read_panel(Reader r) {
  SidePanel p;
  if (const json* v = r.get("deal_value_cents")) {
    if (v->is_null()) {
      p.deal_value_cents = -1;
    } else if (!v->is_number_integer()) {
      r.wrong_type("deal_value_cents", "an integer or null");
    } else {
      p.deal_value_cents = r.i64("deal_value_cents");
      if (p.deal_value_cents < 0)
        r.fail(ErrorCode::invalid_field, "field '" + r.path("deal_value_cents") + "' must not be negative",
               r.path("deal_value_cents"));
    }
  }
  p.currency = r.str("currency");
  p.expected_close_date = r.str("expected_close_date");
  p.person_name = r.str("person_name");
  p.email = r.str("email");
  p.phone = r.str("phone");
  p.organization_name = r.str("organization_name");
  p.organization_address = r.str("organization_address");
  p.notes = r.str("notes");
  return p;
}

namespace {

Message read_message(Reader r) {
  return Message{r.u64("seq"), r.name("author", parse_author), r.id("author_id", Empty::allowed),
                 r.str("text"), r.i64("at"), r.id("client_id", Empty::allowed),
                 r.name("note", parse_system_note), r.str("subject")};
}

ItemLink read_item(Reader r) {
  return ItemLink{r.name("kind", parse_item_kind), r.id("item_id", Empty::refused), r.i64("at"),
                  r.id("by", Empty::allowed)};
}

}  // namespace

// A whole conversation (conversation_from_json, the snapshot and conversation frames).
Conversation read_conversation(Reader r) {
  Conversation c;
  c.id = r.id("id", Empty::refused);
  c.visitor_id = r.id("visitor_id", Empty::allowed);
  c.visitor_name = r.str("visitor_name");
  c.playbook_id = r.id("playbook_id", Empty::allowed);
  c.phase = r.name("phase", parse_phase);
  c.assignee = r.id("assignee", Empty::allowed);
  c.created_at = r.i64("created_at");
  c.requested_at = r.i64("requested_at");
  c.wait_deadline = r.i64("wait_deadline");
  c.missed = r.flag("missed");
  c.closed_at = r.i64("closed_at");
  c.closed_by = r.id("closed_by", Empty::allowed);
  if (const json* messages = r.array("messages"))
    for (std::size_t i = 0; i < messages->size() && !r.failed(); ++i)
      c.messages.push_back(read_message(r.element("messages", (*messages)[i], i)));
  c.panel = read_panel(r.object("panel"));
  if (const json* items = r.array("items"))
    for (std::size_t i = 0; i < items->size() && !r.failed(); ++i)
      c.items.push_back(read_item(r.element("items", (*items)[i], i)));
  c.last_seq = r.u64("last_seq");
  Reader ids = r.object("client_ids");
  for (const auto& [key, seq] : ids.value().items()) {
    if (r.failed()) break;
    if (!is_valid_utf8(key))
      r.fail(ErrorCode::invalid_field, "a key of field '" + r.path("client_ids") + "' is not valid UTF-8",
             r.path("client_ids"));
    else
      c.client_ids[key] = ids.u64_value(seq, ids.path(key));
  }
  return c;
}

// [SECTION] Frames ----------------------------------------------------------------------------

namespace {

// Nesting of objects and arrays outside strings stays within `limit`. A cheap scan run before
// the (recursive) parser sees the text.
bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\')
        ++i;
      else if (ch == '"')
        in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '{' || ch == '[') {
      if (++depth > limit) return false;
    } else if (ch == '}' || ch == ']') {
      --depth;
    }
  }
  return true;
}

}  // namespace

// The frame-level checks shared by both directions (at most `max_bytes`); on success `out`
// holds a JSON object with the right "v", and `type` its "type".
std::optional<Error> parse_frame(std::string_view text, std::size_t max_bytes, json& out, std::string& type) {
  if (text.size() > max_bytes)
    return make_error(ErrorCode::too_large, "frame is larger than " + std::to_string(max_bytes) + " bytes");
  if (!is_valid_utf8(text)) return make_error(ErrorCode::bad_request, "frame is not valid UTF-8");
  if (!nesting_within(text, kMaxFrameDepth))
    return make_error(ErrorCode::bad_request,
                      "frame is nested deeper than " + std::to_string(kMaxFrameDepth) + " levels");
  out = json::parse(text, nullptr, false);
  if (out.is_discarded()) return make_error(ErrorCode::bad_request, "frame is not well-formed JSON");
  if (!out.is_object()) return make_error(ErrorCode::bad_request, "frame is not a JSON object");
  std::optional<Error> error;
  Reader r(out, "", &error);
  if (const json* v = r.get("v")) {
    if (!v->is_number_integer())
      r.wrong_type("v", "an integer");
    else if (!(v->is_number_unsigned() ? *v->get_ptr<const json::number_unsigned_t*>() == kProtocolVersion
                                        : *v->get_ptr<const json::number_integer_t*>() == kProtocolVersion))
      r.fail(ErrorCode::unsupported_version,
             "unsupported protocol version; this build speaks v=" + std::to_string(kProtocolVersion), "v");
  }
  type = r.str("type");
  return error;
}

Error unknown_type(const std::string& type) {
  return make_error(ErrorCode::bad_request, "field 'type' names an unknown frame type '" + clip(type) + "'", "type");
}

}  // namespace detail

namespace {

// [SECTION] Commands --------------------------------------------------------------------------

// One reader per Command alternative, in variant order (command_type_name gives the names).
using CommandReader = Command (*)(Reader&);
constexpr std::pair<std::string_view, CommandReader> kCommandReaders[] = {
    {"add_user", [](Reader& r) -> Command { return AddUser{read_user(r.object("user"))}; }},
    {"set_role", [](Reader& r) -> Command { return SetRole{r.id("user", Empty::refused), r.name("role", parse_role)}; }},
    {"set_online", [](Reader& r) -> Command { return SetOnline{r.flag("online")}; }},
    {"set_away", [](Reader& r) -> Command { return SetAway{r.id("user", Empty::refused), r.flag("away")}; }},
    {"set_notification_settings",
     [](Reader& r) -> Command { return SetNotificationSettings{read_settings(r.object("settings"))}; }},
    {"start_conversation",
     [](Reader& r) -> Command {
       return StartConversation{r.id("conversation", Empty::refused), r.id("visitor_id", Empty::refused),
                                r.id("playbook_id", Empty::refused), r.str("visitor_name", Need::optional)};
     }},
    {"send_message",
     [](Reader& r) -> Command {
       return SendMessage{r.id("conversation", Empty::refused), r.text("text", kMaxMessageBytes),
                          r.id("client_id", Empty::refused)};
     }},
    {"request_live_chat",
     [](Reader& r) -> Command {
       return RequestLiveChat{r.id("conversation", Empty::refused),
                              static_cast<int>(r.int_in("wait_seconds", kMinWaitSeconds, kMaxWaitSeconds))};
     }},
    {"expire_wait", [](Reader& r) -> Command { return ExpireWait{r.id("conversation", Empty::refused)}; }},
    {"assign_to_me", [](Reader& r) -> Command { return AssignToMe{r.id("conversation", Empty::refused)}; }},
    {"reassign",  // an empty "to" gives the conversation back to Unassigned
     [](Reader& r) -> Command { return Reassign{r.id("conversation", Empty::refused), r.id("to", Empty::allowed)}; }},
    {"close_conversation",
     [](Reader& r) -> Command { return CloseConversation{r.id("conversation", Empty::refused)}; }},
    {"update_side_panel",
     [](Reader& r) -> Command {
       return UpdateSidePanel{r.id("conversation", Empty::refused), read_panel(r.object("panel"))};
     }},
    {"record_item",
     [](Reader& r) -> Command {
       return RecordItem{r.id("conversation", Empty::refused), r.name("kind", parse_item_kind),
                         r.id("item_id", Empty::refused)};
     }},
    {"post_note",
     [](Reader& r) -> Command {
       return PostNote{r.id("conversation", Empty::refused), r.text("text", kMaxMessageBytes),
                       r.id("client_id", Empty::refused)};
     }},
};
static_assert(std::size(kCommandReaders) == std::variant_size_v<Command>, "read every Command alternative");

ResumeFrame read_resume(Reader& r) {
  ResumeFrame f;
  const bool visitor = r.has("conversation");
  const bool agent = r.has("after_pos");
  if (visitor && agent) {
    r.fail(ErrorCode::bad_request, "resume takes either conversation and after, or after_pos, not both",
           "after_pos");
  } else if (visitor) {
    f.conversation = r.id("conversation", Empty::refused);
    f.after = r.u64("after");
  } else if (agent) {
    f.after_pos = r.u64("after_pos");
  } else {
    r.fail(ErrorCode::bad_request, "missing field 'after_pos' (or 'conversation' and 'after')", "after_pos");
  }
  return f;
}

// [SECTION] Session frames (hello, welcome, prompt, snapshot ...) -------------------------------

HelloFrame read_hello(Reader& r) {
  HelloFrame f;
  f.token = r.bounded("token", kMaxTokenBytes, Empty::allowed, Need::optional);
  f.playbook = r.id("playbook", Empty::allowed, Need::optional);
  f.lang = r.bounded("lang", kMaxLangBytes, Empty::allowed, Need::optional);
  if (r.has("after_pos")) {
    f.has_after_pos = true;
    f.after_pos = r.u64("after_pos");
  }
  return f;
}

}  // namespace

const std::string& request_id_of(const ClientFrame& frame) {
  static const std::string none;
  if (const auto* c = std::get_if<CommandFrame>(&frame)) return c->request_id;
  if (const auto* a = std::get_if<AnswerFrame>(&frame)) return a->request_id;
  if (const auto* s = std::get_if<StartFrame>(&frame)) return s->request_id;
  return none;
}

std::string request_id_in(std::string_view text) {
  if (text.size() > kMaxFrameBytes || !is_valid_utf8(text) || !detail::nesting_within(text, kMaxFrameDepth)) return {};
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return {};
  auto id = j.find("id");
  if (id == j.end() || !id->is_string()) return {};
  const std::string& s = id->get_ref<const std::string&>();
  return s.size() <= kMaxIdBytes ? s : std::string();
}

Result<ClientFrame> decode_client_frame(std::string_view text) {
  // The busiest frame, in its usual shape, without the DOM (protocol_direct.hpp).
  if (auto message = detail::decode_send_message_direct(text)) return std::move(*message);
  return detail::decode_client_frame_dom(text);
}

Result<ClientFrame> detail::decode_client_frame_dom(std::string_view text) {
  json j;
  std::string type;
  if (auto error = parse_frame(text, kMaxFrameBytes, j, type)) return *error;
  std::optional<Error> error;
  Reader r(j, "", &error);
  std::optional<ClientFrame> frame;
  if (type == "resume") {
    frame = read_resume(r);
  } else if (type == "typing") {
    frame = TypingFrame{r.id("conversation", Empty::refused), r.flag("typing")};
  } else if (type == "answer") {
    frame = AnswerFrame{r.id("id", Empty::refused), r.id("conversation", Empty::refused),
                        r.text("text", kMaxMessageBytes), r.id("client_id", Empty::refused)};
  } else if (type == "ping") {
    frame = PingFrame{};
  } else if (type == "hello") {
    frame = read_hello(r);
  } else if (type == "start") {
    frame = StartFrame{r.id("id", Empty::refused)};
  } else {
    for (const auto& [name, read] : kCommandReaders) {
      if (name != type) continue;
      CommandFrame f;
      f.request_id = r.id("id", Empty::refused);
      f.command = read(r);
      frame = std::move(f);
      break;
    }
    if (!frame) return unknown_type(type);
  }
  if (error) return *error;
  return std::move(*frame);
}

// [SECTION] JSON values (protocol_json.hpp) ----------------------------------------------------

namespace {
// Runs `read` over `value` if it is an object; the first error, or the value read.
template <class T, class F>
Result<T> read_value(const json& value, const char* what, F read) {
  if (!value.is_object()) return make_error(ErrorCode::bad_request, std::string(what) + " must be a JSON object");
  std::optional<Error> error;
  Reader r(value, "", &error);
  std::optional<T> out = read(r);
  if (error) return *error;
  if (!out) return make_error(ErrorCode::bad_request, std::string(what) + " could not be read");
  return std::move(*out);
}
}  // namespace

Result<Event> event_from_json(const json& value) {
  return read_value<Event>(value, "event", [](Reader& r) { return read_event(r); });
}

Result<User> user_from_json(const json& value) {
  return read_value<User>(value, "user", [](Reader& r) { return std::optional<User>(read_user(r)); });
}

Result<SidePanel> side_panel_from_json(const json& value) {
  return read_value<SidePanel>(value, "side panel", [](Reader& r) { return std::optional<SidePanel>(read_panel(r)); });
}

Result<Conversation> conversation_from_json(const json& value) {
  return read_value<Conversation>(
      value, "conversation", [](Reader& r) { return std::optional<Conversation>(read_conversation(r)); });
}

}  // namespace livechat
