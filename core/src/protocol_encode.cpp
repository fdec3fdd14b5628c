// Writing frames and domain values as JSON. The reading side is protocol_decode.cpp; the two
// must agree on every field name (maintenance reminder: docs/protocol.md shows them too).
#include <nlohmann/json.hpp>

#include <type_traits>

#include "livechat/protocol.hpp"
#include "livechat/protocol_json.hpp"
#include "protocol_direct.hpp"

namespace livechat {

using nlohmann::json;

namespace {

json settings_json(const NotificationSettings& s) {
  return json{{"new_unassigned", s.new_unassigned}, {"assigned_to_me", s.assigned_to_me},
              {"new_message", s.new_message}};
}

json message_json(const Message& m) {
  return json{{"seq", m.seq},           {"author", author_name(m.author)},
              {"author_id", m.author_id}, {"text", m.text},
              {"at", m.at},             {"client_id", m.client_id},
              {"note", system_note_name(m.note)}, {"subject", m.subject}};
}

json item_json(const ItemLink& i) {
  return json{{"kind", item_kind_name(i.kind)}, {"item_id", i.item_id}, {"at", i.at}, {"by", i.by}};
}

// The fields every conversation event shares.
template <class E>
json conversation_event(const E& e) {
  return json{{"conversation", e.conversation}, {"seq", e.seq}, {"at", e.at}};
}

// A command's fields (without "type"), written into `out`.
void command_fields(const Command& command, json& out) {
  std::visit(
      [&out](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, AddUser>) {
          out["user"] = to_json_value(c.user);
        } else if constexpr (std::is_same_v<T, SetRole>) {
          out["user"] = c.user;
          out["role"] = role_name(c.role);
        } else if constexpr (std::is_same_v<T, SetOnline>) {
          out["online"] = c.online;
        } else if constexpr (std::is_same_v<T, SetAway>) {
          out["user"] = c.user;
          out["away"] = c.away;
        } else if constexpr (std::is_same_v<T, SetNotificationSettings>) {
          out["settings"] = settings_json(c.settings);
        } else if constexpr (std::is_same_v<T, StartConversation>) {
          out["conversation"] = c.conversation;
          out["visitor_id"] = c.visitor_id;
          out["playbook_id"] = c.playbook_id;
          out["visitor_name"] = c.visitor_name;
        } else if constexpr (std::is_same_v<T, SendMessage> || std::is_same_v<T, PostNote>) {
          out["conversation"] = c.conversation;
          out["text"] = c.text;
          out["client_id"] = c.client_id;
        } else if constexpr (std::is_same_v<T, RequestLiveChat>) {
          out["conversation"] = c.conversation;
          out["wait_seconds"] = c.wait_seconds;
        } else if constexpr (std::is_same_v<T, ExpireWait> || std::is_same_v<T, AssignToMe> ||
                             std::is_same_v<T, CloseConversation>) {
          out["conversation"] = c.conversation;
        } else if constexpr (std::is_same_v<T, Reassign>) {
          out["conversation"] = c.conversation;
          out["to"] = c.to;
        } else if constexpr (std::is_same_v<T, UpdateSidePanel>) {
          out["conversation"] = c.conversation;
          out["panel"] = to_json_value(c.panel);
        } else if constexpr (std::is_same_v<T, RecordItem>) {
          out["conversation"] = c.conversation;
          out["kind"] = item_kind_name(c.kind);
          out["item_id"] = c.item_id;
        } else {
          static_assert(sizeof(T) == 0, "encode every Command alternative");
        }
      },
      command);
}

json frame(std::string_view type) { return json{{"v", kProtocolVersion}, {"type", type}}; }

// Compact text; invalid UTF-8 becomes U+FFFD instead of aborting (JSON_NOEXCEPTION).
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json event_frame_json(uint64_t pos, const Event& event) {
  json j = frame("event");
  j["pos"] = pos;
  j["event"] = to_json_value(event);
  return j;
}

}  // namespace

std::string_view command_type_name(const Command& command) {
  static constexpr std::string_view kNames[] = {
      "add_user",       "set_role",           "set_online",   "set_away",
      "set_notification_settings",            "start_conversation",
      "send_message",   "request_live_chat",  "expire_wait",  "assign_to_me",
      "reassign",       "close_conversation", "update_side_panel", "record_item",
      "post_note"};
  static_assert(std::size(kNames) == std::variant_size_v<Command>, "name every Command alternative");
  return kNames[command.index()];
}

json to_json_value(const User& u) {
  return json{{"id", u.id},       {"name", u.name},     {"email", u.email},
              {"role", role_name(u.role)}, {"online", u.online}, {"away", u.away},
              {"notifications", settings_json(u.notifications)}};
}

