// bench_sqlite_ceiling: the raw SQLite ceiling for chat messages on the server's own schema.
//
//   bench_sqlite_ceiling --sync FULL|NORMAL --seconds S --batch N --db PATH
//   -> {"sync":"FULL","batch":N,"rows":n,"seconds":s,"rows_per_s":x}
//
// The file is opened and migrated by the server's own code (sqlite::open_connection as the
// writer: WAL, the chosen synchronous, foreign_keys=ON; then sqlite::migrate), so schema and
// pragmas cannot drift from what livechat-server runs. One "row" is one chat message, written
// exactly as the store writes a MessagePosted event (store.cpp, write_event):
//   1. INSERT INTO events (pos, type, conversation, seq, at, body)  -- body is to_json_value(event)
//   2. UPDATE conversations SET last_seq = ? WHERE id = ?           -- the conversation's seq
// (`messages` is a view over the log since schema version 2: nothing more to write.)
// N messages per BEGIN IMMEDIATE ... COMMIT (one fsync with synchronous=FULL), statements
// prepared once, messages spread round-robin over kConversations conversations.
// Maintenance reminder: the SQL below copies store.cpp's prepare_writes(); change both together.
//
// Only the transactions are timed: the JSON bodies of a batch are built before its clock starts,
// so the figure is SQLite's ceiling, not the encoder's. "seconds" is that summed SQLite time; the
// run ends at the first commit after it reaches --seconds. PATH must not exist yet (a fresh file
// every run); the program leaves it behind for the caller to remove.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "livechat/protocol_json.hpp"
#include "store_sqlite.hpp"

namespace {

using livechat::server::sqlite::Stmt;

constexpr int kConversations = 1000;  // an inbox's worth; a message's UPDATE hits one of them

struct Options {
  bool sync_full = true;
  double seconds = 0;
  long batch = 0;
  std::string db;
};

int usage(const char* why) {
  std::fprintf(stderr,
               "bench_sqlite_ceiling: %s\n"
               "usage: bench_sqlite_ceiling --sync FULL|NORMAL --seconds S --batch N --db PATH\n"
               "  inserts chat messages (event-log row + conversation update) into a\n"
               "  fresh SQLite file at PATH with the server's schema and pragmas, N per transaction,\n"
               "  for S seconds; prints one JSON line.\n",
               why);
  return 2;
}

// Parses the four required options; false (after printing why) on anything else.
bool parse(int argc, char** argv, Options& o, int& exit_code) {
  bool have_sync = false, have_seconds = false, have_batch = false, have_db = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (i + 1 >= argc) return (exit_code = usage(("missing value after " + std::string(name)).c_str()), false);
    const std::string value = argv[++i];
    char* end = nullptr;
    if (name == "--sync") {
      if (value != "FULL" && value != "NORMAL") return (exit_code = usage("--sync must be FULL or NORMAL"), false);
      o.sync_full = value == "FULL";
      have_sync = true;
    } else if (name == "--seconds") {
      o.seconds = std::strtod(value.c_str(), &end);
      if (*end != '\0' || !(o.seconds > 0) || o.seconds > 3600)
        return (exit_code = usage("--seconds must be a number in (0, 3600]"), false);
      have_seconds = true;
    } else if (name == "--batch") {
      o.batch = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || o.batch < 1 || o.batch > 1000000)
        return (exit_code = usage("--batch must be an integer in [1, 1000000]"), false);
      have_batch = true;
    } else if (name == "--db") {
      o.db = value;
      have_db = !value.empty();
    } else {
      return (exit_code = usage(("unknown option " + std::string(name)).c_str()), false);
    }
  }
  if (!have_sync || !have_seconds || !have_batch || !have_db)
    return (exit_code = usage("--sync, --seconds, --batch and --db are all required"), false);
  return true;
}

std::string conversation_id(int i) { return "conv-" + std::to_string(100000 + i); }

// Steps a statement once and resets it; false (after printing what failed) unless it finished.
bool run(sqlite3* db, Stmt& s, const char* what) {
  const int rc = s.step();
  s.reset();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
  std::fprintf(stderr, "bench_sqlite_ceiling: %s: %s\n", what, sqlite3_errmsg(db));
  return false;
}

bool prepare(sqlite3* db, Stmt& s, const char* sql) {
  auto r = livechat::server::sqlite::prepare(db, sql);
  if (!r) {
    std::fprintf(stderr, "bench_sqlite_ceiling: %s\n", r.error().message.c_str());
    return false;
  }
  s = std::move(r.value());
  return true;
}

struct Writer {
  sqlite3* db = nullptr;
  Stmt begin, commit, event, conv_insert, conv_seq;
  uint64_t pos = 0;                   // the log's last pos
  std::vector<uint64_t> last_seq;     // per conversation

