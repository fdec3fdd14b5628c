// JSON values for the domain types, shared by the wire frames (protocol.hpp), the server's
// event log and snapshots, and the REST API. Only the forward declaration of nlohmann::json is
// pulled in here; include <nlohmann/json.hpp> where the values are built or read.
// Field names and rules are the ones docs/protocol.md documents; readers apply the field rules
// of decode_client_frame (protocol.hpp) with Error.field set to the field's path.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "livechat/events.hpp"
#include "livechat/model.hpp"
#include "livechat/protocol.hpp"
#include "livechat/result.hpp"
#include "livechat/side_panel.hpp"

namespace livechat {

// An event as a JSON object {"type": event_type_name(e), ...every field of e}. Used inside the
// "event" frame and as the row format of the event log.
nlohmann::json to_json_value(const Event& event);
// The inverse. Unknown "type" -> bad_request (field "type"); field errors as documented in
// protocol.hpp. Strings must be valid UTF-8; message text has no cap here.
Result<Event> event_from_json(const nlohmann::json& value);

// A user: id, name, email, role, online, away, notifications{new_unassigned, assigned_to_me,
// new_message}. Users carry no password or token here, and none is ever written.
nlohmann::json to_json_value(const User& user);
Result<User> user_from_json(const nlohmann::json& value);

// A side panel; deal_value_cents is an integer, or null when not set (-1 in SidePanel).
// Reading rejects a negative deal_value_cents (invalid_field); formats are left to
// validate_side_panel.
nlohmann::json to_json_value(const SidePanel& panel);
Result<SidePanel> side_panel_from_json(const nlohmann::json& value);

// A whole conversation (snapshots, REST API): every Conversation field, with messages, panel,
// items and client_ids (an object from "author_id\nclient_id" to seq) so that reading the value
// back gives an equal Conversation.
nlohmann::json to_json_value(const Conversation& conversation);
Result<Conversation> conversation_from_json(const nlohmann::json& value);

// A whole server frame as a JSON value: the definition of its text. encode(frame) gives what
// dumping this value gives (compact, invalid UTF-8 replaced by U+FFFD), though it writes the
// busiest frames without building the value.
nlohmann::json to_json_value(const ServerFrame& frame);

}  // namespace livechat
