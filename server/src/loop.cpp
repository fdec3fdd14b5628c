// Loop over boost::asio::io_context: one thread calls run(); timers are steady_timers (immune to
// wall-clock jumps), now_ms() reads the system clock (the product's only clock).
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "loop.hpp"
#include "loop_asio.hpp"

namespace livechat::server {
namespace {

namespace asio = boost::asio;

class AsioLoop final : public Loop {
 public:
  explicit AsioLoop(int64_t clock_start_ms)
      : io_(1), work_(asio::make_work_guard(io_)), clock_shift_ms_(clock_start_ms ? clock_start_ms - system_ms() : 0) {}

  ~AsioLoop() override {
    // Timers first: they belong to io_, which must outlive them.
    timers_.clear();
  }

  void post(Task task) override { asio::post(io_, std::move(task)); }

  TimerId after(int64_t delay_ms, Task task) override {
    TimerId id = next_id_++;
    auto timer = std::make_unique<asio::steady_timer>(io_);
    timer->expires_after(std::chrono::milliseconds(delay_ms < 0 ? 0 : delay_ms));
    timer->async_wait([this, id, task = std::move(task)](const boost::system::error_code& ec) mutable {
      // A cancelled timer was already erased by cancel(); a fired one is erased here, before the
      // task runs, so the task may schedule or cancel timers freely.
      auto it = timers_.find(id);
      if (it == timers_.end()) return;
      timers_.erase(it);
      if (!ec) task();
    });
    timers_.emplace(id, std::move(timer));
    return id;
  }

  void cancel(TimerId id) override {
    auto it = timers_.find(id);
    if (it == timers_.end()) return;  // fired already, or never existed: nothing to do
    it->second->cancel();
    timers_.erase(it);  // the pending handler sees the id gone and drops its task
  }

  int64_t now_ms() const override { return system_ms() + clock_shift_ms_; }

  void run() override {
    io_.run();
    io_.restart();  // a later run() starts afresh
  }

  void stop() override { io_.stop(); }

  asio::io_context& context() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;  // run() waits for stop()
  std::unordered_map<TimerId, std::unique_ptr<asio::steady_timer>> timers_;
  TimerId next_id_ = 1;
  int64_t clock_shift_ms_;  // 0 but in tests (--test-clock-ms)

  static int64_t system_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

}  // namespace

std::unique_ptr<Loop> Loop::create(int64_t clock_start_ms) { return std::make_unique<AsioLoop>(clock_start_ms); }

namespace {
int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

LagProbe::LagProbe(Loop& loop, int64_t period_ms, int64_t window_ms)
    : loop_(loop), period_ms_(period_ms), window_ms_(window_ms) {
  window_start_us_ = steady_us();
  due_us_ = window_start_us_ + period_ms_ * 1000;
  timer_ = loop_.after(period_ms_, [this] { tick(); });
}

LagProbe::~LagProbe() { loop_.cancel(timer_); }

void LagProbe::tick() {
  const int64_t now = steady_us();
  if (now - window_start_us_ >= window_ms_ * 1000) {
    previous_max_us_ = current_max_us_;
    current_max_us_ = 0;
    window_start_us_ = now;
  }
  current_max_us_ = std::max(current_max_us_, now - due_us_);
  due_us_ = now + period_ms_ * 1000;
  timer_ = loop_.after(period_ms_, [this] { tick(); });
}

double LagProbe::max_lag_seconds() const { return static_cast<double>(std::max(current_max_us_, previous_max_us_)) / 1e6; }

asio::io_context* asio_context(Loop& loop) {
  auto* asio_loop = dynamic_cast<AsioLoop*>(&loop);
  return asio_loop ? &asio_loop->context() : nullptr;
}

}  // namespace livechat::server
