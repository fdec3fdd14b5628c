// The WebAssembly entry points of the visitor widget: thin C functions the JS shell
// (widget_ui.js) calls, around one Widget (widget.hpp). Each returns one JSON text,
// Widget::answer(): the frames to send, the refusal of a visitor action ("" when accepted) and the
// view to paint, so one action crosses the JS/WebAssembly boundary once, there and back.
// Maintenance reminder: the exported names are listed in wasm-widget/CMakeLists.txt and called
// from widget_ui.js.
#include <emscripten/emscripten.h>

#include <memory>
#include <string>

#include "widget.hpp"

using livechat::widget::Widget;

namespace {
std::unique_ptr<Widget> g_widget;
std::string g_result;  // the text the last call returned (valid until the next call)

const char* answer(std::string problem = {}, bool with_view = true) {
  g_result = g_widget->answer(problem, with_view);
  return g_result.c_str();
}
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* lc_init(const char* playbook, const char* lang, const char* token,
                                         const char* outbox) {
  g_widget = std::make_unique<Widget>(playbook, lang, token, outbox);
  return answer();
}
EMSCRIPTEN_KEEPALIVE const char* lc_connected() {
  g_widget->connected();
  return answer();
}
EMSCRIPTEN_KEEPALIVE const char* lc_disconnected() {
  g_widget->disconnected();
  return answer();
}
EMSCRIPTEN_KEEPALIVE const char* lc_frame(const char* text) {
  g_widget->frame(text);
  return answer();
}
EMSCRIPTEN_KEEPALIVE const char* lc_open_chat(const char* id) { return answer(g_widget->open_chat(id)); }
EMSCRIPTEN_KEEPALIVE const char* lc_new_chat(const char* id) { return answer(g_widget->new_chat(id)); }
EMSCRIPTEN_KEEPALIVE const char* lc_submit(const char* text, const char* id) {
  return answer(g_widget->submit(text, id));
}
EMSCRIPTEN_KEEPALIVE const char* lc_press(int button, const char* id) { return answer(g_widget->press(button, id)); }
EMSCRIPTEN_KEEPALIVE const char* lc_retry(const char* client_id) {
  g_widget->retry(client_id);
  return answer();
}
EMSCRIPTEN_KEEPALIVE const char* lc_resend() {
  g_widget->resend();
  return answer();
}
// Typing and pings change nothing on screen: no view (typing runs at every keystroke).
EMSCRIPTEN_KEEPALIVE const char* lc_typing(int on) {
  g_widget->typing(on != 0);
  return answer({}, false);
}
EMSCRIPTEN_KEEPALIVE const char* lc_ping() {
  g_widget->ping();
  return answer({}, false);
}
EMSCRIPTEN_KEEPALIVE const char* lc_strings(const char* lang) {
  g_result = Widget::strings_json(lang);
  return g_result.c_str();
}

}  // extern "C"
