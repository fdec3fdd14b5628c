// Helpers for the session frames of protocol.hpp (hello, welcome, prompt, snapshot ...): the
// wire names of PromptKind and the Prompt -> PromptFrame conversion. Their encoding is in
// protocol_encode.cpp and their decoding in protocol_decode_server.cpp, with the other frames.
#include <array>
#include <string_view>
#include <utility>

#include "livechat/protocol.hpp"

namespace livechat {

namespace {

// In PromptKind order (prompt_kind_name indexes it); the names are the wire format.
constexpr std::array<std::pair<PromptKind, std::string_view>, 6> kPromptKinds{{
    {PromptKind::none, "none"},
    {PromptKind::buttons, "buttons"},
    {PromptKind::free_text, "free_text"},
    {PromptKind::capture, "capture"},
    {PromptKind::waiting_for_agent, "waiting_for_agent"},
    {PromptKind::finished, "finished"},
}};
static_assert(static_cast<std::size_t>(PromptKind::finished) + 1 == kPromptKinds.size(), "name every PromptKind");

}  // namespace

std::string_view prompt_kind_name(PromptKind kind) {
  for (const auto& [k, name] : kPromptKinds)
    if (k == kind) return name;
  return "none";
}

bool parse_prompt_kind(std::string_view name, PromptKind& out) {
  for (const auto& [k, n] : kPromptKinds)
    if (n == name) {
      out = k;
      return true;
    }
  return false;
}

PromptFrame prompt_frame(ConversationId conversation, const Prompt& prompt) {
  PromptFrame f{std::move(conversation), Prompt{prompt.kind, prompt.card_id, {}, CaptureKind::name}};
  if (prompt.kind == PromptKind::buttons) f.prompt.buttons = prompt.buttons;
  if (prompt.kind == PromptKind::capture) f.prompt.field = prompt.field;
  return f;
}

}  // namespace livechat
