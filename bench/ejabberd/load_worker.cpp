// One process's share of the XMPP load (load_worker.hpp has the pipe protocol).
//
// Latency: every pair is a visitor and an agent client. After the parent's "go" the visitors send
// open-loop: message k is due at t0 + k / rate, round-robin over the pairs, and carries its due
// time; when the process falls behind it sends every overdue message at once, still stamped with
// its due time, so a stall shows up in the latencies (no coordinated omission). The agent's
// receive time minus the due time is the latency. Sending lasts `seconds`; then the process
// waits up to kDrain for messages still in flight.
#include "load_worker.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "stanza_scan.hpp"
#include "xmpp_client.hpp"

namespace bench::xmpp {

namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

constexpr std::size_t kLoginWindow = 128;          // clients logging in at once, per process
constexpr auto kLoginTimeout = std::chrono::seconds(60);  // per client
constexpr auto kStartDeadline = std::chrono::seconds(180);  // no new logins after this
constexpr auto kDrain = std::chrono::seconds(5);

bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_line(int fd, const std::string& line) { return write_all(fd, (line + "\n").data(), line.size() + 1); }

int64_t cpu_us() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1'000'000LL + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Logs n clients in, at most kLoginWindow at a time. start(i, done) must start client i and make
// sure done(ok, jid_or_error) is called once. finished() runs when every client is bound or failed;
// clients not yet started at kStartDeadline count as failed.
class Launcher {
 public:
  using Done = std::function<void(bool, const std::string&)>;
  Launcher(std::size_t n, std::function<void(std::size_t, Done)> start, std::function<void()> finished)
      : n_(n), start_(std::move(start)), finished_(std::move(finished)), deadline_(Clock::now() + kStartDeadline) {}

  void run() {
    if (n_ == 0) return finished_();
    more();
  }
  std::size_t bound() const { return bound_; }
  std::size_t failed() const { return failed_; }
  const std::string& first_error() const { return first_error_; }

 private:
  void more() {
    while (in_flight_ < kLoginWindow && next_ < n_) {
      if (Clock::now() > deadline_) {
        failed_ += n_ - next_;
        next_ = n_;
        if (first_error_.empty()) first_error_ = "logging in took too long; the rest were not started";
        break;
      }
      ++in_flight_;
      start_(next_++, [this](bool ok, const std::string& why) { done(ok, why); });
    }
    if (in_flight_ == 0 && next_ == n_) finished_();
  }
  void done(bool ok, const std::string& why) {
    --in_flight_;
    if (ok) {
      ++bound_;
    } else {
      ++failed_;
      if (first_error_.empty()) first_error_ = why;
    }
    more();
  }

  std::size_t n_, next_ = 0, in_flight_ = 0, bound_ = 0, failed_ = 0;
  std::function<void(std::size_t, Done)> start_;
  std::function<void()> finished_;
  Clock::time_point deadline_;
  std::string first_error_;
};

// Watches the parent's pipe: on_byte for each byte, on_closed once at end of file.
class ParentPipe {
 public:
  ParentPipe(net::io_context& io, int fd) : pipe_(io, fd) {}
  void watch(std::function<void(char)> on_byte, std::function<void()> on_closed) {
    on_byte_ = std::move(on_byte);
    on_closed_ = std::move(on_closed);
    read();
  }

 private:
  void read() {
    pipe_.async_read_some(net::buffer(buf_), [this](error_code ec, std::size_t n) {
      if (ec) return on_closed_();
      for (std::size_t i = 0; i < n; ++i) on_byte_(buf_[i]);
      read();
    });
  }
  net::posix::stream_descriptor pipe_;
  char buf_[64];
  std::function<void(char)> on_byte_;
  std::function<void()> on_closed_;
};

class LatencyRun {
 public:
  LatencyRun(net::io_context& io, const WorkerJob& job, int up, int down)
      : io_(io), job_(job), up_(up), parent_(io, down), pacer_(io), drain_(io),
        pairs_(static_cast<std::size_t>(job.clients)),
        launcher_(
            pairs_.size() * 2, [this](std::size_t i, Launcher::Done done) { start_client_at(i, std::move(done)); },
            [this] { logged_in(); }) {
    total_ = static_cast<uint64_t>(std::llround(job.seconds * job.rate));
    interval_ns_ = 1e9 / job.rate;
    samples_.reserve(static_cast<std::size_t>(total_));
  }

  int run() {
    parent_.watch([this](char c) { if (c == 'g') go(); },
                  [this] {
                    if (!reported_) exit_code_ = 1;  // the parent gave up on us
                    io_.stop();
                  });
    launcher_.run();
    io_.run();
    return exit_code_;
  }

 private:
  struct Pair {
    std::shared_ptr<Client> visitor, agent;
    std::string agent_jid;  // escaped for the "to" attribute
  };

  // Client 2p is pair p's agent, 2p + 1 its visitor.
  void start_client_at(std::size_t i, Launcher::Done done) {
    Pair& pair = pairs_[i / 2];
    const bool agent = i % 2 == 0;
    ClientEvents events;
    events.on_bound = [&pair, agent, done = std::move(done)](bool ok, const std::string& jid) {
      if (ok && agent) pair.agent_jid = escape(jid);
      done(ok, jid);
    };
    if (agent) events.on_stanza = [this](std::string_view xml) { on_agent_stanza(xml); };
    events.on_lost = [this](const std::string& why) { lost(why); };
    const net::ip::tcp::endpoint server(net::ip::address_v4::loopback(), job_.port);
    (agent ? pair.agent : pair.visitor) = start_client(io_, server, std::move(events), kLoginTimeout);
  }

