// Reading frames and domain values from JSON, strictly: every field's presence, JSON type,
// UTF-8, size and range is checked before it is read, and the first problem is returned as an
// Error naming the field. No exceptions: nlohmann::json is parsed with allow_exceptions=false
// and never read with .at() or get<>() before its type is checked.
// The writing side is protocol_encode.cpp; the two must agree on every field name.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "livechat/notifications.hpp"
#include "livechat/protocol.hpp"
#include "livechat/protocol_json.hpp"
#include "livechat/validate.hpp"

namespace livechat {

using nlohmann::json;

namespace {

// [SECTION] Reader: typed, checked field access with a sticky first error ----------------------

enum class Need { required, optional };
enum class Empty { allowed, refused };

// Up to `max` bytes of `s`, cut at a code point boundary (s is valid UTF-8), for messages.
std::string clip(std::string_view s, std::size_t max = 64) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

// Reads the fields of one JSON object. All readers of one value share one error slot; after
// the first failure every read is a no-op returning a default, so callers check once at the end.
class Reader {
 public:
  Reader(const json& value, std::string path, std::optional<Error>* error)
      : value_(value), path_(std::move(path)), error_(error) {}

  bool failed() const { return error_->has_value(); }

  void fail(ErrorCode code, std::string message, std::string field) {
    if (!failed()) *error_ = make_error(code, std::move(message), std::move(field));
  }

  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  bool has(const char* key) const { return value_.is_object() && value_.find(key) != value_.end(); }

  // The member `key`, or nullptr (failing with bad_request when it is required).
  const json* get(const char* key, Need need = Need::required) {
    if (failed()) return nullptr;
    auto it = value_.find(key);
    if (it == value_.end()) {
      if (need == Need::required) fail(ErrorCode::bad_request, "missing field '" + path(key) + "'", path(key));
      return nullptr;
    }
    return &*it;
  }

  void wrong_type(const char* key, const char* what) {
    fail(ErrorCode::bad_request, "field '" + path(key) + "' must be " + what, path(key));
  }

  // A string of valid UTF-8. Absent and optional: empty.
  std::string str(const char* key, Need need = Need::required) {
    const json* v = get(key, need);
    if (!v) return {};
    if (!v->is_string()) {
      wrong_type(key, "a string");
      return {};
    }
    const std::string* s = v->get_ptr<const std::string*>();
    if (!is_valid_utf8(*s)) {
      fail(ErrorCode::invalid_field, "field '" + path(key) + "' is not valid UTF-8", path(key));
      return {};
    }
    return *s;
  }

  // An id: a string of at most kMaxIdBytes bytes, non-empty unless allowed.
  std::string id(const char* key, Empty empty, Need need = Need::required) {
    return bounded(key, kMaxIdBytes, empty, need);
  }

  // An id-like string (id, token, language tag) of at most `max` bytes, non-empty unless
  // allowed; both problems are invalid_field (free text beyond its cap is too_large: text()).
  std::string bounded(const char* key, std::size_t max, Empty empty, Need need = Need::required) {
    std::string s = str(key, need);
    if (failed()) return {};
    if (s.empty() && empty == Empty::refused && (need == Need::required || has(key))) {
      fail(ErrorCode::invalid_field, "field '" + path(key) + "' must not be empty", path(key));
    } else if (s.size() > max) {
      fail(ErrorCode::invalid_field, "field '" + path(key) + "' is longer than " + std::to_string(max) + " bytes",
           path(key));
    }
    return s;
  }

  // Free text of at most `max` bytes (too_large beyond).
  std::string text(const char* key, std::size_t max) {
    std::string s = str(key);
    if (s.size() > max) {
      fail(ErrorCode::too_large, "field '" + path(key) + "' is longer than " + std::to_string(max) + " bytes",
           path(key));
    }
    return s;
  }

  bool flag(const char* key) {
    const json* v = get(key);
    if (!v) return false;
    if (!v->is_boolean()) {
      wrong_type(key, "true or false");
      return false;
    }
    return *v->get_ptr<const bool*>();
  }

  // A non-negative integer (seq, pos).
  uint64_t u64(const char* key) {
    const json* v = get(key);
    return v ? u64_value(*v, path(key)) : 0;
  }

  // `v`, which sits at `field`, as a non-negative integer.
  uint64_t u64_value(const json& v, const std::string& field) {
    if (failed()) return 0;
    if (!v.is_number_integer()) {
      fail(ErrorCode::bad_request, "field '" + field + "' must be an integer", field);
      return 0;
    }
    if (v.is_number_unsigned()) return *v.get_ptr<const json::number_unsigned_t*>();
    const int64_t s = *v.get_ptr<const json::number_integer_t*>();
    if (s < 0) {
      fail(ErrorCode::invalid_field, "field '" + field + "' must not be negative", field);
      return 0;
    }
    return static_cast<uint64_t>(s);
  }

  // A signed 64-bit integer (times in ms).
  int64_t i64(const char* key) {
    const json* v = get(key);
    if (!v) return 0;
    if (!v->is_number_integer()) {
      wrong_type(key, "an integer");
      return 0;
    }
    if (v->is_number_unsigned()) {
      const uint64_t u = *v->get_ptr<const json::number_unsigned_t*>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        fail(ErrorCode::invalid_field, "field '" + path(key) + "' is out of range", path(key));
        return 0;
      }
      return static_cast<int64_t>(u);
    }
    return *v->get_ptr<const json::number_integer_t*>();
  }

