// One WebSocket (/ws/visitor or /ws/agent) after its upgrade was admitted: the Connection the
// engine sees. Reads text messages one at a time and hands each to SocketHandler::on_message;
// writes through a queue ("are we already writing?") so send() never blocks.
//
// Rules enforced here:
//  - text only: a binary message closes with 1003 "text frames only";
//  - a message over max_frame_bytes closes with 1009 "frame too large" (read in bounded chunks, so
//    at most max_frame_bytes + one chunk is ever buffered);
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
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <list>

#include "log.hpp"
#include "net_internal.hpp"
#include "net_static.hpp"

namespace livechat::server::net_detail {
namespace {

namespace websocket = boost::beast::websocket;
using std::chrono::milliseconds;

// Memory per idle socket (docs/benchmarks.md): a waiting read holds a buffer of this many bytes
// at most (Beast would reserve 1,536), grown by doubling only while a larger message arrives.
constexpr std::size_t kIdleReadBytes = 256;

// Close reasons travel in a control frame: at most 123 bytes, cut on a UTF-8 boundary.
std::string close_reason_text(std::string reason) {
  if (reason.size() <= 123) return reason;
  std::size_t end = 123;
  while (end > 0 && (static_cast<unsigned char>(reason[end]) & 0xC0) == 0x80) --end;
  reason.resize(end);
  return reason;
}

class WsSession final : public Connection, public Session, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<Net::Core> core, beast::tcp_stream stream, ConnectionSlot slot, Channel channel,
            const HttpRequest& upgrade)
      : core_(std::move(core)), ws_(stream.release_socket()), slot_(std::move(slot)) {
    id = slot_.id();
    this->channel = channel;
    origin = upgrade.header("origin");
    host = upgrade.header("host");
    remote = upgrade.remote;
    cookie_token = upgrade.cookie("lc_session");
  }

