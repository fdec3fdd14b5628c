// The server over sockets, WebSockets: both channels, admission, size and type limits, closing,
// slow and fast consumers, on_close bookkeeping and stop() (fixture: net_fixture.hpp).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net_fixture.hpp"

// GCC 12 false positive (PR105329) on `"literal" + std::to_string(i)` below; the server_itests
// target turns it off for the same reason.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace livechat::server::net_fixture {
namespace {

// An upgrade request as a browser sends it, with `key` and `version`.
std::string upgrade_request(const std::string& key = "dGhlIHNhbXBsZSBub25jZQ==", const std::string& version = "13") {
  return "GET /ws/visitor HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Origin: https://shop.example\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: " + version +
         "\r\n\r\n";
}

// A client frame (payload under 64 KiB), masked unless told.
std::string client_frame(uint8_t first_byte, const std::string& payload, bool masked = true) {
  std::string out{static_cast<char>(first_byte)};
  char mask_bit = static_cast<char>(masked ? 0x80 : 0);
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(mask_bit | payload.size()));
  } else {
    out += {static_cast<char>(mask_bit | 126), static_cast<char>(payload.size() >> 8), static_cast<char>(payload.size())};
  }
  const char key[4] = {0x01, 0x02, 0x03, 0x04};
  if (masked) out.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(static_cast<char>(payload[i] ^ (masked ? key[i % 4] : 0)));
  return out;
}

// The bytes of a server close frame with `code` and `reason`.
std::string server_close(int code, const std::string& reason) {
  return std::string{static_cast<char>(0x88), static_cast<char>(2 + reason.size()), static_cast<char>(code >> 8),
                     static_cast<char>(code & 0xFF)} + reason;
}

// --------------------------------------------------------------------------------------------
// WebSockets
// --------------------------------------------------------------------------------------------

TEST_F(NetWs, EchoOnBothChannelsWithOriginAndCookie) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient visitor, agent;
  ASSERT_TRUE(ws_connect(visitor, "/ws/visitor", "https://shop.example")) << visitor.error();
  ASSERT_TRUE(ws_connect(agent, "/ws/agent?v=1", "http://127.0.0.1", "theme=dark; lc_session=agent-token"))
      << agent.error();
  EXPECT_EQ(visitor.http_status(), 101);
  ASSERT_TRUE(visitor.send("hi"));
  ASSERT_TRUE(agent.send("hello \xC3\xA9"));
  EXPECT_EQ(visitor.receive(3000).value_or("<none>"), "echo:hi|visitor|https://shop.example|");
  EXPECT_EQ(agent.receive(3000).value_or("<none>"), "echo:hello \xC3\xA9|agent|http://127.0.0.1|agent-token");
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(visitor.send("n" + std::to_string(i)));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(visitor.receive(3000).value_or("<none>"), "echo:n" + std::to_string(i) + "|visitor|https://shop.example|");
  }
  // frames_out counts completed writes: the last one may complete just after the client read it.
  EXPECT_TRUE(eventually([&] { return net_->stats().frames_out == 52u; }));
  NetStats stats = net_->stats();
  EXPECT_EQ(stats.visitor_sockets_open, 1u);
  EXPECT_EQ(stats.agent_sockets_open, 1u);
  EXPECT_EQ(stats.frames_in, 52u);
  EXPECT_EQ(stats.frames_out, 52u);
  auto opened = sockets_->opened();
  ASSERT_EQ(opened.size(), 2u);
  std::set<uint64_t> ids;
  for (const auto& [id, seen] : opened) {
    ids.insert(id);
    EXPECT_EQ(seen.remote.rfind("127.0.0.1:", 0), 0u);
    if (seen.channel == Channel::agent) {
      EXPECT_EQ(seen.cookie_token, "agent-token");
    }
  }
  EXPECT_EQ(ids.size(), 2u) << "distinct connection ids";
  visitor.close();
  agent.close();
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 2; }));
}

