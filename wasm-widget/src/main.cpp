// The WebAssembly entry points of the visitor widget: thin C functions the JS shell
// (widget_ui.js) calls, around one Widget (widget.hpp). After every call the frames the widget
// queued go to the shell's socket through lc_js_send; the shell then reads lc_view().
// Maintenance reminder: the exported names are listed in wasm-widget/CMakeLists.txt and called
// from widget_ui.js.
#include <emscripten/emscripten.h>
#include <emscripten/em_js.h>

#include <memory>
#include <string>

#include "widget.hpp"

using livechat::widget::Widget;

// The shell's socket: Module.lcSend(text) sends when open and drops otherwise.
EM_JS(void, lc_js_send, (const char* text), { Module["lcSend"](UTF8ToString(text)); });

namespace {
std::unique_ptr<Widget> g_widget;
std::string g_result;  // the string the last call returned (valid until the next call)

const char* flush(std::string result = {}) {
  if (g_widget) {
    for (const auto& f : g_widget->out) lc_js_send(f.c_str());
    g_widget->out.clear();
  }
  g_result = std::move(result);
  return g_result.c_str();
}
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void lc_init(const char* playbook, const char* lang, const char* token, const char* outbox) {
  g_widget = std::make_unique<Widget>(playbook, lang, token, outbox);
}
EMSCRIPTEN_KEEPALIVE void lc_connected() {
  g_widget->connected();
  flush();
}
EMSCRIPTEN_KEEPALIVE void lc_disconnected() {
  g_widget->disconnected();
  flush();
}
EMSCRIPTEN_KEEPALIVE void lc_frame(const char* text) {
  g_widget->frame(text);
  flush();
}
EMSCRIPTEN_KEEPALIVE const char* lc_open_chat(const char* id) { return flush(g_widget->open_chat(id)); }
EMSCRIPTEN_KEEPALIVE const char* lc_new_chat(const char* id) { return flush(g_widget->new_chat(id)); }
EMSCRIPTEN_KEEPALIVE const char* lc_submit(const char* text, const char* id) {
  return flush(g_widget->submit(text, id));
}
EMSCRIPTEN_KEEPALIVE const char* lc_press(int button, const char* id) { return flush(g_widget->press(button, id)); }
EMSCRIPTEN_KEEPALIVE void lc_retry(const char* client_id) {
  g_widget->retry(client_id);
  flush();
}
EMSCRIPTEN_KEEPALIVE void lc_typing(int on) {
  g_widget->typing(on != 0);
  flush();
}
EMSCRIPTEN_KEEPALIVE void lc_resend() {
  g_widget->resend();
  flush();
}
EMSCRIPTEN_KEEPALIVE void lc_ping() {
  g_widget->ping();
  flush();
}
// What to paint and what to keep (view.cpp): one JSON text.
EMSCRIPTEN_KEEPALIVE const char* lc_view() {
  g_result = g_widget->view_json();
  return g_result.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* lc_strings(const char* lang) {
  g_result = Widget::strings_json(lang);
  return g_result.c_str();
}

}  // extern "C"
