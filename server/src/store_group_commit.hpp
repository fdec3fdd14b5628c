// What both Store implementations (SQLite: store_sqlite.hpp, PostgreSQL: store_pg.hpp) share: on
// the write side the queue of Writes, the single writer thread and group commit, and how an event
// becomes a row of the log; on the read side how rows become events, conversations and pages.
// Each implementation supplies one transaction (commit_batch) and its SQL.
//
// Group commit: submit() appends to the queue under mu_. The writer thread takes everything queued
// (swapping the vector, so nothing is copied); with group_window_us > 0 (off by default) and
// fewer than kShortQueue waiting it first lingers that long for more. Each max_batch Writes of
// what it took are ONE transaction. Then each Write's done is handed to post, in submit order,
// with ok or with the batch's error (every Write of a failed batch gets the same error; later
// batches proceed normally). A done never runs before its transaction's COMMIT has returned.
// Nothing outside store*.cpp should include this header.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "store.hpp"

namespace livechat::server {

// One event as the log's columns hold it: body is livechat::to_json_value(event); conversation,
// seq and at are copies for indexing (absent for user events).
struct EventRow {
  std::string_view type;
  const ConversationId* conversation = nullptr;
  Seq seq = 0;
  TimeMs at = 0;
  std::string body;
};
EventRow event_row(const Event& e);

// One event of the log decoded from its body. A body that does not decode is an error naming its
// pos: the log is the source of truth and must never be half-read silently.
Result<StoredEvent> decode_event(uint64_t pos, std::string_view body);
// One conversation rebuilt with the core's apply() from its events in seq order; nullopt when it
// has none.
std::optional<Conversation> rebuild_conversation(const std::vector<StoredEvent>& log, const ConversationId& id);
// A page of the Closed folder from its rows (id, closed_at) as the query answered them (at most
// `limit`), each conversation read through `history`.
Result<ClosedPage> closed_page(const std::vector<std::pair<ConversationId, int64_t>>& rows, std::size_t limit,
                               History& history);

// The kind search_records stores for `kind` ("person", "organization", "lead", "deal").
const char* record_kind(SearchKind kind);

// The log is append-only and in pos order: `pos` must be above `last_pos` (a conflict error
// naming both otherwise).
Status check_pos(uint64_t pos, uint64_t last_pos);

// "'id'", for error messages.
std::string in_quotes(std::string_view id);

// true when `where` names a PostgreSQL database (postgres:// or postgresql://) rather than a file.
bool is_postgres_url(std::string_view where);

class GroupCommitStore : public Store {
 public:
  void submit(Write write, Done done) override;
  void flush() override;
  StoreStats stats() const override;

 protected:
  struct Pending {
    Write write;
    Done done;
  };
  GroupCommitStore(StoreOptions options, Post post) : options_(std::move(options)), post_(std::move(post)) {}
  // Starts the writer thread (named `name` in top -H). Once everything else is ready.
  void start_writer(const char* name);
  // Commits everything still queued, then joins the writer. Derived destructors call it before
  // they close what commit_batch uses.
  void stop_writer();
  // One transaction holding every Write of `batch`, in order; `events` counts their events.
  virtual Status commit_batch(std::span<const Pending> batch, uint64_t& events) = 0;
  // Writer thread, after each batch (SQLite: a forced checkpoint when the WAL is too big).
  virtual void after_batch() {}

  StoreOptions options_;
  Post post_;

 private:
  void writer_loop();
  void commit_and_answer(std::span<Pending> batch);

  mutable std::mutex mu_;
  std::condition_variable wake_;  // the writer waits for work
  std::condition_variable idle_;  // flush() waits for progress
  std::vector<Pending> queue_;
  uint64_t submitted_ = 0, finished_ = 0;  // Writes submitted / done (committed or failed)
  int flush_waiters_ = 0;
  bool stopping_ = false;
  StoreStats stats_;
  std::thread writer_;
};

}  // namespace livechat::server