TEST_F(NetWs, AdmitRefusalIs403WithTheReason) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient client;
  EXPECT_FALSE(ws_connect(client, "/ws/visitor", "https://evil.example"));
  EXPECT_EQ(client.http_status(), 403);
  auto body = nlohmann::json::parse(client.http_body(), nullptr, false);
  EXPECT_EQ(body["error"]["code"], "forbidden");
  EXPECT_EQ(body["error"]["message"], "origin not allowed");
  EXPECT_EQ(net_->stats().upgrades_refused, 1u);
  EXPECT_EQ(sockets_->open_count(), 0u);
}

TEST_F(NetWs, PlainRequestOnASocketPathIs426) {
  ASSERT_NO_FATAL_FAILURE(start());
  HttpReply reply = http().get("/ws/agent");
  EXPECT_EQ(reply.status, 426);
  EXPECT_EQ(nlohmann::json::parse(reply.body, nullptr, false)["error"]["code"], "bad_request");
}

TEST_F(NetWs, OversizedMessageClosesWith1009AndOthersCarryOn) {
  ASSERT_NO_FATAL_FAILURE(start());  // max_frame_bytes = 1024
  WsClient big, bystander;
  ASSERT_TRUE(ws_connect(big, "/ws/visitor"));
  ASSERT_TRUE(ws_connect(bystander, "/ws/agent"));
  ASSERT_TRUE(big.send(std::string(1024, 'a')));
  EXPECT_EQ(big.receive(3000).value_or("<none>").size(), std::string("echo:|visitor|https://shop.example|").size() + 1024)
      << "exactly at the limit is fine";
  ASSERT_TRUE(big.send(std::string(100 * 1024, 'a')));
  EXPECT_EQ(big.receive(3000), std::nullopt);
  EXPECT_FALSE(big.is_open());
  EXPECT_EQ(big.close_code(), 1009);
  EXPECT_EQ(big.close_reason(), "frame too large");

  ASSERT_TRUE(bystander.send("still here"));
  EXPECT_EQ(bystander.receive(3000).value_or("<none>"), "echo:still here|agent|https://shop.example|");
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
}

TEST_F(NetWs, BinaryMessageClosesWith1003) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient client;
  ASSERT_TRUE(ws_connect(client, "/ws/visitor"));
  ASSERT_TRUE(client.send_binary(std::string("\x01\x02\x03", 3)));
  EXPECT_EQ(client.receive(3000), std::nullopt);
  EXPECT_EQ(client.close_code(), 1003);
  EXPECT_EQ(client.close_reason(), "text frames only");
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
}

TEST_F(NetWs, ServerCloseSendsQueuedFramesFirstThenTheReason) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient client;
  ASSERT_TRUE(ws_connect(client, "/ws/agent"));
  ASSERT_TRUE(client.send("close-me"));
  EXPECT_EQ(client.receive(3000).value_or("<none>"), "bye");
  EXPECT_EQ(client.receive(3000), std::nullopt);
  EXPECT_FALSE(client.is_open());
  EXPECT_EQ(client.close_code(), 1008);
  EXPECT_EQ(client.close_reason(), "requested");
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
}

TEST_F(NetWs, SlowConsumerIsClosedWithABoundedQueue) {
  ASSERT_NO_FATAL_FAILURE(start());  // max_queue_bytes = 1 MiB, close_timeout_ms = 500
  WsClient slow, bystander;
  ASSERT_TRUE(ws_connect(slow, "/ws/visitor"));
  ASSERT_TRUE(ws_connect(bystander, "/ws/agent"));
  // 20 MB in 64 KB frames, 1 MB per millisecond; the client never reads.
  ASSERT_TRUE(slow.send("flood:20971520:65536:16"));
  ASSERT_TRUE(eventually([&] { return sockets_->close_count() == 1; }, 10000)) << "slow consumer not closed";
  NetStats stats = net_->stats();
  EXPECT_EQ(stats.slow_consumers_closed, 1u);
  EXPECT_LE(sockets_->max_queued(), (std::size_t{1} << 20) + 65536)
      << "the queue never passed max_queue_bytes (plus the frame being written)";
  EXPECT_LT(stats.bytes_out, uint64_t{20} << 20) << "writing stopped at the close, short of the 20 MB";
  EXPECT_TRUE(slow.wait_closed(5000));

  ASSERT_TRUE(bystander.send("ok?"));
  EXPECT_EQ(bystander.receive(3000).value_or("<none>"), "echo:ok?|agent|https://shop.example|");
}

