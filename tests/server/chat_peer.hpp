// A widget or a dashboard that survives lost connections, for the crash and network-fault tests.
// It reconnects with its token, resumes from the newest seq it saw (visitors) or takes a fresh
// snapshot (agents), resends an unanswered command with the same frame (same client id), and
// records everything it saw so the test can check "exactly once, in order":
//  - a visitor must see the seqs of its conversation strictly increasing, across connections;
//  - an agent must see every conversation's events one seq after another, after its snapshot.
// Unlike Peer (harness.hpp) nothing here fails the test by itself: a lost connection is normal.
// Not thread-safe: one thread per ChatPeer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_client.hpp"

namespace livechat::itest {

using json = nlohmann::json;

// One command the client wants applied exactly once (a message carries its client id).
struct Command {
  json frame;             // the command frame without "v" and "id"
  std::optional<json> answer;  // the ack or error, once one arrived
  int attempts = 0;       // frames sent for it: resent after a lost connection, or
  int rate_limited = 0;   // ... after the server dropped it for the rate limit
  int resends() const { return attempts - rate_limited - 1; }  // after lost connections
  bool acked() const { return answer && answer->value("type", "") == "ack"; }
  uint64_t seq() const { return acked() ? answer->value("seq", uint64_t{0}) : 0; }
};

// A message as seen by a client: from an event (visitors, agents) or a snapshot row (agents).
struct SeenMessage {
  uint64_t seq = 0;
  std::string author, author_id, client_id, text;
  bool operator==(const SeenMessage&) const = default;
};

class ChatPeer {
 public:
  enum class Role { visitor, agent };
  // A visitor of `conversation` (may be empty: none yet) or an agent, known by `token`.
  ChatPeer(Role role, std::string token, std::string conversation = "");

  // (Re)connects to 127.0.0.1:port (the server, or a proxy in front of it): hello and welcome;
  // then visitors resume after the newest seq they saw (until `resumed` and the prompt after it),
  // agents take the snapshot. False when the server is unreachable or the connection ends first.
  bool connect(uint16_t port, const std::string& origin, int timeout_ms = 10000);
  // Called by connect() just before it sends "hello" or "resume" (with the frame's size), so a
  // test can arm a fault for exactly that moment.
  std::function<void(const std::string& frame_type, std::size_t bytes)> before_send;
  void disconnect();  // drops the socket without a close handshake
  bool connected() const;

  // Sends `command` (again, if it was sent before) and waits for its answer. rate_limited is
  // waited out and retried. False when the connection ended (or nothing came within
  // `timeout_ms`, which is also noted as a problem): send it again after reconnecting.
  bool issue(Command& command, int timeout_ms = 15000);
  // Reads (and records) whatever arrives within `ms`; false if the connection ended.
  bool pump(int ms);
  // Reads until a frame matching `pred` arrives (a frame read from now on); nullopt when the
  // connection ended or `timeout_ms` passed.
  std::optional<json> wait(const std::function<bool(const json&)>& pred, int timeout_ms);

  // What it saw, per conversation: the newest seq, messages in the order they arrived (agents:
  // as of the latest snapshot or conversation frame, plus the events after it), and for agents
  // the latest conversation object (phase, assignee, panel, items; not folded from events).
  struct Seen {
    uint64_t last_seq = 0;
    std::vector<SeenMessage> messages;
    json conversation;
  };
  const std::map<std::string, Seen>& seen() const { return seen_; }
  // Order violations and other surprises, as readable lines (empty when all is well).
  const std::vector<std::string>& problems() const { return problems_; }
  const std::string& token() const { return token_; }
  const std::string& conversation() const { return conversation_; }
  const std::string& user_id() const { return user_id_; }
  int connections() const { return connections_; }  // successful connects so far
  test::WsClient* socket() { return ws_.get(); }

 private:
  bool read_one(int timeout_ms, json& frame);  // false: timeout or closed
  void absorb(const json& frame);
  void take_conversation(const json& conversation);
  void problem(std::string text);

  Role role_;
  std::string token_, conversation_, user_id_, visitor_id_;
  std::unique_ptr<test::WsClient> ws_;
  std::map<std::string, Seen> seen_;
  std::vector<std::string> problems_;
  int connections_ = 0;
  uint64_t next_request_ = 0;
};

// Runs `sql` with the sqlite3 shell on `db`, read-only, and returns the rows as JSON objects
// (an empty array for no rows; null when the shell failed).
json query_db(const std::string& db, const std::string& sql);

}  // namespace livechat::itest
