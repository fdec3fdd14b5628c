// libFuzzer target: the playbook JSON loader and the interpreter. Any bytes load or give an
// Error; a loaded, valid playbook round-trips through JSON and can be run with answers taken
// from the input without crashing or looping.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "livechat/playbook.hpp"
#include "livechat/playbook_run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pb = livechat::playbook_from_json(text);
  if (!pb.ok()) return 0;
  if (!livechat::validate_playbook(pb.value()).ok()) return 0;
  auto again = livechat::playbook_from_json(livechat::playbook_to_json(pb.value()));
  if (!again.ok() || !(again.value() == pb.value())) std::abort();
  for (bool online : {false, true}) {
    livechat::PlaybookRun run;
    livechat::PlaybookContext ctx{online, true};
    livechat::start(pb.value(), run, ctx);
    // Answer with the button labels and a few typical texts, a bounded number of times.
    const char* answers[] = {"1", "2", "vera@example.it", "Vera", "+39 02 1234 5678", "Acme", "x"};
    for (int i = 0; i < 20 && run.status == livechat::RunStatus::awaiting_answer; ++i)
      livechat::answer(pb.value(), run, answers[(size + static_cast<size_t>(i)) % 7], ctx);
    if (run.status == livechat::RunStatus::in_live_chat) livechat::wait_expired(pb.value(), run, ctx);
    livechat::current_prompt(pb.value(), run);
  }
  return 0;
}
