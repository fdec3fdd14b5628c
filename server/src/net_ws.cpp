// One WebSocket (/ws/visitor or /ws/agent) after its upgrade was admitted: the Connection the
// engine sees. Our own RFC 6455 server over the plain socket: the handshake here, the framing
// in ws_frame.{hpp,cpp}. Hands each text message to SocketHandler::on_message; send() never
// blocks: frames queue and go out together in one gather write (sendmsg) per turn of the loop.
//
// Rules enforced here:
//  - text only: a binary message closes with 1003 "text frames only";
//  - a message over max_frame_bytes closes with 1009 "frame too large" (decided from the frame
//    headers: at most max_frame_bytes of a message is ever held);
//  - protocol errors close with 1002, invalid UTF-8 with 1007 (ws_frame.hpp lists the rules);
//  - a send that would push the frames waiting behind the one being written past
//    max_queue_bytes closes the socket with 1008 "slow consumer", dropping what was queued (the
//    client catches up when it reconnects). A single frame of any size is taken when nothing
//    waits (a big snapshot): behind the frame being written wait at most max_queue_bytes, or
//    that one frame;
//  - silence: pinged after ws_idle_timeout_ms / 2, closed after ws_idle_timeout_ms;
//  - a closing socket is cut after close_timeout_ms at the latest, even if the peer never reads;
//  - when_drained() callbacks run once the queue is empty, never once closing began.
// on_open is called once the handshake succeeded; on_close exactly once after it, whatever ends
// the connection; after on_close, send() and close() do nothing.
//
// Memory per idle socket (docs/benchmarks.md): an idle socket owns no read buffer. It waits for
// readability (async_wait), then reads into the I/O thread's one shared buffer (Net::Core) and
// keeps only an unfinished frame or message. No timer per socket: Net::Core's sweep calls
// sweep() on every socket (pings, idle cuts, close deadlines).
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <cerrno>
#include <chrono>
#include <vector>

#include "log.hpp"
#include "net_internal.hpp"
#include "ws_frame.hpp"

namespace livechat::server::net_detail {
namespace {

using Clock = std::chrono::steady_clock;
using ws::CloseCode;

// One gather write carries at most this many frames and (past its first frame) bytes.
constexpr std::size_t kBatchFrames = 64;
constexpr std::size_t kBatchBytes = 1 << 20;
// Reads per wake-up before letting other sockets run (each up to Net::Core's read buffer).
constexpr int kReadsPerWake = 4;

// A frame waiting to be written: its header built when queued, then the payload. header_size 0
// marks raw bytes (the handshake's answer), not a frame.
struct Out {
  std::string payload;
  uint8_t header[10];
  uint8_t header_size = 0;

  uint8_t opcode() const { return header[0] & 0x0F; }
  bool raw() const { return header_size == 0; }
  std::size_t wire_size() const { return header_size + payload.size(); }
};

Out frame(uint8_t opcode, std::string payload) {
  Out out;
  out.header_size = static_cast<uint8_t>(ws::frame_header(opcode, payload.size(), out.header));
  out.payload = std::move(payload);
  return out;
}

// A socket bound to the io_context's own executor, not the type-erased any_io_executor of
// tcp::socket: smaller, and so is every operation waiting on it (docs/benchmarks.md).
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

// Moves an accepted socket's descriptor to a Socket; false (the socket closed) on failure.
bool adopt(tcp::socket& from, Socket& to) {
  boost::system::error_code ec;
  tcp::endpoint local = from.local_endpoint(ec);
  tcp protocol = ec ? tcp::v4() : local.protocol();  // Net::serve() may hand over a socketpair
  int fd = from.release(ec);
  if (ec) return false;
  to.assign(protocol, fd, ec);
  if (ec) ::close(fd);
  return !ec;
}

// Data frames may be dropped when closing; the handshake's answer and the close frame may not.
bool droppable(const Out& out) { return !out.raw() && out.opcode() != ws::close; }

class WsSession final : public Connection,
                        public Session,
                        public ws::ReaderSink,
                        public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<Net::Core> core, Socket socket, ConnectionSlot slot, Channel channel,
            const HttpRequest& upgrade)
      : core_(std::move(core)), socket_(std::move(socket)), reader_(core_->options.max_frame_bytes),
        slot_(std::move(slot)) {
    id = slot_.id();
    this->channel = channel;
    origin = upgrade.header("origin");
    host = upgrade.header("host");
    remote = upgrade.remote;
    cookie_token = upgrade.cookie("lc_session");
  }