  // An integer in lo..hi (invalid_field outside; lo <= hi, both non-negative).
  int64_t int_in(const char* key, int64_t lo, int64_t hi) {
    const json* v = get(key);
    if (!v) return lo;
    if (!v->is_number_integer()) {
      wrong_type(key, "an integer");
      return lo;
    }
    const bool in_range = v->is_number_unsigned()
                              ? *v->get_ptr<const json::number_unsigned_t*>() <= static_cast<uint64_t>(hi) &&
                                    *v->get_ptr<const json::number_unsigned_t*>() >= static_cast<uint64_t>(lo)
                              : *v->get_ptr<const json::number_integer_t*>() <= hi &&
                                    *v->get_ptr<const json::number_integer_t*>() >= lo;
    if (!in_range) {
      fail(ErrorCode::invalid_field,
           "field '" + path(key) + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi),
           path(key));
      return lo;
    }
    return i64(key);
  }

  // An enum written as its snake_case name; unknown names are invalid_field.
  template <class E>
  E name(const char* key, bool (*parse)(std::string_view, E&)) {
    E out{};
    std::string s = str(key);
    if (!failed() && !parse(s, out))
      fail(ErrorCode::invalid_field, "field '" + path(key) + "' has an unknown value '" + clip(s) + "'", path(key));
    return out;
  }

  // A reader for the nested object `key` (an empty, failed reader when missing or not one).
  Reader object(const char* key) {
    const json* v = get(key);
    if (v && !v->is_object()) {
      wrong_type(key, "an object");
      v = nullptr;
    }
    return Reader(v ? *v : empty_object(), path(key), error_);
  }

  // The nested array `key`, or nullptr after failing.
  const json* array(const char* key) {
    const json* v = get(key);
    if (v && !v->is_array()) {
      wrong_type(key, "an array");
      return nullptr;
    }
    return v;
  }

  // The array `key` of strings (each valid UTF-8); an element at fault is named `key[i]`.
  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    const json* a = array(key);
    if (!a) return out;
    for (std::size_t i = 0; i < a->size() && !failed(); ++i) {
      const json& e = (*a)[i];
      const std::string at = path(key) + "[" + std::to_string(i) + "]";
      if (!e.is_string())
        fail(ErrorCode::bad_request, "field '" + at + "' must be a string", at);
      else if (!is_valid_utf8(*e.get_ptr<const std::string*>()))
        fail(ErrorCode::invalid_field, "field '" + at + "' is not valid UTF-8", at);
      else
        out.push_back(*e.get_ptr<const std::string*>());
    }
    return out;
  }

  // A reader for element `i` of `array` (which sits at field `key`); must be an object.
  Reader element(const char* key, const json& element, std::size_t i) {
    std::string at = path(key) + "[" + std::to_string(i) + "]";
    if (!failed() && !element.is_object())
      fail(ErrorCode::bad_request, "field '" + at + "' must be an object", at);
    return Reader(element.is_object() ? element : empty_object(), at, error_);
  }

  const json& value() const { return value_; }

 private:
  static const json& empty_object() {
    static const json kEmpty = json::object();
    return kEmpty;
  }

  const json& value_;
  std::string path_;
  std::optional<Error>* error_;
};

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

Message read_message(Reader r) {
  return Message{r.u64("seq"), r.name("author", parse_author), r.id("author_id", Empty::allowed),
                 r.str("text"), r.i64("at"), r.id("client_id", Empty::allowed),
                 r.name("note", parse_system_note), r.str("subject")};
}

ItemLink read_item(Reader r) {
  return ItemLink{r.name("kind", parse_item_kind), r.id("item_id", Empty::refused), r.i64("at"),
                  r.id("by", Empty::allowed)};
}

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

std::optional<Event> read_event(Reader& r) {
  const std::string type = r.str("type");
  if (r.failed()) return std::nullopt;
  for (const auto& [name, read] : kEventReaders)
    if (name == type) return read(r);
  r.fail(ErrorCode::bad_request, "field '" + r.path("type") + "' names an unknown event type '" + clip(type) + "'",
         r.path("type"));
  return std::nullopt;
}

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
};
static_assert(std::size(kCommandReaders) == std::variant_size_v<Command>, "read every Command alternative");

// [SECTION] Frames ----------------------------------------------------------------------------

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
       {NotificationKind::new_unassigned, NotificationKind::assigned_to_you, NotificationKind::new_message})
    if (notification_kind_name(k) == s) {
      out = k;
      return true;
    }
  return false;
}

PromptFrame read_prompt(Reader& r) {
  PromptFrame f;
  f.conversation = r.id("conversation", Empty::refused);
  f.card_id = r.id("card_id", Empty::allowed);
  const PromptKind kind = r.name("kind", parse_prompt_kind);
  f.kind = std::string(prompt_kind_name(kind));
  f.buttons = r.strings("buttons");
  if (!r.failed() && kind != PromptKind::buttons && !f.buttons.empty())
    r.fail(ErrorCode::invalid_field, "field 'buttons' must be empty unless kind is buttons", "buttons");
  if (kind == PromptKind::capture) {
    f.field = std::string(capture_kind_name(r.name("field", parse_capture_field)));
  } else {
    f.field = r.str("field");
    if (!r.failed() && !f.field.empty())
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

Result<ClientFrame> decode_client_frame(std::string_view text) {
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
                         r.flag("live_chat_available")};
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
