// The XMPP-over-WebSocket client (xmpp_client.hpp has the contract).
#include "xmpp_client.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>

#include "stanza_scan.hpp"

namespace bench::xmpp {

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

const std::string kOpen =
    "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"" + std::string(kDomain) + "\" version=\"1.0\"/>";
const std::string kAuth = "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"ANONYMOUS\"/>";
const std::string kBind =
    "<iq xmlns=\"jabber:client\" type=\"set\" id=\"bind-1\"><bind xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"/></iq>";
const std::string kSession =
    "<iq xmlns=\"jabber:client\" type=\"set\" id=\"session-1\">"
    "<session xmlns=\"urn:ietf:params:xml:ns:xmpp-session\"/></iq>";

std::string shorten(std::string_view xml) {
  return std::string(xml.substr(0, 200)) + (xml.size() > 200 ? "..." : "");
}

class Session final : public Client, public std::enable_shared_from_this<Session> {
 public:
  Session(net::io_context& io, ClientEvents events) : ws_(io), login_timer_(io), events_(std::move(events)) {}

  void start(const tcp::endpoint& server, std::chrono::seconds timeout) {
    login_timer_.expires_after(timeout);
    login_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && self->step_ != Step::bound) self->fail("logging in took longer than the time limit");
    });
    beast::get_lowest_layer(ws_).async_connect(server,
                                               [self = shared_from_this()](error_code ec) { self->on_connect(ec); });
  }

  void send(std::string stanza) override {
    if (step_ == Step::ended) return;
    out_.push_back(std::move(stanza));
    if (out_.size() == 1) write_next();
  }

 private:
  // Where logging in is: each step waits for one kind of answer.
  enum class Step { connecting, features, auth, features_after_auth, bind, session, bound, ended };

  void on_connect(error_code ec) {
    if (ec) return fail("connect: " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(beast::http::field::sec_websocket_protocol, "xmpp"); }));
    ws_.text(true);
    ws_.async_handshake(std::string(kDomain), "/ws", [self = shared_from_this()](error_code ec) {
      if (ec) return self->fail("websocket handshake: " + ec.message());
      self->step_ = Step::features;
      self->send(kOpen);
      self->read();
    });
  }

  void read() {
    ws_.async_read(in_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->fail("read: " + ec.message());
      const auto data = self->in_.cdata();
      self->handle(std::string_view(static_cast<const char*>(data.data()), data.size()));
      self->in_.consume(self->in_.size());
      if (self->step_ != Step::ended) self->read();
    });
  }

  void write_next() {
    ws_.async_write(net::buffer(out_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->fail("write: " + ec.message());
      self->out_.pop_front();
      if (!self->out_.empty()) self->write_next();
    });
  }

  // One received element, by login step.
  void handle(std::string_view xml) {
    const std::string_view name = root_name(xml);
    if (name == "close") return fail("the server closed the stream");
    if (name == "error") return fail("stream error: " + shorten(xml));  // <stream:error>; stanza errors are typed stanzas
    switch (step_) {
      case Step::features:
        if (name == "open") return;
        if (name != "features") return fail("expected <stream:features>, got: " + shorten(xml));
        if (!has_element_with_text(xml, "mechanism", "ANONYMOUS"))
          return fail("the server offers no SASL ANONYMOUS: " + shorten(xml));
        step_ = Step::auth;
        return send(kAuth);
      case Step::auth:
        if (name != "success") return fail("SASL ANONYMOUS refused: " + shorten(xml));
        step_ = Step::features_after_auth;
        return send(kOpen);
      case Step::features_after_auth:
        if (name == "open") return;
        if (name != "features" || !has_element(xml, "bind"))
          return fail("the server offers no resource binding: " + shorten(xml));
        session_required_ = has_element(xml, "session") && !has_element(xml, "optional");
        step_ = Step::bind;
        return send(kBind);
      case Step::bind: {
        if (name != "iq" || root_attr(xml, "id") != "bind-1") return;  // not the answer yet
        std::optional<std::string> jid = element_text(xml, "jid");
        if (root_attr(xml, "type") != "result" || !jid || jid->empty())
          return fail("resource binding refused: " + shorten(xml));
        jid_ = std::move(*jid);
        if (!session_required_) return bound();
        step_ = Step::session;
        return send(kSession);
      }
      case Step::session:
        if (name != "iq" || root_attr(xml, "id") != "session-1") return;
        if (root_attr(xml, "type") != "result") return fail("session refused: " + shorten(xml));
        return bound();
      case Step::bound:
        if (events_.on_stanza) events_.on_stanza(xml);
        return;
      case Step::connecting:
      case Step::ended:
        return;
    }
  }

  void bound() {
    step_ = Step::bound;
    login_timer_.cancel();
    events_.on_bound(true, jid_);
  }

  static const char* step_name(Step step) {
    switch (step) {
      case Step::connecting: return "connecting";
      case Step::features: return "waiting for stream features";
      case Step::auth: return "waiting for the SASL answer";
      case Step::features_after_auth: return "waiting for stream features after SASL";
      case Step::bind: return "waiting for the bound JID";
      case Step::session: return "waiting for the session";
      case Step::bound: return "bound";
      case Step::ended: break;
    }
    return "ended";
  }

  // Ends the connection once; reports why (and at which step) to whoever is waiting.
  void fail(const std::string& what) {
    if (step_ == Step::ended) return;
    std::string why = what + " (" + step_name(step_);
    if (ws_.reason().code != websocket::close_code::none)  // a close frame came first
      why += "; the server closed the WebSocket with code " + std::to_string(ws_.reason().code);
    why += ")";
    const bool was_bound = step_ == Step::bound;
    step_ = Step::ended;
    login_timer_.cancel();
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    if (!was_bound)
      events_.on_bound(false, why);
    else if (events_.on_lost)
      events_.on_lost(why);
  }

  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer login_timer_;
  ClientEvents events_;
  beast::flat_buffer in_;
  std::deque<std::string> out_;
  Step step_ = Step::connecting;
  bool session_required_ = false;
  std::string jid_;
};

}  // namespace

std::shared_ptr<Client> start_client(net::io_context& io, const tcp::endpoint& server, ClientEvents events,
                                     std::chrono::seconds login_timeout) {
  auto session = std::make_shared<Session>(io, std::move(events));
  session->start(server, login_timeout);
  return session;
}

}  // namespace bench::xmpp
