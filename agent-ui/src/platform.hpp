// The dashboard's one seam to the browser: WebSocket, fetch, localStorage, tab title, desktop
// notifications, clipboard, links and the test hooks. One implementation per platform, chosen by
// CMake (platform_web.cpp for Emscripten); screens and the model never call JS themselves.
#pragma once
#include <string>

namespace agent::platform {

// Something the browser reported since the last poll. http: the answer to http() with `tag`
// (status 0 when the request failed before an answer); paste: text pasted into the page;
// image: load_image finished for the URL in `tag` (see images.hpp for status and body).
struct Incoming {
  enum class Kind { ws_open, ws_frame, ws_close, http, paste, image } kind = Kind::ws_frame;
  std::string tag;
  int status = 0;
  std::string body;
};

// Whether a report is waiting (the frame loop wakes up for it).
bool has_reports();
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
// Downloads and decodes the image at `url` into the GL texture `texture`; reports "image".
void load_image(const std::string& url, unsigned texture);
void copy_text(const std::string& text);                                // navigator.clipboard

double now_ms();                                       // Date.now()
double precise_ms();                                   // performance.now(), for frame times
void canvas_css_size(int& width, int& height);         // the page's size in CSS pixels
double device_pixel_ratio();
bool wheel_in_lines();  // the last wheel event counted lines (deltaMode 1), not pixels

// Test hooks, present in every build: window.lcDebug() returns what `debug` makes when it is
// called (the model summary: made on demand, never per frame); window.agentUi.widgets() returns
// `json` (the last drawn frame's labelled controls with rectangles); window.agentUi.frames()
// counts the frames drawn and keeps the last ones' CPU times (frame_drawn, in milliseconds).
void set_debug_source(std::string (*debug)());
void publish_widgets(const std::string& json);
void frame_drawn(double cpu_ms);

}  // namespace agent::platform
