// One worker process of the load generator: its share of visitors (and, against the relay, the
// agents who take their chats), set up concurrently on one io_context, then measured.
//
// Against the relay each pair follows the real protocol (docs/protocol.md): the agent's dashboard
// says hello and goes online; the visitor says hello, starts a conversation, answers the demo
// playbook's prompts (first button, captured email and name) up to the Live Chat card; its agent
// clicks "Assign to me" and greets the visitor, who must receive the greeting. Then, measuring:
//   latency     visitors send "lg <ns>" at the offered rate (open loop: the send time is the
//               scheduled one, so a stalled server cannot hide its queue), agents take the time
//               of the message_posted event they receive;
//   throughput  each visitor keeps `window` messages unacknowledged; acks are durable commits.
// Against bench_echo_server (--echo) the "pairs" are plain sockets and each message comes back
// to its sender: the same two loopback hops with no server work in between.
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <nlohmann/json.hpp>

#include "loadgen.hpp"
#include "ws_client.hpp"

namespace livechat::bench {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kSetupInFlight = 200;      // sockets being set up at once, per worker
constexpr int kSetupDeadlineS = 240;     // whatever is not set up by then counts as failed
constexpr int kDrainDeadlineMs = 5000;   // latency: how long to wait for the last messages

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The integer right after `marker` in `text`, or -1.
int64_t number_after(std::string_view text, std::string_view marker) {
  auto at = text.find(marker);
  if (at == std::string_view::npos) return -1;
  int64_t n = 0;
  bool any = false;
  for (std::size_t i = at + marker.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    n = n * 10 + (text[i] - '0');
    any = true;
  }
  return any ? n : -1;
}

bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::string frame(json j) {
  j["v"] = 1;
  return j.dump();
}

class Worker {
 public:
  Worker(const Options& options, const Share& share, int up, int down)
      : o_(options), share_(share), up_(up), down_(io_, ::dup(down)), setup_deadline_(io_), tick_(io_) {
    origin_ = "http://" + o_.host + ":" + std::to_string(o_.port);
  }

  int run() {
    read_control();
    setup_deadline_.expires_after(std::chrono::seconds(kSetupDeadlineS));
    setup_deadline_.async_wait([this](boost::system::error_code ec) {
      if (!ec && !setup_reported_) give_up_setup();
    });
    visitors_.resize(share_.sockets);
    if (relay_pairs()) {
      agents_.resize(share_.agent_tokens.size());
      if (agents_.empty() && share_.sockets > 0) {
        std::fprintf(stderr, "loadgen: no agent sign-ins for worker %d\n", share_.index);
        return 1;
      }
      for (std::size_t i = 0; i < agents_.size(); ++i) open_agent(static_cast<int>(i));
      if (agents_.empty()) report_setup();
    } else {
      launch_visitors();
    }
    io_.run();
    return exit_code_;
  }

 private:
  struct Agent {
    std::shared_ptr<WsClient> ws;
    bool ready = false;
  };
  struct Visitor {
    std::shared_ptr<WsClient> ws;
    std::string conversation;
    int answers = 0;
    uint64_t next_message = 0;
    bool assign_asked = false;
    bool ready = false, done = false;  // done: ready or failed (counted once)
  };

  bool relay_pairs() const { return o_.mode != Mode::hold && !o_.echo; }

  // --- the parent's orders -------------------------------------------------------------------
  void read_control() {
    asio::async_read_until(down_, control_, '\n', [this](boost::system::error_code ec, std::size_t) {
      if (ec) return stop(0);  // the parent closed the pipe: we are done (hold), or it died
      std::istream in(&control_);
      std::string line;
      std::getline(in, line);
      if (line == "go") start_measuring();
      read_control();
    });
  }

  void stop(int code) {
    exit_code_ = code;
    for (auto& v : visitors_)
      if (v.ws) v.ws->close();
    for (auto& a : agents_)
      if (a.ws) a.ws->close();
    io_.stop();
  }

