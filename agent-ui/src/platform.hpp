// The dashboard's one seam to the browser: WebSocket, fetch, localStorage, tab title, desktop
// notifications, clipboard, links and the test hooks. One implementation per platform, chosen by
// CMake (platform_web.cpp for Emscripten); screens and the model never call JS themselves.
#pragma once
#include <string>

namespace agent::platform {

// Something the browser reported since the last poll. http: the answer to http() with `tag`
// (status 0 when the request failed before an answer); image: load_image finished for the URL
// in `tag` (see images.hpp for status and body); font: load_font finished for the file in `tag`
// (status 1: now in /fonts/; 0: failed).
struct Incoming {
  enum class Kind { ws_open, ws_frame, ws_close, http, image, font } kind = Kind::ws_frame;
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

// The user's choice of language ("it"; "" when none), kept in localStorage: this browser's setting.
std::string stored_language();
void store_language(const std::string& language);
// navigator.languages, comma-separated ("it-IT,en-US").
std::string browser_languages();
// <html lang="..."> (screen readers, the browser's own text fields).
void set_page_language(const std::string& language);

void set_title(const std::string& title);
void ask_notification_permission();
void desktop_notify(const std::string& title, const std::string& body);  // when permitted
void open_url(const std::string& url);                                  // a new tab
// Downloads and decodes the image at `url` into the GL texture `texture`; reports "image".
void load_image(const std::string& url, unsigned texture);
void copy_text(const std::string& text);                                // navigator.clipboard
// Downloads fonts/<file> (beside the page) into the in-memory file system's /fonts/; reports "font".
void load_font(const std::string& file);

// Text input through the browser's own text field: a hidden <textarea> that holds the keyboard
// focus while the dashboard runs (a canvas gets no text from input methods, emoji pickers,
// dictation or paste). Each piece of text typed, pasted (the page's paste event) or composed
// (delivered whole at compositionend) calls on_text, at once and in order with the key events,
// as UTF-8 with every character intact (JS strings are UTF-16: surrogate pairs are joined).
// text_caret moves that field to the active ImGui field's caret (CSS pixels), so an input
// method's candidate window opens there.
void start_text_input(void (*on_text)(const char* utf8));
void text_caret(int x, int y);

double now_ms();                                       // Date.now()
double precise_ms();                                   // performance.now(), for frame times
void canvas_css_size(int& width, int& height);         // the page's size in CSS pixels
// Sizes the canvas' backing store (device pixels); GLFW hears of it (its window size follows).
// Not glfwSetWindowSize: Emscripten's GLFW asks for fullscreen instead, and leaves the canvas as
// it was, when the size equals the screen's (a maximized or full-screen browser at ratio 1).
void set_canvas_size(int width, int height);
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
