// WAL checkpoints of the SQLite Store, off the commit path (store.hpp has the options, store.cpp
// the writer thread).
//
// SQLite's default checkpoints inside COMMIT once the WAL holds 1,000 frames: the writer thread
// then fsyncs the WAL, copies pages into the database file and fsyncs it (~6 ms here), and every
// Write that arrives meanwhile waits. Instead:
//   - the writer's connection has wal_autocheckpoint=0 and a wal hook (on_wal_commit) that, after
//     each commit, records the WAL's frame count and wakes the checkpointer thread once
//     checkpoint_pages frames are not yet copied;
//   - the checkpointer thread runs PASSIVE checkpoints on its own connection: they copy what no
//     reader still needs and never block the writer (nor wait for it);
//   - the WAL starts over from its beginning (at the next commit) only when a checkpoint has
//     copied every frame and finished before that commit. Under a steady stream of commits a
//     passive checkpoint rarely finishes between two of them (it fsyncs twice), so the WAL keeps
//     growing; past wal_limit_bytes the writer runs a RESTART checkpoint itself between two
//     batches, once no passive one is running (or at twice the limit). That is the only time
//     commits wait: for the frames the checkpointer has not copied yet, and the fsyncs;
//   - frames piling up uncopied (a reader holding an old snapshot, a slow disk) are logged once
//     per episode;
//   - at close: a TRUNCATE checkpoint, so the file is whole and the WAL empty.
// Durability is unchanged: synchronous=FULL still fsyncs the WAL at every commit; with NORMAL the
// WAL is fsynced by checkpoints only (a power cut may lose the last commits, never corrupt the
// file). Checkpoints run one at a time (checkpoint_mu_): SQLite answers SQLITE_BUSY to a second.
#include <pthread.h>

#include <algorithm>
#include <chrono>

#include "log.hpp"
#include "store_sqlite.hpp"

namespace livechat::server {

namespace {

// Frames not yet copied, in multiples of checkpoint_pages, that make the log say checkpoints are
// not keeping up.
constexpr int kBehindWarnFactor = 4;

const char* mode_name(int mode) {
  switch (mode) {
    case SQLITE_CHECKPOINT_PASSIVE: return "passive";
    case SQLITE_CHECKPOINT_FULL: return "full";
    case SQLITE_CHECKPOINT_RESTART: return "restart";
    case SQLITE_CHECKPOINT_TRUNCATE: return "truncate";
  }
  return "?";
}

}  // namespace

Status SqliteStore::start_checkpointer(const std::string& path) {
  const char* vfs = options_.vfs.empty() ? nullptr : options_.vfs.c_str();
  Result<sqlite::Db> c = sqlite::open_connection(path, sqlite::ConnRole::checkpointer, options_.synchronous_full, vfs);
  if (!c) return c.error();
  cdb_ = std::move(c.value());
  Result<sqlite::Stmt> size = sqlite::prepare(cdb_.get(), "PRAGMA page_size");
  if (!size) return size.error();
  if (size.value().step() != SQLITE_ROW) return sqlite::error_from(cdb_.get(), SQLITE_ERROR, "read page_size");
  page_size_ = static_cast<int>(std::max<int64_t>(512, size.value().i64(0)));

  // The pragma removes SQLite's own checkpoint-in-COMMIT (itself a wal hook); ours replaces it.
  Status s = sqlite::exec(wdb_.get(), "PRAGMA wal_autocheckpoint=0");
  if (!s) return s;
  pages_written(wdb_.get());  // count from here: frames written before (the schema) are older
  sqlite3_wal_hook(wdb_.get(), &SqliteStore::on_wal_commit, this);
  checkpointer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-checkpt");
    checkpointer_loop();
  });
  return ok_status();
}

void SqliteStore::stop_checkpointer() {
  if (!checkpointer_.joinable()) return;  // never started: start() failed earlier
  {
    std::lock_guard lock(wal_mu_);
    wal_.stopping = true;
  }
  checkpoint_wake_.notify_all();
  checkpointer_.join();
  // The writer has stopped, so its connection is free here; closing it alone would checkpoint
  // too, but this way a failure is logged.
  std::lock_guard running(checkpoint_mu_);
  const Checkpointed c = checkpoint(wdb_.get(), SQLITE_CHECKPOINT_TRUNCATE, CheckpointKind::forced);
  if (c.rc != SQLITE_OK) {
    log_warn("store: the checkpoint at close did not finish; the WAL keeps the rest",
             {{"error", sqlite3_errstr(c.rc)}, {"wal_frames", c.frames}, {"copied", c.copied}});
  }
}

int SqliteStore::on_wal_commit(void* self, sqlite3* db, const char*, int frames) {
  static_cast<SqliteStore*>(self)->wal_committed(frames, pages_written(db));
  return SQLITE_OK;
}

int SqliteStore::pages_written(sqlite3* db) {
  // In WAL mode every page the connection writes is a WAL frame (spilled or committed), so this
  // counter, reset at each read, is the number of frames the commit appended.
  int written = 0, highwater = 0;
  sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &written, &highwater, 1);
  return written;
}

