// Store::open (which engine), and the write side both implementations share: the queue, the
// writer thread and group commit (store_group_commit.hpp says how it works).
#include "store_group_commit.hpp"

#include <nlohmann/json.hpp>

#include <pthread.h>

#include <algorithm>
#include <chrono>

#include "livechat/protocol_json.hpp"
#include "livechat/rules.hpp"
#include "store_pg.hpp"
#include "store_sqlite.hpp"

namespace livechat::server {

namespace {

// Below this many waiting Writes the writer lingers for group_window_us before committing; above
// it the batch is already worth its fsync and waiting would only add latency.
constexpr std::size_t kShortQueue = 64;

int histogram_bucket(std::size_t writes) {
  if (writes <= 1) return 0;
  if (writes <= 3) return 1;
  if (writes <= 7) return 2;
  if (writes <= 15) return 3;
  if (writes <= 63) return 4;
  if (writes <= 255) return 5;
  if (writes <= 1023) return 6;
  return 7;
}

}  // namespace

bool Write::empty() const {
  return events.empty() && persons.empty() && organizations.empty() && leads.empty() && activities.empty() &&
         notes.empty() && credentials.empty() && sessions.empty() && ended_sessions.empty() && visitors.empty() &&
         playbooks.empty() && deleted_playbooks.empty() && playbook_versions.empty() && runs.empty() && canned.empty() && deleted_canned.empty();
}

bool is_postgres_url(std::string_view where) {
  return where.starts_with("postgres://") || where.starts_with("postgresql://");
}

Result<std::unique_ptr<Store>> Store::open(const std::string& where, StoreOptions options, Post post) {
  if (options.max_batch == 0) options.max_batch = 1;
  if (options.group_window_us < 0) options.group_window_us = 0;
  if (options.checkpoint_pages < 1) options.checkpoint_pages = 1;
  if (is_postgres_url(where)) {
    auto store = std::make_unique<PgStore>(std::move(options), std::move(post));
    Status s = store->start(where);
    if (!s) return s.error();
    return std::unique_ptr<Store>(std::move(store));
  }
  auto store = std::make_unique<SqliteStore>(std::move(options), std::move(post));
  Status s = store->start(where);
  if (!s) return s.error();
  return std::unique_ptr<Store>(std::move(store));
}

EventRow event_row(const Event& e) {
  EventRow row;
  row.type = event_type_name(e);
  row.conversation = event_conversation(e);
  row.seq = event_seq(e);
  std::visit(
      [&](const auto& ev) {
        if constexpr (requires { ev.at; }) row.at = ev.at;
      },
      e);
  row.body = livechat::to_json_value(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return row;
}

Result<StoredEvent> decode_event(uint64_t pos, std::string_view body) {
  const std::string where = "store: event at pos " + std::to_string(pos);
  nlohmann::json value = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (value.is_discarded()) return make_error(ErrorCode::bad_request, where + ": body is not JSON", "pos");
  Result<Event> event = event_from_json(value);
  if (!event) return make_error(event.error().code, where + ": " + event.error().message, event.error().field);
  return StoredEvent{pos, std::move(event.value())};
}

std::optional<Conversation> rebuild_conversation(const std::vector<StoredEvent>& log, const ConversationId& id) {
  State state;
  for (const StoredEvent& e : log) apply(state, e.event);
  auto it = state.conversations.find(id);
  if (it == state.conversations.end()) return std::nullopt;
  return std::move(it->second);
}

Result<ClosedPage> closed_page(const std::vector<std::pair<ConversationId, int64_t>>& rows, std::size_t limit,
                               History& history) {
  ClosedPage page;
  for (const auto& [id, closed_at] : rows) {
    Result<std::optional<Conversation>> c = history.conversation(id);
    if (!c) return c.error();
    if (c.value()) page.conversations.push_back(std::move(*c.value()));
  }
  if (!rows.empty() && rows.size() == limit) page.next = ClosedCursor{rows.back().second, rows.back().first};
  return page;
}

const char* record_kind(SearchKind kind) {
  switch (kind) {
    case SearchKind::persons: return "person";
    case SearchKind::organizations: return "organization";
    case SearchKind::leads: return "lead";
    case SearchKind::deals: return "deal";
    case SearchKind::conversations: break;
  }
  return "conversation";
}

Status check_pos(uint64_t pos, uint64_t last_pos) {
  if (pos > last_pos) return ok_status();
  // A repeat would also hit the primary key; the message says what the contract is.
  return make_error(ErrorCode::conflict, "store: event at pos " + std::to_string(pos) + " is not after pos " +
                                             std::to_string(last_pos) +
                                             " (events must be appended in strictly increasing pos order)");
}

std::string in_quotes(std::string_view id) {
  std::string out;  // built with append: GCC 12 -O3 warns (-Wrestrict) on "'" + std::string(...)
  out.reserve(id.size() + 2);
  out.append(1, '\'').append(id).append(1, '\'');
  return out;
}

// --- the queue ---------------------------------------------------------------------------------

void GroupCommitStore::submit(Write write, Done done) {
  bool notify = false;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Pending{std::move(write), std::move(done)});
    ++submitted_;
    // Wake the writer when work appears, or when a lingering writer's batch has become worth it.
    const std::size_t n = queue_.size();
    notify = n == 1 || n == kShortQueue || n >= options_.max_batch;
  }
  if (notify) wake_.notify_one();
}

void GroupCommitStore::flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = submitted_;
  if (finished_ >= target) return;
  ++flush_waiters_;  // the writer stops lingering while someone waits
  wake_.notify_one();
  idle_.wait(lock, [&] { return finished_ >= target; });
  --flush_waiters_;
}

StoreStats GroupCommitStore::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitStore::start_writer(const char* name) {
  writer_ = std::thread([this, name] {
    pthread_setname_np(pthread_self(), name);  // as top -H, perf and strace show it
    writer_loop();
  });
}

void GroupCommitStore::stop_writer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();  // commits everything still queued first
}

void GroupCommitStore::writer_loop() {
  std::vector<Pending> taken;  // swapped with queue_: both buffers are reused, nothing is copied
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted is done
      if (options_.group_window_us > 0 && queue_.size() < kShortQueue && queue_.size() < options_.max_batch &&
          !stopping_ && flush_waiters_ == 0) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(options_.group_window_us);
        wake_.wait_until(lock, deadline, [&] {
          return stopping_ || flush_waiters_ > 0 || queue_.size() >= std::min(kShortQueue, options_.max_batch);
        });
      }
      taken.swap(queue_);
    }
    // Everything taken, in transactions of at most max_batch Writes each.
    for (std::size_t first = 0; first < taken.size(); first += options_.max_batch) {
      const std::size_t n = std::min(options_.max_batch, taken.size() - first);
      commit_and_answer(std::span<Pending>(taken.data() + first, n));
      after_batch();
    }
    taken.clear();
  }
}

void GroupCommitStore::commit_and_answer(std::span<Pending> batch) {
  uint64_t events = 0;
  const Status status = commit_batch(batch, events);
  for (Pending& p : batch) {
    if (p.done) post_([done = std::move(p.done), status] { done(status); });
  }
  {
    std::lock_guard lock(mu_);
    finished_ += batch.size();
    if (status) {
      ++stats_.commits;
      stats_.writes += batch.size();
      stats_.events += events;
      ++stats_.batch_histogram[histogram_bucket(batch.size())];
    } else {
      ++stats_.rollbacks;
    }
  }
  idle_.notify_all();
}

}  // namespace livechat::server
