// Integration-test harness: starts the real livechat-server binary on a free loopback port with
// a temporary SQLite file, and speaks to it through real HTTP and WebSocket clients. With
// LIVECHAT_ITEST_STORE=postgres the store is a fresh database on the tests' own PostgreSQL
// (tests/support/test_postgres.hpp) instead (--store postgres://...).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_client.hpp"
#include "test_postgres.hpp"

namespace livechat::itest {

using json = nlohmann::json;
inline constexpr const char* kPassword = "correct horse battery";

// The server process. The database lives in a temporary folder that outlives restarts.
class Server {
 public:
  explicit Server(std::vector<std::string> extra_args = {});
  ~Server();
  // --demo on the temp database; waits (up to timeout_ms) until it answers /healthz and sign-in.
  void start(int timeout_ms = 10'000);
  void stop();           // SIGTERM, wait, and expect a clean exit (status 0)
  void kill9();          // SIGKILL and wait: a crash
  bool running() const;  // the process is still alive
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }  // -1 when not running
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& db() const { return db_; }  // the SQLite file, or the PostgreSQL URL
  bool postgres() const { return db_.starts_with("postgres"); }

 private:
  std::vector<std::string> extra_;
  std::string dir_, db_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// Signs in over REST; returns the session token ("" on failure).
std::string login(Server& server, const std::string& email);
// An authenticated REST call with the bearer token.
test::HttpReply api(Server& server, const std::string& token, const std::string& method, const std::string& path,
                    const json& body = nullptr);

// A sample from /metrics (`name` with its labels, e.g. `livechat_agent_syncs_total{kind="changes"}`),
// -1 if it is missing.
double metric(Server& server, const std::string& name);

// A WebSocket speaking the JSON protocol, keeping every frame it received for inspection.
class Peer {
 public:
  bool connect(Server& server, const std::string& path, const std::string& origin);
  void send(const json& frame);
  // Waits for the first unread frame matching `pred` (frames before it stay readable by later
  // waits); fails the test after `timeout_ms`.
  json wait(const std::function<bool(const json&)>& pred, int timeout_ms = 5000);
  json wait_type(const std::string& type, int timeout_ms = 5000);
  // An event frame whose event type is `type` (and, if given, for `conversation`).
  json wait_event(const std::string& type, const std::string& conversation = "", int timeout_ms = 5000);
  // True if a matching frame arrives within `ms` (no failure otherwise).
  bool sees(const std::function<bool(const json&)>& pred, int ms);
  // Reads whatever arrives for `ms` into the log.
  void drain(int ms);
  const std::vector<json>& log() const { return log_; }
  test::WsClient& socket() { return ws_; }

 private:
  bool pull(int timeout_ms);
  test::WsClient ws_;
  std::vector<json> log_;
  std::vector<bool> taken_;
};

// A dashboard signed in as `email`, past welcome and snapshot.
struct Agent {
  std::string token;
  std::string user_id;
  Peer peer;
  json snapshot;
  int next_request = 0;
  bool connect(Server& server, const std::string& email);
  // Sends a command frame; returns the ack or error frame answering it.
  json command(json frame);
};

// A widget on `playbook`, past welcome (token kept for reconnects).
struct Visitor {
  std::string token, visitor_id, conversation;
  Peer peer;
  int next_request = 0;
  bool connect(Server& server, const std::string& playbook = "pb_demo", const std::string& origin = "");
  json start();                                     // ack of a new conversation
  json answer(const std::string& text);             // ack of an answer to the chatbot
  json say(const std::string& text, const std::string& client_id = "");  // live chat message ack
  json prompt();                                    // the next prompt frame
};

// Walks the demo playbook (the Live Chat template) to its Live Chat card: start, the demo
// button, an email, a name. The conversation then waits in Unassigned (missed if nobody is online).
void to_live_chat(Visitor& v);
// Then `agent` (signed in and online) sees it arrive and assigns it to themself.
void assign_to(Agent& agent, const Visitor& v);
// `v` connects, walks the demo playbook to the Live Chat card, and `agent` (online) takes the
// chat with "Assign to me". Returns the conversation id.
std::string assigned_chat(Server& server, Agent& agent, Visitor& v);

}  // namespace livechat::itest
