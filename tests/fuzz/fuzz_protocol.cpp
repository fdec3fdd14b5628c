// libFuzzer target: the wire protocol decoder. Any bytes must decode to a frame or an Error,
// never crash; a decoded frame must survive encode -> decode unchanged (in both directions).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "livechat/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto client = livechat::decode_client_frame(text); client.ok()) {
    auto again = livechat::decode_client_frame(livechat::encode(client.value()));
    if (!again.ok() || !(again.value() == client.value())) std::abort();
  }
  if (auto server = livechat::decode_server_frame(text); server.ok()) {
    auto again = livechat::decode_server_frame(livechat::encode(server.value()));
    if (!again.ok() || !(again.value() == server.value())) std::abort();
  }
  return 0;
}
