#include "harness.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace livechat::itest {

namespace {
std::string make_temp_dir() {
  char tmpl[] = "/tmp/livechat-itest-XXXXXX";
  char* dir = mkdtemp(tmpl);
  return dir ? dir : "/tmp";
}
}  // namespace

Server::Server(std::vector<std::string> extra_args) : extra_(std::move(extra_args)) {
  dir_ = make_temp_dir();
  db_ = dir_ + "/livechat.db";
  if (const char* store = std::getenv("LIVECHAT_ITEST_STORE"); store && std::string(store) == "postgres") {
    db_ = test::TestPostgres::shared().create_database();
    EXPECT_FALSE(db_.empty()) << "the tests' PostgreSQL: " << test::TestPostgres::shared().error();
  }
}

Server::~Server() {
  stop();  // a clean exit, checked: under the sanitizers this is when LeakSanitizer looks at it
  if (postgres()) test::TestPostgres::shared().drop_database(db_);
  std::string cmd = "rm -rf '" + dir_ + "'";
  if (std::system(cmd.c_str()) != 0) {
  }
}

void Server::start(int timeout_ms) {
  std::string port_file = dir_ + "/port";
  ::unlink(port_file.c_str());
  std::vector<std::string> args = {LIVECHAT_SERVER_BINARY, "--listen", "127.0.0.1:" + std::to_string(port_),
                                   postgres() ? "--store" : "--db", db_, "--port-file", port_file, "--demo", "--log-level", "warn",
                                   "--away-grace-ms", "300"};
  for (const auto& a : extra_) args.push_back(a);
  pid_ = fork();
  if (pid_ == 0) {
    setenv("LIVECHAT_DEMO_PASSWORD", kPassword, 1);
    std::string out = dir_ + "/stdout";
    if (!freopen(out.c_str(), "a", stdout)) _exit(126);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Wait for the port file, then for /healthz.
  for (int i = 0; i < timeout_ms / 50; ++i) {
    std::ifstream in(port_file);
    int p = 0;
    if (in >> p && p > 0) {
      port_ = static_cast<uint16_t>(p);
      test::HttpClient http("127.0.0.1", port_);
      if (http.get("/healthz").status == 200) {
        // The demo users' passwords are written just after listening: wait until sign-in works.
        for (int k = 0; k < 100; ++k) {
          if (!login(*this, "admin@demo.local").empty()) return;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "the server did not start";
}

void Server::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 600 && !exited; ++i) {  // 30 s: a loaded machine, a sanitizer build
    exited = waitpid(pid_, &status, WNOHANG) == pid_;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!exited) {
    ADD_FAILURE() << "the server did not stop within 30 s of SIGTERM";
    kill9();
    return;
  }
  pid_ = -1;
  // A crash, a sanitizer report or a leak found at exit all end in a non-zero status.
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "the server did not exit cleanly: "
      << (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                            : "signal " + std::to_string(WTERMSIG(status)));
}

void Server::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool Server::running() const {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

std::string login(Server& server, const std::string& email) {
  test::HttpClient http("127.0.0.1", server.port());
  auto r = http.post("/api/login", json{{"email", email}, {"password", kPassword}}.dump());
  if (r.status != 200) return "";
  auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("token") ? j["token"].get<std::string>() : "";
}

test::HttpReply api(Server& server, const std::string& token, const std::string& method, const std::string& path,
                    const json& body) {
  test::HttpClient http("127.0.0.1", server.port());
  test::HeaderList headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  return http.request(method, path, body.is_null() ? std::string() : body.dump(), headers);
}

// --- Peer --------------------------------------------------------------------------------------

bool Peer::connect(Server& server, const std::string& path, const std::string& origin) {
  log_.clear();
  taken_.clear();
  return ws_.connect("127.0.0.1", server.port(), path, origin);
}

void Peer::send(const json& frame) { ASSERT_TRUE(ws_.send(frame.dump())) << ws_.error(); }

bool Peer::pull(int timeout_ms) {
  auto text = ws_.receive(timeout_ms);
  if (!text) return false;
  json j = json::parse(*text, nullptr, false);
  log_.push_back(j);
  taken_.push_back(false);
  return true;
}

bool Peer::sees(const std::function<bool(const json&)>& pred, int ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  std::size_t i = 0;
  while (true) {
    for (; i < log_.size(); ++i)
      if (!taken_[i] && pred(log_[i])) {
        taken_[i] = true;
        return true;
      }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !pull(static_cast<int>(left.count()))) {
      for (; i < log_.size(); ++i)
        if (!taken_[i] && pred(log_[i])) {
          taken_[i] = true;
          return true;
        }
      return false;
    }
  }
}

json Peer::wait(const std::function<bool(const json&)>& pred, int timeout_ms) {
  std::size_t before = log_.size();
  if (sees(pred, timeout_ms)) {
    for (std::size_t i = log_.size(); i-- > 0;)
      if (taken_[i] && pred(log_[i])) return log_[i];
  }
  std::string recent;
  for (std::size_t i = before > 5 ? before - 5 : 0; i < log_.size(); ++i) recent += log_[i].dump() + "\n";
  ADD_FAILURE() << "expected frame did not arrive; recent frames:\n" << recent;
  return json();
}

json Peer::wait_type(const std::string& type, int timeout_ms) {
  return wait([&](const json& j) { return j.value("type", "") == type; }, timeout_ms);
}

json Peer::wait_event(const std::string& type, const std::string& conversation, int timeout_ms) {
  return wait(
      [&](const json& j) {
        if (j.value("type", "") != "event" || !j.contains("event")) return false;
        const json& e = j["event"];
        return e.value("type", "") == type && (conversation.empty() || e.value("conversation", "") == conversation);
      },
      timeout_ms);
}

void Peer::drain(int ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !pull(static_cast<int>(left.count()))) return;
  }
}

double metric(Server& server, const std::string& name) {
  test::HttpClient http("127.0.0.1", server.port());
  std::istringstream lines(http.get("/metrics").body);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  return -1;
}

// --- Agent and Visitor ---------------------------------------------------------------------------

bool Agent::connect(Server& server, const std::string& email) {
  if (token.empty()) token = login(server, email);
  if (token.empty() || !peer.connect(server, "/ws/agent", server.origin())) return false;
  peer.send({{"v", 1}, {"type", "hello"}, {"token", token}});
  json welcome = peer.wait_type("agent_welcome");
  if (!welcome.is_object()) return false;
  user_id = welcome["user"]["id"];
  snapshot = peer.wait_type("snapshot");
  return snapshot.is_object();
}

json Agent::command(json frame) {
  std::string id = "a" + std::to_string(++next_request);
  frame["v"] = 1;
  frame["id"] = id;
  peer.send(frame);
  return peer.wait([&](const json& j) {
    return (j.value("type", "") == "ack" || j.value("type", "") == "error") && j.value("id", "") == id;
  });
}

bool Visitor::connect(Server& server, const std::string& playbook, const std::string& origin) {
  if (!peer.connect(server, "/ws/visitor?playbook=" + playbook, origin.empty() ? server.origin() : origin))
    return false;
  peer.send({{"v", 1}, {"type", "hello"}, {"token", token}, {"playbook", playbook}, {"lang", "en"}});
  json welcome = peer.wait_type("welcome");
  if (!welcome.is_object()) return false;
  token = welcome["token"];
  visitor_id = welcome["visitor_id"];
  conversation = welcome["conversation"];
  return true;
}

json Visitor::start() {
  std::string id = "v" + std::to_string(++next_request);
  peer.send({{"v", 1}, {"type", "start"}, {"id", id}});
  json ack = peer.wait([&](const json& j) { return j.value("id", "") == id; });
  json started = peer.wait_event("conversation_started");
  if (started.is_object()) conversation = started["event"]["conversation"];
  return ack;
}

json Visitor::answer(const std::string& text) {
  std::string id = "v" + std::to_string(++next_request);
  peer.send({{"v", 1}, {"type", "answer"}, {"id", id}, {"conversation", conversation}, {"text", text},
             {"client_id", "c-" + id}});
  return peer.wait([&](const json& j) { return j.value("id", "") == id; });
}

json Visitor::say(const std::string& text, const std::string& client_id) {
  std::string id = "v" + std::to_string(++next_request);
  peer.send({{"v", 1}, {"type", "send_message"}, {"id", id}, {"conversation", conversation}, {"text", text},
             {"client_id", client_id.empty() ? "c-" + id : client_id}});
  return peer.wait([&](const json& j) { return j.value("id", "") == id; });
}

json Visitor::prompt() { return peer.wait_type("prompt"); }

void to_live_chat(Visitor& v) {
  ASSERT_EQ(v.start().value("type", ""), "ack");
  ASSERT_EQ(v.answer("I want a demo").value("type", ""), "ack");
  ASSERT_EQ(v.answer("vera@example.it").value("type", ""), "ack");
  ASSERT_EQ(v.answer("Vera").value("type", ""), "ack");
}

void assign_to(Agent& agent, const Visitor& v) {
  const std::string& id = v.conversation;
  agent.peer.wait([&](const json& j) { return j.value("type", "") == "conversation" && j["conversation"]["id"] == id; });
  ASSERT_EQ(agent.command({{"type", "assign_to_me"}, {"conversation", id}}).value("type", ""), "ack");
}

std::string assigned_chat(Server& server, Agent& agent, Visitor& v) {
  EXPECT_TRUE(v.connect(server));
  to_live_chat(v);
  v.peer.wait_event("live_chat_requested");
  EXPECT_EQ(agent.command({{"type", "assign_to_me"}, {"conversation", v.conversation}}).value("type", ""), "ack");
  return v.conversation;
}

}  // namespace livechat::itest
