// The dashboard application: the model, what the screens are showing, and the effects (frames
// to send, REST calls, notifications). One App per page; frame() runs once per animation frame.
//
// Screens (one file each): screen_signin.cpp, screen_inbox.cpp (folders, lists, online switch),
// screen_conversation.cpp (transcript, composer, assign/reassign/close), screen_side_panel.cpp.
#pragma once
#include <string>
#include <vector>

#include "admin.hpp"
#include "canned_ui.hpp"
#include "imgui.h"
#include "livechat/commands.hpp"
#include "livechat/inbox.hpp"
#include "livechat/model.hpp"
#include "livechat/side_panel.hpp"
#include "model.hpp"

namespace agent {

struct Fonts {
  ImFont* regular = nullptr;
  ImFont* bold = nullptr;
  ImFont* italic = nullptr;
  ImFont* large = nullptr;
};

struct Toast {
  std::string title;
  std::string body;
  livechat::ConversationId conversation;
  double until_ms = 0;
  bool error = false;
};

// Edit buffers hold the core's limits (bytes of UTF-8) plus the terminating NUL; ImGui's text
// fields take or refuse whole characters, and ui::copy_utf8 fills them without cutting one.
// The sign-in fields use kMaxNameBytes: the server takes emails and passwords up to 200 bytes.
using livechat::kMaxMessageBytes;
using livechat::kMaxNameBytes;
using livechat::kMaxPanelField;
using livechat::kMaxPanelNotes;

// The side panel's edit buffers for one conversation.
struct PanelForm {
  livechat::ConversationId conversation;  // whose panel is loaded
  uint64_t loaded_version = 0;            // reload when the server's panel changed and not dirty
  bool dirty = false;
  char deal_value[32] = "";
  char currency[8] = "";
  char close_date[16] = "";
  char person_name[kMaxPanelField + 1] = "";
  char email[kMaxPanelField + 1] = "";
  char phone[kMaxPanelField + 1] = "";
  char org_name[kMaxPanelField + 1] = "";
  char org_address[kMaxPanelField + 1] = "";
  char notes[kMaxPanelNotes + 1] = "";
  std::string error;        // what is wrong, in plain words
  std::string error_field;  // the field it is about (the core's field names: "email", "deal_value_cents", ...)
  std::string refused;      // why the last key was refused, and its field ("deal_value_cents")
  std::string refused_field;
};

struct App {
  Model model;
  Fonts fonts;
  double now_ms = 0;

  // sign in
  char email[kMaxNameBytes + 1] = "";
  char password[kMaxNameBytes + 1] = "";
  std::string signin_error;
  bool signing_in = false;
  bool restoring = false;       // connecting with the stored token
  double reconnect_at_ms = 0;   // when to reconnect after the socket dropped (0: not planned)

  // what the main area shows; admin screens' state
  View view = View::inbox;
  AdminState admin;
  CannedState canned;

  // inbox
  livechat::Folder folder = livechat::Folder::unassigned;
  livechat::ConversationId selected;
  char composer[kMaxMessageBytes + 1] = "";
  bool focus_composer = false;
  livechat::ConversationId focus_when_mine;  // Alt+A: the composer takes the keys once the chat is ours
  livechat::ConversationId typing_in;  // where we last told the server we are typing
  bool note_mode = false;  // the composer writes a private note (for colleagues), not a reply
  PanelForm panel;
  std::vector<Toast> toasts;
  std::string last_item;  // what the last Create lead/deal made ("lead l_1")
  std::string item_for;   // whose lead or deal the last Create lead/deal asked for

  // History read over REST (docs/protocol.md): the Closed folder's pages (model.closed), a closed
  // conversation fetched when opened, and the search box's results.
  livechat::ConversationId fetching;  // the conversation being fetched, or whose fetch failed
  std::string fetch_error;            // why it failed, in plain words
  char search[201] = "";
  int search_kind = 0;      // 0 chats, 1 people, 2 organizations, 3 leads, 4 deals
  std::string searched;     // the query the results are for ("": the folders are shown)
  nlohmann::json search_results = nlohmann::json::array();
  std::string search_next, search_error;
  bool search_loading = false;
  nlohmann::json record;  // a CRM record opened from the results (null: none)

  // What the last frame drew that needs frames later (main.cpp skips frames otherwise).
  bool countdown_shown = false;  // a wait-time countdown was on screen (redrawn every second)
  int rows_drawn = 0;            // inbox rows drawn (the list clipper keeps this to what is visible)

  // Starts: restores the session from localStorage, if any.
  void start();
  // One frame: drains the browser's reports, then draws every screen.
  void frame();
  // When a frame is next needed with no input or report: a countdown's next second, a toast
  // to take down, a planned reconnect (a large number when nothing is planned).
  double next_wake_ms() const;
  // The model summary for window.lcDebug() (see Model::debug_json), plus the composer's text.
  std::string debug_json();

  // Effects.
  void sign_in();
  void sign_out();
  void send(livechat::Command command);
  void create_item(const char* kind);  // "leads" | "deals" via the REST API
  // A REST call whose answer comes back through handle_reports (admin screens use "admin:" tags).
  void rest(const std::string& tag, const std::string& method, const std::string& path, const std::string& body = {});
  void toast(std::string title, std::string body, bool error = false, livechat::ConversationId c = {});
  void load_closed_page();  // the Closed folder's next page, unless one is loading or none is left
  void open_conversation(const livechat::ConversationId& id);  // selects it; fetches it when not held
  void run_search(bool more);  // the search box's query (more: its next page)

 private:
  void handle_reports();
  void connect();
  void draw_toasts();
  void publish_hooks();
  void shortcuts();
};

// A refusal's words and field from an error answer ({"error":{"message","field"}}); `fallback`
// (default "The server refused it.") when the answer has no message.
struct ServerError {
  std::string message, field;
};
ServerError server_error(const std::string& body, const char* fallback = nullptr);

// Screens (each in its own file).
void draw_signin(App& app);
void draw_inbox(App& app);
void draw_conversation(App& app, const livechat::Conversation& conversation);
void draw_side_panel(App& app, const livechat::Conversation& conversation);

// Rich text from the core's parse_rich_text, wrapped at the current content width.
void draw_rich_text(const Fonts& fonts, const std::string& source);

// "14:32" (today) or "24 Nov 14:32" ("24 nov 14:32" in Italian), in the browser's local time zone.
std::string format_time(double now_ms, int64_t at_ms);

}  // namespace agent
