// The wire protocol: every frame round-trips byte-exact, and every validation rule rejects with
// its stable code and field. Tables: one row per frame alternative or per rule, named after it.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "livechat/protocol.hpp"
#include "livechat/protocol_json.hpp"
#include "livechat/validate.hpp"
#include "protocol_samples.hpp"

namespace livechat {
namespace {

using nlohmann::json;
using namespace protocol_samples;


// [SECTION] Comparing values -------------------------------------------------------------------
// commands.hpp gives the Command structs no operator==; compare their fields here.
auto fields(const AddUser& c) { return std::tie(c.user); }
auto fields(const SetRole& c) { return std::tie(c.user, c.role); }
auto fields(const SetOnline& c) { return std::tie(c.online); }
auto fields(const SetAway& c) { return std::tie(c.user, c.away); }
auto fields(const SetNotificationSettings& c) { return std::tie(c.settings); }
auto fields(const StartConversation& c) { return std::tie(c.conversation, c.visitor_id, c.playbook_id, c.visitor_name); }
auto fields(const SendMessage& c) { return std::tie(c.conversation, c.text, c.client_id); }
auto fields(const RequestLiveChat& c) { return std::tie(c.conversation, c.wait_seconds); }
auto fields(const ExpireWait& c) { return std::tie(c.conversation); }
auto fields(const AssignToMe& c) { return std::tie(c.conversation); }
auto fields(const Reassign& c) { return std::tie(c.conversation, c.to); }
auto fields(const CloseConversation& c) { return std::tie(c.conversation); }
auto fields(const UpdateSidePanel& c) { return std::tie(c.conversation, c.panel); }
auto fields(const RecordItem& c) { return std::tie(c.conversation, c.kind, c.item_id); }
auto fields(const PostNote& c) { return std::tie(c.conversation, c.text, c.client_id); }

bool same(const Command& a, const Command& b) {
  return a.index() == b.index() && std::visit(
                                       [&b](const auto& x) {
                                         using T = std::decay_t<decltype(x)>;
                                         return fields(x) == fields(*std::get_if<T>(&b));
                                       },
                                       a);
}

bool same(const ClientFrame& a, const ClientFrame& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&b](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        const T& y = *std::get_if<T>(&b);
        if constexpr (std::is_same_v<T, CommandFrame>)
          return x.request_id == y.request_id && same(x.command, y.command);
        else
          return x == y;
      },
      a);
}

template <class F>
struct Row {
  std::string name;
  F frame;
};
template <class F>
void PrintTo(const Row<F>& row, std::ostream* os) { *os << row.name; }

CommandFrame cmd(Command c) { return CommandFrame{"r-" + std::string(command_type_name(c)), std::move(c)}; }

std::vector<Row<ClientFrame>> client_rows() {
  SidePanel unset;  // deal value -1: written as null
  unset.person_name = "Ольга";
  return {
      {"add_user", cmd(AddUser{sample_user()})},
      {"set_role", cmd(SetRole{"u-2", Role::admin})},
      {"set_online", cmd(SetOnline{true})},
      {"set_away", cmd(SetAway{"u-2", true})},
      {"set_notification_settings", cmd(SetNotificationSettings{{true, false, true}})},
      {"start_conversation", cmd(StartConversation{"c-1", "v-1", "pb-1", "Иван 张"})},
      {"start_conversation_without_name", cmd(StartConversation{"c-1", "v-1", "pb-1", ""})},
      {"send_message_wild_text", cmd(SendMessage{"c-1", kWild, "m-3f2"})},
      {"send_message_max_size_text", cmd(SendMessage{"c-1", std::string(kMaxMessageBytes, 'x'), "m-1"})},
      {"request_live_chat", cmd(RequestLiveChat{"c-1", kMaxWaitSeconds})},
      {"expire_wait", cmd(ExpireWait{"c-1"})},
      {"assign_to_me", cmd(AssignToMe{"c-1"})},
      {"reassign_to_user", cmd(Reassign{"c-1", "u-2"})},
      {"reassign_to_unassigned", cmd(Reassign{"c-1", ""})},
      {"close_conversation", cmd(CloseConversation{"c-1"})},
      {"update_side_panel", cmd(UpdateSidePanel{"c-1", sample_panel()})},
      {"update_side_panel_unset_value", cmd(UpdateSidePanel{"c-1", unset})},
      {"record_item", cmd(RecordItem{"c-1", ItemKind::deal, "deal-9"})},
      {"post_note", cmd(PostNote{"c-1", "@Anna " + std::string(kWild), "n-1"})},
      {"resume_visitor", ResumeFrame{"c-1", 12, 0}},
      {"resume_visitor_from_start", ResumeFrame{"c-1", 0, 0}},
      {"resume_agent", ResumeFrame{"", 0, std::numeric_limits<uint64_t>::max()}},
      {"typing", TypingFrame{"c-1", true}},
      {"answer", AnswerFrame{"r-9", "c-1", "Sì, grazie 🙏", "m-9"}},
      {"ping", PingFrame{}},
      {"hello_visitor", HelloFrame{"tok-Zx9_-.~", "pb-1", "it", 0, false}},
      {"hello_visitor_without_token", HelloFrame{"", "pb-1", "pt-BR", 0, false}},
      {"hello_agent_with_after_pos", HelloFrame{"sess-1", "", "en", 340, true}},
      {"hello_agent_cookie_after_pos_0", HelloFrame{"", "", "", 0, true}},
      {"hello_agent_max_sizes",
       HelloFrame{std::string(kMaxTokenBytes, 't'), std::string(kMaxIdBytes, 'p'), std::string(kMaxLangBytes, 'l'),
                  std::numeric_limits<uint64_t>::max(), true}},
      {"start", StartFrame{"r-1"}},
  };
}

