// The SQLite store, part 3: WAL checkpoints (store_checkpoint.cpp). Commits complete while a
// checkpoint is in progress, the WAL stays bounded under a stream of commits, a reader that keeps
// checkpoints from copying is logged once, and closing leaves a whole file and no WAL.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "log.hpp"
#include "store_fixture.hpp"

namespace livechat::server::test {
namespace {

// [SECTION] A VFS that holds a checkpoint in progress ---------------------------------------------
// kGateVfs wraps the default VFS. While the gate is shut, the first write to a main database file
// waits until it opens. In WAL mode only checkpoints write there, so the checkpoint making that
// write stays in progress (holding SQLite's checkpoint lock) for as long as the test wants.
constexpr const char* kGateVfs = "livechat-test-gate";

class Gate {
 public:
  // From now on, writes after the first `let_through` wait at the gate.
  void shut(int let_through = 0) {
    std::lock_guard lock(mu_);
    shut_ = true;
    held_ = false;
    let_through_ = let_through;
  }
  void open() {
    std::lock_guard lock(mu_);
    shut_ = false;
    cv_.notify_all();
  }
  // True once a write waits at the shut gate; false if none came within `limit`.
  bool wait_held(std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return held_; });
  }
  // Called by every write to a main database file.
  void pass() {
    std::unique_lock lock(mu_);
    if (!shut_ || let_through_-- > 0) return;
    held_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !shut_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool shut_ = false, held_ = false;
  int let_through_ = 0;
};

Gate& gate() {
  static Gate g;
  return g;
}

struct GateFile {
  sqlite3_file base;
  sqlite3_file* real;  // the default VFS's file, allocated right after this struct
  bool main_db;
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<GateFile*>(f)->real; }

const sqlite3_io_methods kGateMethods = {
    3,
    [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); },
    [](sqlite3_file* f, void* p, int n, sqlite3_int64 at) { return real(f)->pMethods->xRead(real(f), p, n, at); },
    [](sqlite3_file* f, const void* p, int n, sqlite3_int64 at) {
      if (reinterpret_cast<GateFile*>(f)->main_db) gate().pass();
      return real(f)->pMethods->xWrite(real(f), p, n, at);
    },
    [](sqlite3_file* f, sqlite3_int64 size) { return real(f)->pMethods->xTruncate(real(f), size); },
    [](sqlite3_file* f, int flags) { return real(f)->pMethods->xSync(real(f), flags); },
    [](sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); },
    [](sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); },
    [](sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); },
    [](sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); },
    [](sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); },
    [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); },
    [](sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); },
    [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
      return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
    },
    [](sqlite3_file* f, int offset, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), offset, n, flags); },
    [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); },
    [](sqlite3_file* f, int remove) { return real(f)->pMethods->xShmUnmap(real(f), remove); },
    [](sqlite3_file* f, sqlite3_int64 at, int n, void** out) { return real(f)->pMethods->xFetch(real(f), at, n, out); },
    [](sqlite3_file* f, sqlite3_int64 at, void* p) { return real(f)->pMethods->xUnfetch(real(f), at, p); },
};

// Registers kGateVfs once (not as the default).
void register_gate_vfs() {
  static const bool registered = [] {
    static sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    static sqlite3_vfs vfs = *base;
    vfs.zName = kGateVfs;
    vfs.szOsFile = static_cast<int>(sizeof(GateFile)) + base->szOsFile;
    vfs.xOpen = [](sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
      auto* g = reinterpret_cast<GateFile*>(file);
      g->real = reinterpret_cast<sqlite3_file*>(g + 1);
      g->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
      const int rc = base->xOpen(base, name, g->real, flags, out_flags);
      g->base.pMethods = g->real->pMethods ? &kGateMethods : nullptr;
      return rc;
    };
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
  }();
  ASSERT_TRUE(registered);
}

// [SECTION] Helpers ------------------------------------------------------------------------------

// A message big enough to span many pages (overflow pages).
Write big_message(uint64_t pos, std::size_t bytes) {
  return events_write({at(pos, MessagePosted{"c", pos, 0, Author::visitor, "v", std::string(bytes, 'x'), ""})});
}

Write message(uint64_t pos) {
  return events_write({at(pos, MessagePosted{"c", pos, 0, Author::visitor, "v", numbered("hello ", pos) + kWild,
                                             numbered("m", pos)})});
}

Write start() { return events_write({at(1, ConversationStarted{"c", 1, 0, "v", "", ""})}); }

int64_t file_size(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(size);
}

// Waits (polling, up to a minute) until `ready` holds.
template <class F>
bool eventually(F ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// The answers of submitted Writes, waited for with a time limit (a hang is a failure, not a stuck test).
struct Answers {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Status> got;
  Store::Done done() {
    return [this](const Status& s) {
      std::lock_guard lock(mu);
      got.push_back(s);
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::seconds limit) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return got.size() >= n; });
  }
};

