// Internal to core/src/protocol_encode.cpp and protocol_direct.cpp (not installed, not API): the
// frames a chat message makes (the sender's ack, the message_posted event for the widget and
// the dashboard, the assignee's notify) written straight as text, without building a JSON DOM.
// The DOM path (to_json_value of the frame, then dump) stays the definition: these writers give
// byte for byte the same text, which tests/core/protocol_direct_test.cpp checks on many frames.
#pragma once
#include <cstdint>
#include <string>

#include "livechat/protocol.hpp"

namespace livechat::detail {

// Appends `frame` as text to `out` and returns true; returns false (with `out` left in an
// unspecified state) when this frame has no direct writer or one of its strings is not valid
// UTF-8, so the caller takes the DOM path.
bool encode_direct(const ServerFrame& frame, std::string& out);
// The same for the event frame {pos, event}, without a copy of the event.
bool encode_event_frame_direct(uint64_t pos, const Event& event, std::string& out);

}  // namespace livechat::detail
