#include "ws_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>

namespace livechat::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

class Connection final : public WsClient, public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(asio::io_context& io) : ws_(io) {}

  void open(const std::string& host, uint16_t port, const std::string& target, const std::string& origin,
            WsHandlers handlers) override {
    handlers_ = std::move(handlers);
    beast::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) return fail_open("bad address " + host);
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(
        tcp::endpoint(address, port),
        [self = shared_from_this(), host_header = host + ":" + std::to_string(port), target,
         origin](beast::error_code ec) { self->on_connect(ec, host_header, target, origin); });
  }

  void send(std::string text) override {
    if (done_) return;
    queue_.push_back(std::move(text));
    if (open_ && !writing_) write_next();
  }

  void close() override {
    if (done_) return;
    done_ = true;
    handlers_ = {};
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close();
  }

  std::size_t queued() const override { return queue_.size(); }

 private:
  void on_connect(beast::error_code ec, const std::string& host_header, const std::string& target,
                  const std::string& origin) {
    if (done_) return;
    if (ec) return fail_open("connect: " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
      if (!origin.empty()) req.set(beast::http::field::origin, origin);
    }));
    ws_.async_handshake(host_header, target, [self = shared_from_this()](beast::error_code ec) {
      if (self->done_) return;
      if (ec) return self->fail_open("handshake: " + ec.message());
      self->open_ = true;
      if (self->handlers_.on_open) self->handlers_.on_open("");
      if (self->done_) return;
      if (!self->queue_.empty() && !self->writing_) self->write_next();
      self->read_next();
    });
  }

  void fail_open(const std::string& error) {
    auto on_open = std::move(handlers_.on_open);
    close();
    if (on_open) on_open(error);
  }

  void read_next() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (self->done_) return;
      if (ec) {
        std::string why = ec.message();
        if (!self->ws_.reason().reason.empty()) why += " (" + std::string(self->ws_.reason().reason.c_str()) + ")";
        return self->ended(why);
      }
      if (self->handlers_.on_message)
        self->handlers_.on_message(
            std::string_view(static_cast<const char*>(self->in_.data().data()), self->in_.size()));
      self->in_.consume(self->in_.size());
      if (!self->done_) self->read_next();
    });
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (self->done_) return;
      if (ec) return self->ended("write: " + ec.message());
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->write_next();
    });
  }

  void ended(const std::string& why) {
    auto on_close = std::move(handlers_.on_close);
    close();
    if (on_close) on_close(why);
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer in_;
  std::deque<std::string> queue_;
  WsHandlers handlers_;
  bool open_ = false, writing_ = false, done_ = false;
};

}  // namespace

std::shared_ptr<WsClient> WsClient::create(boost::asio::io_context& io) { return std::make_shared<Connection>(io); }

}  // namespace livechat::bench
