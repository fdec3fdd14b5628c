#include "input.hpp"

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "platform.hpp"

namespace agent::input {

namespace {

bool g_activity = true;            // something happened: draw a frame
bool g_composer_owns_enter = false;  // the composer was active in the last drawn frame
bool g_composer_active_now = false;
bool g_send = false;      // a plain Enter in the composer since the last frame
int g_send_at = -1;       // the queued characters before that Enter; later ones are held back
ImVector<ImWchar> g_held;  // characters typed after the send, for the next frame

// ImGui 1.86 samples key state once per frame and a text field acts on one editing key per frame:
// a fast Ctrl+A, Backspace, "luca" between two frames would lose the select-all and the first
// letter. So after an editing key's press reaches ImGui, later key and character events wait
// here, in order, until the frame that saw it has ended (end_frame replays them).
struct PendingInput {
  bool is_char;
  int key, scancode, action, mods;
  unsigned int c;
};
ImVector<PendingInput> g_pending;
bool g_blocked = false;  // an editing key's press went to ImGui and no frame has seen it yet
GLFWwindow* g_window = nullptr;

bool is_enter(int key) { return key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER; }

bool is_editing(int key, int mods) {
  if (mods & (GLFW_MOD_CONTROL | GLFW_MOD_SUPER)) return key != GLFW_KEY_LEFT_CONTROL && key != GLFW_KEY_RIGHT_CONTROL &&
                                                         key != GLFW_KEY_LEFT_SUPER && key != GLFW_KEY_RIGHT_SUPER;
  switch (key) {
    case GLFW_KEY_BACKSPACE: case GLFW_KEY_DELETE: case GLFW_KEY_LEFT: case GLFW_KEY_RIGHT: case GLFW_KEY_UP:
    case GLFW_KEY_DOWN: case GLFW_KEY_HOME: case GLFW_KEY_END: case GLFW_KEY_PAGE_UP: case GLFW_KEY_PAGE_DOWN:
    case GLFW_KEY_TAB: case GLFW_KEY_ESCAPE: case GLFW_KEY_ENTER: case GLFW_KEY_KP_ENTER:
      return true;
    default:
      return false;
  }
}

void deliver_key(GLFWwindow* w, int key, int scancode, int action, int mods) {
  if (action == GLFW_PRESS && is_editing(key, mods)) g_blocked = true;
  if (g_composer_owns_enter && is_enter(key) && action != GLFW_RELEASE) {
    if (mods & GLFW_MOD_SHIFT) {
      ImGui::GetIO().AddInputCharacter('\n');  // after the characters typed before it
    } else if (action == GLFW_PRESS && !g_send) {
      g_send = true;
      g_send_at = ImGui::GetIO().InputQueueCharacters.Size;
    }
  }
  ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
}

void on_key(GLFWwindow* w, int key, int scancode, int action, int mods) {
  g_activity = true;
  if (g_blocked || !g_pending.empty()) return g_pending.push_back({false, key, scancode, action, mods, 0});
  deliver_key(w, key, scancode, action, mods);
}
void on_char(GLFWwindow* w, unsigned int c) {
  g_activity = true;
  if (g_blocked || !g_pending.empty()) return g_pending.push_back({true, 0, 0, 0, 0, c});
  ImGui_ImplGlfw_CharCallback(w, c);
}

// After a frame: what waited goes to ImGui, in order, up to the next editing key's press.
void replay_pending() {
  g_blocked = false;
  int i = 0;
  for (; i < g_pending.Size && !g_blocked; ++i) {
    const PendingInput& e = g_pending[i];
    if (e.is_char)
      ImGui_ImplGlfw_CharCallback(g_window, e.c);
    else
      deliver_key(g_window, e.key, e.scancode, e.action, e.mods);
  }
  if (i > 0) {
    g_pending.erase(g_pending.begin(), g_pending.begin() + i);
    g_activity = true;
  }
}
void on_mouse_button(GLFWwindow* w, int button, int action, int mods) {
  g_activity = true;
  ImGui_ImplGlfw_MouseButtonCallback(w, button, action, mods);
}
// Emscripten 3.1.6's GLFW passes the DOM wheel event's deltaX/deltaY as they are: in pixels
// (about 100 a notch) or lines (3 a notch), with positive meaning down. ImGui wants notches,
// positive meaning up.
void on_scroll(GLFWwindow* w, double dx, double dy) {
  g_activity = true;
  double unit = platform::wheel_in_lines() ? 3.0 : 100.0;
  ImGui_ImplGlfw_ScrollCallback(w, -dx / unit, -dy / unit);
}
void on_cursor_pos(GLFWwindow*, double, double) { g_activity = true; }  // ImGui polls the position
void on_cursor_enter(GLFWwindow* w, int entered) {
  g_activity = true;
  ImGui_ImplGlfw_CursorEnterCallback(w, entered);
}
void on_focus(GLFWwindow* w, int focused) {
  g_activity = true;
  ImGui_ImplGlfw_WindowFocusCallback(w, focused);
}

}  // namespace

void install(GLFWwindow* window) {
  g_window = window;
  glfwSetKeyCallback(window, on_key);
  glfwSetCharCallback(window, on_char);
  glfwSetMouseButtonCallback(window, on_mouse_button);
  glfwSetScrollCallback(window, on_scroll);
  glfwSetCursorPosCallback(window, on_cursor_pos);  // ImGui's backend polls the position instead
  glfwSetCursorEnterCallback(window, on_cursor_enter);
  glfwSetWindowFocusCallback(window, on_focus);
}

bool take_activity() {
  bool a = g_activity;
  g_activity = false;
  return a;
}

void begin_frame() {
  ImGuiIO& io = ImGui::GetIO();
  if (g_composer_owns_enter) io.KeysDown[GLFW_KEY_ENTER] = io.KeysDown[GLFW_KEY_KP_ENTER] = false;
  if (g_send && g_send_at >= 0 && g_send_at < io.InputQueueCharacters.Size) {
    for (int i = g_send_at; i < io.InputQueueCharacters.Size; ++i) g_held.push_back(io.InputQueueCharacters[i]);
    io.InputQueueCharacters.resize(g_send_at);
  }
  g_send_at = -1;
  g_composer_active_now = false;
}

void end_frame() {
  g_composer_owns_enter = g_composer_active_now;
  g_send = false;  // a request nobody took (the composer is gone) is dropped
  replay_pending();
  if (g_held.empty()) return;
  ImGuiIO& io = ImGui::GetIO();
  for (ImWchar c : g_held) io.AddInputCharacter(c);
  g_held.clear();
  g_activity = true;
}

void composer_drawn(bool active) { g_composer_active_now = g_composer_active_now || active; }

bool take_send_request() {
  bool s = g_send;
  g_send = false;
  return s;
}

bool composer_active() { return g_composer_owns_enter; }

}  // namespace agent::input
