// Loop over boost::asio::io_context: one thread calls run(); timers are steady_timers (immune to
// wall-clock jumps), now_ms() reads the system clock (the product's only clock).
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <unordered_map>

#include "loop.hpp"
#include "loop_asio.hpp"

namespace livechat::server {
namespace {

namespace asio = boost::asio;

class AsioLoop final : public Loop {
 public:
  AsioLoop() : io_(1), work_(asio::make_work_guard(io_)) {}

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

  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }

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
};

}  // namespace

std::unique_ptr<Loop> Loop::create() { return std::make_unique<AsioLoop>(); }

asio::io_context* asio_context(Loop& loop) {
  auto* asio_loop = dynamic_cast<AsioLoop*>(&loop);
  return asio_loop ? &asio_loop->context() : nullptr;
}

}  // namespace livechat::server
