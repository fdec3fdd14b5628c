// One row per rule: command x stage x actor -> the events it produces, or the error code.
#include <optional>
#include <vector>

#include "fixtures.hpp"

namespace livechat::test {
namespace {

struct Row {
  const char* rule;  // what the row proves, in the product's words
  Stage stage;
  Command command;
  Actor actor;
  std::optional<ErrorCode> error;          // expected error, or nullopt for success
  std::vector<std::string_view> events{};  // expected event types on success
  TimeMs now = kT0 + 5000;
};
void PrintTo(const Row& row, std::ostream* os) { *os << row.rule; }

SidePanel good_panel() {
  SidePanel p;
  p.deal_value_cents = 150000;
  p.currency = "EUR";
  p.expected_close_date = "2026-12-31";
  p.person_name = "Vera Rossi";
  p.email = "vera@example.it";
  p.phone = "+39 02 1234 5678";
  p.organization_name = "Rossi Srl";
  p.organization_address = "Via Roma 1, Milano";
  p.notes = "Wants a demo";
  return p;
}
SidePanel bad_email_panel() {
  SidePanel p;
  p.email = "vera@";
  return p;
}

using E = ErrorCode;
const Actor anna = agent("anna"), carl = agent("carl"), bob = agent("bob"), ada = agent("ada");
const Actor v1 = visitor("v1"), v2 = visitor("v2");

const std::vector<Row> kRows = {
    // --- assign to me: only from Unassigned, only when online ---------------------------------
    {"assign_from_unassigned_when_online", Stage::unassigned, AssignToMe{"c1"}, anna, {}, {"conversation_assigned"}},
    {"assign_a_missed_chat_is_still_possible", Stage::missed, AssignToMe{"c1"}, carl, {}, {"conversation_assigned"}},
    {"assign_refused_when_offline", Stage::unassigned, AssignToMe{"c1"}, bob, E::offline},
    {"assign_someone_elses_chat_is_invisible", Stage::assigned_to_anna, AssignToMe{"c1"}, carl, E::not_found},
    {"assign_own_chat_again_conflicts", Stage::assigned_to_anna, AssignToMe{"c1"}, anna, E::conflict},
    {"assign_closed_never_reopens", Stage::closed, AssignToMe{"c1"}, anna, E::closed},
    {"assign_bot_phase_is_invisible", Stage::bot, AssignToMe{"c1"}, anna, E::not_found},
    {"assign_by_visitor_forbidden", Stage::unassigned, AssignToMe{"c1"}, v1, E::forbidden},
    {"assign_unknown_conversation", Stage::unassigned, AssignToMe{"nope"}, anna, E::not_found},
    // --- agent messages: only the assignee ----------------------------------------------------
    {"send_by_assignee", Stage::assigned_to_anna, SendMessage{"c1", "Hi, I'm Anna", "a1"}, anna, {}, {"message_posted"}},
    {"send_by_other_agent_invisible", Stage::assigned_to_anna, SendMessage{"c1", "Hi", "x"}, carl, E::not_found},
    {"send_by_agent_before_assign", Stage::unassigned, SendMessage{"c1", "Hi", "x"}, anna, E::forbidden},
    {"send_after_close_refused", Stage::closed, SendMessage{"c1", "Still there?", "x"}, anna, E::closed},
    {"send_empty_refused", Stage::assigned_to_anna, SendMessage{"c1", "  \n ", "x"}, anna, E::invalid_field},
    {"send_oversized_refused", Stage::assigned_to_anna, SendMessage{"c1", std::string(kMaxMessageBytes + 1, 'a'), "x"},
     anna, E::too_large},
    {"send_invalid_utf8_refused", Stage::assigned_to_anna, SendMessage{"c1", "caf\xC3", "x"}, anna, E::invalid_field},
    // --- visitor messages ------------------------------------------------------------------
    {"visitor_writes_to_bot", Stage::bot, SendMessage{"c1", "perché?", "m2"}, v1, {}, {"message_posted"}},
    {"visitor_writes_while_waiting", Stage::unassigned, SendMessage{"c1", "anyone?", "m2"}, v1, {}, {"message_posted"}},
    {"visitor_writes_to_agent", Stage::assigned_to_anna, SendMessage{"c1", "Привет", "m2"}, v1, {}, {"message_posted"}},
    {"visitor_cannot_write_after_close", Stage::closed, SendMessage{"c1", "hello?", "m2"}, v1, E::closed},
    {"visitor_cannot_reach_other_conversation", Stage::assigned_to_anna, SendMessage{"c1", "hi", "m9"}, v2,
     E::not_found},
    {"bot_silent_once_agent_joined", Stage::assigned_to_anna, SendMessage{"c1", "bot", ""}, kBot, E::forbidden},
    {"bot_offline_message_after_expiry", Stage::missed, SendMessage{"c1", "Sorry", ""}, kBot, {}, {"message_posted"}},
    // --- reassign: only the assignee, to a user or to Unassigned ------------------------------
    {"reassign_to_user", Stage::assigned_to_anna, Reassign{"c1", "carl"}, anna, {}, {"conversation_assigned"}},
    {"reassign_to_offline_user_allowed", Stage::assigned_to_anna, Reassign{"c1", "bob"}, anna, {},
     {"conversation_assigned"}},
    {"reassign_to_unassigned", Stage::assigned_to_anna, Reassign{"c1", ""}, anna, {}, {"conversation_unassigned"}},
    {"reassign_by_non_assignee_invisible", Stage::assigned_to_anna, Reassign{"c1", "carl"}, carl, E::not_found},
    {"reassign_by_admin_not_assignee_invisible", Stage::assigned_to_anna, Reassign{"c1", "ada"}, ada, E::not_found},
    {"reassign_unassigned_chat_refused", Stage::unassigned, Reassign{"c1", "carl"}, anna, E::forbidden},
    {"reassign_to_self_conflicts", Stage::assigned_to_anna, Reassign{"c1", "anna"}, anna, E::conflict},
    {"reassign_to_unknown_user", Stage::assigned_to_anna, Reassign{"c1", "zed"}, anna, E::not_found},
    {"reassign_closed_never_reopens", Stage::closed, Reassign{"c1", ""}, anna, E::closed},
    // --- close: only the assignee; forever ------------------------------------------------------
    {"close_by_assignee", Stage::assigned_to_anna, CloseConversation{"c1"}, anna, {}, {"conversation_closed"}},
    {"close_by_other_agent_invisible", Stage::assigned_to_anna, CloseConversation{"c1"}, carl, E::not_found},
    {"close_unassigned_refused", Stage::unassigned, CloseConversation{"c1"}, anna, E::forbidden},
    {"close_twice_refused", Stage::closed, CloseConversation{"c1"}, anna, E::closed},
    {"close_by_visitor_refused", Stage::assigned_to_anna, CloseConversation{"c1"}, v1, E::forbidden},
    {"bot_closes_bot_phase", Stage::bot, CloseConversation{"c1"}, kBot, {}, {"conversation_closed"}},
    // --- side panel: assignee; anyone after close; the bot before a human ---------------------
    {"panel_by_assignee", Stage::assigned_to_anna, UpdateSidePanel{"c1", good_panel()}, anna, {}, {"side_panel_updated"}},
    {"panel_editable_after_close", Stage::closed, UpdateSidePanel{"c1", good_panel()}, carl, {}, {"side_panel_updated"}},
    {"panel_by_other_agent_invisible", Stage::assigned_to_anna, UpdateSidePanel{"c1", good_panel()}, carl,
     E::not_found},
    {"panel_needs_assign_first", Stage::unassigned, UpdateSidePanel{"c1", good_panel()}, anna, E::forbidden},
    {"panel_by_bot_capture", Stage::bot, UpdateSidePanel{"c1", good_panel()}, kBot, {}, {"side_panel_updated"}},
    {"panel_by_visitor_refused", Stage::bot, UpdateSidePanel{"c1", good_panel()}, v1, E::forbidden},
    {"panel_invalid_email_refused", Stage::assigned_to_anna, UpdateSidePanel{"c1", bad_email_panel()}, anna,
     E::invalid_field},
    {"panel_unchanged_is_no_event", Stage::assigned_to_anna, UpdateSidePanel{"c1", SidePanel{}}, anna, {}, {}},
    // --- leads, deals, activities --------------------------------------------------------------
    {"lead_by_assignee", Stage::assigned_to_anna, RecordItem{"c1", ItemKind::lead, "L1"}, anna, {}, {"item_recorded"}},
    {"deal_after_close", Stage::closed, RecordItem{"c1", ItemKind::deal, "D1"}, carl, {}, {"item_recorded"}},
    {"lead_by_other_agent_invisible", Stage::assigned_to_anna, RecordItem{"c1", ItemKind::lead, "L1"}, carl,
     E::not_found},
    {"activity_by_offline_flow", Stage::missed, RecordItem{"c1", ItemKind::activity, "A1"}, kBot, {}, {"item_recorded"}},
    {"item_without_id_refused", Stage::assigned_to_anna, RecordItem{"c1", ItemKind::lead, ""}, anna, E::invalid_field},
    // --- live chat request and wait time -------------------------------------------------------
    {"bot_requests_live_chat", Stage::bot, RequestLiveChat{"c1", 60}, kBot, {}, {"live_chat_requested"}},
    {"visitor_cannot_request_directly", Stage::bot, RequestLiveChat{"c1", 60}, v1, E::forbidden},
    {"request_twice_conflicts", Stage::unassigned, RequestLiveChat{"c1", 60}, kBot, E::conflict},
    {"request_wait_out_of_range", Stage::bot, RequestLiveChat{"c1", 0}, kBot, E::invalid_field},
    {"wait_expires_after_deadline", Stage::unassigned, ExpireWait{"c1"}, kSystem, {}, {"wait_expired"}, kT0 + 120'000},
    {"wait_not_expired_before_deadline", Stage::unassigned, ExpireWait{"c1"}, kSystem, E::conflict, {}, kT0 + 119'999},
    {"wait_expires_once", Stage::missed, ExpireWait{"c1"}, kSystem, E::conflict, {}, kT0 + 200'000},
    {"wait_expiry_is_the_servers", Stage::unassigned, ExpireWait{"c1"}, anna, E::forbidden, {}, kT0 + 200'000},
    {"wait_does_not_expire_once_assigned", Stage::assigned_to_anna, ExpireWait{"c1"}, kSystem, E::conflict, {},
     kT0 + 200'000},
    // --- conversations start -------------------------------------------------------------------
    {"visitor_starts_own", Stage::bot, StartConversation{"c2", "v1", "pb1", ""}, v1, {}, {"conversation_started"}},
    {"visitor_starts_for_other_refused", Stage::bot, StartConversation{"c2", "v2", "pb1", ""}, v1, E::forbidden},
    {"start_existing_id_conflicts", Stage::bot, StartConversation{"c1", "v1", "pb1", ""}, v1, E::conflict},
    {"agent_cannot_start", Stage::bot, StartConversation{"c2", "v1", "pb1", ""}, anna, E::forbidden},
    // --- users and roles -----------------------------------------------------------------------
    {"admin_adds_user", Stage::bot, AddUser{make_user("dora", "Dora", Role::regular)}, ada, {}, {"user_added"}},
    {"regular_cannot_add_user", Stage::bot, AddUser{make_user("dora", "Dora", Role::regular)}, anna, E::forbidden},
    {"duplicate_user_id_conflicts", Stage::bot, AddUser{make_user("anna", "Anna 2", Role::regular)}, ada, E::conflict},
    {"admin_promotes", Stage::bot, SetRole{"anna", Role::admin}, ada, {}, {"role_changed"}},
    {"regular_cannot_promote", Stage::bot, SetRole{"anna", Role::admin}, anna, E::forbidden},
    {"last_admin_cannot_be_demoted", Stage::bot, SetRole{"ada", Role::regular}, ada, E::conflict},
    {"agent_goes_offline", Stage::bot, SetOnline{false}, anna, {}, {"online_changed"}},
    {"visitor_has_no_online_switch", Stage::bot, SetOnline{true}, v1, E::forbidden},
    {"presence_is_the_servers", Stage::bot, SetAway{"anna", true}, anna, E::forbidden},
    {"server_marks_away", Stage::bot, SetAway{"anna", true}, kSystem, {}, {"away_changed"}},
    {"agent_sets_notifications", Stage::bot, SetNotificationSettings{{false, true, true}}, anna, {},
     {"notification_settings_changed"}},
};

class RulesTable : public ::testing::TestWithParam<Row> {};

TEST_P(RulesTable, Rule) {
  const Row& row = GetParam();
  State s = at_stage(row.stage);
  auto r = decide(s, row.command, row.actor, row.now);
  if (row.error) {
    ASSERT_FALSE(r.ok()) << row.rule << ": expected " << error_code_name(*row.error) << ", got success";
    EXPECT_EQ(r.error().code, *row.error) << row.rule << ": " << r.error().message;
    EXPECT_FALSE(r.error().message.empty());
    return;
  }
  ASSERT_TRUE(r.ok()) << row.rule << ": " << r.error().message;
  std::vector<std::string_view> types;
  for (const auto& e : r.value().events) types.push_back(event_type_name(e));
  EXPECT_EQ(types, row.events) << row.rule;
  // Conversation events carry the next consecutive sequence numbers.
  Seq expected = 0;
  if (auto it = s.conversations.find("c1"); it != s.conversations.end()) expected = it->second.last_seq;
  for (const auto& e : r.value().events) {
    const ConversationId* id = event_conversation(e);
    if (id && *id == "c1") {
      EXPECT_EQ(event_seq(e), ++expected);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, RulesTable, ::testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.rule) + "_" + stage_name(info.param.stage); });

}  // namespace
}  // namespace livechat::test