  void start(Request request) {
    slot_.track(weak_from_this());
    const NetOptions& options = core_->options;
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = milliseconds(options.header_timeout_ms);  // also bounds the close handshake
    timeouts.idle_timeout =
        options.ws_idle_timeout_ms > 0 ? milliseconds(options.ws_idle_timeout_ms) : websocket::stream_base::none();
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "livechat"); }));
    // Our own size check (read_more/on_read) closes with a reason; Beast's would not give one.
    ws_.read_message_max(0);
    ws_.auto_fragment(false);
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  // --- Connection ----------------------------------------------------------------------------
  void send(std::string frame) override {
    if (finished_ || closing_) return;
    // The bytes waiting behind the frame being written: that one may be big (a snapshot), and
    // what follows it must not count as a slow reader's backlog.
    std::size_t waiting = queued_ - (writing_ ? queue_.front().size() : 0);
    if (waiting > 0 && waiting + frame.size() > core_->options.max_queue_bytes) {
      core_->counters.slow.fetch_add(1, std::memory_order_relaxed);
      log_warn("slow consumer closed", {{"connection", id}, {"remote", remote}, {"queued_bytes", queued_}});
      begin_close(websocket::close_code::policy_error, "slow consumer", true);
      return;
    }
    queued_ += frame.size();
    queue_.push_back(std::move(frame));
    if (!writing_ && opened_) write_next();
  }

  void close(const std::string& reason) override {
    begin_close(websocket::close_code::policy_error, reason, false);
  }

  std::size_t queued_bytes() const override { return queued_; }

  void when_drained(std::function<void()> then) override {
    if (finished_ || closing_) return;
    drained_ = std::move(then);
    if (writing_ || !queue_.empty()) return;  // on_write calls it
    asio::post(core_->io, [self = shared_from_this()] { self->call_drained(); });
  }

  // --- Session -------------------------------------------------------------------------------
  void shutdown() override { begin_close(websocket::close_code::going_away, "server shutting down", true); }

 private:
  void on_accept(beast::error_code ec) {
    if (finished_) return;
    if (ec || closing_) {  // closing_: cut during the handshake (stop()), maybe after it succeeded
      if (ec) log_debug("websocket handshake failed", {{"remote", remote}, {"error", ec.message()}});
      return finish();
    }
    opened_ = true;
    open_gauge().fetch_add(1, std::memory_order_relaxed);
    try {
      core_->sockets.on_open(shared_from_this());
    } catch (const std::exception& e) {
      log_error("on_open threw", {{"connection", id}, {"error", e.what()}});
      begin_close(websocket::close_code::internal_error, "internal error", true);
    }
    if (finished_) return;
    if (!queue_.empty() && !writing_) write_next();  // frames sent from on_open
    if (!closing_) read_more();
  }

  // --- reading -------------------------------------------------------------------------------
  void read_more() {
    // Never more than one byte past the limit: enough to know it was exceeded.
    std::size_t room = core_->options.max_frame_bytes + 1 - in_.size();
    std::size_t chunk = std::min(room, std::max(kIdleReadBytes, in_.size()));
    ws_.async_read_some(in_, chunk, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (finished_) return;
    if (ec) {  // closed by the peer, timed out, reset, or cut by us
      if (ec != websocket::error::closed && ec != asio::error::operation_aborted) {
        log_debug("websocket read ended", {{"connection", id}, {"error", ec.message()}});
      }
      return finish();
    }
    if (closing_) return;  // we are closing: the close handshake reads from here on
    if (ws_.got_binary()) return begin_close(websocket::close_code::unknown_data, "text frames only", true);
    if (in_.size() > core_->options.max_frame_bytes) {
      return begin_close(websocket::close_code::too_big, "frame too large", true);
    }
    if (!ws_.is_message_done()) return read_more();

    std::size_t size = in_.size();
    core_->counters.frames_in.fetch_add(1, std::memory_order_relaxed);
    core_->counters.bytes_in.fetch_add(size, std::memory_order_relaxed);
    auto self = shared_from_this();
    try {
      core_->sockets.on_message(self, std::string_view(static_cast<const char*>(in_.data().data()), size));
    } catch (const std::exception& e) {
      log_error("on_message threw", {{"connection", id}, {"error", e.what()}});
      begin_close(websocket::close_code::internal_error, "internal error", true);
    }
    in_.consume(in_.size());
    if (in_.capacity() > kIdleReadBytes) in_.shrink_to_fit();  // idle sockets keep little
    if (!closing_ && !finished_) read_more();
  }

  // --- writing -------------------------------------------------------------------------------
  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->on_write(ec, n);
    });
  }

  void on_write(beast::error_code ec, std::size_t n) {
    writing_ = false;
    if (!queue_.empty()) {  // the frame just written (finish() keeps it until here)
      queued_ -= queue_.front().size();
      queue_.pop_front();
    }
    if (finished_) return;
    if (ec) return finish();
    core_->counters.frames_out.fetch_add(1, std::memory_order_relaxed);
    core_->counters.bytes_out.fetch_add(n, std::memory_order_relaxed);
    if (!queue_.empty()) return write_next();
    if (closing_) return start_close_handshake();
    call_drained();
  }

  void call_drained() {
    if (finished_ || closing_ || writing_ || !queue_.empty() || !drained_) return;
    auto then = std::move(drained_);
    drained_ = nullptr;
    then();  // may send: the next write starts from here
  }

  // Drops every queued frame but the one being written (Beast still reads from it).
  void drop_queue() {
    std::size_t keep = writing_ ? 1 : 0;
    while (queue_.size() > keep) {
      queued_ -= queue_.back().size();
      queue_.pop_back();
    }
  }

  // --- closing -------------------------------------------------------------------------------
  // Starts closing with `code` and `reason`: after the queued frames unless `drop`, and with a
  // deadline after which the socket is cut whatever the peer does.
  void begin_close(websocket::close_code code, const std::string& reason, bool drop) {
    if (finished_ || closing_) return;
    closing_ = true;
    close_reason_ = websocket::close_reason(code, close_reason_text(reason));
    if (drop) drop_queue();
    if (!opened_) {  // still in the handshake: nothing to say, just cut
      cut();
      return;
    }
    deadline_ = std::make_unique<asio::steady_timer>(core_->io);
    deadline_->expires_after(milliseconds(core_->options.close_timeout_ms));
    deadline_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_) return;
      log_debug("websocket close timed out", {{"connection", self->id}});
      self->finish();
    });
    if (!writing_ && queue_.empty()) start_close_handshake();
  }

  void start_close_handshake() {
    if (close_started_ || finished_) return;
    close_started_ = true;
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  void cut() {
    beast::error_code ignored;
    ws_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    ws_.next_layer().close(ignored);
  }

  // The end, whatever caused it: closes the socket, tells the handler once, frees the slot.
  void finish() {
    if (finished_) return;
    finished_ = true;
    cut();
    if (deadline_) deadline_->cancel();
    drop_queue();
    slot_.release();
    if (!opened_) return;
    open_gauge().fetch_sub(1, std::memory_order_relaxed);
    try {
      core_->sockets.on_close(shared_from_this());
    } catch (const std::exception& e) {
      log_error("on_close threw", {{"connection", id}, {"error", e.what()}});
    }
  }

  std::atomic<uint64_t>& open_gauge() {
    return channel == Channel::agent ? core_->counters.agent_open : core_->counters.visitor_open;
  }

  std::shared_ptr<Net::Core> core_;
  // A plain socket below: the websocket's own timer does the timeouts (a tcp_stream's two
  // timers would cost ~500 bytes per socket for nothing).
  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer in_;            // the message being read
  // Frames to send; front() is being written while writing_. A list: an empty std::deque
  // allocates 576 bytes, and elements must not move while Beast writes from them.
  std::list<std::string> queue_;
  std::size_t queued_ = 0;           // bytes in queue_
  std::function<void()> drained_;    // when_drained(): called once the queue is empty
  ConnectionSlot slot_;
  websocket::close_reason close_reason_;
  std::unique_ptr<asio::steady_timer> deadline_;  // only while closing
  bool opened_ = false;         // handshake done, on_open called
  bool writing_ = false;        // an async_write is in flight
  bool closing_ = false;        // begin_close ran: no more sends, no more messages delivered
  bool close_started_ = false;  // async_close in flight
  bool finished_ = false;       // finish() ran
};

}  // namespace

void start_websocket(std::shared_ptr<Net::Core> core, beast::tcp_stream stream, ConnectionSlot slot, Channel channel,
                     Request request, const HttpRequest& upgrade) {
  auto session = std::make_shared<WsSession>(std::move(core), std::move(stream), std::move(slot), channel, upgrade);
  session->start(std::move(request));
}

}  // namespace livechat::server::net_detail
