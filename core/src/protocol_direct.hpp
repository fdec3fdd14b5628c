// Internal to the core's protocol files (not installed, not API): the frames of a chat message
// handled without a JSON DOM. Written straight as text: the sender's ack, the message_posted
// event for the widget and the dashboard, the assignee's notify; read straight: send_message.
// The DOM paths stay the definition: the writers give byte for byte the text that dumping
// to_json_value(frame) gives, and the reader accepts only frames the full decoder accepts, with
// the same result. tests/core/protocol_direct_test.cpp checks both on many frames.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "livechat/protocol.hpp"

namespace livechat::detail {

// Appends `frame` as text to `out` and returns true; returns false (with `out` left in an
// unspecified state) when this frame has no direct writer or one of its strings is not valid
// UTF-8, so the caller takes the DOM path.
bool encode_direct(const ServerFrame& frame, std::string& out);
// The same for the event frame {pos, event}, without a copy of the event.
bool encode_event_frame_direct(uint64_t pos, const Event& event, std::string& out);

// A send_message frame in its plainest shape (a flat object of exactly v, type, id,
// conversation, text and client_id; strings without escapes; every field valid), or nullopt:
// then decode_client_frame's full path reads it (and words any error).
std::optional<ClientFrame> decode_send_message_direct(std::string_view text);
// decode_client_frame's full path: the DOM, every frame type, every error.
Result<ClientFrame> decode_client_frame_dom(std::string_view text);

}  // namespace livechat::detail