StoreOptions small_wal(int checkpoint_pages, int64_t wal_limit_bytes) {
  StoreOptions o;
  o.synchronous_full = false;
  o.checkpoint_pages = checkpoint_pages;
  o.wal_limit_bytes = wal_limit_bytes;
  return o;
}

// [SECTION] Tests --------------------------------------------------------------------------------

TEST_F(StoreTest, ACommitCompletesWhileACheckpointIsInProgress) {
  register_gate_vfs();
  StoreOptions o = small_wal(16, int64_t{64} << 20);
  o.vfs = kGateVfs;
  auto store = open(o);
  ASSERT_TRUE(store);
  ASSERT_OK(put(*store, start()));

  gate().shut();
  // One commit of ~100 pages: the checkpointer wakes and its checkpoint stops at the gate.
  Answers answers;
  store->submit(big_message(2, 400'000), answers.done());
  if (!gate().wait_held(std::chrono::seconds(60))) {
    gate().open();
    FAIL() << "no checkpoint wrote to the database file";
  }
  const uint64_t checkpoints = store->stats().wal->checkpoints;  // the held one is counted when it ends

  store->submit(message(3), answers.done());
  const bool committed = answers.wait_for(2, std::chrono::seconds(60));
  const uint64_t checkpoints_when_committed = store->stats().wal->checkpoints;
  auto read = store->events_after(1, 10);
  gate().open();  // before any assertion can return: the store must be able to close

  ASSERT_TRUE(committed) << "a commit waited for the checkpoint";
  for (const Status& s : answers.got) ASSERT_OK(s);
  EXPECT_EQ(checkpoints_when_committed, checkpoints) << "the checkpoint had already finished";
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(positions(read.value()), (std::vector<uint64_t>{2, 3}));

  EXPECT_TRUE(eventually([&] { return store->stats().wal->checkpoints > checkpoints; }));
  EXPECT_TRUE(store->integrity_ok());
}

// Two ways the WAL stays bounded: passive checkpoints on their own thread (with the forced one
// behind them), and the forced RESTART alone when passive ones never start.
struct BoundCase {
  const char* name;
  int checkpoint_pages;
};
void PrintTo(const BoundCase& c, std::ostream* os) { *os << c.name; }
class StoreWalBound : public StoreTest, public ::testing::WithParamInterface<BoundCase> {};

TEST_P(StoreWalBound, TheWalStaysBoundedUnderAStreamOfCommits) {
  constexpr int64_t kLimitFrames = 64;
  constexpr int64_t kOneCommitFrames = 32;  // a message commit touches a handful of pages
  auto store = open(StoreOptions{});  // creates the file, to read its page size
  ASSERT_TRUE(store);
  const int64_t page = std::stoll(scalar(file(), "PRAGMA page_size"));
  store.reset();
  store = open(small_wal(GetParam().checkpoint_pages, kLimitFrames * page));
  ASSERT_TRUE(store);

  ASSERT_OK(put(*store, start()));
  uint64_t most_frames = 0;
  for (uint64_t pos = 2; pos <= 600; ++pos) {
    ASSERT_OK(put(*store, message(pos)));
    most_frames = std::max(most_frames, store->stats().wal->frames);  // as the hook reported it
  }
  const StoreStats stats = store->stats();
  // Past the limit the writer lets a running passive checkpoint finish first, up to twice the limit.
  const int64_t bound = (GetParam().checkpoint_pages > 1'000'000 ? kLimitFrames : 2 * kLimitFrames) + kOneCommitFrames;
  EXPECT_LE(most_frames, static_cast<uint64_t>(bound));
  EXPECT_GT(stats.wal->checkpoints, 0u);
  if (GetParam().checkpoint_pages > 1'000'000) {
    EXPECT_EQ(stats.wal->checkpoints, stats.wal->forced_checkpoints);
  }
  const int64_t wal = file_size(file() + "-wal");
  EXPECT_GT(wal, 0);
  EXPECT_LE(wal, 32 + bound * (page + 24));
  EXPECT_EQ(store->last_pos(), 600u);
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, StoreWalBound,
                         ::testing::Values(BoundCase{"passive", 16}, BoundCase{"forced_only", 2'000'000'000}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(StoreTest, AReaderThatKeepsCheckpointsFromCopyingIsLoggedOnce) {
  std::mutex mu;
  std::vector<std::string> warnings;
  set_log_sink([&](std::string_view line) {
    if (line.find("not keeping up") == std::string_view::npos) return;
    std::lock_guard lock(mu);
    warnings.emplace_back(line);
  });
  // Taken back on every way out (a failed ASSERT returns early): the sink refers to locals.
  struct SinkBack {
    ~SinkBack() { set_log_sink(nullptr); }
  } sink_back;
  auto store = open(small_wal(128, int64_t{64} << 20));
  ASSERT_TRUE(store);
  ASSERT_OK(put(*store, start()));
  ASSERT_LT(store->stats().wal->frames, 128u);  // the schema and one commit: nothing to copy yet

  // A reader in the middle of a transaction keeps its snapshot: frames after it stay uncopied.
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(file().c_str(), &reader, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM events;", nullptr, nullptr, nullptr), SQLITE_OK);
  for (uint64_t pos = 2; pos <= 600; ++pos) ASSERT_OK(put(*store, message(pos)));
  EXPECT_GE(store->stats().wal->frames, 4u * 128u);
  sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(reader);
  store.reset();

  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("\"level\":\"warn\""), std::string::npos) << warnings[0];
}

// A process killed (kill -9) while a checkpoint has copied part of the WAL into the file loses
// nothing that was acknowledged: the reopened file holds every Write whose done ran, and is whole.
// The store runs in a child process; it reports each acknowledged pos through a pipe.
TEST_F(StoreTest, AKillDuringACheckpointLosesNothingAcknowledged) {
  register_gate_vfs();
  for (bool full : {false, true}) {
    SCOPED_TRACE(full ? "synchronous=FULL" : "synchronous=NORMAL");
    std::filesystem::remove(file());
    std::filesystem::remove(file() + "-wal");
    std::filesystem::remove(file() + "-shm");
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    constexpr uint64_t kHeld = ~uint64_t{0};
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {  // the child: never returns into the test
      close(fds[0]);
      const int out = fds[1];
      StoreOptions o = small_wal(16, int64_t{64} << 20);
      o.synchronous_full = full;
      o.vfs = kGateVfs;
      auto opened = Store::open(file(), o, [](std::function<void()> task) { task(); });
      if (!opened.ok()) _exit(1);
      Store& store = *opened.value();
      auto ack = [out](uint64_t pos) {
        return [out, pos](const Status& s) {
          if (s.ok() && write(out, &pos, sizeof pos) != sizeof pos) _exit(1);
        };
      };
      store.submit(start(), ack(1));
      for (uint64_t pos = 2; pos <= 100; ++pos) store.submit(message(pos), ack(pos));
      store.flush();
      gate().shut(3);  // the next checkpoint copies three pages, then waits
      store.submit(big_message(101, 400'000), ack(101));
      if (!gate().wait_held(std::chrono::seconds(60))) _exit(1);
      for (uint64_t pos = 102; pos <= 150; ++pos) store.submit(message(pos), ack(pos));
      store.flush();
      if (write(out, &kHeld, sizeof kHeld) != sizeof kHeld) _exit(1);
      for (;;) pause();  // killed here, mid-checkpoint
    }
    close(fds[1]);
    std::set<uint64_t> acked;
    bool held = false;
    while (!held) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 60'000) != 1) break;
      uint64_t pos = 0;
      if (read(fds[0], &pos, sizeof pos) != sizeof pos) break;
      if (pos == kHeld) held = true;
      else acked.insert(pos);
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    close(fds[0]);
    ASSERT_TRUE(held) << "the child did not reach a checkpoint in progress";
    ASSERT_EQ(acked.size(), 150u);

    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->integrity_ok());
    auto read = store->events_after(0, 1000);
    ASSERT_TRUE(read.ok());
    const std::vector<uint64_t> got = positions(read.value());
    EXPECT_EQ(std::set<uint64_t>(got.begin(), got.end()), acked);
  }
}

TEST_F(StoreTest, ClosingLeavesAWholeFileAndNoWal) {
  {
    auto store = open(small_wal(16, int64_t{64} << 20));
    ASSERT_TRUE(store);
    ASSERT_OK(put(*store, start()));
    for (uint64_t pos = 2; pos <= 300; ++pos) ASSERT_OK(put(*store, message(pos)));
    EXPECT_TRUE(eventually([&] { return store->stats().wal->checkpoints > 0; }));
  }
  // Everything is in the database file itself.
  EXPECT_EQ(file_size(file() + "-wal"), -1);
  EXPECT_EQ(scalar(file(), "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(scalar(file(), "SELECT count(*) FROM messages"), "299");

  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->last_pos(), 300u);
  auto read = store->conversation_events("c", 295, 300);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(positions(read.value()), (std::vector<uint64_t>{296, 297, 298, 299, 300}));
  EXPECT_TRUE(store->integrity_ok());
}

}  // namespace
}  // namespace livechat::server::test