TEST_F(NetWs, ReadingClientKeepsUpWithAFlood) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient reader;
  ASSERT_TRUE(ws_connect(reader, "/ws/visitor"));
  const std::size_t total = 4 << 20, frame = 64 * 1024;
  ASSERT_TRUE(reader.send("flood:" + std::to_string(total) + ":" + std::to_string(frame) + ":1"));
  std::size_t received = 0;
  while (received < total) {
    auto message = reader.receive(5000);
    if (!message) break;
    received += message->size();
  }
  EXPECT_EQ(received, total);
  EXPECT_TRUE(reader.is_open());
  EXPECT_EQ(net_->stats().slow_consumers_closed, 0u);
}

TEST_F(NetWs, PacedByWhenDrainedAReaderGetsFarMoreThanTheQueueHolds) {
  ASSERT_NO_FATAL_FAILURE(start());  // max_queue_bytes = 1 MiB
  WsClient reader;
  ASSERT_TRUE(ws_connect(reader, "/ws/visitor"));
  ASSERT_TRUE(reader.send("paced:16:8:65536"));  // 8 MiB in parts of 512 KiB
  std::size_t frames = 0;
  std::optional<std::string> message;
  while ((message = reader.receive(5000)) && *message != "done") frames += message->size() == 65536;
  EXPECT_EQ(message.value_or("<closed>"), "done");
  EXPECT_EQ(frames, 16u * 8u);
  EXPECT_EQ(net_->stats().slow_consumers_closed, 0u);
}

TEST_F(NetWs, FramesRightBehindABigFrameAreNoSlowConsumer) {
  ASSERT_NO_FATAL_FAILURE(start());  // max_queue_bytes = 1 MiB
  WsClient reader;
  ASSERT_TRUE(ws_connect(reader, "/ws/agent"));
  ASSERT_TRUE(reader.send("big:3000000"));  // a 3 MB frame (a snapshot), then small ones at once
  auto big = reader.receive(5000);
  EXPECT_EQ(big.value_or("").size(), 3000000u);
  int small = 0;
  while (small < 16 && reader.receive(5000)) ++small;
  EXPECT_EQ(small, 16);
  EXPECT_TRUE(reader.is_open());
  EXPECT_EQ(net_->stats().slow_consumers_closed, 0u);
}

TEST_F(NetWs, OnCloseRunsOncePerConnectionHoweverItEnds) {
  ASSERT_NO_FATAL_FAILURE(start());
  constexpr int kClients = 12;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<WsClient>());
    ASSERT_TRUE(ws_connect(*clients.back(), i % 2 ? "/ws/agent" : "/ws/visitor")) << clients.back()->error();
  }
  ASSERT_TRUE(eventually([&] { return sockets_->open_count() == kClients; }));
  for (int i = 0; i < kClients; ++i) {
    switch (i % 3) {
      case 0: clients[i]->close(); break;                 // clean close handshake
      case 1: clients[i].reset(); break;                   // TCP cut without a close frame
      case 2: ASSERT_TRUE(clients[i]->send("close-me")); break;  // the server closes
    }
  }
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == kClients / 3 * 3; }))
      << sockets_->close_count() << " of " << kClients;
  EXPECT_TRUE(eventually([&] {
    NetStats stats = net_->stats();
    return stats.visitor_sockets_open + stats.agent_sockets_open == 0;
  }));
  // TearDown checks that every count is exactly 1.
}