  // --- agents ---------------------------------------------------------------------------------
  void open_agent(int i) {
    auto ws = WsClient::create(io_);
    agents_[i].ws = ws;
    ws->open(o_.host, o_.port, "/ws/agent", origin_,
             {[this, i](const std::string& error) {
                if (!error.empty()) return agent_failed(i, error);
                agents_[i].ws->send(frame({{"type", "hello"}, {"token", share_.agent_tokens[i]}, {"lang", "en"}}));
              },
              [this, i](std::string_view text) { agent_message(i, text); },
              [this, i](const std::string& why) {
                if (!setup_reported_) return agent_failed(i, "closed: " + why);
                // While measuring, the messages for this agent's chats stop arriving: say why.
                std::fprintf(stderr, "loadgen: agent %d of worker %d was closed while measuring: %s\n", i, share_.index,
                             why.c_str());
                ++errors_;
              }});
  }

  void agent_failed(int i, const std::string& why) {
    std::fprintf(stderr, "loadgen: agent %d of worker %d failed: %s\n", i, share_.index, why.c_str());
    stop(1);
  }

  void agent_message(int i, std::string_view text) {
    if (measuring_) {
      if (text.substr(0, 9) == "{\"event\":") {
        if (o_.mode == Mode::throughput) {
          // Delivered to the agent within the window: the row counts these, not only the acks.
          if (sending_ && text.find("\"text\":\"tp\"") != std::string_view::npos) ++delivered_;
          return;
        }
        int64_t sent = number_after(text, "\"text\":\"lg ");
        if (sent >= 0) record(sent);
      }
      return;
    }
    if (setup_reported_) return;
    json j = json::parse(text, nullptr, false);
    std::string type = j.is_object() ? j.value("type", "") : "";
    std::string id = j.is_object() ? j.value("id", "") : "";
    if (type == "snapshot") {
      agents_[i].ws->send(frame({{"type", "set_online"}, {"id", "online"}, {"online", true}}));
    } else if (type == "ack" && id == "online") {
      agents_[i].ready = true;
      if (++agents_ready_ == static_cast<int>(agents_.size())) launch_visitors();
    } else if (type == "ack" && id.rfind("assign:", 0) == 0) {
      int v = std::stoi(id.substr(7));
      agents_[i].ws->send(frame({{"type", "send_message"}, {"id", "greet:" + std::to_string(v)},
                                 {"conversation", visitors_[v].conversation},
                                 {"text", "Hello, I am here. How can I help?"},
                                 {"client_id", "greet-" + visitors_[v].conversation}}));
    } else if (type == "error") {
      if (id.rfind("assign:", 0) == 0 || id.rfind("greet:", 0) == 0)
        visitor_failed(std::stoi(id.substr(id.find(':') + 1)), "agent: " + j.value("message", ""));
      else
        agent_failed(i, j.dump());
    }
  }

  // --- visitors -------------------------------------------------------------------------------
  void launch_visitors() {
    while (in_setup_ < kSetupInFlight && next_visitor_ < static_cast<int>(visitors_.size())) open_visitor(next_visitor_++);
    if (visitors_.empty()) report_setup();
  }

  void open_visitor(int i) {
    ++in_setup_;
    auto ws = WsClient::create(io_);
    visitors_[i].ws = ws;
    std::string target = o_.echo ? "/" : "/ws/visitor?playbook=" + o_.playbook;
    ws->open(o_.host, o_.port, target, origin_,
             {[this, i](const std::string& error) {
                if (!error.empty()) return visitor_failed(i, error);
                if (o_.echo) return visitor_ready(i);
                visitors_[i].ws->send(frame({{"type", "hello"}, {"token", ""}, {"playbook", o_.playbook}, {"lang", "en"}}));
              },
              [this, i](std::string_view text) { visitor_message(i, text); },
              [this, i](const std::string& why) {
                if (!visitors_[i].done) return visitor_failed(i, "closed: " + why);
                if (o_.mode == Mode::hold) ++dropped_;
              }});
  }