  bool prepare_all() {
    return prepare(db, begin, "BEGIN IMMEDIATE") && prepare(db, commit, "COMMIT") &&
           prepare(db, event, "INSERT INTO events (pos, type, conversation, seq, at, body) VALUES (?, ?, ?, ?, ?, ?)") &&
           prepare(db, conv_insert,
                   "INSERT INTO conversations (id, visitor_id, playbook_id, phase, assignee, created_at, closed_at, "
                   "last_seq) VALUES (?, ?, ?, 'bot', NULL, ?, NULL, ?)") &&
           prepare(db, conv_seq, "UPDATE conversations SET last_seq = ?2 WHERE id = ?1");
  }

  bool insert_event(const livechat::Event& e, const std::string& conversation, uint64_t seq, int64_t at,
                    const std::string& body) {
    event.bind_u64(1, ++pos);
    event.bind(2, livechat::event_type_name(e));
    event.bind(3, conversation);
    event.bind_u64(4, seq);
    event.bind(5, at);
    event.bind(6, body);
    return run(db, event, "insert event");
  }

  // The conversations every message goes to, started as the server starts them (untimed).
  bool seed(int64_t now) {
    last_seq.assign(kConversations, 1);
    if (!run(db, begin, "begin")) return false;
    for (int i = 0; i < kConversations; ++i) {
      livechat::ConversationStarted started{conversation_id(i), 1, now, "visitor-" + std::to_string(i), "", ""};
      const livechat::Event e = started;
      const std::string body = livechat::to_json_value(e).dump();
      if (!insert_event(e, started.conversation, 1, now, body)) return false;
      conv_insert.bind(1, started.conversation);
      conv_insert.bind(2, started.visitor_id);
      conv_insert.bind_null(3);
      conv_insert.bind(4, now);
      conv_insert.bind_u64(5, 1);
      if (!run(db, conv_insert, "insert conversation")) return false;
    }
    return run(db, commit, "commit");
  }
};

// One visitor message as the server receives it: a short line, a client id for de-duplication.
livechat::MessagePosted next_message(Writer& w, uint64_t n, int64_t now) {
  const int c = static_cast<int>(n % kConversations);
  livechat::MessagePosted m;
  m.conversation = conversation_id(c);
  m.seq = ++w.last_seq[static_cast<std::size_t>(c)];
  m.at = now;
  m.author = livechat::Author::visitor;
  m.author_id = "visitor-" + std::to_string(c);
  m.text = "Hi, I would like a quote for 25 seats, message " + std::to_string(n);
  m.client_id = "client-" + std::to_string(n);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  int exit_code = 0;
  if (!parse(argc, argv, o, exit_code)) return exit_code;
  std::error_code ec;
  if (std::filesystem::exists(o.db, ec) || std::filesystem::exists(o.db + "-wal", ec)) {
    std::fprintf(stderr, "bench_sqlite_ceiling: %s already exists; give a path for a fresh file\n", o.db.c_str());
    return 2;
  }

  namespace sq = livechat::server::sqlite;
  auto opened = sq::open_connection(o.db, sq::ConnRole::writer, o.sync_full);
  if (!opened) {
    std::fprintf(stderr, "bench_sqlite_ceiling: %s\n", opened.error().message.c_str());
    return 1;
  }
  sq::Db db = std::move(opened.value());
  if (auto s = sq::migrate(db.get()); !s) {
    std::fprintf(stderr, "bench_sqlite_ceiling: %s\n", s.error().message.c_str());
    return 1;
  }

  Writer w;
  w.db = db.get();
  const int64_t now = 1'790'000'000'000;  // a fixed clock: the value does not matter to SQLite
  if (!w.prepare_all() || !w.seed(now)) return 1;

  using Clock = std::chrono::steady_clock;
  Clock::duration spent{};
  const auto limit = std::chrono::duration<double>(o.seconds);
  uint64_t rows = 0;
  std::vector<livechat::MessagePosted> batch(static_cast<std::size_t>(o.batch));
  std::vector<std::string> bodies(batch.size());
  while (spent < limit) {
    for (std::size_t i = 0; i < batch.size(); ++i) {  // untimed: the encoder is not SQLite
      batch[i] = next_message(w, rows + i, now);
      bodies[i] = livechat::to_json_value(livechat::Event{batch[i]}).dump();
    }
    const auto start = Clock::now();
    if (!run(w.db, w.begin, "begin")) return 1;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const livechat::MessagePosted& m = batch[i];
      if (!w.insert_event(livechat::Event{m}, m.conversation, m.seq, m.at, bodies[i])) return 1;
      w.conv_seq.bind(1, m.conversation);
      w.conv_seq.bind_u64(2, m.seq);
      if (!run(w.db, w.conv_seq, "update conversation")) return 1;
    }
    if (!run(w.db, w.commit, "commit")) return 1;
    spent += Clock::now() - start;
    rows += batch.size();
  }

  const double seconds = std::chrono::duration<double>(spent).count();
  std::printf("{\"sync\":\"%s\",\"batch\":%ld,\"rows\":%llu,\"seconds\":%.3f,\"rows_per_s\":%.0f}\n",
              o.sync_full ? "FULL" : "NORMAL", o.batch, static_cast<unsigned long long>(rows), seconds,
              seconds > 0 ? static_cast<double>(rows) / seconds : 0.0);
  return 0;
}