std::vector<Row<ServerFrame>> server_rows() {
  auto ev = [](Event e) { return EventFrame{341, std::move(e)}; };
  std::vector<Row<ServerFrame>> rows = {
      {"ack", AckFrame{"r-17", 13, false}},
      {"ack_duplicate", AckFrame{"r-17", std::numeric_limits<uint64_t>::max(), true}},
      {"error_with_field", ErrorFrame{"r-1", make_error(ErrorCode::invalid_field, "bad émail", "panel.email")}},
      {"error_without_request", ErrorFrame{"", make_error(ErrorCode::bad_request, kWild)}},
      {"event_user_added", ev(UserAdded{sample_user()})},
      {"event_role_changed", ev(RoleChanged{"u-2", Role::admin})},
      {"event_online_changed", ev(OnlineChanged{"u-2", true})},
      {"event_away_changed", ev(AwayChanged{"u-2", true})},
      {"event_notification_settings_changed", ev(NotificationSettingsChanged{"u-2", {false, false, true}})},
      {"event_conversation_started", ev(ConversationStarted{"c-1", 1, 1700000000000, "v-1", "pb-1", "Ζωή"})},
      {"event_message_posted", ev(MessagePosted{"c-1", 2, 1700000000001, Author::visitor, "v-1", kWild, "m-1"})},
      {"event_note_posted", ev(MessagePosted{"c-1", 3, 1700000000002, Author::note, "u-1", "@Anna see", "n-1"})},
      {"event_message_posted_long_bot_text",
       ev(MessagePosted{"c-1", 3, 1, Author::bot, "", std::string(kMaxMessageBytes + 100, 'b'), ""})},
      {"event_live_chat_requested", ev(LiveChatRequested{"c-1", 4, 10, 120010})},
      {"event_wait_expired", ev(WaitExpired{"c-1", 5, 120010})},
      {"event_conversation_assigned", ev(ConversationAssigned{"c-1", 6, -5, "u-1", "u-1"})},
      {"event_conversation_unassigned", ev(ConversationUnassigned{"c-1", 7, 8, "u-1"})},
      {"event_conversation_closed", ev(ConversationClosed{"c-1", 8, 9, ""})},
      {"event_side_panel_updated", ev(SidePanelUpdated{"c-1", 9, 10, sample_panel(), "u-1"})},
      {"event_item_recorded", ev(ItemRecorded{"c-1", 10, std::numeric_limits<int64_t>::max(), ItemKind::activity,
                                              "act-1", ""})},
      {"event_without_pos", EventFrame{0, WaitExpired{"c-2", 1, 0}}},
      {"typing", ServerTyping{"c-1", false, "Anna 🌸"}},
      {"resumed_visitor", ResumedFrame{"c-1", 13, 0}},
      {"resumed_agent", ResumedFrame{"", 0, 341}},
      {"pong", PongFrame{}},
      {"welcome", WelcomeFrame{"v-81f", "tok-1", "c-1", "Sofia 🤖", "https://example.com/a.png?x=1&y=\"2\"", true}},
      {"welcome_without_conversation", WelcomeFrame{"v-1", std::string(kMaxTokenBytes, 't'), "", "", "", false}},
      {"welcome_outside_hours", WelcomeFrame{"v-2", "tok-2", "", "Sofia", "", false, 1796630400000}},
      {"agent_welcome", AgentWelcomeFrame{sample_user()}},
      {"prompt_none", PromptFrame{"c-1", Prompt{PromptKind::none, "", {}, CaptureKind::name}}},
      {"prompt_buttons", PromptFrame{"c-1", Prompt{PromptKind::buttons, "q1", {"Pricing", "Демо 🎬", ""}, CaptureKind::name}}},
      {"prompt_free_text", PromptFrame{"c-1", Prompt{PromptKind::free_text, "q2", {}, CaptureKind::name}}},
      {"prompt_capture", PromptFrame{"c-1", Prompt{PromptKind::capture, "ask_email", {}, CaptureKind::email}}},
      {"prompt_waiting_for_agent", PromptFrame{"c-1", Prompt{PromptKind::waiting_for_agent, "live_chat", {}, CaptureKind::name}}},
      {"prompt_finished", PromptFrame{"c-1", Prompt{PromptKind::finished, "end", {}, CaptureKind::name}}},
      {"snapshot", SnapshotFrame{341, {sample_user(), User{"u-2", "Marco", "", Role::regular, false, false, {}}},
                                 {sample_conversation(), fresh_conversation()}}},
      {"snapshot_empty", SnapshotFrame{0, {}, {}}},
      {"snapshot_larger_than_64k", SnapshotFrame{std::numeric_limits<uint64_t>::max(), {sample_user()},
                                                 {sample_conversation(), big_conversation()}}},
      {"conversation", ConversationFrame{342, sample_conversation()}},
      {"hidden", HiddenFrame{"c-1"}},
      {"notify_new_unassigned", NotifyFrame{"new_unassigned", "c-1", "New chat", "Luca: \"Hi\" ✨"}},
      {"notify_assigned_to_you", NotifyFrame{"assigned_to_you", "c-1", "Assigned to you", ""}},
      {"notify_new_message", NotifyFrame{"new_message", "c-1", "", kWild}},
      {"notify_mentioned", NotifyFrame{"mentioned", "c-1", "You were mentioned in a note", "Vera: @Anna see"}},
  };
  for (int code = 0; code <= static_cast<int>(ErrorCode::unsupported_version); ++code) {
    const auto c = static_cast<ErrorCode>(code);
    rows.push_back({"error_code_" + std::string(error_code_name(c)), ErrorFrame{"r-2", make_error(c, "m", "f")}});
  }
  return rows;
}