  void visitor_message(int i, std::string_view text) {
    Visitor& v = visitors_[i];
    if (measuring_) {
      if (o_.echo) {
        int64_t sent = number_after(text, "lg ");
        if (sent >= 0) record(sent);
        return;
      }
      bool error = text.find("\"type\":\"error\"") != std::string_view::npos;
      bool ack = !error && text.find("\"type\":\"ack\"") != std::string_view::npos;
      if (error) ++errors_;
      if (error && errors_ <= 3) std::fprintf(stderr, "loadgen: %.*s\n", static_cast<int>(text.size()), text.data());
      if (ack && sending_ && o_.mode == Mode::throughput) ++received_;
      if ((ack || error) && sending_ && o_.mode == Mode::throughput) send_throughput(i);
      return;
    }
    if (v.done) return;
    json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return visitor_failed(i, "unreadable frame");
    std::string type = j.value("type", "");
    if (type == "error") return visitor_failed(i, j.dump());
    if (type == "welcome") {
      if (o_.mode == Mode::hold) return visitor_ready(i);
      v.ws->send(frame({{"type", "start"}, {"id", "start"}}));
    } else if (type == "event") {
      const json& e = j["event"];
      std::string event = e.value("type", "");
      if (event == "conversation_started") v.conversation = e.value("conversation", "");
      if (event == "message_posted" && e.value("author", "") == "agent") visitor_ready(i);
    } else if (type == "prompt") {
      answer_prompt(i, j);
    }
  }

  // Walks the playbook: the first button, plausible captured values, then the Live Chat card.
  void answer_prompt(int i, const json& prompt) {
    Visitor& v = visitors_[i];
    std::string kind = prompt.value("kind", "");
    if (kind == "waiting_for_agent") {
      if (v.assign_asked) return;  // the prompt repeats once the agent has the chat
      v.assign_asked = true;
      int agent = (i / kChatsPerAgent) % static_cast<int>(agents_.size());
      agents_[agent].ws->send(
          frame({{"type", "assign_to_me"}, {"id", "assign:" + std::to_string(i)}, {"conversation", v.conversation}}));
      return;
    }
    std::string text;
    if (kind == "buttons" && prompt.contains("buttons") && !prompt["buttons"].empty()) {
      text = prompt["buttons"][0].get<std::string>();
    } else if (kind == "capture") {
      std::string field = prompt.value("field", "");
      text = field == "email"   ? "visitor" + std::to_string(share_.index) + "-" + std::to_string(i) + "@bench.example"
             : field == "phone" ? "+39 02 1234567"
                                : "Bench Visitor";
    } else if (kind == "free_text") {
      text = "Just a question";
    } else {
      return visitor_failed(i, "the playbook ended before the Live Chat card (prompt " + kind + ")");
    }
    if (++v.answers > 20) return visitor_failed(i, "the playbook never reached the Live Chat card");
    std::string n = std::to_string(v.answers);
    v.ws->send(frame({{"type", "answer"}, {"id", "answer" + n}, {"conversation", v.conversation}, {"text", text},
                      {"client_id", "answer-" + n}}));
  }

  void visitor_ready(int i) {
    Visitor& v = visitors_[i];
    if (v.done) return;
    v.done = v.ready = true;
    ++ready_;
    setup_step_done();
  }

  void visitor_failed(int i, const std::string& why) {
    Visitor& v = visitors_[i];
    if (v.done) return;
    v.done = true;
    if (v.ws) v.ws->close();
    if (failed_++ < 5) std::fprintf(stderr, "loadgen: visitor %d of worker %d failed: %s\n", i, share_.index, why.c_str());
    setup_step_done();
  }

  void setup_step_done() {
    --in_setup_;
    if (setup_reported_) return;
    if (ready_ + failed_ == static_cast<int>(visitors_.size())) return report_setup();
    launch_visitors();
  }

  void give_up_setup() {
    for (int i = 0; i < static_cast<int>(visitors_.size()); ++i)
      if (!visitors_[i].done) visitor_failed(i, "not set up in time");
    if (!setup_reported_) report_setup();
  }

  void report_setup() {
    setup_reported_ = true;
    setup_deadline_.cancel();
    std::string line = "ready " + std::to_string(ready_) + " " + std::to_string(failed_) + "\n";
    if (!write_all(up_, line.data(), line.size())) stop(1);
  }

  // --- measuring --------------------------------------------------------------------------------
  void start_measuring() {
    if (measuring_ || o_.mode == Mode::hold) return;
    for (auto& v : visitors_)
      if (v.ready) live_.push_back(&v - visitors_.data());
    measuring_ = sending_ = true;
    cpu_start_ = cpu_seconds();
    start_ns_ = now_ns();
    if (o_.mode == Mode::throughput) {
      for (int i : live_)
        for (int k = 0; k < o_.window; ++k) send_throughput(i);
    }
    schedule_tick();
  }

