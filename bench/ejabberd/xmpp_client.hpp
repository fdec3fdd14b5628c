// One XMPP client over WebSocket (RFC 7395) for the load generator: TCP connect, WebSocket
// handshake with the "xmpp" subprotocol on /ws, <open/>, SASL ANONYMOUS, <open/> again, resource
// bind (and a session request only when the server says it is not optional). Then it sends
// stanzas (queued, one write at a time) and hands every stanza it receives to on_stanza.
// Beast stays inside xmpp_client.cpp; many clients share one single-threaded io_context.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace bench::xmpp {

// The XMPP domain ejabberd.sh configures (hosts: [localhost]).
inline constexpr std::string_view kDomain = "localhost";

struct ClientEvents {
  // Called exactly once when logging in ends: (true, the bound full JID) or (false, why).
  std::function<void(bool ok, const std::string& jid_or_error)> on_bound;
  // Every stanza received after binding (one WebSocket message each).
  std::function<void(std::string_view stanza)> on_stanza;
  // Called once if a bound client's connection ends (why); optional.
  std::function<void(const std::string& why)> on_lost;
};

class Client {
 public:
  virtual ~Client() = default;
  // Queues one stanza; ignored once the connection has ended.
  virtual void send(std::string stanza) = 0;
};

// Starts a client; logging in fails (on_bound(false, ...)) if it has not finished in `login_timeout`.
std::shared_ptr<Client> start_client(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& server,
                                     ClientEvents events, std::chrono::seconds login_timeout);

}  // namespace bench::xmpp