template <class F>
std::string row_name(const testing::TestParamInfo<Row<F>>& info) { return info.param.name; }

// [SECTION] Round trips ------------------------------------------------------------------------
class ClientRoundTrip : public testing::TestWithParam<Row<ClientFrame>> {};
TEST_P(ClientRoundTrip, DecodeOfEncodeIsEqual) {
  const ClientFrame& frame = GetParam().frame;
  const std::string text = encode(frame);
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(text.find('\n'), std::string::npos) << "one line per frame";
  Result<ClientFrame> back = decode_client_frame(text);
  ASSERT_TRUE(back.ok()) << back.error().message << " in " << text;
  EXPECT_TRUE(same(back.value(), frame)) << text << "\nre-encoded: " << encode(back.value());
  EXPECT_EQ(encode(back.value()), text);
}
INSTANTIATE_TEST_SUITE_P(Protocol, ClientRoundTrip, testing::ValuesIn(client_rows()), row_name<ClientFrame>);

class ServerRoundTrip : public testing::TestWithParam<Row<ServerFrame>> {};
TEST_P(ServerRoundTrip, DecodeOfEncodeIsEqual) {
  const ServerFrame& frame = GetParam().frame;
  const std::string text = encode(frame);
  EXPECT_TRUE(is_valid_utf8(text));
  Result<ServerFrame> back = decode_server_frame(text);
  ASSERT_TRUE(back.ok()) << back.error().message << " in " << text;
  EXPECT_TRUE(back.value() == frame) << text << "\nre-encoded: " << encode(back.value());
}
INSTANTIATE_TEST_SUITE_P(Protocol, ServerRoundTrip, testing::ValuesIn(server_rows()), row_name<ServerFrame>);

// [SECTION] Rejections -------------------------------------------------------------------------
struct Reject {
  std::string name;
  std::string text;
  ErrorCode code;
  std::string field;
};
void PrintTo(const Reject& row, std::ostream* os) { *os << row.name; }
std::string reject_name(const testing::TestParamInfo<Reject>& info) { return info.param.name; }

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }
const std::string kSend = R"({"v":1,"type":"send_message","id":"r-1","conversation":"c-1","client_id":"m-1",)";
std::string send_with_text(const std::string& text) { return kSend + R"("text":")" + text + R"("})"; }
std::string padded_to(const std::string& type, std::size_t bytes) {
  const std::string head = R"({"v":1,"type":")" + type + R"(","pad":")", tail = R"("})";
  return head + std::string(bytes - head.size() - tail.size(), 'p') + tail;
}
std::string ping_padded_to(std::size_t bytes) { return padded_to("ping", bytes); }
std::string add_user(const std::string& user) { return R"({"v":1,"type":"add_user","id":"r-1","user":)" + user + "}"; }
std::string panel_with(const std::string& deal_value) {
  return R"({"v":1,"type":"update_side_panel","id":"r-1","conversation":"c-1","panel":{"deal_value_cents":)" +
         deal_value +
         R"(,"currency":"EUR","expected_close_date":"","person_name":"","email":"","phone":"",)"
         R"("organization_name":"","organization_address":"","notes":""}})";
}
std::string resume(const std::string& fields) { return R"({"v":1,"type":"resume")" + fields + "}"; }
std::string wait(const std::string& seconds) {
  return R"({"v":1,"type":"request_live_chat","id":"r-1","conversation":"c-1","wait_seconds":)" + seconds + "}";
}

std::string hello(const std::string& fields) { return R"({"v":1,"type":"hello",)" + fields + "}"; }

// A frame as a JSON value, to edit one field of a valid frame for a reject row.
json wire(const ServerFrame& frame) { return json::parse(encode(frame)); }
template <class Edit>
std::string edited(json frame, Edit edit) {
  edit(frame);
  return frame.dump();
}

