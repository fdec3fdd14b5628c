// The server's event loop: one I/O thread runs the network, the engine and every callback.
// A small interface so the engine and the API never include Boost (loop.cpp wraps Asio).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

namespace livechat::server {

class Loop {
 public:
  using Task = std::function<void()>;
  using TimerId = uint64_t;

  // `clock_start_ms` (tests only, --test-clock-ms): now_ms() starts at that instant instead of the
  // system clock's and runs on from there; 0: the system clock.
  static std::unique_ptr<Loop> create(int64_t clock_start_ms = 0);
  virtual ~Loop() = default;

  // Runs `task` on the loop thread soon. Safe to call from any thread.
  virtual void post(Task task) = 0;
  // Runs `task` on the loop thread after `delay_ms`; returns an id for cancel(). Loop thread only.
  virtual TimerId after(int64_t delay_ms, Task task) = 0;
  virtual void cancel(TimerId id) = 0;
  // Wall-clock time in milliseconds since the Unix epoch (the only clock the product reads).
  virtual int64_t now_ms() const = 0;
  // Runs until stop(); returns then. stop() is safe from any thread and from signal handlers'
  // posted tasks.
  virtual void run() = 0;
  virtual void stop() = 0;
};

// The loop's lag: a timer due every `period_ms` notes how late it ran, which is how long the
// thread was busy without serving sockets, timers or posts (a stretch of work shorter than the
// period may hide between two ticks). max_lag_seconds() is the longest lateness of the current and
// the previous `window_ms` (so a scrape every window sees every stretch once). Loop thread only.
class LagProbe {
 public:
  LagProbe(Loop& loop, int64_t period_ms = 20, int64_t window_ms = 10'000);
  ~LagProbe();
  double max_lag_seconds() const;

 private:
  void tick();
  Loop& loop_;
  int64_t period_ms_, window_ms_;
  Loop::TimerId timer_ = 0;
  int64_t due_us_ = 0, window_start_us_ = 0;  // steady clock
  int64_t current_max_us_ = 0, previous_max_us_ = 0;
};

}  // namespace livechat::server