json to_json_value(const SidePanel& p) {
  json out{{"deal_value_cents", nullptr},
           {"currency", p.currency},
           {"expected_close_date", p.expected_close_date},
           {"person_name", p.person_name},
           {"email", p.email},
           {"phone", p.phone},
           {"organization_name", p.organization_name},
           {"organization_address", p.organization_address},
           {"notes", p.notes}};
  if (p.deal_value_cents >= 0) out["deal_value_cents"] = p.deal_value_cents;
  return out;
}

json to_json_value(const Event& event) {
  json out = std::visit(
      [](const auto& e) -> json {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, UserAdded>) {
          return json{{"user", to_json_value(e.user)}};
        } else if constexpr (std::is_same_v<T, RoleChanged>) {
          return json{{"user", e.user}, {"role", role_name(e.role)}};
        } else if constexpr (std::is_same_v<T, OnlineChanged>) {
          return json{{"user", e.user}, {"online", e.online}};
        } else if constexpr (std::is_same_v<T, AwayChanged>) {
          return json{{"user", e.user}, {"away", e.away}};
        } else if constexpr (std::is_same_v<T, NotificationSettingsChanged>) {
          return json{{"user", e.user}, {"settings", settings_json(e.settings)}};
        } else {
          json j = conversation_event(e);
          if constexpr (std::is_same_v<T, ConversationStarted>) {
            j["visitor_id"] = e.visitor_id;
            j["playbook_id"] = e.playbook_id;
            j["visitor_name"] = e.visitor_name;
          } else if constexpr (std::is_same_v<T, MessagePosted>) {
            j["author"] = author_name(e.author);
            j["author_id"] = e.author_id;
            j["text"] = e.text;
            j["client_id"] = e.client_id;
          } else if constexpr (std::is_same_v<T, LiveChatRequested>) {
            j["wait_deadline"] = e.wait_deadline;
          } else if constexpr (std::is_same_v<T, WaitExpired>) {
            // conversation, seq and at say it all
          } else if constexpr (std::is_same_v<T, ConversationAssigned>) {
            j["to"] = e.to;
            j["by"] = e.by;
          } else if constexpr (std::is_same_v<T, ConversationUnassigned> ||
                               std::is_same_v<T, ConversationClosed>) {
            j["by"] = e.by;
          } else if constexpr (std::is_same_v<T, SidePanelUpdated>) {
            j["panel"] = to_json_value(e.panel);
            j["by"] = e.by;
          } else if constexpr (std::is_same_v<T, ItemRecorded>) {
            j["kind"] = item_kind_name(e.kind);
            j["item_id"] = e.item_id;
            j["by"] = e.by;
          } else {
            static_assert(sizeof(T) == 0, "encode every Event alternative");
          }
          return j;
        }
      },
      event);
  out["type"] = event_type_name(event);
  return out;
}

json to_json_value(const Conversation& c) {
  json messages = json::array();
  for (const Message& m : c.messages) messages.push_back(message_json(m));
  json items = json::array();
  for (const ItemLink& i : c.items) items.push_back(item_json(i));
  json client_ids = json::object();
  for (const auto& [key, seq] : c.client_ids) client_ids[key] = seq;
  return json{{"id", c.id},
              {"visitor_id", c.visitor_id},
              {"visitor_name", c.visitor_name},
              {"playbook_id", c.playbook_id},
              {"phase", phase_name(c.phase)},
              {"assignee", c.assignee},
              {"created_at", c.created_at},
              {"requested_at", c.requested_at},
              {"wait_deadline", c.wait_deadline},
              {"missed", c.missed},
              {"closed_at", c.closed_at},
              {"closed_by", c.closed_by},
              {"messages", std::move(messages)},
              {"panel", to_json_value(c.panel)},
              {"items", std::move(items)},
              {"last_seq", c.last_seq},
              {"client_ids", std::move(client_ids)}};
}

std::string encode(const ClientFrame& client_frame) {
  json out = std::visit(
      [](const auto& f) -> json {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, CommandFrame>) {
          json j = frame(command_type_name(f.command));
          j["id"] = f.request_id;
          command_fields(f.command, j);
          return j;
        } else if constexpr (std::is_same_v<T, ResumeFrame>) {
          json j = frame("resume");
          if (f.conversation.empty()) {
            j["after_pos"] = f.after_pos;
          } else {
            j["conversation"] = f.conversation;
            j["after"] = f.after;
          }
          return j;
        } else if constexpr (std::is_same_v<T, TypingFrame>) {
          json j = frame("typing");
          j["conversation"] = f.conversation;
          j["typing"] = f.typing;
          return j;
        } else if constexpr (std::is_same_v<T, AnswerFrame>) {
          json j = frame("answer");
          j["id"] = f.request_id;
          j["conversation"] = f.conversation;
          j["text"] = f.text;
          j["client_id"] = f.client_id;
          return j;
        } else if constexpr (std::is_same_v<T, PingFrame>) {
          return frame("ping");
        } else if constexpr (std::is_same_v<T, HelloFrame>) {
          json j = frame("hello");
          j["token"] = f.token;
          j["playbook"] = f.playbook;
          j["lang"] = f.lang;
          if (f.has_after_pos) j["after_pos"] = f.after_pos;
          return j;
        } else if constexpr (std::is_same_v<T, StartFrame>) {
          json j = frame("start");
          j["id"] = f.request_id;
          return j;
        } else {
          static_assert(sizeof(T) == 0, "encode every ClientFrame alternative");
        }
      },
      client_frame);
  return dump(out);
}