std::vector<Reject> client_rejects() {
  using E = ErrorCode;
  const std::string id129(kMaxIdBytes + 1, 'i');
  return {
      {"frame_over_64k", ping_padded_to(kMaxFrameBytes + 1), E::too_large, ""},
      {"frame_of_70kb", send_with_text(std::string(70 * 1024, 'a')), E::too_large, ""},
      {"frame_invalid_utf8", R"({"v":1,"type":"ping","x":")" "\xC3\x28" R"("})", E::bad_request, ""},
      {"frame_overlong_utf8", R"({"v":1,"type":"ping","x":")" "\xC0\xAF" R"("})", E::bad_request, ""},
      {"frame_surrogate_utf8", send_with_text("\xED\xA0\x80"), E::bad_request, ""},
      {"frame_lone_surrogate_escape", send_with_text("\\ud800"), E::bad_request, ""},
      {"nesting_1000_deep", nested(1000), E::bad_request, ""},
      {"nesting_33_deep_in_extra_field", R"({"v":1,"type":"ping","x":)" + nested(32) + "}", E::bad_request, ""},
      {"malformed_json", R"({"v":1,"type":)", E::bad_request, ""},
      {"empty_frame", "", E::bad_request, ""},
      {"not_an_object_array", "[1,2]", E::bad_request, ""},
      {"not_an_object_string", R"("ping")", E::bad_request, ""},
      {"missing_v", R"({"type":"ping"})", E::bad_request, "v"},
      {"v_not_integer", R"({"v":"1","type":"ping"})", E::bad_request, "v"},
      {"v_2", R"({"v":2,"type":"ping"})", E::unsupported_version, "v"},
      {"v_0", R"({"v":0,"type":"ping"})", E::unsupported_version, "v"},
      {"v_negative", R"({"v":-1,"type":"ping"})", E::unsupported_version, "v"},
      {"v_2_checked_before_type", R"({"v":2,"type":"teleport"})", E::unsupported_version, "v"},
      {"missing_type", R"({"v":1})", E::bad_request, "type"},
      {"type_not_string", R"({"v":1,"type":7})", E::bad_request, "type"},
      {"unknown_type", R"({"v":1,"type":"teleport"})", E::bad_request, "type"},
      {"server_type_from_client", R"({"v":1,"type":"ack","id":"r","seq":1,"duplicate":false})", E::bad_request, "type"},
      {"missing_request_id", R"({"v":1,"type":"assign_to_me","conversation":"c-1"})", E::bad_request, "id"},
      {"request_id_empty", R"({"v":1,"type":"assign_to_me","id":"","conversation":"c-1"})", E::invalid_field, "id"},
      {"request_id_129_bytes", R"({"v":1,"type":"assign_to_me","conversation":"c-1","id":")" + id129 + "\"}",
       E::invalid_field, "id"},
      {"request_id_not_string", R"({"v":1,"type":"assign_to_me","id":17,"conversation":"c-1"})", E::bad_request, "id"},
      {"missing_conversation", R"({"v":1,"type":"assign_to_me","id":"r-1"})", E::bad_request, "conversation"},
      {"conversation_empty", R"({"v":1,"type":"assign_to_me","id":"r-1","conversation":""})", E::invalid_field,
       "conversation"},
      {"conversation_129_bytes", R"({"v":1,"type":"close_conversation","id":"r-1","conversation":")" + id129 + "\"}",
       E::invalid_field, "conversation"},
      {"text_missing", kSend.substr(0, kSend.size() - 1) + "}", E::bad_request, "text"},
      {"text_not_string", kSend + R"("text":42})", E::bad_request, "text"},
      {"text_over_8000_bytes", send_with_text(std::string(kMaxMessageBytes + 1, 't')), E::too_large, "text"},
      {"client_id_empty", R"({"v":1,"type":"send_message","id":"r","conversation":"c","text":"t","client_id":""})",
       E::invalid_field, "client_id"},
      {"wait_seconds_0", wait("0"), E::invalid_field, "wait_seconds"},
      {"wait_seconds_3601", wait("3601"), E::invalid_field, "wait_seconds"},
      {"wait_seconds_negative", wait("-5"), E::invalid_field, "wait_seconds"},
      {"wait_seconds_huge", wait("18446744073709551615"), E::invalid_field, "wait_seconds"},
      {"wait_seconds_string", wait(R"("60")"), E::bad_request, "wait_seconds"},
      {"wait_seconds_fraction", wait("1.5"), E::bad_request, "wait_seconds"},
      {"online_not_bool", R"({"v":1,"type":"set_online","id":"r-1","online":"yes"})", E::bad_request, "online"},
      {"role_unknown", R"({"v":1,"type":"set_role","id":"r-1","user":"u-1","role":"boss"})", E::invalid_field, "role"},
      {"item_kind_unknown", R"({"v":1,"type":"record_item","id":"r","conversation":"c","kind":"invoice","item_id":"i"})",
       E::invalid_field, "kind"},
      {"user_not_object", add_user(R"("u-1")"), E::bad_request, "user"},
      {"user_id_missing", add_user(R"({"name":"A"})"), E::bad_request, "user.id"},
      {"user_nested_setting_missing",
       add_user(R"({"id":"u","name":"A","email":"","role":"regular","online":false,"away":false,)"
                R"("notifications":{"new_unassigned":true,"assigned_to_me":true}})"),
       E::bad_request, "user.notifications.new_message"},
      {"deal_value_negative", panel_with("-1"), E::invalid_field, "panel.deal_value_cents"},
      {"deal_value_string", panel_with(R"("12")"), E::bad_request, "panel.deal_value_cents"},
      {"deal_value_out_of_int64", panel_with("9223372036854775808"), E::invalid_field, "panel.deal_value_cents"},
      {"panel_field_missing", R"({"v":1,"type":"update_side_panel","id":"r","conversation":"c","panel":{}})",
       E::bad_request, "panel.deal_value_cents"},
      {"resume_after_negative", resume(R"(,"conversation":"c-1","after":-1)"), E::invalid_field, "after"},
      {"resume_after_fraction", resume(R"(,"conversation":"c-1","after":1.5)"), E::bad_request, "after"},
      {"resume_after_missing", resume(R"(,"conversation":"c-1")"), E::bad_request, "after"},
      {"resume_after_pos_negative", resume(R"(,"after_pos":-3)"), E::invalid_field, "after_pos"},
      {"resume_both_forms", resume(R"(,"conversation":"c-1","after":1,"after_pos":3)"), E::bad_request, "after_pos"},
      {"resume_neither_form", resume(""), E::bad_request, "after_pos"},
      {"typing_flag_missing", R"({"v":1,"type":"typing","conversation":"c-1"})", E::bad_request, "typing"},
      {"answer_text_over_8000_bytes",
       R"({"v":1,"type":"answer","id":"r","conversation":"c","client_id":"m","text":")" +
           std::string(kMaxMessageBytes + 1, 'a') + "\"}",
       E::too_large, "text"},
      {"answer_client_id_missing", R"({"v":1,"type":"answer","id":"r","conversation":"c","text":"Yes"})",
       E::bad_request, "client_id"},
      {"hello_token_257_bytes", hello(R"("token":")" + std::string(kMaxTokenBytes + 1, 't') + "\""),
       E::invalid_field, "token"},
      {"hello_token_not_string", hello(R"("token":7,"playbook":"pb-1")"), E::bad_request, "token"},
      {"hello_playbook_129_bytes", hello(R"("token":"","playbook":")" + id129 + "\""), E::invalid_field, "playbook"},
      {"hello_lang_17_bytes", hello(R"("playbook":"pb-1","lang":")" + std::string(kMaxLangBytes + 1, 'l') + "\""),
       E::invalid_field, "lang"},
      {"hello_after_pos_negative", hello(R"("token":"s","after_pos":-1)"), E::invalid_field, "after_pos"},
      {"hello_after_pos_string", hello(R"("token":"s","after_pos":"340")"), E::bad_request, "after_pos"},
      {"start_id_missing", R"({"v":1,"type":"start"})", E::bad_request, "id"},
      {"start_id_empty", R"({"v":1,"type":"start","id":""})", E::invalid_field, "id"},
      {"welcome_from_client", R"({"v":1,"type":"welcome","visitor_id":"v","token":"t","conversation":"",)"
                              R"("bot_name":"","bot_avatar_url":"","live_chat_available":true})",
       E::bad_request, "type"},
  };
}

