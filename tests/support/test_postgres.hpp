// A PostgreSQL server of the tests' own, from Debian's packages: initdb into a temporary
// directory, started with pg_ctl on a free loopback port (its unix socket in that directory too),
// stopped and deleted when the process ends. Tests, integration tests and benchmarks get empty
// databases from it (one per test) and connect with postgresql://postgres@127.0.0.1:PORT/NAME.
//
// initdb refuses to run as root: as root (CI, this machine) every PostgreSQL program runs as the
// `postgres` system user that Debian's package creates (runuser), and the directory is its own.
// LIVECHAT_TEST_POSTGRES (a base URL such as postgresql://postgres@127.0.0.1:5432) makes them use
// an already running server instead; so does LIVECHAT_TEST_POSTGRES_DIR, a directory where
// `test_postgres start DIR` (ctest's fixture `postgres`, tests/server/CMakeLists.txt) started one
// server for every test process of a ctest run.
#pragma once
#include <string>

namespace livechat::test {

class TestPostgres {
 public:
  // The process's server, started on first use. ok() is false (and error() says why) when it
  // cannot start.
  static TestPostgres& shared();
  ~TestPostgres();
  TestPostgres(const TestPostgres&) = delete;
  TestPostgres& operator=(const TestPostgres&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // "postgresql://postgres@127.0.0.1:PORT" (no database).
  const std::string& base_url() const { return base_url_; }
  // A new empty database, and its URL. "" on failure (error() then says why).
  std::string create_database();
  // Drops a database create_database made (closing whatever is still connected to it).
  void drop_database(const std::string& url);
  // Runs SQL on database `url` and answers the first column of the first row ("" if none).
  std::string scalar(const std::string& url, const std::string& sql);

  // A server in `dir` (made empty first), its base URL written to dir/url; "" or why it failed.
  static std::string start(const std::string& dir, std::string& base_url);
  // Stops the server start() left in `dir` and removes the directory.
  static void stop(const std::string& dir);

 private:
  TestPostgres();
  std::string dir_, base_url_, error_;  // dir_: our own server's, removed at the end
  int databases_ = 0;
};

}  // namespace livechat::test