TEST_F(NetWs, StopSaysGoingAwayAndClosesTheListener) {
  ASSERT_NO_FATAL_FAILURE(start());
  WsClient a, b;
  ASSERT_TRUE(ws_connect(a, "/ws/visitor"));
  ASSERT_TRUE(ws_connect(b, "/ws/agent"));
  ASSERT_TRUE(eventually([&] { return sockets_->open_count() == 2; }));
  uint16_t port = net_->port();
  net_->stop();
  EXPECT_EQ(a.receive(3000), std::nullopt);
  EXPECT_EQ(a.close_code(), 1001);
  EXPECT_EQ(a.close_reason(), "server shutting down");
  EXPECT_TRUE(b.wait_closed(3000));
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 2; }));
  RawClient late;
  EXPECT_FALSE(late.connect("127.0.0.1", port, 1000)) << "no longer listening";
  net_->stop();  // idempotent
}

// --------------------------------------------------------------------------------------------
// The handshake and the framing, byte by byte (our own RFC 6455 server: net_ws.cpp, ws_frame.cpp)
// --------------------------------------------------------------------------------------------

// Connects and upgrades; returns what the server answered within a moment (the 101).
std::string raw_upgrade(RawClient& client, uint16_t port) {
  EXPECT_TRUE(client.connect("127.0.0.1", port)) << client.error();
  EXPECT_TRUE(client.write(upgrade_request())) << client.error();
  std::string answer;
  for (int i = 0; i < 100 && answer.find("\r\n\r\n") == std::string::npos && !client.closed(); ++i) {
    answer += client.read_until_closed(50);
  }
  return answer;
}

TEST_F(NetWs, HandshakeAnswers101WithTheAcceptKeyThenACloseIsEchoed) {
  ASSERT_NO_FATAL_FAILURE(start());
  RawClient client;
  std::string answer = raw_upgrade(client, net_->port());
  EXPECT_EQ(answer.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos)
      << "RFC 6455's example key and answer";
  EXPECT_NE(answer.find("Upgrade: websocket\r\n"), std::string::npos);
  EXPECT_NE(answer.find("Server: livechat\r\n"), std::string::npos);
  ASSERT_TRUE(eventually([&] { return sockets_->open_count() == 1; }));
  ASSERT_TRUE(client.write(client_frame(0x88, std::string("\x0f\xa0", 2) + "bye")));  // 4000 "bye"
  EXPECT_EQ(client.read_until_closed(5000), server_close(4000, ""));
  EXPECT_TRUE(client.closed());
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
}

TEST_F(NetWs, BadHandshakesAreRefused) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::string old_version = raw(upgrade_request("dGhlIHNhbXBsZSBub25jZQ==", "8"));
  EXPECT_EQ(old_version.rfind("HTTP/1.1 426 ", 0), 0u) << old_version;
  EXPECT_NE(old_version.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos) << old_version;
  std::string bad_key = raw(upgrade_request("not-a-key"));
  EXPECT_EQ(bad_key.rfind("HTTP/1.1 400 ", 0), 0u) << bad_key;
  EXPECT_NE(bad_key.find("\"bad_request\""), std::string::npos) << bad_key;
  std::string no_version = raw(upgrade_request("dGhlIHNhbXBsZSBub25jZQ==", ""));
  EXPECT_EQ(no_version.rfind("HTTP/1.1 400 ", 0), 0u) << no_version;
  EXPECT_EQ(sockets_->open_count(), 0u);
}