std::vector<Reject> server_rejects() {
  using E = ErrorCode;
  const std::string posted = R"({"v":1,"type":"event","pos":1,"event":{"type":"message_posted","conversation":"c",)";
  const json welcome = wire(WelcomeFrame{"v-1", "tok", "", "Bot", "", true});
  const json prompt = wire(PromptFrame{"c-1", Prompt{PromptKind::buttons, "q1", {"A", "B"}, CaptureKind::name}});
  const json capture = wire(PromptFrame{"c-1", Prompt{PromptKind::capture, "ask", {}, CaptureKind::email}});
  const json snapshot = wire(SnapshotFrame{5, {sample_user()}, {fresh_conversation(), sample_conversation()}});
  const json conversation = wire(ConversationFrame{5, sample_conversation()});
  const json notify = wire(NotifyFrame{"new_message", "c-1", "T", "B"});
  return {
      {"nesting_1000_deep", std::string(1000, '{'), E::bad_request, ""},
      {"v_2", R"({"v":2,"type":"pong"})", E::unsupported_version, "v"},
      {"client_type_from_server", R"({"v":1,"type":"ping"})", E::bad_request, "type"},
      {"ack_seq_missing", R"({"v":1,"type":"ack","id":"r-1","duplicate":false})", E::bad_request, "seq"},
      {"ack_seq_negative", R"({"v":1,"type":"ack","id":"r-1","seq":-1,"duplicate":false})", E::invalid_field, "seq"},
      {"ack_id_empty", R"({"v":1,"type":"ack","id":"","seq":1,"duplicate":false})", E::invalid_field, "id"},
      {"error_code_unknown", R"({"v":1,"type":"error","code":"oops","message":"m"})", E::invalid_field, "code"},
      {"error_message_missing", R"({"v":1,"type":"error","code":"closed"})", E::bad_request, "message"},
      {"event_missing", R"({"v":1,"type":"event","pos":1})", E::bad_request, "event"},
      {"event_not_object", R"({"v":1,"type":"event","pos":1,"event":[]})", E::bad_request, "event"},
      {"event_pos_negative", R"({"v":1,"type":"event","pos":-1,"event":{}})", E::invalid_field, "pos"},
      {"event_type_unknown", R"({"v":1,"type":"event","pos":1,"event":{"type":"moon_landed"}})", E::bad_request,
       "event.type"},
      {"event_seq_negative", posted + R"("seq":-2,"at":1,"author":"bot","author_id":"","text":"","client_id":""}})",
       E::invalid_field, "event.seq"},
      {"event_at_out_of_range",
       posted + R"("seq":2,"at":9223372036854775808,"author":"bot","author_id":"","text":"","client_id":""}})",
       E::invalid_field, "event.at"},
      {"event_author_unknown", posted + R"("seq":2,"at":1,"author":"cat","author_id":"","text":"","client_id":""}})",
       E::invalid_field, "event.author"},
      {"event_text_missing", posted + R"("seq":2,"at":1,"author":"bot","author_id":"","client_id":""}})",
       E::bad_request, "event.text"},
      {"event_panel_field_wrong_type",
       R"({"v":1,"type":"event","pos":1,"event":{"type":"side_panel_updated","conversation":"c","seq":1,"at":1,)"
       R"("by":"","panel":{"deal_value_cents":null,"currency":5}}})",
       E::bad_request, "event.panel.currency"},
      {"typing_who_missing", R"({"v":1,"type":"typing","conversation":"c","typing":true})", E::bad_request, "who"},
      {"resumed_last_pos_missing", R"({"v":1,"type":"resumed","conversation":"","last_seq":0})", E::bad_request,
       "last_pos"},
      {"hello_from_server", R"({"v":1,"type":"hello","token":""})", E::bad_request, "type"},
      {"welcome_visitor_id_empty", edited(welcome, [](json& j) { j["visitor_id"] = ""; }), E::invalid_field,
       "visitor_id"},
      {"welcome_token_empty", edited(welcome, [](json& j) { j["token"] = ""; }), E::invalid_field, "token"},
      {"welcome_token_257_bytes", edited(welcome, [](json& j) { j["token"] = std::string(kMaxTokenBytes + 1, 't'); }),
       E::invalid_field, "token"},
      {"welcome_conversation_129_bytes",
       edited(welcome, [](json& j) { j["conversation"] = std::string(kMaxIdBytes + 1, 'c'); }), E::invalid_field,
       "conversation"},
      {"welcome_bot_name_not_string", edited(welcome, [](json& j) { j["bot_name"] = json::array(); }),
       E::bad_request, "bot_name"},
      {"welcome_live_chat_available_missing", edited(welcome, [](json& j) { j.erase("live_chat_available"); }),
       E::bad_request, "live_chat_available"},
      {"welcome_back_at_not_integer", edited(welcome, [](json& j) { j["back_at"] = "Monday 9:00"; }), E::bad_request,
       "back_at"},
      {"agent_welcome_user_missing", R"({"v":1,"type":"agent_welcome"})", E::bad_request, "user"},
      {"agent_welcome_user_role_unknown",
       edited(wire(AgentWelcomeFrame{sample_user()}), [](json& j) { j["user"]["role"] = "owner"; }),
       E::invalid_field, "user.role"},
      {"prompt_conversation_empty", edited(prompt, [](json& j) { j["conversation"] = ""; }), E::invalid_field,
       "conversation"},
      {"prompt_kind_unknown", edited(prompt, [](json& j) { j["kind"] = "dance"; }), E::invalid_field, "kind"},
      {"prompt_kind_text_is_spelled_free_text", edited(prompt, [](json& j) {
         j["kind"] = "text";
         j["buttons"] = json::array();
       }),
       E::invalid_field, "kind"},
      {"prompt_buttons_missing", edited(prompt, [](json& j) { j.erase("buttons"); }), E::bad_request, "buttons"},
      {"prompt_buttons_not_array", edited(prompt, [](json& j) { j["buttons"] = "A,B"; }), E::bad_request, "buttons"},
      {"prompt_button_not_string", edited(prompt, [](json& j) { j["buttons"][1] = 2; }), E::bad_request,
       "buttons[1]"},
      {"prompt_buttons_for_other_kind", edited(prompt, [](json& j) { j["kind"] = "free_text"; }), E::invalid_field,
       "buttons"},
      {"prompt_capture_field_unknown", edited(capture, [](json& j) { j["field"] = "age"; }), E::invalid_field,
       "field"},
      {"prompt_capture_field_empty", edited(capture, [](json& j) { j["field"] = ""; }), E::invalid_field, "field"},
      {"prompt_field_for_other_kind", edited(prompt, [](json& j) { j["field"] = "email"; }), E::invalid_field,
       "field"},
      {"prompt_field_missing", edited(prompt, [](json& j) { j.erase("field"); }), E::bad_request, "field"},
      {"snapshot_pos_negative", edited(snapshot, [](json& j) { j["pos"] = -1; }), E::invalid_field, "pos"},
      {"snapshot_users_not_array", edited(snapshot, [](json& j) { j["users"] = json::object(); }), E::bad_request,
       "users"},
      {"snapshot_conversations_missing", edited(snapshot, [](json& j) { j.erase("conversations"); }),
       E::bad_request, "conversations"},
      {"snapshot_user_id_empty", edited(snapshot, [](json& j) { j["users"][0]["id"] = ""; }), E::invalid_field,
       "users[0].id"},
      {"snapshot_conversation_not_object", edited(snapshot, [](json& j) { j["conversations"][0] = "c-2"; }),
       E::bad_request, "conversations[0]"},
      {"snapshot_message_author_unknown",
       edited(snapshot, [](json& j) { j["conversations"][1]["messages"][0]["author"] = "cat"; }), E::invalid_field,
       "conversations[1].messages[0].author"},
      {"conversation_pos_missing", edited(conversation, [](json& j) { j.erase("pos"); }), E::bad_request, "pos"},
      {"conversation_not_object", edited(conversation, [](json& j) { j["conversation"] = "c-1"; }), E::bad_request,
       "conversation"},
      {"conversation_phase_unknown", edited(conversation, [](json& j) { j["conversation"]["phase"] = "lost"; }),
       E::invalid_field, "conversation.phase"},
      {"hidden_conversation_missing", R"({"v":1,"type":"hidden"})", E::bad_request, "conversation"},
      {"hidden_conversation_empty", R"({"v":1,"type":"hidden","conversation":""})", E::invalid_field,
       "conversation"},
      {"notify_kind_unknown", edited(notify, [](json& j) { j["kind"] = "ring"; }), E::invalid_field, "kind"},
      {"notify_kind_is_not_the_setting_name", edited(notify, [](json& j) { j["kind"] = "assigned_to_me"; }),
       E::invalid_field, "kind"},
      {"notify_conversation_empty", edited(notify, [](json& j) { j["conversation"] = ""; }), E::invalid_field,
       "conversation"},
      {"notify_title_missing", edited(notify, [](json& j) { j.erase("title"); }), E::bad_request, "title"},
  };
}