  void schedule_tick() {
    // Wake when the next message is due (at most 1 ms away), so pacing adds no tick delay.
    int64_t wait_ns = 1'000'000;
    if (sending_ && o_.mode == Mode::latency && share_.rate > 0) {
      int64_t next = start_ns_ + static_cast<int64_t>(sent_ * 1e9 / share_.rate);
      wait_ns = std::clamp<int64_t>(next - now_ns(), 0, wait_ns);
    }
    tick_.expires_after(std::chrono::nanoseconds(wait_ns));
    tick_.async_wait([this](boost::system::error_code ec) {
      if (!ec) on_tick();
    });
  }

  void on_tick() {
    int64_t now = now_ns();
    double elapsed = (now - start_ns_) / 1e9;
    if (sending_ && elapsed >= o_.seconds) {
      sending_ = false;
      cpu_used_ = cpu_seconds() - cpu_start_;
      drain_until_ns_ = now + int64_t(kDrainDeadlineMs) * 1'000'000;
    }
    if (sending_ && o_.mode == Mode::latency && !live_.empty()) {
      // Message k is due at k / rate: by now messages 0 .. floor(elapsed * rate) are due.
      auto due = static_cast<uint64_t>(elapsed * share_.rate) + 1;
      for (; sent_ < due; ++sent_) {
        int64_t scheduled = start_ns_ + static_cast<int64_t>(sent_ * 1e9 / share_.rate);
        Visitor& v = visitors_[live_[sent_ % live_.size()]];
        std::string text = "lg " + std::to_string(scheduled);
        if (o_.echo) {
          v.ws->send(text);
        } else {
          std::string n = std::to_string(v.next_message++);
          v.ws->send(frame({{"type", "send_message"}, {"id", "m" + n}, {"conversation", v.conversation},
                            {"text", text}, {"client_id", "m" + n}}));
        }
      }
    }
    bool drained = o_.mode == Mode::throughput || received_ >= sent_ || now >= drain_until_ns_;
    if (!sending_ && drained) return report_result();
    schedule_tick();
  }

  void send_throughput(int i) {
    Visitor& v = visitors_[i];
    std::string n = std::to_string(v.next_message++);
    ++sent_;
    v.ws->send(frame({{"type", "send_message"}, {"id", "t" + n}, {"conversation", v.conversation}, {"text", "tp"},
                      {"client_id", "t" + n}}));
  }

  void record(int64_t sent_ns) {
    ++received_;
    int64_t us = (now_ns() - sent_ns) / 1000;
    latencies_.push_back(static_cast<uint32_t>(std::clamp<int64_t>(us, 0, UINT32_MAX)));
  }

  void report_result() {
    measuring_ = false;
    char head[160];
    std::snprintf(head, sizeof head, "result %llu %llu %llu %llu %.6f %zu\n", static_cast<unsigned long long>(sent_),
                  static_cast<unsigned long long>(received_), static_cast<unsigned long long>(delivered_),
                  static_cast<unsigned long long>(errors_), cpu_used_, latencies_.size());
    bool ok = write_all(up_, head, std::strlen(head)) &&
              write_all(up_, latencies_.data(), latencies_.size() * sizeof(uint32_t));
    stop(ok ? 0 : 1);
  }

  const Options& o_;
  const Share& share_;
  int up_;
  asio::io_context io_{1};
  asio::posix::stream_descriptor down_;
  asio::streambuf control_;
  asio::steady_timer setup_deadline_, tick_;
  std::string origin_;
  std::vector<Agent> agents_;
  std::vector<Visitor> visitors_;
  std::vector<int> live_;  // visitors set up, measured
  int agents_ready_ = 0, next_visitor_ = 0, in_setup_ = 0, ready_ = 0, failed_ = 0, dropped_ = 0;
  bool setup_reported_ = false, measuring_ = false, sending_ = false;
  int64_t start_ns_ = 0, drain_until_ns_ = 0;
  double cpu_start_ = 0, cpu_used_ = 0;
  uint64_t sent_ = 0, received_ = 0, errors_ = 0;
  uint64_t delivered_ = 0;  // throughput: the window's messages that reached their agent
  std::vector<uint32_t> latencies_;
  int exit_code_ = 0;
};

}  // namespace

int run_worker(const Options& options, const Share& share, int up, int down) {
  Worker worker(options, share, up, down);
  return worker.run();
}

}  // namespace livechat::bench
