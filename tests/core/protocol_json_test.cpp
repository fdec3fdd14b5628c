// The JSON values of events, users, side panels and conversations (storage, snapshots, REST).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "livechat/protocol.hpp"
#include "livechat/protocol_json.hpp"
#include "protocol_samples.hpp"

namespace livechat {
namespace {

using nlohmann::json;
using namespace protocol_samples;

TEST(ProtocolJson, EventRejectsInvalidUtf8String) {
  json j = to_json_value(Event{MessagePosted{"c", 1, 1, Author::agent, "u", "fine", "m"}});
  j["text"] = std::string("bad\xC3");
  Result<Event> r = event_from_json(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(r.error().field, "text");
}

TEST(ProtocolJson, EventRejectsNonObjectAndUnknownType) {
  EXPECT_EQ(event_from_json(json::array()).error().code, ErrorCode::bad_request);
  Result<Event> r = event_from_json(json{{"type", "nope"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "type");
}

TEST(ProtocolJson, EventReadsSignedNonNegativeIntegers) {
  // Values built in code (not parsed) hold signed integers; they read like parsed ones.
  json j = {{"type", "wait_expired"}, {"conversation", "c"}, {"seq", int64_t{4}}, {"at", int64_t{-7}}};
  Result<Event> r = event_from_json(j);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE((r.value() == Event{WaitExpired{"c", 4, -7}}));
}

TEST(ProtocolJson, UserRoundTripsAndCarriesNoSecret) {
  const User u = sample_user();
  const json j = to_json_value(u);
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"away", "email", "id", "name", "notifications", "online", "role"}));
  Result<User> back = user_from_json(json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), u);
}

TEST(ProtocolJson, ConversationRoundTripsThroughText) {
  const Conversation c = sample_conversation();
  const std::string text = to_json_value(c).dump();
  json parsed = json::parse(text, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  Result<Conversation> back = conversation_from_json(parsed);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), c);
}

TEST(ProtocolJson, ConversationErrorNamesTheMessageAtFault) {
  json j = to_json_value(sample_conversation());
  j["messages"][1]["author"] = "robot";
  Result<Conversation> r = conversation_from_json(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(r.error().field, "messages[1].author");
  j = to_json_value(sample_conversation());
  j["client_ids"]["v-1\nm-1"] = -1;
  r = conversation_from_json(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "client_ids.v-1\nm-1");
}

TEST(ProtocolJson, SidePanelUnsetValueIsNull) {
  SidePanel p;
  const json j = to_json_value(p);
  EXPECT_TRUE(j.contains("deal_value_cents") && j["deal_value_cents"].is_null());
  Result<SidePanel> back = side_panel_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), p);
}

}  // namespace
}  // namespace livechat