void SqliteStore::wal_committed(int frames, int written) {
  writer_frames_ = frames;
  bool wake = false, warn = false;
  int behind = 0;
  {
    std::lock_guard lock(wal_mu_);
    // The WAL started over (its frames are all new, and the ones copied were the old ones) when
    // it holds fewer frames than before plus the ones this commit wrote. The count alone is not
    // enough: a WAL that started over can hold more frames than before.
    if (frames < wal_.frames + written) {
      wal_.copied = 0;
      ++wal_.restarts;
    }
    wal_.frames = frames;
    behind = frames - std::min(wal_.copied, frames);
    wake = behind >= options_.checkpoint_pages;
    if (behind < options_.checkpoint_pages) {
      wal_.warned = false;
    } else if (behind >= kBehindWarnFactor * options_.checkpoint_pages && !wal_.warned) {
      warn = wal_.warned = true;
    }
  }
  if (wake) checkpoint_wake_.notify_one();
  if (warn) {
    log_warn("store: WAL checkpoints are not keeping up (a long read, or a slow disk); the WAL grows",
             {{"wal_frames", frames}, {"not_copied", behind}, {"checkpoint_pages", options_.checkpoint_pages}});
  }
}

void SqliteStore::checkpointer_loop() {
  int tried_at = -1;  // frames when the last checkpoint started: retry only once the WAL changed
  std::unique_lock lock(wal_mu_);
  for (;;) {
    checkpoint_wake_.wait(lock, [&] {
      return wal_.stopping ||
             (wal_.frames - std::min(wal_.copied, wal_.frames) >= options_.checkpoint_pages && wal_.frames != tried_at);
    });
    if (wal_.stopping) return;
    tried_at = wal_.frames;
    lock.unlock();
    std::unique_lock running(checkpoint_mu_);
    const Checkpointed c = checkpoint(cdb_.get(), SQLITE_CHECKPOINT_PASSIVE, CheckpointKind::passive);
    running.unlock();
    if (c.rc != SQLITE_OK && c.rc != SQLITE_BUSY) {  // BUSY: another process is checkpointing
      log_warn("store: a WAL checkpoint failed", {{"error", sqlite3_errmsg(cdb_.get())}});
    }
    lock.lock();
  }
}

void SqliteStore::checkpoint_if_wal_too_big() {
  const int64_t bytes = int64_t{writer_frames_} * page_size_;
  if (bytes < options_.wal_limit_bytes || writer_frames_ < next_forced_at_) return;
  // While a passive checkpoint copies, let it finish and try after the next batch (rather than
  // wait for all of it, then copy the rest), unless the WAL has reached twice its limit.
  std::unique_lock running(checkpoint_mu_, std::try_to_lock);
  if (!running.owns_lock()) {
    if (bytes / 2 < options_.wal_limit_bytes) return;
    running.lock();
  }
  const Checkpointed c = checkpoint(wdb_.get(), SQLITE_CHECKPOINT_RESTART, CheckpointKind::forced);
  if (c.rc == SQLITE_OK) {
    writer_frames_ = 0;  // the next commit starts the WAL over
    next_forced_at_ = 0;
    return;
  }
  // A reader kept its snapshot through the busy timeout (or the disk failed): try again only after
  // more frames, rather than stall every batch.
  next_forced_at_ = writer_frames_ + options_.checkpoint_pages;
  log_warn("store: the WAL passed its limit and a RESTART checkpoint could not finish",
           {{"error", sqlite3_errmsg(wdb_.get())}, {"wal_frames", c.frames}, {"copied", c.copied},
            {"wal_limit_bytes", options_.wal_limit_bytes}});
}

SqliteStore::Checkpointed SqliteStore::checkpoint(sqlite3* db, int mode, CheckpointKind kind) {
  uint64_t restarts = 0;
  {
    std::lock_guard lock(wal_mu_);
    restarts = wal_.restarts;
  }
  Checkpointed c;
  const auto start = std::chrono::steady_clock::now();
  c.rc = sqlite3_wal_checkpoint_v2(db, "main", mode, &c.frames, &c.copied);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  (kind == CheckpointKind::passive ? passive_seconds_ : forced_seconds_).observe(took.count());
  {
    std::lock_guard lock(wal_mu_);
    // Frames counted before a restart belong to the old WAL: then nothing is known copied.
    if (wal_.restarts == restarts && c.copied > 0) wal_.copied = std::max(wal_.copied, std::min(c.copied, wal_.frames));
    if (wal_.frames - wal_.copied < options_.checkpoint_pages) wal_.warned = false;
    ++wal_.checkpoints;
    if (kind == CheckpointKind::forced) ++wal_.forced_checkpoints;
  }
  log_debug("store: checkpoint", {{"mode", mode_name(mode)}, {"rc", c.rc}, {"wal_frames", c.frames},
                                  {"copied", c.copied}, {"ms", took.count() * 1000}});
  return c;
}

const Histogram* SqliteStore::checkpoint_seconds(CheckpointKind kind) const {
  return kind == CheckpointKind::passive ? &passive_seconds_ : &forced_seconds_;
}

}  // namespace livechat::server
