// Internal: the Asio io_context behind the server's Loop, for the network layer (net*.cpp) only.
// Everything else talks to the Loop interface (loop.hpp) and never includes Boost.
#pragma once
#include <boost/asio/io_context.hpp>

#include "loop.hpp"

namespace livechat::server {

// The io_context a Loop made by Loop::create() runs on, or nullptr for any other Loop (a test
// fake). Sockets and timers created on it run their handlers on the loop thread.
boost::asio::io_context* asio_context(Loop& loop);

}  // namespace livechat::server