  // Answers the upgrade with 101 (queued first) and opens.
  void start(std::string accept_key, std::string early) {
    if (!early.empty()) early_ = std::make_unique<std::string>(std::move(early));
    slot_.track(weak_from_this());
    core_->websocket_started();
    boost::system::error_code ignored;
    socket_.non_blocking(true, ignored);
    Out answer;
    answer.payload = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: " + accept_key + "\r\nServer: livechat\r\n\r\n";
    queue_.push_back(std::move(answer));
    schedule_flush();
    last_heard_ = Clock::now();
    open_gauge().fetch_add(1, std::memory_order_relaxed);
    try {
      core_->sockets.on_open(shared_from_this());
    } catch (const std::exception& e) {
      log_error("on_open threw", {{"connection", id}, {"error", e.what()}});
      begin_close(CloseCode::internal_error, "internal error", true);
    }
    // Reading starts once the 101 is out (written()): a peer that sends and leaves at once
    // still gets its answer before its end of stream ends the connection.
  }

  // --- Connection ----------------------------------------------------------------------------
  void send(std::string text) override {
    if (finished_ || closing_) return;
    if (!room_for(text.size())) return;
    queued_ += text.size();
    queue_.push_back(frame(ws::text, std::move(text)));
    schedule_flush();
  }

  void close(const std::string& reason) override { begin_close(CloseCode::policy_error, reason, false); }

  std::size_t queued_bytes() const override { return queued_; }

  void when_drained(std::function<void()> then) override {
    if (finished_ || closing_) return;
    drained_ = std::move(then);
    if (busy()) return;  // flush() calls it
    asio::post(core_->io, [self = shared_from_this()] { self->call_drained(); });
  }

  // --- Session -------------------------------------------------------------------------------
  void shutdown() override { begin_close(CloseCode::going_away, "server shutting down", true); }

  void sweep(Clock::time_point now) override {
    if (finished_) return;
    if (closing_) {
      if (now < close_deadline_) return;
      log_debug("websocket close timed out", {{"connection", id}});
      return finish();
    }
    int idle_ms = core_->options.ws_idle_timeout_ms;
    if (idle_ms <= 0) return;
    auto silent = now - last_heard_;
    if (silent >= std::chrono::milliseconds(idle_ms)) {
      log_debug("websocket idle timeout", {{"connection", id}});
      return finish();
    }
    if (silent >= std::chrono::milliseconds(idle_ms / 2) && !pinged_) {
      pinged_ = true;
      queue_.push_back(frame(ws::ping, {}));
      schedule_flush();
    }
  }

  // --- ws::ReaderSink ------------------------------------------------------------------------
  bool on_text(std::string_view message) override {
    if (closing_) return true;  // read on, for the peer's close
    core_->counters.frames_in.fetch_add(1, std::memory_order_relaxed);
    core_->counters.bytes_in.fetch_add(message.size(), std::memory_order_relaxed);
    try {
      core_->sockets.on_message(shared_from_this(), message);
    } catch (const std::exception& e) {
      log_error("on_message threw", {{"connection", id}, {"error", e.what()}});
      begin_close(CloseCode::internal_error, "internal error", true);
    }
    return !finished_;
  }

  bool on_ping(std::string_view payload) override {
    if (closing_) return true;
    if (!room_for(payload.size())) return true;  // closing now: later frames are dropped
    // A pong jumps the queue, behind the handshake's answer and the frames being written.
    auto at = std::find_if(queue_.begin(), queue_.end(), [](const Out& out) { return !out.raw(); });
    queued_ += payload.size();
    queue_.insert(at, frame(ws::pong, std::string(payload)));
    schedule_flush();
    return true;
  }

  bool on_close(uint16_t code, std::string_view) override {
    peer_closed_ = true;
    if (!closing_) {  // the peer starts: echo its code, then cut
      closing_ = true;
      drop_queue();
      queue_close(code, {});
    } else if (close_sent_) {  // the answer to ours
      finish();
    } else {
      drop_queue();  // our close frame goes next
    }
    return false;  // nothing after a close frame
  }

