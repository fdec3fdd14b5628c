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

bool is_enter(int key) { return key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER; }

void on_key(GLFWwindow* w, int key, int scancode, int action, int mods) {
  g_activity = true;
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
void on_char(GLFWwindow* w, unsigned int c) {
  g_activity = true;
  ImGui_ImplGlfw_CharCallback(w, c);
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
