// The direct writers of protocol_direct.hpp. Keys go in sorted order (JsonWriter's contract);
// maintenance reminder: a field added to one of these frames or to MessagePosted goes here as
// well as into protocol_encode.cpp, and protocol_direct_test.cpp says when the two disagree.
#include "protocol_direct.hpp"

#include "json_writer.hpp"

namespace livechat::detail {

namespace {

void write_message_posted(JsonWriter& w, const MessagePosted& m) {
  w.begin("event");
  w.number("at", m.at);
  w.text("author", author_name(m.author));
  w.text("author_id", m.author_id);
  w.text("client_id", m.client_id);
  w.text("conversation", m.conversation);
  w.unsigned_number("seq", m.seq);
  w.text("text", m.text);
  w.text("type", "message_posted");
  w.end();
}

}  // namespace

bool encode_event_frame_direct(uint64_t pos, const Event& event, std::string& out) {
  const auto* message = std::get_if<MessagePosted>(&event);
  if (!message) return false;
  // One allocation: the fixed part of the text plus its strings (escapes rarely add much).
  out.reserve(out.size() + 160 + message->conversation.size() + message->author_id.size() + message->text.size() +
              message->client_id.size());
  JsonWriter w(out);
  w.begin();
  write_message_posted(w, *message);
  w.unsigned_number("pos", pos);
  w.text("type", "event");
  w.number("v", kProtocolVersion);
  w.end();
  return w.ok();
}

bool encode_direct(const ServerFrame& frame, std::string& out) {
  if (const auto* e = std::get_if<EventFrame>(&frame)) return encode_event_frame_direct(e->pos, e->event, out);
  JsonWriter w(out);
  if (const auto* ack = std::get_if<AckFrame>(&frame)) {
    out.reserve(out.size() + 64 + ack->request_id.size());
    w.begin();
    w.flag("duplicate", ack->duplicate);
    w.text("id", ack->request_id);
    w.unsigned_number("seq", ack->seq);
    w.text("type", "ack");
  } else if (const auto* n = std::get_if<NotifyFrame>(&frame)) {
    out.reserve(out.size() + 80 + n->body.size() + n->conversation.size() + n->kind.size() + n->title.size());
    w.begin();
    w.text("body", n->body);
    w.text("conversation", n->conversation);
    w.text("kind", n->kind);
    w.text("title", n->title);
    w.text("type", "notify");
  } else {
    return false;
  }
  w.number("v", kProtocolVersion);
  w.end();
  return w.ok();
}

}  // namespace livechat::detail