 private:
  // --- reading -------------------------------------------------------------------------------
  void wait_readable() {
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](const boost::system::error_code& ec) { self->on_readable(ec); });
  }

  void on_readable(const boost::system::error_code& ec) {
    if (finished_) return;
    if (ec) return finish();
    char* buffer = core_->read_buffer();
    last_heard_ = Clock::now();
    pinged_ = false;
    for (int round = 0; round < kReadsPerWake; ++round) {
      boost::system::error_code read_ec;
      std::size_t n = socket_.read_some(asio::buffer(buffer, Net::Core::kReadBufferBytes), read_ec);
      if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) break;
      if (read_ec) {  // closed by the peer (eof) or reset
        if (read_ec != asio::error::eof) log_debug("websocket read ended", {{"connection", id}, {"error", read_ec.message()}});
        return finish();
      }
      if (!take(buffer, n)) return;
      if (round + 1 == kReadsPerWake) {
        // More may wait, and readiness is edge-triggered: come back after the others had a turn.
        asio::post(core_->io, [self = shared_from_this()] { self->on_readable({}); });
        return;
      }
    }
    wait_readable();
  }

  // Hands `n` bytes the peer sent to the frame reader (unmasked in place). False once nothing
  // more is to be read: the connection finished or the peer's close frame arrived.
  bool take(char* bytes, std::size_t n) {
    if (read_failed_) return true;  // after a protocol error: drain until the peer leaves
    ws::Failure failure = reader_.feed(bytes, n, *this);
    if (finished_) return false;
    if (failure.reason) {
      read_failed_ = true;
      log_debug("websocket protocol error", {{"connection", id}, {"reason", failure.reason}});
      begin_close(failure.code, failure.reason, true);
    }
    return !peer_closed_;
  }

  // Reading starts once the handshake's answer is out, with any bytes the client sent right
  // behind its upgrade request (the HTTP reader had them already).
  void start_reading() {
    if (auto early = std::move(early_); early && !take(early->data(), early->size())) return;
    wait_readable();
  }

  // --- writing -------------------------------------------------------------------------------
  // True when the frames waiting behind the one being written may grow by `size`; else closes
  // as a slow consumer. The first frame in line counts as being written (its write starts as
  // soon as the loop turns).
  bool room_for(std::size_t size) {
    std::size_t waiting = queued_ - first_in_line();
    if (waiting == 0 || waiting + size <= core_->options.max_queue_bytes) return true;
    core_->counters.slow.fetch_add(1, std::memory_order_relaxed);
    log_warn("slow consumer closed", {{"connection", id}, {"remote", remote}, {"queued_bytes", queued_}});
    begin_close(CloseCode::policy_error, "slow consumer", true);
    return false;
  }

  std::size_t first_in_line() const {
    for (std::size_t i = done_; i < sending_.size(); ++i) {
      if (!sending_[i].raw()) return sending_[i].payload.size();
    }
    for (const Out& out : queue_) {
      if (!out.raw()) return out.payload.size();
    }
    return 0;
  }

  bool busy() const { return writing_ || flush_posted_ || !sending_.empty() || !queue_.empty(); }

  void schedule_flush() {
    if (flush_posted_ || writing_ || finished_) return;
    flush_posted_ = true;
    asio::post(core_->io, [self = shared_from_this()] { self->flush(); });
  }

  // Writes batches until the queue is empty or the socket is full (then waits for room).
  void flush() {
    flush_posted_ = false;
    if (finished_ || writing_) return;
    while (true) {
      if (sending_.empty() && !take_batch()) break;
      if (!write_batch()) return;  // waiting for room, or finished
      sending_.clear();
      sent_ = done_ = done_bytes_ = 0;
      if (close_sent_) return after_close_sent();
    }
    std::vector<Out>().swap(sending_);  // an idle socket keeps no queue memory
    std::vector<Out>().swap(queue_);
    call_drained();
  }

  // Moves the next frames (up to kBatchFrames / kBatchBytes, at least one) into sending_.
  bool take_batch() {
    if (queue_.empty()) return false;
    std::size_t count = 0, bytes = 0;
    while (count < queue_.size() && count < kBatchFrames && (count == 0 || bytes + queue_[count].wire_size() <= kBatchBytes)) {
      bytes += queue_[count].wire_size();
      ++count;
    }
    if (count == queue_.size()) {
      sending_.swap(queue_);
    } else {
      sending_.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + count));
      queue_.erase(queue_.begin(), queue_.begin() + count);
    }
    return true;
  }

  // Writes what is left of sending_ with gather writes (sendmsg) until all of it is out (true),
  // or the socket is full: then waits for room (false), as readiness is edge-triggered only an
  // EAGAIN may end the attempt.
  bool write_batch() {
    while (true) {
      iovec parts[2 * kBatchFrames];
      int count = 0;
      std::size_t skip = sent_;
      auto add = [&](const void* data, std::size_t size) {
        if (skip >= size) {
          skip -= size;
          return;
        }
        parts[count++] = {const_cast<char*>(static_cast<const char*>(data)) + skip, size - skip};
        skip = 0;
      };
      for (const Out& out : sending_) {
        add(out.header, out.header_size);
        add(out.payload.data(), out.payload.size());
      }
      msghdr message{};
      message.msg_iov = parts;
      message.msg_iovlen = static_cast<std::size_t>(count);
      ssize_t n = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        log_debug("websocket write failed", {{"connection", id}, {"errno", errno}});
        finish();
        return false;
      }
      if (n < 0) break;
      sent_ += static_cast<std::size_t>(n);
      while (done_ < sending_.size() && sent_ >= done_bytes_ + sending_[done_].wire_size()) {
        written(sending_[done_]);
        done_bytes_ += sending_[done_].wire_size();
        ++done_;
      }
      if (done_ == sending_.size()) return true;
    }
    writing_ = true;
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](const boost::system::error_code& ec) {
      self->writing_ = false;
      if (self->finished_) return;
      if (ec) return self->finish();
      self->flush();
    });
    return false;
  }

  void written(const Out& out) {
    if (out.raw()) return start_reading();  // the handshake's answer is out
    queued_ -= out.payload.size();
    if (out.opcode() == ws::text) {
      core_->counters.frames_out.fetch_add(1, std::memory_order_relaxed);
      core_->counters.bytes_out.fetch_add(out.payload.size(), std::memory_order_relaxed);
    } else if (out.opcode() == ws::close) {
      close_sent_ = true;
    }
  }

  void call_drained() {
    if (finished_ || closing_ || busy() || !drained_) return;
    auto then = std::move(drained_);
    drained_ = nullptr;
    then();  // may send: the next flush is posted from there
  }

  // Drops the queued data frames, but never a frame already partly written (nor the handshake's
  // answer or a close frame).
  void drop_queue() {
    auto drop = [this](std::vector<Out>& frames, std::size_t from) {
      auto keep = std::stable_partition(frames.begin() + static_cast<std::ptrdiff_t>(from), frames.end(),
                                        [](const Out& out) { return !droppable(out); });
      for (auto it = keep; it != frames.end(); ++it) queued_ -= it->payload.size();
      frames.erase(keep, frames.end());
    };
    if (!sending_.empty()) drop(sending_, sent_ > done_bytes_ ? done_ + 1 : done_);
    drop(queue_, 0);
  }

  // --- closing -------------------------------------------------------------------------------
  // Starts closing with `code` and `reason`: after the queued frames unless `drop`, and with a
  // deadline after which the socket is cut whatever the peer does.
  void begin_close(CloseCode code, std::string_view reason, bool drop) {
    if (finished_ || closing_) return;
    closing_ = true;
    if (drop) drop_queue();
    queue_close(static_cast<uint16_t>(code), reason);
  }

  void queue_close(uint16_t code, std::string_view reason) {
    std::string payload = ws::close_payload(code, reason);
    queued_ += payload.size();
    queue_.push_back(frame(ws::close, std::move(payload)));
    close_deadline_ = Clock::now() + std::chrono::milliseconds(core_->options.close_timeout_ms);
    schedule_flush();
  }

  // Our close frame is out: done if the peer closed too; else wait for its close (read on), or,
  // when its bytes no longer parse, say we are done sending and drain until it leaves.
  void after_close_sent() {
    if (peer_closed_) return finish();
    if (read_failed_) {
      boost::system::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  // The end, whatever caused it: closes the socket, tells the handler once, frees the slot.
  void finish() {
    if (finished_) return;
    auto self = shared_from_this();  // the callbacks dropped below may hold the last reference
    finished_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    std::vector<Out>().swap(sending_);
    std::vector<Out>().swap(queue_);
    queued_ = 0;
    drained_ = nullptr;
    slot_.release();
    core_->websocket_ended();
    open_gauge().fetch_sub(1, std::memory_order_relaxed);
    try {
      core_->sockets.on_close(self);
    } catch (const std::exception& e) {
      log_error("on_close threw", {{"connection", id}, {"error", e.what()}});
    }
  }

  std::atomic<uint64_t>& open_gauge() {
    return channel == Channel::agent ? core_->counters.agent_open : core_->counters.visitor_open;
  }

  std::shared_ptr<Net::Core> core_;
  Socket socket_;
  ws::Reader reader_;                // the unfinished frame or message, if any
  std::unique_ptr<std::string> early_;  // bytes sent right behind the upgrade request, until read
  std::vector<Out> sending_;         // the batch being written: sent_ bytes of it are out
  std::vector<Out> queue_;           // frames waiting for the next batch
  std::size_t sent_ = 0;             // bytes of sending_ written
  std::size_t done_ = 0;             // frames of sending_ written whole...
  std::size_t done_bytes_ = 0;       // ...and their bytes
  std::size_t queued_ = 0;           // payload bytes not yet written (sending_ and queue_)
  std::function<void()> drained_;    // when_drained(): called once the queue is empty
  ConnectionSlot slot_;
  Clock::time_point last_heard_;     // when the peer last sent anything
  Clock::time_point close_deadline_; // while closing: cut then
  bool writing_ : 1 = false;       // waiting for room to write
  bool flush_posted_ : 1 = false;  // flush() is posted
  bool closing_ : 1 = false;       // our close frame is queued: no more sends or messages
  bool close_sent_ : 1 = false;    // our close frame is written
  bool peer_closed_ : 1 = false;   // the peer's close frame arrived
  bool read_failed_ : 1 = false;   // the peer broke the protocol: its bytes are dropped
  bool pinged_ : 1 = false;        // an idle ping went out since the peer last spoke
  bool finished_ : 1 = false;      // finish() ran
};

// Answers an upgrade the handshake rules refuse, then closes.
void refuse_upgrade(tcp::socket& socket, const char* status, const char* message, const char* headers = "") {
  answer_and_close(socket, status, "bad_request", message, headers);
}

}  // namespace

