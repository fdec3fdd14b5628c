#include "input.hpp"

#include <deque>
#include <string>

#include "fonts.hpp"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "platform.hpp"

namespace agent::input {

namespace {

struct Event {
  enum class Kind { move, button, wheel, leave, key, text } kind = Kind::move;
  int key = 0, scancode = 0, action = 0, mods = 0;  // key; button uses key (button) and action
  double x = 0, y = 0;                              // move: backing-store pixels; wheel: notches
  std::string text;                                 // text: UTF-8
};

std::deque<Event> g_queue;
bool g_activity = true;              // something happened: draw a frame
bool g_composer_owns_enter = false;  // the composer was active in the last drawn frame
bool g_composer_active_now = false;
bool g_send = false;  // a plain Enter in the composer this frame
GLFWwindow* g_window = nullptr;

// What ImGui is shown: the pointer (backing-store pixels) and the buttons held.
double g_mouse_x = 0, g_mouse_y = 0;
bool g_mouse_inside = false;
bool g_buttons[ImGuiMouseButton_COUNT] = {};

bool is_enter(int key) { return key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER; }
bool is_modifier(int key) { return key >= GLFW_KEY_LEFT_SHIFT && key <= GLFW_KEY_RIGHT_SUPER; }

bool is_editing(int key, int mods) {
  if (is_modifier(key)) return false;
  if (mods & (GLFW_MOD_CONTROL | GLFW_MOD_SUPER | GLFW_MOD_ALT)) return true;  // shortcuts: one per frame
  switch (key) {
    case GLFW_KEY_BACKSPACE: case GLFW_KEY_DELETE: case GLFW_KEY_LEFT: case GLFW_KEY_RIGHT: case GLFW_KEY_UP:
    case GLFW_KEY_DOWN: case GLFW_KEY_HOME: case GLFW_KEY_END: case GLFW_KEY_PAGE_UP: case GLFW_KEY_PAGE_DOWN:
    case GLFW_KEY_TAB: case GLFW_KEY_ESCAPE: case GLFW_KEY_ENTER: case GLFW_KEY_KP_ENTER:
      return true;
    default:
      return false;
  }
}

// Keys ImGui reads as held or pressed (not only as text): each changes at most once per frame.
bool is_read(int key, int mods) { return is_editing(key, mods) || is_modifier(key) || key == GLFW_KEY_SPACE; }

// What this frame has handed ImGui so far (begin_frame): decides where its share ends.
struct FrameShare {
  bool button = false;       // a mouse button changed
  bool wheel = false;        // the wheel turned
  bool keyboard = false;     // a key or text went in
  bool editing_key = false;  // an editing key's press went in
  ImVector<int> keys_read;   // keys ImGui reads (editing keys, modifiers) that changed
};

bool fits(const Event& e, const FrameShare& f) {
  using K = Event::Kind;
  switch (e.kind) {
    case K::leave: return !f.button;
    case K::move: return !f.button && !f.wheel;
    case K::wheel: return !f.button;
    case K::button: return !f.button && !f.keyboard;
    case K::text: return !f.button && !f.editing_key;
    case K::key:
      return !f.button && !f.editing_key && !(is_read(e.key, e.mods) && f.keys_read.contains(e.key));
  }
  return false;
}

void apply(const Event& e, FrameShare& f) {
  using K = Event::Kind;
  ImGuiIO& io = ImGui::GetIO();
  switch (e.kind) {
    case K::move:
      g_mouse_x = e.x;
      g_mouse_y = e.y;
      g_mouse_inside = true;
      break;
    case K::leave:
      g_mouse_inside = false;
      break;
    case K::button:
      if (e.key >= 0 && e.key < ImGuiMouseButton_COUNT) g_buttons[e.key] = e.action == GLFW_PRESS;
      f.button = true;
      break;
    case K::wheel:
      io.MouseWheelH += static_cast<float>(e.x);
      io.MouseWheel += static_cast<float>(e.y);
      f.wheel = true;
      break;
    case K::text:
      io.AddInputCharactersUTF8(e.text.c_str());
      f.keyboard = true;
      break;
    case K::key:
      if (is_read(e.key, e.mods)) f.keys_read.push_back(e.key);
      if (e.action == GLFW_PRESS && is_editing(e.key, e.mods)) f.editing_key = true;
      if (g_composer_owns_enter && is_enter(e.key) && e.action != GLFW_RELEASE) {
        if (e.mods & GLFW_MOD_SHIFT)
          io.AddInputCharacter('\n');  // after the text typed before it
        else if (e.action == GLFW_PRESS)
          g_send = true;
      }
      ImGui_ImplGlfw_KeyCallback(g_window, e.key, e.scancode, e.action, e.mods);
      f.keyboard = true;
      break;
  }
}

Event& push(Event::Kind kind) {
  g_activity = true;
  Event& e = g_queue.emplace_back();
  e.kind = kind;
  return e;
}
void push_key(int key, int scancode, int action, int mods) {
  Event& e = push(Event::Kind::key);
  e.key = key, e.scancode = scancode, e.action = action, e.mods = mods;
}
void push_xy(Event::Kind kind, double x, double y) {
  Event& e = push(kind);
  e.x = x, e.y = y;
}

void on_key(GLFWwindow*, int key, int scancode, int action, int mods) {
  push_key(key, scancode, action, mods);
}
// Text from the page's text input (typed, pasted, or composed with an input method).
void on_text(const char* utf8) {
  if (!utf8 || !*utf8) return;
  fonts::note_text(utf8);
  push(Event::Kind::text).text = utf8;
}
// The button event carries no position: the pointer's, which the browser just updated, goes
// first, so the click lands where it happened.
void on_mouse_button(GLFWwindow* w, int button, int action, int mods) {
  double x = 0, y = 0;
  glfwGetCursorPos(w, &x, &y);
  push_xy(Event::Kind::move, x, y);
  Event& e = push(Event::Kind::button);
  e.key = button, e.action = action, e.mods = mods;
}
void on_cursor_pos(GLFWwindow*, double x, double y) {
  // Consecutive moves fold into one: only the last position before the next event matters.
  if (!g_queue.empty() && g_queue.back().kind == Event::Kind::move) {
    g_queue.back().x = x;
    g_queue.back().y = y;
    g_activity = true;
    return;
  }
  push_xy(Event::Kind::move, x, y);
}
// Emscripten 3.1.6's GLFW passes the DOM wheel event's deltaX/deltaY as they are: in pixels
// (about 100 a notch) or lines (3 a notch), with positive meaning down. ImGui wants notches,
// positive meaning up.
void on_scroll(GLFWwindow*, double dx, double dy) {
  double unit = platform::wheel_in_lines() ? 3.0 : 100.0;
  push_xy(Event::Kind::wheel, -dx / unit, -dy / unit);
}
void on_cursor_enter(GLFWwindow*, int entered) {
  if (!entered) push(Event::Kind::leave);
}
void on_focus(GLFWwindow* w, int focused) {
  g_activity = true;
  ImGui_ImplGlfw_WindowFocusCallback(w, focused);
}

}  // namespace

void install(GLFWwindow* window) {
  g_window = window;
  glfwSetKeyCallback(window, on_key);
  // No GLFW character callback: Emscripten's splits characters above U+FFFF into two surrogate
  // halves and never sees pasted or composed text. Text comes from the page's text input.
  platform::start_text_input(on_text);
  glfwSetMouseButtonCallback(window, on_mouse_button);
  glfwSetScrollCallback(window, on_scroll);
  glfwSetCursorPosCallback(window, on_cursor_pos);
  glfwSetCursorEnterCallback(window, on_cursor_enter);
  glfwSetWindowFocusCallback(window, on_focus);
  // The input method's window follows the caret of the active text field.
  ImGui::GetIO().ImeSetInputScreenPosFn = [](int x, int y) { platform::text_caret(x, y); };
}

bool take_activity() {
  bool a = g_activity || !g_queue.empty();
  g_activity = false;
  return a;
}

void begin_frame(float framebuffer_scale) {
  FrameShare share;
  while (!g_queue.empty() && fits(g_queue.front(), share)) {
    apply(g_queue.front(), share);
    g_queue.pop_front();
  }
  ImGuiIO& io = ImGui::GetIO();
  // The backend's NewFrame polled GLFW's current state; ImGui sees the state after this share.
  float s = framebuffer_scale > 0 ? framebuffer_scale : 1.0f;
  io.MousePos = g_mouse_inside ? ImVec2(static_cast<float>(g_mouse_x) / s, static_cast<float>(g_mouse_y) / s)
                               : ImVec2(-FLT_MAX, -FLT_MAX);
  for (int i = 0; i < ImGuiMouseButton_COUNT; ++i) io.MouseDown[i] = g_buttons[i];
  if (g_composer_owns_enter) io.KeysDown[GLFW_KEY_ENTER] = io.KeysDown[GLFW_KEY_KP_ENTER] = false;
  g_composer_active_now = false;
}

void end_frame() {
  g_composer_owns_enter = g_composer_active_now;
  g_send = false;  // a request nobody took (the composer is gone) is dropped
}

void composer_drawn(bool active) { g_composer_active_now = g_composer_active_now || active; }

bool take_send_request() {
  bool s = g_send;
  g_send = false;
  return s;
}

bool composer_active() { return g_composer_owns_enter; }
int waiting() { return static_cast<int>(g_queue.size()); }

}  // namespace agent::input