class ClientRejects : public testing::TestWithParam<Reject> {};
TEST_P(ClientRejects, WithCodeAndField) {
  const Reject& row = GetParam();
  Result<ClientFrame> r = decode_client_frame(row.text);
  ASSERT_FALSE(r.ok()) << "accepted: " << row.text.substr(0, 200);
  EXPECT_EQ(error_code_name(r.error().code), error_code_name(row.code)) << r.error().message;
  EXPECT_EQ(r.error().field, row.field) << r.error().message;
  EXPECT_FALSE(r.error().message.empty());
  EXPECT_TRUE(is_valid_utf8(r.error().message));
  if (!row.field.empty()) {
    EXPECT_NE(r.error().message.find(row.field), std::string::npos) << r.error().message;
  }
}
INSTANTIATE_TEST_SUITE_P(Protocol, ClientRejects, testing::ValuesIn(client_rejects()), reject_name);

class ServerRejects : public testing::TestWithParam<Reject> {};
TEST_P(ServerRejects, WithCodeAndField) {
  const Reject& row = GetParam();
  Result<ServerFrame> r = decode_server_frame(row.text);
  ASSERT_FALSE(r.ok()) << "accepted: " << row.text.substr(0, 200);
  EXPECT_EQ(error_code_name(r.error().code), error_code_name(row.code)) << r.error().message;
  EXPECT_EQ(r.error().field, row.field) << r.error().message;
  if (!row.field.empty()) {
    EXPECT_NE(r.error().message.find(row.field), std::string::npos) << r.error().message;
  }
}
INSTANTIATE_TEST_SUITE_P(Protocol, ServerRejects, testing::ValuesIn(server_rejects()), reject_name);

