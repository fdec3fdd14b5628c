// The browser probe: the shared core compiled to WebAssembly, run in a real browser
// (tests/e2e/core_in_browser.test.mjs). It runs the recorded seeded sequence of random commands
// (tests/core/random_commands.hpp, the same one tests/core/determinism_test.cpp runs natively and
// under node) and returns the final state hash, which must equal the native build's.
// Kept small: no iostream, no printf, no GoogleTest.
#include <cstdint>

#include <emscripten/emscripten.h>

#include "livechat/state_hash.hpp"
#include "random_commands.hpp"

namespace {

// "%016" PRIx64 without pulling printf into the browser build.
void to_hex(uint64_t v, char (&out)[17]) {
  const char* digits = "0123456789abcdef";
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = digits[v & 0xF];
  out[16] = '\0';
}

}  // namespace

extern "C" {

// The state hash after 100,000 commands from seed 20261124, as 16 lower-case hex digits, or a
// string starting with "error:" if the run could not take place. The pointer stays valid until
// the next call.
EMSCRIPTEN_KEEPALIVE const char* core_probe_state_hash() {
  static char text[17];
  namespace rc = livechat::random_commands;
  rc::Run run = rc::run(rc::kSeed, rc::kSteps);
  if (!run.setup_ok) return "error: the team set-up was refused";
  if (!run.completed) return "error: the run stopped early";
  to_hex(livechat::state_hash(run.state), text);
  return text;
}

}  // extern "C"
