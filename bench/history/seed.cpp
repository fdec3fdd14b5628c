// bench_history_seed DB N: writes N closed conversations straight into the database at DB (created
// and migrated if needed) with the server's own seed_history (demo.hpp), then exits. bench/history
// measures the server started on the result.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "demo.hpp"
#include "store.hpp"

int main(int argc, char** argv) {
  using namespace livechat::server;
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_history_seed DB CONVERSATIONS\n");
    return 2;
  }
  StoreOptions options;
  options.synchronous_full = false;  // a benchmark's set-up: a crash only means seeding again
  auto store = Store::open(argv[1], options, [](std::function<void()> task) { task(); });
  if (!store) {
    std::fprintf(stderr, "bench_history_seed: %s\n", store.error().message.c_str());
    return 1;
  }
  livechat::Status s = seed_history(*store.value(), std::atoi(argv[2]));
  if (!s) {
    std::fprintf(stderr, "bench_history_seed: %s\n", s.error().message.c_str());
    return 1;
  }
  return 0;
}
