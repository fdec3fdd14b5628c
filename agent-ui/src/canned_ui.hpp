// Canned responses in the dashboard (the rules are the core's: livechat/canned.hpp): the list the
// agent sees, fetched after sign-in and after each change; the composer's suggestions ("/" and
// part of a shortcut); and the screen where agents keep their own and admins the team's.
#pragma once
#include <string>
#include <vector>

#include "livechat/canned.hpp"

namespace agent {

struct App;

struct CannedState {
  std::vector<livechat::CannedResponse> all;  // GET /api/canned: what this agent sees
  int selected = 0;                           // the highlighted suggestion in the composer
  // The form of the Canned responses screen.
  std::string editing;  // the id being edited; "" with `open` set: a new one
  bool open = false;
  char shortcut[livechat::kMaxShortcutBytes + 1] = "";
  char text_en[livechat::kMaxMessageBytes + 1] = "";
  char text_it[livechat::kMaxMessageBytes + 1] = "";
  bool shared = false;
  std::string message, field;  // the last answer ("Saved.") or the server's refusal and its field
  bool error = false;
};

// Asks the server for the list (after sign-in, after a change).
void fetch_canned(App& app);
// Handles an http report tagged "canned:..."; false when it is not one.
bool on_canned_http(App& app, const std::string& tag, int status, const std::string& body);

// The composer's suggestions while its text is "/" and part of a shortcut: the height they take
// (0: none to show), then drawn just above the composer. draw returns the filled text to put in
// the composer when the agent picked one (a click, or `enter`: Enter pressed in the composer,
// then consumed: a shortcut is never sent as a message), else "". Up and Down move the choice.
float canned_suggestions_height(App& app);
std::string draw_canned_suggestions(App& app, const livechat::Conversation& c, bool& enter);

void draw_canned_screen(App& app);

}  // namespace agent
