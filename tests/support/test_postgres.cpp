#include "test_postgres.hpp"

#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace livechat::test {

namespace {

// A free loopback TCP port (the kernel's choice; released just before PostgreSQL binds it).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

// Debian installs the server programs in /usr/lib/postgresql/<major>/bin; the newest one.
std::string server_bin() {
  std::string best;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    if (std::filesystem::exists(e.path() / "bin" / "initdb") && e.path().string() > best) best = e.path().string();
  }
  return best.empty() ? "" : best + "/bin";
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

struct ConnClose {
  void operator()(PGconn* c) const { PQfinish(c); }
};

// The prefix that runs a PostgreSQL program as its own user: as root, the `postgres` user.
std::string as_postgres() { return geteuid() == 0 ? "runuser -u postgres -- " : ""; }

}  // namespace

std::string TestPostgres::start(const std::string& dir, std::string& base_url) {
  const std::string bin = server_bin();
  if (bin.empty()) return "PostgreSQL's server programs are not installed (Debian: postgresql; scripts/setup installs it)";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (!std::filesystem::create_directories(dir, ec)) return "cannot make " + dir;
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (!pw || chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return "running as root, but there is no `postgres` user to run PostgreSQL as (Debian: postgresql)";
    }
  }
  const int port = free_port();
  const std::string data = dir + "/data", log = dir + "/log";
  // trust: only this machine's loopback and this directory's socket reach it. No fsync: a test
  // server's data need not survive a power cut.
  const std::string initdb = as_postgres() + bin + "/initdb -D " + quoted(data) +
                             " -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >" + quoted(dir + "/initdb.log") +
                             " 2>&1";
  if (std::system(initdb.c_str()) != 0) return "initdb failed (see " + dir + "/initdb.log)";
  const std::string start = as_postgres() + bin + "/pg_ctl -D " + quoted(data) + " -l " + quoted(log) + " -w -o " +
                            quoted("-p " + std::to_string(port) + " -k " + dir +
                                   " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off") +
                            " start >/dev/null 2>&1";
  if (std::system(start.c_str()) != 0) return "pg_ctl start failed (see " + log + ")";
  base_url = "postgresql://postgres@127.0.0.1:" + std::to_string(port);
  if (FILE* f = std::fopen((dir + "/url").c_str(), "w")) {
    std::fputs(base_url.c_str(), f);
    std::fclose(f);
  }
  return "";
}

void TestPostgres::stop(const std::string& dir) {
  const std::string stop = as_postgres() + server_bin() + "/pg_ctl -D " + quoted(dir + "/data") +
                           " -m immediate -w stop >/dev/null 2>&1";
  if (std::filesystem::exists(dir + "/data/postmaster.pid") && std::system(stop.c_str()) != 0)
    std::fprintf(stderr, "test postgres: pg_ctl stop failed in %s\n", dir.c_str());
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TestPostgres& TestPostgres::shared() {
  static TestPostgres server;
  return server;
}

TestPostgres::TestPostgres() {
  if (const char* given = getenv("LIVECHAT_TEST_POSTGRES"); given && *given) {
    base_url_ = given;
    return;
  }
  if (const char* dir = getenv("LIVECHAT_TEST_POSTGRES_DIR"); dir && *dir) {
    if (FILE* f = std::fopen((std::string(dir) + "/url").c_str(), "r")) {
      char buf[256] = {};
      if (std::fgets(buf, sizeof buf, f)) base_url_ = buf;
      std::fclose(f);
      if (!base_url_.empty()) return;
    }
  }
  char tmpl[] = "/tmp/livechat_pg_XXXXXX";
  if (!mkdtemp(tmpl)) {
    error_ = "cannot make a temporary directory";
    return;
  }
  dir_ = tmpl;
  error_ = start(dir_, base_url_);
}

TestPostgres::~TestPostgres() {
  if (!dir_.empty()) stop(dir_);
}

std::string TestPostgres::scalar(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, ConnClose> conn(PQconnectdb(url.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    error_ = PQerrorMessage(conn.get());
    return "";
  }
  PGresult* res = PQexec(conn.get(), sql.c_str());
  std::string out;
  const ExecStatusType st = PQresultStatus(res);
  if (st == PGRES_TUPLES_OK && PQntuples(res) > 0) out = PQgetvalue(res, 0, 0);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) error_ = PQresultErrorMessage(res);
  PQclear(res);
  return out;
}

std::string TestPostgres::create_database() {
  if (!ok()) return "";
  const std::string name = "livechat_test_" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
  scalar(base_url_ + "/postgres", "CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'");
  return ok() ? base_url_ + "/" + name : "";
}

void TestPostgres::drop_database(const std::string& url) {
  const std::string name = url.substr(url.rfind('/') + 1);
  scalar(base_url_ + "/postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

}  // namespace livechat::test
