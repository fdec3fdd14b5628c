#include "chat_peer.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

namespace livechat::itest {

namespace {
using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

SeenMessage seen_message(const json& m) {
  return SeenMessage{m.value("seq", uint64_t{0}), m.value("author", ""), m.value("author_id", ""),
                     m.value("client_id", ""), m.value("text", "")};
}
}  // namespace

ChatPeer::ChatPeer(Role role, std::string token, std::string conversation)
    : role_(role), token_(std::move(token)), conversation_(std::move(conversation)) {}

bool ChatPeer::connected() const { return ws_ && ws_->is_open(); }

void ChatPeer::disconnect() { ws_.reset(); }

void ChatPeer::problem(std::string text) {
  if (problems_.size() < 50) problems_.push_back(std::move(text));
}

bool ChatPeer::connect(uint16_t port, const std::string& origin, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  ws_ = std::make_unique<test::WsClient>();
  bool visitor = role_ == Role::visitor;
  if (!ws_->connect("127.0.0.1", port, visitor ? "/ws/visitor?playbook=pb_demo" : "/ws/agent", origin, {},
                    timeout_ms)) {
    ws_.reset();
    return false;
  }
  json hello = {{"v", 1}, {"type", "hello"}, {"token", token_}};
  if (visitor) hello.update({{"playbook", "pb_demo"}, {"lang", "en"}});
  if (before_send) before_send("hello", hello.dump().size());
  if (!ws_->send(hello.dump())) return false;
  std::string welcome_type = visitor ? "welcome" : "agent_welcome";
  auto welcome = wait([&](const json& j) { return j.value("type", "") == welcome_type || j.value("type", "") == "error"; },
                      ms_left(deadline));
  if (!welcome) return false;
  if (welcome->value("type", "") == "error") {
    problem("hello refused: " + welcome->dump());
    return false;
  }
  if (!visitor) {
    user_id_ = (*welcome)["user"].value("id", "");
    if (!wait([](const json& j) { return j.value("type", "") == "snapshot"; }, ms_left(deadline))) return false;
    ++connections_;
    return true;
  }
  std::string conversation = welcome->value("conversation", "");
  if (welcome->value("token", "") != token_ && !token_.empty()) problem("the visitor token changed: " + welcome->dump());
  if (!visitor_id_.empty() && welcome->value("visitor_id", "") != visitor_id_) problem("the visitor id changed");
  token_ = welcome->value("token", "");
  visitor_id_ = welcome->value("visitor_id", "");
  if (!conversation_.empty() && conversation != conversation_)
    problem("welcome names conversation '" + conversation + "', not '" + conversation_ + "'");
  if (!conversation_.empty()) {
    json resume = {{"v", 1}, {"type", "resume"}, {"conversation", conversation_}, {"after", seen_[conversation_].last_seq}};
    if (before_send) before_send("resume", resume.dump().size());
    if (!ws_->send(resume.dump())) return false;
    auto resumed = wait([](const json& j) { return j.value("type", "") == "resumed" || j.value("type", "") == "error"; },
                        ms_left(deadline));
    if (!resumed) return false;
    if (resumed->value("type", "") == "error") {
      problem("resume refused: " + resumed->dump());
      return false;
    }
    if (resumed->value("last_seq", uint64_t{0}) < seen_[conversation_].last_seq)
      problem("resumed at seq " + resumed->dump() + " before what was already seen");
    // The prompt follows the replay: once it is here, nothing more is on its way.
    if (!wait([](const json& j) { return j.value("type", "") == "prompt"; }, ms_left(deadline))) return false;
  }
  ++connections_;
  return true;
}

bool ChatPeer::issue(Command& command, int timeout_ms) {
  if (!connected()) return false;
  while (true) {
    std::string id = "r" + std::to_string(++next_request_);
    json frame = command.frame;
    frame["v"] = 1;
    frame["id"] = id;
    ++command.attempts;
    if (!ws_->send(frame.dump())) return false;
    auto answer = wait(
        [&](const json& j) {
          std::string type = j.value("type", "");
          if (type != "ack" && type != "error") return false;
          return j.value("id", "") == id || j.value("code", "") == "rate_limited";
        },
        timeout_ms);
    if (!answer) {
      if (connected()) problem("no answer to " + frame.dump());
      return false;
    }
    if (answer->value("code", "") == "rate_limited") {  // the frame was dropped: slow down, same frame again
      ++command.rate_limited;
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
      continue;
    }
    command.answer = *answer;
    return true;
  }
}

bool ChatPeer::pump(int ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  json frame;
  while (read_one(ms_left(deadline), frame)) {
  }
  return connected();
}

std::optional<json> ChatPeer::wait(const std::function<bool(const json&)>& pred, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  json frame;
  while (read_one(ms_left(deadline), frame))
    if (pred(frame)) return frame;
  return std::nullopt;
}

bool ChatPeer::read_one(int timeout_ms, json& frame) {
  if (!ws_) return false;
  auto text = ws_->receive(timeout_ms);
  if (!text) return false;
  frame = json::parse(*text, nullptr, false);
  if (frame.is_discarded()) {
    problem("unreadable frame: " + text->substr(0, 200));
    return true;
  }
  absorb(frame);
  return true;
}

void ChatPeer::take_conversation(const json& c) {
  Seen& s = seen_[c.value("id", "")];
  s.conversation = c;
  s.last_seq = c.value("last_seq", uint64_t{0});
  s.messages.clear();
  for (const auto& m : c["messages"])
    if (m.value("author", "") != "system") s.messages.push_back(seen_message(m));
}

void ChatPeer::absorb(const json& frame) {
  std::string type = frame.value("type", "");
  if (type == "snapshot") {
    seen_.clear();
    for (const auto& c : frame["conversations"]) take_conversation(c);
    return;
  }
  if (type == "conversation") return take_conversation(frame["conversation"]);
  if (type == "hidden") {
    seen_.erase(frame.value("conversation", ""));
    return;
  }
  if (type != "event" || !frame["event"].contains("seq")) return;
  const json& e = frame["event"];
  std::string id = e.value("conversation", "");
  uint64_t seq = e.value("seq", uint64_t{0});
  auto it = seen_.find(id);
  if (role_ == Role::agent) {
    if (it == seen_.end()) return problem("event for a conversation the agent does not have: " + e.dump());
    if (seq != it->second.last_seq + 1)
      problem(id + ": event seq " + std::to_string(seq) + " after " + std::to_string(it->second.last_seq));
  } else {
    if (id != conversation_) return problem("event for another conversation: " + e.dump());
    if (it != seen_.end() && seq <= it->second.last_seq)
      problem(id + ": event seq " + std::to_string(seq) + " after " + std::to_string(it->second.last_seq));
  }
  Seen& s = seen_[id];
  s.last_seq = std::max(s.last_seq, seq);
  if (e.value("type", "") == "message_posted") s.messages.push_back(seen_message(e));
}

json query_db(const std::string& db, const std::string& sql) {
  std::string command = "sqlite3 -readonly -json '" + db + "' \"" + sql + "\"";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return nullptr;
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  if (::pclose(pipe) != 0) return nullptr;
  if (out.find_first_not_of(" \n") == std::string::npos) return json::array();
  return json::parse(out, nullptr, false);
}

}  // namespace livechat::itest