// [SECTION] Edges and contracts ----------------------------------------------------------------
TEST(Protocol, RequestIdOfNamesFramesThatCarryOne) {
  EXPECT_EQ(request_id_of(ClientFrame{StartFrame{"s-1"}}), "s-1");
  EXPECT_EQ(request_id_of(ClientFrame{AnswerFrame{"a-1", "c1", "Anna", "k1"}}), "a-1");
  EXPECT_EQ(request_id_of(ClientFrame{CommandFrame{"r-1", SetOnline{true}}}), "r-1");
  EXPECT_EQ(request_id_of(ClientFrame{PingFrame{}}), "");
}

TEST(Protocol, DocumentedExampleDecodes) {
  Result<ClientFrame> r = decode_client_frame(
      R"({"v":1,"type":"send_message","id":"r-17","conversation":"c1","text":"Hi","client_id":"m-3f2"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(same(r.value(), CommandFrame{"r-17", SendMessage{"c1", "Hi", "m-3f2"}}));
}

TEST(Protocol, UnknownExtraFieldsAreIgnored) {
  Result<ClientFrame> r = decode_client_frame(
      R"({"v":1,"type":"typing","conversation":"c1","typing":true,"future":{"x":[1,{"y":null}]},"z":"ü"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(same(r.value(), TypingFrame{"c1", true}));
  Result<ServerFrame> s = decode_server_frame(R"({"v":1,"type":"pong","extra":1})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s.value() == ServerFrame{PongFrame{}});
}

TEST(Protocol, LimitsAreInclusive) {
  EXPECT_TRUE(decode_client_frame(ping_padded_to(kMaxFrameBytes)).ok()) << "a frame of exactly 64 KiB";
  const std::string depth32 = R"({"v":1,"type":"ping","x":)" + nested(31) + "}";
  EXPECT_TRUE(decode_client_frame(depth32).ok()) << "32 levels of nesting";
  EXPECT_TRUE(decode_client_frame(wait("1")).ok());
  EXPECT_TRUE(decode_client_frame(wait("3600")).ok());
  const std::string id128(kMaxIdBytes, 'i');
  EXPECT_TRUE(decode_client_frame(R"({"v":1,"type":"assign_to_me","conversation":"c","id":")" + id128 + "\"}").ok());
}

TEST(Protocol, BracketsInsideStringsDoNotCountAsNesting) {
  Result<ClientFrame> r = decode_client_frame(send_with_text(std::string(500, '[') + "\\\"{{{" + "]]]"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto* f = std::get_if<CommandFrame>(&r.value());
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(std::get_if<SendMessage>(&f->command)->text, std::string(500, '[') + "\"{{{]]]");
}

TEST(Protocol, UnknownTypeErrorNamesIt) {
  Result<ClientFrame> r = decode_client_frame(R"({"v":1,"type":"teleport"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("teleport"), std::string::npos) << r.error().message;
}

TEST(Protocol, EveryControlCharacterRoundTripsByteExact) {
  std::string text;
  for (int c = 0; c < 0x20; ++c) text.push_back(static_cast<char>(c));
  text += "\"\\/\x7f" + kWild;
  const std::string wire = encode(ClientFrame{cmd(SendMessage{"c", text, "m"})});
  for (char ch : wire) EXPECT_GE(static_cast<unsigned char>(ch), 0x20) << "raw control character on the wire";
  Result<ClientFrame> r = decode_client_frame(wire);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(std::get_if<SendMessage>(&std::get_if<CommandFrame>(&r.value())->command)->text, text);
}

TEST(Protocol, EncodeReplacesInvalidUtf8InsteadOfAborting) {
  const std::string wire = encode(ClientFrame{cmd(SendMessage{"c", "ok\xff", "m"})});
  EXPECT_TRUE(is_valid_utf8(wire));
  Result<ClientFrame> r = decode_client_frame(wire);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(std::get_if<SendMessage>(&std::get_if<CommandFrame>(&r.value())->command)->text, "ok\xEF\xBF\xBD");
}

TEST(Protocol, HelloFieldsAreOptional) {
  Result<ClientFrame> r = decode_client_frame(R"({"v":1,"type":"hello"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(same(r.value(), HelloFrame{}));
  r = decode_client_frame(R"({"v":1,"type":"hello","token":"...","playbook":"pb1","lang":"it"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(same(r.value(), HelloFrame{"...", "pb1", "it", 0, false}));
  r = decode_client_frame(R"({"v":1,"type":"hello","after_pos":0})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(same(r.value(), HelloFrame{"", "", "", 0, true})) << "after_pos 0 is present: replay everything";
}

TEST(Protocol, HelloWritesAfterPosOnlyWhenSet) {
  EXPECT_EQ(encode(ClientFrame{HelloFrame{"t", "pb", "it", 99, false}}),
            R"({"lang":"it","playbook":"pb","token":"t","type":"hello","v":1})");
  EXPECT_EQ(encode(ClientFrame{HelloFrame{"", "", "", 99, true}}),
            R"({"after_pos":99,"lang":"","playbook":"","token":"","type":"hello","v":1})");
}

TEST(Protocol, ServerFramesMayBeLargerThanClientFrames) {
  EXPECT_EQ(decode_client_frame(ping_padded_to(70 * 1024)).error().code, ErrorCode::too_large);
  EXPECT_TRUE(decode_server_frame(padded_to("pong", 70 * 1024)).ok());
  EXPECT_TRUE(decode_server_frame(padded_to("pong", kMaxServerFrameBytes)).ok()) << "exactly 64 MiB";
  // Built here, not in the reject table: a table row would cost every test process 64 MiB.
  auto over = decode_server_frame(padded_to("pong", kMaxServerFrameBytes + 1));
  ASSERT_FALSE(over.ok()) << "one byte over 64 MiB";
  EXPECT_EQ(over.error().code, ErrorCode::too_large);
  const std::string big = encode(ServerFrame{SnapshotFrame{7, {}, {big_conversation()}}});
  EXPECT_GT(big.size(), kMaxFrameBytes) << "encoding a large snapshot never fails";
  Result<ServerFrame> back = decode_server_frame(big);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE((back.value() == ServerFrame{SnapshotFrame{7, {}, {big_conversation()}}}));
}

TEST(Protocol, PromptKindNamesMatchPlaybookRun) {
  const std::vector<std::pair<PromptKind, std::string>> names = {
      {PromptKind::none, "none"},          {PromptKind::buttons, "buttons"},
      {PromptKind::free_text, "free_text"}, {PromptKind::capture, "capture"},
      {PromptKind::waiting_for_agent, "waiting_for_agent"}, {PromptKind::finished, "finished"}};
  for (const auto& [kind, name] : names) {
    EXPECT_EQ(prompt_kind_name(kind), name);
    PromptKind back = PromptKind::none;
    EXPECT_TRUE(parse_prompt_kind(name, back)) << name;
    EXPECT_EQ(back, kind) << name;
  }
  PromptKind unused = PromptKind::none;
  EXPECT_FALSE(parse_prompt_kind("text", unused));
  EXPECT_FALSE(parse_prompt_kind("", unused));
}

TEST(Protocol, PromptFrameOfEveryInterpreterPromptDecodes) {
  const std::vector<std::pair<Prompt, PromptFrame>> cases = {
      {Prompt{}, PromptFrame{"c-1", Prompt{PromptKind::none, "", {}, CaptureKind::name}}},
      {Prompt{PromptKind::buttons, "q1", {"Yes", "No"}, CaptureKind::name},
       PromptFrame{"c-1", Prompt{PromptKind::buttons, "q1", {"Yes", "No"}, CaptureKind::name}}},
      {Prompt{PromptKind::free_text, "q2", {}, CaptureKind::name}, PromptFrame{"c-1", Prompt{PromptKind::free_text, "q2", {}, CaptureKind::name}}},
      {Prompt{PromptKind::capture, "ask_phone", {}, CaptureKind::phone},
       PromptFrame{"c-1", Prompt{PromptKind::capture, "ask_phone", {}, CaptureKind::phone}}},
      {Prompt{PromptKind::capture, "ask_company", {"stray"}, CaptureKind::company},
       PromptFrame{"c-1", Prompt{PromptKind::capture, "ask_company", {}, CaptureKind::company}}},
      {Prompt{PromptKind::waiting_for_agent, "live", {}, CaptureKind::name},
       PromptFrame{"c-1", Prompt{PromptKind::waiting_for_agent, "live", {}, CaptureKind::name}}},
      {Prompt{PromptKind::finished, "end", {}, CaptureKind::email}, PromptFrame{"c-1", Prompt{PromptKind::finished, "end", {}, CaptureKind::name}}},
  };
  for (const auto& [prompt, expected] : cases) {
    const PromptFrame f = prompt_frame("c-1", prompt);
    EXPECT_EQ(f, expected) << prompt_kind_name(expected.prompt.kind);
    Result<ServerFrame> back = decode_server_frame(encode(ServerFrame{f}));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(back.value() == ServerFrame{f}) << prompt_kind_name(expected.prompt.kind);
  }
}

TEST(Protocol, ResumeWritesOnlyOneForm) {
  EXPECT_EQ(encode(ClientFrame{ResumeFrame{"c1", 12, 99}}), R"({"after":12,"conversation":"c1","type":"resume","v":1})");
  EXPECT_EQ(encode(ClientFrame{ResumeFrame{"", 12, 99}}), R"({"after_pos":99,"type":"resume","v":1})");
}

// The request id a refused frame is answered with (docs/protocol.md "error").
TEST(Protocol, RequestIdInRefusedFrames) {
  const std::string long_text(kMaxMessageBytes + 1, 'x');
  const std::vector<std::pair<std::string, std::string>> rows = {
      {R"({"v":1,"type":"send_message","id":"r-1","conversation":"c","client_id":"m","text":")" + long_text + "\"}",
       "r-1"},
      {R"({"v":2,"type":"send_message","id":"r-2"})", "r-2"},
      {R"({"v":1,"type":"nope","id":"r-3"})", "r-3"},
      {R"({"v":1,"type":"answer","id":"r-4","text":7})", "r-4"},
      {R"({"v":1,"type":"typing","conversation":"c","typing":true})", ""},
      {R"({"v":1,"type":"start","id":7})", ""},
      {R"({"v":1,"type":"start","id":")" + std::string(kMaxIdBytes + 1, 'i') + "\"}", ""},
      {R"({"v":1,"type":"start","id":"r-5")", ""},  // not JSON
      {R"(["r-6"])", ""},
      {std::string(kMaxFrameBytes + 1, ' '), ""},
  };
  for (const auto& [text, id] : rows) {
    EXPECT_EQ(request_id_in(text), id) << text.substr(0, 80);
    auto decoded = decode_client_frame(text);
    if (decoded) {
      EXPECT_EQ(request_id_of(decoded.value()), id);
    }
  }
}
}  // namespace
}  // namespace livechat
