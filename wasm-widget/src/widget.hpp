// The visitor widget's logic: the shared core's State for the visitor's conversation, the
// protocol session (hello -> welcome -> start | resume), the outbox of messages not yet acked,
// and the view the JS shell paints. No Emscripten, no DOM, no clock: the shell (main.cpp +
// widget_ui.js) owns the WebSocket, the DOM and localStorage and calls in here.
//
// Contract with the shell:
//   - every call may queue frames in `out` (encoded with the core's encode()); the shell sends
//     them in order when the socket is open and drops them otherwise (the widget resends what
//     matters after the next welcome);
//   - ids (client_id, request ids) come in from the shell, which has a random source;
//   - view_json() is what to paint (see view.cpp); it carries the token and the outbox the shell
//     keeps in localStorage.
#pragma once
#include <string>
#include <vector>

#include "livechat/protocol.hpp"

namespace livechat::widget {

// A visitor message or chatbot answer the server has not acknowledged yet. Kept (and persisted)
// until its message_posted event is in the State, resent with the same client_id on reconnect.
struct Pending {
  enum class Kind { answer, message };
  enum class Status { sending, sent, failed };
  Kind kind = Kind::message;
  std::string request_id;  // "r-" + client_id
  ConversationId conversation;
  std::string text;
  std::string client_id;
  Status status = Status::sending;
  std::string error;  // the server's message when failed
};

class Widget {
 public:
  Widget(std::string playbook, std::string lang, std::string token, std::string_view outbox_text);

  // [SECTION] Transport events
  void connected();                      // the socket opened: say hello
  void disconnected();                   // the socket closed: wait for the shell to reconnect
  void frame(std::string_view text);     // one server frame

  // [SECTION] Visitor actions. Each returns "" when accepted, else a message to show (the input
  // is kept). `id` is a fresh random id from the shell (used as the client_id).
  std::string open_chat(const std::string& id);        // panel opened: start a chat if none
  std::string new_chat(const std::string& id);         // after the end: start another
  std::string submit(std::string_view text, const std::string& id);  // the text box
  std::string press(int button, const std::string& id);              // a question button
  void retry(const std::string& client_id);             // a failed message's retry button
  void typing(bool on);                                 // the visitor is (not) typing
  void ping();
  void resend();  // the shell's timer after a rate_limited refusal: send the refused frames again

  // [SECTION] What the shell reads after each call
  std::vector<std::string> out;  // frames to send, in order (answer() hands them over)
  const std::string& token() const { return token_; }
  std::string outbox_text() const;  // see the constructor for the format
  std::string view_json() const;  // view.cpp
  // view.cpp: the one JSON text each call from the shell returns (main.cpp), so one visitor action
  // crosses the JS/WebAssembly boundary once: {"send":[frames to send, in order], "problem":
  // "" or the action's refusal to show, "view": view_json()} ("view" left out when !with_view).
  // Takes the frames out of `out`.
  std::string answer(std::string_view problem, bool with_view);
  static std::string strings_json(const std::string& lang);  // view.cpp: fixed UI labels

 private:
  void send(const ClientFrame& f) { out.push_back(encode(f)); }
  void on_welcome(const WelcomeFrame& w);
  void on_event(const Event& e);
  void on_ack(const AckFrame& a);
  void on_error(const ErrorFrame& e);
  void resend_outbox();
  void send_pending(const Pending& p);
  std::string queue(Pending::Kind kind, std::string text, const std::string& id);
  bool posted(const std::string& client_id) const;  // its message_posted is in the State
  const Conversation* current() const;
  std::string validate_answer(std::string_view text) const;
  bool can_write() const;
  Prompt shown_prompt() const;  // visitor_prompt() of the conversation shown

  std::string playbook_, lang_, token_, visitor_id_;
  std::string bot_name_;
  bool online_ = false;        // the socket is open and the welcome arrived
  bool live_available_ = false;
  TimeMs back_at_ = 0;          // outside business hours: when the team is back (UTC ms), else 0
  bool want_chat_ = false;      // the visitor opened the chat: start one when welcome says none
  std::string start_request_;   // the start in flight ("" when none)
  bool resuming_ = false;       // a resume is in flight: resend the outbox at `resumed`
  ConversationId conversation_;  // the one shown
  State state_;                 // the shared core's state: the conversation and the agents' names
  Prompt prompt_;               // what the chatbot waits for now (the server's last prompt)
  std::string typing_who_;      // the agent typing now, or ""
  std::string notice_;          // the last refusal to show (e.g. a server error)
  bool sent_typing_ = false;
  bool throttled_ = false;      // the server said rate_limited: the shell calls resend() shortly
  std::vector<Pending> outbox_;
};

}  // namespace livechat::widget