TEST_F(NetWs, PingGetsItsPongAndAMessageStillFlows) {
  ASSERT_NO_FATAL_FAILURE(start());
  RawClient client;
  raw_upgrade(client, net_->port());
  ASSERT_TRUE(client.write(client_frame(0x89, "abcd") + client_frame(0x81, "hi")));
  std::string expected = std::string("\x8a\x04" "abcd") + "\x81" +
                         static_cast<char>(std::string("echo:hi|visitor|https://shop.example|").size()) +
                         "echo:hi|visitor|https://shop.example|";
  std::string got;
  for (int i = 0; i < 100 && got.size() < expected.size() && !client.closed(); ++i) got += client.read_until_closed(50);
  EXPECT_EQ(got, expected);
}

TEST_F(NetWs, FramesSentRightBehindTheUpgradeRequestAreRead) {
  ASSERT_NO_FATAL_FAILURE(start());
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", net_->port())) << client.error();
  // One write: the HTTP reader takes the request and already holds these frames.
  ASSERT_TRUE(client.write(upgrade_request() + client_frame(0x81, "first") + client_frame(0x81, "second")));
  std::string got;
  for (int i = 0; i < 100 && got.find("echo:second") == std::string::npos && !client.closed(); ++i)
    got += client.read_until_closed(50);
  EXPECT_EQ(got.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u) << got;
  std::size_t first = got.find("echo:first|"), second = got.find("echo:second|");
  EXPECT_NE(first, std::string::npos) << got;
  EXPECT_NE(second, std::string::npos) << got;
  EXPECT_LT(first, second);
}

TEST_F(NetWs, ProtocolErrorsCloseWithTheirCodes) {
  ASSERT_NO_FATAL_FAILURE(start());
  struct Case {
    const char* name;
    std::string frame;
    std::string close;
  };
  const Case cases[] = {
      {"unmasked", client_frame(0x81, "hi", false), server_close(1002, "frame not masked")},
      {"reserved bit", client_frame(0xC1, "hi"), server_close(1002, "reserved bits set")},
      {"invalid UTF-8", client_frame(0x81, "\xff"), server_close(1007, "invalid UTF-8")},
      {"binary", client_frame(0x82, "\x01"), server_close(1003, "text frames only")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawClient client;
    raw_upgrade(client, net_->port());
    ASSERT_TRUE(client.write(c.frame));
    EXPECT_EQ(client.read_until_closed(5000), c.close);
    EXPECT_TRUE(client.closed()) << "the server ends the connection after its close frame";
  }
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 4; }));
}

TEST_F(NetWs, ABurstFarBeyondOneReadIsAllAnswered) {
  ASSERT_NO_FATAL_FAILURE(start());  // max_frame_bytes = 1024; the server reads 64 KiB at a time
  RawClient client;
  raw_upgrade(client, net_->port());
  constexpr int kMessages = 400;
  std::string burst;
  for (int i = 0; i < kMessages; ++i) burst += client_frame(0x81, std::string(1000, 'x'));
  ASSERT_TRUE(client.write(burst, 10000));  // 400 KB in one write
  const std::size_t echo = 4 + std::string("echo:|visitor|https://shop.example|").size() + 1000;  // 4-byte header
  std::string got;
  for (int i = 0; i < 400 && got.size() < kMessages * echo && !client.closed(); ++i) got += client.read_until_closed(50);
  EXPECT_EQ(got.size(), kMessages * echo);
  EXPECT_EQ(net_->stats().frames_in, static_cast<uint64_t>(kMessages));
}

TEST_F(NetWs, SilentSocketIsPingedThenClosed) {
  NetOptions options = test_options();
  options.ws_idle_timeout_ms = 400;
  ASSERT_NO_FATAL_FAILURE(start(options));
  RawClient client;
  raw_upgrade(client, net_->port());
  std::string got = client.read_until_closed(10000);
  EXPECT_EQ(got, std::string("\x89\x00", 2)) << "one ping at half the idle time, then the cut";
  EXPECT_TRUE(client.closed());
  EXPECT_TRUE(eventually([&] { return sockets_->close_count() == 1; }));
}

}  // namespace
}  // namespace livechat::server::net_fixture
