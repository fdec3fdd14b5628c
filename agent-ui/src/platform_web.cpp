// platform.hpp for the browser (Emscripten). Browser callbacks only queue reports in
// window.lcQueue; poll() drains them on the frame loop. Maintenance reminder: index.html
// creates window.lcQueue and defines the hooks over _lc_debug_json, window.lcWidgetsJson and
// window.lcFrames.
#include "platform.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/em_js.h>

#include <cstdlib>

// clang-format off
EM_JS(char*, lc_js_poll, (), {
  const q = window.lcQueue || (window.lcQueue = []);
  if (!q.length) return 0;
  const r = q.shift();
  const sep = String.fromCharCode(31);
  const s = r.kind + sep + (r.tag || "") + sep + (r.status || 0) + sep + (r.body || "");
  const n = lengthBytesUTF8(s) + 1;
  const p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(void, lc_js_ws_connect, (), {
  const q = window.lcQueue || (window.lcQueue = []);
  if (window.lcSocket) { try { window.lcSocket.onclose = null; window.lcSocket.close(); } catch (e) {} }
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/agent';
  const ws = new WebSocket(url);
  window.lcSocket = ws;
  ws.onopen = () => q.push({kind: 'ws_open'});
  ws.onmessage = (m) => { if (typeof m.data === 'string') q.push({kind: 'ws_frame', body: m.data}); };
  ws.onclose = () => { if (window.lcSocket === ws) { window.lcSocket = null; q.push({kind: 'ws_close'}); } };
});

EM_JS(void, lc_js_ws_send, (const char* text), {
  if (window.lcSocket && window.lcSocket.readyState === 1) window.lcSocket.send(UTF8ToString(text));
});

EM_JS(void, lc_js_ws_close, (), {
  if (window.lcSocket) { const ws = window.lcSocket; window.lcSocket = null; try { ws.close(); } catch (e) {} }
});

EM_JS(void, lc_js_http, (const char* tag, const char* method, const char* path, const char* body, const char* token), {
  const q = window.lcQueue || (window.lcQueue = []);
  const t = UTF8ToString(tag), b = UTF8ToString(body), tok = UTF8ToString(token);
  const headers = {};
  if (b.length) headers['Content-Type'] = 'application/json';
  if (tok.length) headers['Authorization'] = 'Bearer ' + tok;
  fetch(UTF8ToString(path), {method: UTF8ToString(method), headers, body: b.length ? b : undefined,
                             credentials: 'same-origin'})
    .then((r) => r.text().then((text) => q.push({kind: 'http', tag: t, status: r.status, body: text})))
    .catch((e) => q.push({kind: 'http', tag: t, status: 0, body: String(e)}));
});

// localStorage[key] ("" when absent or storage is off), as a string allocated with _malloc.
EM_JS(char*, lc_js_stored, (const char* key), {
  let s = "";
  try { s = localStorage.getItem(UTF8ToString(key)) || ""; } catch (e) {}
  const n = lengthBytesUTF8(s) + 1;
  const p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

// Keeps value under key; "" removes it.
EM_JS(void, lc_js_store, (const char* key, const char* value), {
  const k = UTF8ToString(key), v = UTF8ToString(value);
  try { if (v.length) localStorage.setItem(k, v); else localStorage.removeItem(k); } catch (e) {}
});

EM_JS(void, lc_js_browser_languages, (char* out, int size), {
  const s = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""]).join(",");
  stringToUTF8(s, out, size);
});

EM_JS(void, lc_js_set_page_language, (const char* language), {
  document.documentElement.lang = UTF8ToString(language);
});

EM_JS(void, lc_js_set_canvas_size, (int width, int height), {
  Browser.setCanvasSize(width, height);
});

EM_JS(void, lc_js_set_title, (const char* title), {
  const t = UTF8ToString(title);
  if (document.title !== t) document.title = t;
});

EM_JS(void, lc_js_ask_permission, (), {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
    try { Notification.requestPermission(); } catch (e) {}
  }
});

EM_JS(void, lc_js_notify, (const char* title, const char* body), {
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    try { new Notification(UTF8ToString(title), {body: UTF8ToString(body)}); } catch (e) {}
  }
});

EM_JS(void, lc_js_open_url, (const char* url), {
  window.open(UTF8ToString(url), '_blank', 'noopener,noreferrer');
});

