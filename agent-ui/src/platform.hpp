// The dashboard's one seam to the browser: WebSocket, fetch, localStorage, tab title, desktop
// notifications, clipboard, links and the test hooks. One implementation per platform, chosen by
// CMake (platform_web.cpp for Emscripten); screens and the model never call JS themselves.
#pragma once
#include <string>

namespace agent::platform {

// Something the browser reported since the last poll. http: the answer to http() with `tag`
// (status 0 when the request failed before an answer); paste: text pasted into the page.
struct Incoming {
  enum class Kind { ws_open, ws_frame, ws_close, http, paste } kind = Kind::ws_frame;
  std::string tag;
  int status = 0;
  std::string body;
};

// Takes the oldest report, if any. Reports are queued by the browser's callbacks and drained
// once per frame, so all model changes happen on the frame loop.
bool poll(Incoming& out);

// Opens /ws/agent on this page's host (the session cookie goes with the upgrade). Any open
// socket is closed first. Frames are text; see docs/protocol.md ("Connecting").
void ws_connect();
void ws_send(const std::string& text);
void ws_close();

// fetch(path) with a JSON body (empty: none) and "Authorization: Bearer token" when token is set.
void http(const std::string& tag, const std::string& method, const std::string& path, const std::string& body,
          const std::string& token);

// The session token kept in localStorage ("" when none); store "" to forget it.
std::string stored_token();
void store_token(const std::string& token);

void set_title(const std::string& title);
void ask_notification_permission();
void desktop_notify(const std::string& title, const std::string& body);  // when permitted
void open_url(const std::string& url);                                  // a new tab
void copy_text(const std::string& text);                                // navigator.clipboard

double now_ms();                                       // Date.now()
void canvas_css_size(int& width, int& height);         // the page's size in CSS pixels
double device_pixel_ratio();

// Test hooks, present in every build: window.lcDebug() returns `json` (the model summary) and
// window.agentUi.widgets() returns `json` (this frame's labelled controls with rectangles).
void publish_debug(const std::string& json);
void publish_widgets(const std::string& json);

}  // namespace agent::platform