  void logged_in() {
    if (launcher_.failed() > 0) {
      write_line(up_, "error " + std::to_string(launcher_.failed()) + " of " + std::to_string(pairs_.size() * 2) +
                          " clients could not log in; first: " + launcher_.first_error());
      exit_code_ = 1;
      io_.stop();
      return;
    }
    write_line(up_, "ready");
  }

  void go() {
    if (started_) return;
    started_ = true;
    t0_ns_ = now_ns();
    cpu0_us_ = cpu_us();
    pace();
  }

  // Sends every message that is due, then sleeps until the next one is.
  void pace() {
    const int64_t now = now_ns();
    while (sent_ < total_ && due_ns(sent_) <= now) send(sent_++);
    if (sent_ >= total_) {
      if (received_ >= sent_) return finish();
      drain_.expires_after(kDrain);
      drain_.async_wait([this](error_code ec) {
        if (!ec) finish();
      });
      return;
    }
    pacer_.expires_at(Clock::time_point(std::chrono::nanoseconds(due_ns(sent_))));
    pacer_.async_wait([this](error_code ec) {
      if (!ec) pace();
    });
  }

  int64_t due_ns(uint64_t k) const { return t0_ns_ + static_cast<int64_t>(static_cast<double>(k) * interval_ns_); }

  void send(uint64_t k) {
    Pair& pair = pairs_[k % pairs_.size()];
    std::string stanza = "<message xmlns=\"jabber:client\" type=\"chat\" to=\"" + pair.agent_jid + "\" id=\"m" +
                         std::to_string(k) + "\"><body>Hi, I would like a quote for 25 seats (t=" +
                         std::to_string(due_ns(k)) + ")</body></message>";
    pair.visitor->send(std::move(stanza));
  }

  void on_agent_stanza(std::string_view xml) {
    if (root_name(xml) != "message" || root_attr(xml, "type") == "error") return;
    const std::optional<std::string> body = element_text(xml, "body");
    const std::size_t t = body ? body->rfind("(t=") : std::string::npos;
    if (t == std::string::npos) return;
    const int64_t due = std::strtoll(body->c_str() + t + 3, nullptr, 10);
    const int64_t us = (now_ns() - due) / 1000;
    samples_.push_back(static_cast<uint32_t>(std::clamp<int64_t>(us, 0, UINT32_MAX)));
    ++received_;
    if (sent_ >= total_ && received_ >= sent_) finish();
  }

  void lost(const std::string& why) {
    if (lost_++ == 0) std::fprintf(stderr, "bench_xmpp_load: a client lost its connection: %s\n", why.c_str());
  }

  void finish() {
    if (reported_) return;
    reported_ = true;
    pacer_.cancel();
    drain_.cancel();
    const int64_t cpu = cpu_us() - cpu0_us_;
    const bool ok = write_line(up_, "result " + std::to_string(sent_) + " " + std::to_string(received_) + " " +
                                        std::to_string(cpu) + " " + std::to_string(samples_.size())) &&
                    write_all(up_, samples_.data(), samples_.size() * sizeof(uint32_t));
    exit_code_ = ok ? 0 : 1;
    io_.stop();
  }

  net::io_context& io_;
  WorkerJob job_;
  int up_;
  ParentPipe parent_;
  net::steady_timer pacer_, drain_;
  std::vector<Pair> pairs_;
  Launcher launcher_;
  uint64_t total_ = 0, sent_ = 0, received_ = 0, lost_ = 0;
  double interval_ns_ = 0;
  int64_t t0_ns_ = 0, cpu0_us_ = 0;
  std::vector<uint32_t> samples_;
  bool started_ = false, reported_ = false;
  int exit_code_ = 0;
};

int run_hold(net::io_context& io, const WorkerJob& job, int up, int down) {
  std::vector<std::shared_ptr<Client>> clients(static_cast<std::size_t>(job.clients));
  const net::ip::tcp::endpoint server(net::ip::address_v4::loopback(), job.port);
  std::size_t lost = 0;
  Launcher* launcher_ptr = nullptr;
  Launcher launcher(
      clients.size(),
      [&](std::size_t i, Launcher::Done done) {
        ClientEvents events;
        events.on_bound = std::move(done);
        events.on_lost = [&lost](const std::string& why) {
          if (lost++ == 0) std::fprintf(stderr, "bench_xmpp_load: a held socket was lost: %s\n", why.c_str());
        };
        clients[i] = start_client(io, server, std::move(events), kLoginTimeout);
      },
      [&] {
        if (launcher_ptr->failed() > 0)
          std::fprintf(stderr, "bench_xmpp_load: %zu sockets failed; first: %s\n", launcher_ptr->failed(),
                       launcher_ptr->first_error().c_str());
        write_line(up, "held " + std::to_string(launcher_ptr->bound()) + " " + std::to_string(launcher_ptr->failed()));
      });
  launcher_ptr = &launcher;
  ParentPipe parent(io, down);
  parent.watch([](char) {}, [&io] { io.stop(); });
  launcher.run();
  io.run();
  return 0;
}

}  // namespace

int run_worker(const WorkerJob& job, int up_fd, int down_fd) {
  net::io_context io(1);
  if (!job.latency) return run_hold(io, job, up_fd, down_fd);
  LatencyRun run(io, job, up_fd, down_fd);
  return run.run();
}

}  // namespace bench::xmpp