// GL.textures and GLctx are Emscripten's WebGL tables. The upload happens between frames;
// ImGui's renderer binds the texture it needs for every draw call.
EM_JS(void, lc_js_load_image, (const char* url, int texture), {
  const q = window.lcQueue || (window.lcQueue = []);
  const u = UTF8ToString(url);
  const fail = (why) => q.push({kind: 'image', tag: u, status: 0, body: String(why)});
  fetch(u, {mode: 'cors', credentials: 'omit'})
    .then((r) => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.blob(); })
    .then((b) => {
      if (b.size > 8 * 1024 * 1024) throw new Error('larger than 8 MB');
      return createImageBitmap(b, {premultiplyAlpha: 'none'});
    })
    .then((bmp) => {
      if (bmp.width > 4096 || bmp.height > 4096) { bmp.close(); throw new Error('larger than 4096 pixels'); }
      const gl = GLctx, t = GL.textures[texture];
      if (!t) { bmp.close(); throw new Error('texture gone'); }
      gl.bindTexture(gl.TEXTURE_2D, t);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, bmp);
      q.push({kind: 'image', tag: u, status: 1, body: bmp.width + ' ' + bmp.height});
      bmp.close();
    })
    .catch((e) => fail((e && e.message) || e));
});

EM_JS(void, lc_js_load_font, (const char* file), {
  const q = window.lcQueue || (window.lcQueue = []);
  const f = UTF8ToString(file);
  fetch('fonts/' + f)
    .then((r) => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.arrayBuffer(); })
    .then((b) => {
      try { FS.mkdir('/fonts'); } catch (e) {}
      FS.writeFile('/fonts/' + f, new Uint8Array(b));
      q.push({kind: 'font', tag: f, status: 1});
    })
    .catch((e) => q.push({kind: 'font', tag: f, status: 0, body: String((e && e.message) || e)}));
});

EM_JS(void, lc_js_copy, (const char* text), {
  const t = UTF8ToString(text);
  if (navigator.clipboard) navigator.clipboard.writeText(t).catch(() => {});
});

// Maintenance reminder: index.html's canvas is not focusable; this textarea holds the focus.
// GLFW's key listeners are on window, so key events still reach them (they bubble from here).
EM_JS(void, lc_js_start_text_input, (), {
  const ta = document.createElement('textarea');
  ta.id = 'lc-text-input';
  ta.setAttribute('aria-label', 'Text input');
  ta.setAttribute('autocomplete', 'off');
  ta.setAttribute('autocapitalize', 'off');
  ta.spellcheck = false;
  ta.style.cssText = 'position:fixed;left:0;top:0;width:2px;height:24px;padding:0;border:0;margin:0;' +
                     'opacity:0;resize:none;overflow:hidden;font-size:16px;z-index:-1;';
  document.body.appendChild(ta);
  const give = (t) => {
    if (!t) return;
    const n = lengthBytesUTF8(t) + 1, p = _malloc(n);
    stringToUTF8(t, p, n);
    _lc_text_input(p);
    _free(p);
  };
  let composing = false;
  const take = () => { const t = ta.value; ta.value = ""; give(t); };
  ta.addEventListener('compositionstart', () => { composing = true; });
  ta.addEventListener('compositionend', () => { composing = false; take(); });
  ta.addEventListener('input', (e) => {
    if (composing || e.isComposing) return;                       // whole at compositionend
    if (e.inputType === "insertLineBreak" || e.inputType === "insertParagraph") { ta.value = ""; return; }  // Enter: a key
    take();
  });
  document.addEventListener('paste', (e) => {
    const t = e.clipboardData && e.clipboardData.getData('text/plain');
    e.preventDefault();
    give(t);
  });
  // Keep the keyboard here: after a click on the canvas, and when the page gets focus back.
  const canvas = Module['canvas'];
  canvas.addEventListener('mousedown', (e) => { e.preventDefault(); ta.focus({preventScroll: true}); });
  window.addEventListener('focus', () => ta.focus({preventScroll: true}));
  ta.focus({preventScroll: true});
});

EM_JS(void, lc_js_text_caret, (int x, int y), {
  const ta = document.getElementById('lc-text-input');
  if (ta) { ta.style.left = x + 'px'; ta.style.top = y + 'px'; }
});

EM_JS(double, lc_js_now, (), { return Date.now(); });
EM_JS(double, lc_js_precise, (), { return performance.now(); });
EM_JS(int, lc_js_has_reports, (), { return window.lcQueue && window.lcQueue.length ? 1 : 0; });

EM_JS(int, lc_js_canvas_w, (), { return window.innerWidth | 0; });
EM_JS(int, lc_js_canvas_h, (), { return window.innerHeight | 0; });
EM_JS(double, lc_js_dpr, (), { return window.devicePixelRatio || 1; });
EM_JS(int, lc_js_wheel_mode, (), { return window.lcWheelMode | 0; });