void start_websocket(std::shared_ptr<Net::Core> core, beast::tcp_stream stream, ConnectionSlot slot, Channel channel,
                     Request request, const HttpRequest& upgrade, std::string early) {
  tcp::socket socket = stream.release_socket();
  // RFC 6455 section 4.2.1 (net_http.cpp checked GET, Upgrade and Connection already).
  auto version = request[http::field::sec_websocket_version];
  auto key = request[http::field::sec_websocket_key];
  if (request[http::field::host].empty()) return refuse_upgrade(socket, "400 Bad Request", "missing Host header");
  if (version.empty()) return refuse_upgrade(socket, "400 Bad Request", "missing Sec-WebSocket-Version header");
  if (version != "13") {
    return refuse_upgrade(socket, "426 Upgrade Required", "unsupported WebSocket version",
                          "Sec-WebSocket-Version: 13\r\n");
  }
  if (!ws::valid_key(std::string_view(key.data(), key.size()))) {
    return refuse_upgrade(socket, "400 Bad Request", "bad Sec-WebSocket-Key header");
  }
  beast::websocket::detail::sec_ws_accept_type accept;
  beast::websocket::detail::make_sec_ws_accept(accept, key);
  Socket adopted(core->io);
  if (!adopt(socket, adopted)) {
    log_debug("websocket socket not adopted", {{"remote", upgrade.remote}});
    return;
  }
  auto session = std::make_shared<WsSession>(std::move(core), std::move(adopted), std::move(slot), channel, upgrade);
  session->start(std::string(accept.data(), accept.size()), std::move(early));
}

}  // namespace livechat::server::net_detail
