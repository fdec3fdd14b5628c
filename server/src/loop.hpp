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

  static std::unique_ptr<Loop> create();
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

}  // namespace livechat::server
