// A 64-bit fingerprint of the whole State (FNV-1a over a canonical, length-prefixed encoding of
// every field in map order). Equal states hash equal on every platform: the determinism test
// compares the native and the WebAssembly builds with it.
#pragma once
#include <cstdint>

#include "livechat/model.hpp"

namespace livechat {

uint64_t state_hash(const State& state);

}  // namespace livechat
