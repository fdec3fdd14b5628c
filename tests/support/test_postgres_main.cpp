// test_postgres start DIR | stop DIR: one PostgreSQL server for every test process of a ctest run
// (the fixture `postgres` in tests/server/CMakeLists.txt; test_postgres.hpp says how it runs).
#include <cstdio>
#include <string>

#include "test_postgres.hpp"

int main(int argc, char** argv) {
  const std::string what = argc == 3 ? argv[1] : "";
  if (what == "start") {
    std::string url;
    const std::string error = livechat::test::TestPostgres::start(argv[2], url);
    if (!error.empty()) {
      std::fprintf(stderr, "test_postgres: %s\n", error.c_str());
      return 1;
    }
    std::printf("%s\n", url.c_str());
    return 0;
  }
  if (what == "stop") {
    livechat::test::TestPostgres::stop(argv[2]);
    return 0;
  }
  std::fprintf(stderr, "usage: test_postgres start|stop DIR\n");
  return 2;
}