json to_json_value(const ServerFrame& server_frame) {
  return std::visit(
      [](const auto& f) -> json {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, AckFrame>) {
          json j = frame("ack");
          j["id"] = f.request_id;
          j["seq"] = f.seq;
          j["duplicate"] = f.duplicate;
          return j;
        } else if constexpr (std::is_same_v<T, ErrorFrame>) {
          json j = frame("error");
          j["id"] = f.request_id;
          j["code"] = error_code_name(f.error.code);
          j["message"] = f.error.message;
          if (!f.error.field.empty()) j["field"] = f.error.field;
          return j;
        } else if constexpr (std::is_same_v<T, EventFrame>) {
          return event_frame_json(f.pos, f.event);
        } else if constexpr (std::is_same_v<T, ServerTyping>) {
          json j = frame("typing");
          j["conversation"] = f.conversation;
          j["typing"] = f.typing;
          j["who"] = f.who;
          return j;
        } else if constexpr (std::is_same_v<T, ResumedFrame>) {
          json j = frame("resumed");
          j["conversation"] = f.conversation;
          j["last_seq"] = f.last_seq;
          j["last_pos"] = f.last_pos;
          return j;
        } else if constexpr (std::is_same_v<T, PongFrame>) {
          return frame("pong");
        } else if constexpr (std::is_same_v<T, WelcomeFrame>) {
          json j = frame("welcome");
          j["visitor_id"] = f.visitor_id;
          j["token"] = f.token;
          j["conversation"] = f.conversation;
          j["bot_name"] = f.bot_name;
          j["bot_avatar_url"] = f.bot_avatar_url;
          j["live_chat_available"] = f.live_chat_available;
          if (f.back_at > 0) j["back_at"] = f.back_at;
          return j;
        } else if constexpr (std::is_same_v<T, AgentWelcomeFrame>) {
          json j = frame("agent_welcome");
          j["user"] = to_json_value(f.user);
          return j;
        } else if constexpr (std::is_same_v<T, PromptFrame>) {
          json j = frame("prompt");
          j["conversation"] = f.conversation;
          j["card_id"] = f.prompt.card_id;
          j["kind"] = prompt_kind_name(f.prompt.kind);
          j["buttons"] = f.prompt.kind == PromptKind::buttons ? f.prompt.buttons : std::vector<std::string>{};
          j["field"] = f.prompt.kind == PromptKind::capture ? capture_kind_name(f.prompt.field) : std::string_view{};
          return j;
        } else if constexpr (std::is_same_v<T, SnapshotFrame>) {
          json j = frame("snapshot");
          j["pos"] = f.pos;
          json users = json::array();
          for (const User& u : f.users) users.push_back(to_json_value(u));
          json conversations = json::array();
          for (const Conversation& c : f.conversations) conversations.push_back(to_json_value(c));
          j["users"] = std::move(users);
          j["conversations"] = std::move(conversations);
          return j;
        } else if constexpr (std::is_same_v<T, ConversationFrame>) {
          json j = frame("conversation");
          j["pos"] = f.pos;
          j["conversation"] = to_json_value(f.conversation);
          return j;
        } else if constexpr (std::is_same_v<T, HiddenFrame>) {
          json j = frame("hidden");
          j["conversation"] = f.conversation;
          return j;
        } else if constexpr (std::is_same_v<T, NotifyFrame>) {
          json j = frame("notify");
          j["kind"] = f.kind;
          j["conversation"] = f.conversation;
          j["title"] = f.title;
          j["body"] = f.body;
          return j;
        } else {
          static_assert(sizeof(T) == 0, "encode every ServerFrame alternative");
        }
      },
      server_frame);
}

std::string encode(const ServerFrame& server_frame) {
  std::string text;
  if (detail::encode_direct(server_frame, text)) return text;
  return dump(to_json_value(server_frame));
}

std::string encode_event_frame(uint64_t pos, const Event& event) {
  std::string text;
  if (detail::encode_event_frame_direct(pos, event, text)) return text;
  return dump(event_frame_json(pos, event));
}

}  // namespace livechat