EM_JS(void, lc_js_publish_widgets, (const char* json), { window.lcWidgetsJson = UTF8ToString(json); });
EM_JS(void, lc_js_frame_drawn, (double ms), {
  const f = window.lcFrames || (window.lcFrames = {drawn: 0, times: []});
  f.drawn++;
  f.times.push(ms);
  if (f.times.length > 600) f.times.shift();
});
// clang-format on

namespace {
std::string (*g_debug)() = nullptr;
std::string g_debug_text;
void (*g_on_text)(const char*) = nullptr;

// A string the JS side allocated with _malloc, copied and freed.
std::string taken(char* raw) {
  std::string s(raw);
  std::free(raw);
  return s;
}
}  // namespace

// The text input (lc_js_start_text_input) calls this with each piece of text, as UTF-8.
extern "C" EMSCRIPTEN_KEEPALIVE void lc_text_input(const char* utf8) {
  if (g_on_text) g_on_text(utf8);
}

// window.lcDebug() calls this (index.html): the model summary as JSON text, made now.
extern "C" EMSCRIPTEN_KEEPALIVE const char* lc_debug_json() {
  g_debug_text = g_debug ? g_debug() : std::string("null");
  return g_debug_text.c_str();
}

namespace agent::platform {

bool has_reports() { return lc_js_has_reports() != 0; }

bool poll(Incoming& out) {
  char* raw = lc_js_poll();
  if (!raw) return false;
  std::string s(raw);
  std::free(raw);
  std::size_t a = s.find('\x1f'), b = s.find('\x1f', a + 1), c = s.find('\x1f', b + 1);
  std::string kind = s.substr(0, a);
  out.kind = kind == "ws_open"    ? Incoming::Kind::ws_open
             : kind == "ws_close" ? Incoming::Kind::ws_close
             : kind == "http"     ? Incoming::Kind::http
             : kind == "image"    ? Incoming::Kind::image
             : kind == "font"     ? Incoming::Kind::font
                                  : Incoming::Kind::ws_frame;
  out.tag = s.substr(a + 1, b - a - 1);
  out.status = std::atoi(s.substr(b + 1, c - b - 1).c_str());
  out.body = s.substr(c + 1);
  return true;
}

void ws_connect() { lc_js_ws_connect(); }
void ws_send(const std::string& text) { lc_js_ws_send(text.c_str()); }
void ws_close() { lc_js_ws_close(); }
void http(const std::string& tag, const std::string& method, const std::string& path, const std::string& body,
          const std::string& token) {
  lc_js_http(tag.c_str(), method.c_str(), path.c_str(), body.c_str(), token.c_str());
}
std::string stored_token() { return taken(lc_js_stored("lc_agent_token")); }
void store_token(const std::string& token) { lc_js_store("lc_agent_token", token.c_str()); }
std::string stored_language() { return taken(lc_js_stored("lc_agent_language")); }
void store_language(const std::string& language) { lc_js_store("lc_agent_language", language.c_str()); }
std::string browser_languages() {
  char buf[256];  // a few language tags; longer lists are cut (only the first ones matter)
  lc_js_browser_languages(buf, sizeof buf);
  return buf;
}
void set_page_language(const std::string& language) { lc_js_set_page_language(language.c_str()); }
void set_title(const std::string& title) { lc_js_set_title(title.c_str()); }
void set_canvas_size(int width, int height) { lc_js_set_canvas_size(width, height); }
void ask_notification_permission() { lc_js_ask_permission(); }
void desktop_notify(const std::string& title, const std::string& body) { lc_js_notify(title.c_str(), body.c_str()); }
void open_url(const std::string& url) { lc_js_open_url(url.c_str()); }
void copy_text(const std::string& text) { lc_js_copy(text.c_str()); }
void load_font(const std::string& file) { lc_js_load_font(file.c_str()); }
void start_text_input(void (*on_text)(const char* utf8)) {
  g_on_text = on_text;
  lc_js_start_text_input();
}
void text_caret(int x, int y) { lc_js_text_caret(x, y); }
void load_image(const std::string& url, unsigned texture) { lc_js_load_image(url.c_str(), static_cast<int>(texture)); }
double now_ms() { return lc_js_now(); }
double precise_ms() { return lc_js_precise(); }
void canvas_css_size(int& width, int& height) {
  width = lc_js_canvas_w();
  height = lc_js_canvas_h();
}
double device_pixel_ratio() { return lc_js_dpr(); }
bool wheel_in_lines() { return lc_js_wheel_mode() == 1; }
void set_debug_source(std::string (*debug)()) { g_debug = debug; }
void frame_drawn(double cpu_ms) { lc_js_frame_drawn(cpu_ms); }
void publish_widgets(const std::string& json) { lc_js_publish_widgets(json.c_str()); }

}  // namespace agent::platform
