// The dashboard's entry point: a GLFW window on the page's canvas, Dear ImGui with the GLFW and
// OpenGL3 (WebGL2, "#version 300 es") backends, the fonts (fonts.hpp), and the frame loop that
// runs App::frame().
//
// High-DPI: ImGui works in CSS pixels (DisplaySize, mouse, layout, the test hooks' rectangles)
// while the canvas' backing store has CSS size x devicePixelRatio pixels
// (DisplayFramebufferScale), and the fonts are rasterized at that ratio.
// Idle frames: the loop is called on every animation frame but draws only when something
// happened (input, a browser report, a resize), plus a few frames after that for ImGui to settle
// (popups are placed in their second frame), or once when a timer is due (App::next_wake_ms).
#include <emscripten/emscripten.h>

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>

#include <cstdio>

#include "app.hpp"
#include "fonts.hpp"
#include "imgui.h"
#include "input.hpp"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "platform.hpp"

namespace {

GLFWwindow* g_window = nullptr;
agent::App g_app;
int g_settle_frames = 0;  // frames still to draw after the last wake-up
constexpr int kSettleFrames = 3;

void style() {
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 4;
  s.ChildRounding = 4;
  s.PopupRounding = 4;
  s.FramePadding = ImVec2(8, 5);
  s.ItemSpacing = ImVec2(8, 6);
  s.WindowPadding = ImVec2(10, 10);
  s.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.98f, 1);
  s.Colors[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
  s.FrameBorderSize = 1;
  s.Colors[ImGuiCol_FrameBg] = ImVec4(0.96f, 0.96f, 0.97f, 1);
  s.Colors[ImGuiCol_Border] = ImVec4(0.78f, 0.79f, 0.82f, 1);
  s.Colors[ImGuiCol_Button] = ImVec4(0.88f, 0.90f, 0.95f, 1);
  s.Colors[ImGuiCol_ButtonHovered] = ImVec4(0.80f, 0.85f, 0.95f, 1);
  s.Colors[ImGuiCol_ButtonActive] = ImVec4(0.72f, 0.79f, 0.93f, 1);
  s.Colors[ImGuiCol_Text] = ImVec4(0.10f, 0.11f, 0.13f, 1);
  // Contrast at least 4.5:1 everywhere (WCAG AA): secondary text #54575E is 7.4:1 on white and
  // 5.2:1 on the selected row's #C7DBFA; primary text is 12:1 there.
  s.Colors[ImGuiCol_TextDisabled] = ImVec4(0.33f, 0.34f, 0.37f, 1);
  s.Colors[ImGuiCol_Header] = ImVec4(0.78f, 0.86f, 0.98f, 1);
  s.Colors[ImGuiCol_HeaderHovered] = ImVec4(0.86f, 0.91f, 0.99f, 1);
  s.Colors[ImGuiCol_HeaderActive] = ImVec4(0.72f, 0.82f, 0.97f, 1);
}

// Sizes the canvas' backing store to CSS size x device pixel ratio; true when anything changed.
bool fit_canvas(int& css_w, int& css_h, float& ratio) {
  agent::platform::canvas_css_size(css_w, css_h);
  ratio = static_cast<float>(agent::platform::device_pixel_ratio());
  if (css_w < 1) css_w = 1;
  if (css_h < 1) css_h = 1;
  if (ratio <= 0) ratio = 1;
  int want_w = static_cast<int>(css_w * ratio + 0.5f), want_h = static_cast<int>(css_h * ratio + 0.5f);
  int w = 0, h = 0;
  glfwGetWindowSize(g_window, &w, &h);
  bool changed = false;
  if (w != want_w || h != want_h) {
    agent::platform::set_canvas_size(want_w, want_h);  // never glfwSetWindowSize (platform.hpp)
    changed = true;
  }
  // Another ratio (the window moved to another screen, the page was zoomed), or a fallback font
  // brought characters the atlas lacked (fonts.hpp).
  if (agent::fonts::update(ratio, g_app.fonts) && ImGui::GetIO().BackendRendererUserData) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    changed = true;
  }
  return changed;
}

void frame() {
  int css_w = 0, css_h = 0;
  float ratio = 1;
  bool resized = fit_canvas(css_w, css_h, ratio);
  double now = agent::platform::now_ms();
  if (resized || agent::input::take_activity() || agent::platform::has_reports())
    g_settle_frames = kSettleFrames;
  else if (g_settle_frames == 0 && g_app.next_wake_ms() <= now)
    g_settle_frames = 1;  // a timer (countdown, toast) needs one frame, not ImGui's settling
  if (g_settle_frames == 0) return;  // nothing changed: the canvas keeps the last frame
  --g_settle_frames;
  double started = agent::platform::precise_ms();

  glfwPollEvents();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // The GLFW backend measured the backing store; ImGui works in CSS pixels.
  ImGuiIO& io = ImGui::GetIO();
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(g_window, &fw, &fh);
  io.DisplaySize = ImVec2(static_cast<float>(css_w), static_cast<float>(css_h));
  io.DisplayFramebufferScale = ImVec2(fw / io.DisplaySize.x, fh / io.DisplaySize.y);
  agent::input::begin_frame(io.DisplayFramebufferScale.x);  // mouse positions into CSS pixels
  ImGui::NewFrame();
  g_app.frame();
  ImGui::Render();
  agent::input::end_frame();
  glViewport(0, 0, fw, fh);
  glClearColor(0.97f, 0.97f, 0.98f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  agent::platform::frame_drawn(agent::platform::precise_ms() - started);
}

}  // namespace

int main() {
  if (!glfwInit()) {
    std::printf("agent-ui: glfwInit failed\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  int w = 1280, h = 800;
  agent::platform::canvas_css_size(w, h);
  float ratio = static_cast<float>(agent::platform::device_pixel_ratio());
  g_window = glfwCreateWindow(static_cast<int>(w * ratio + 0.5f), static_cast<int>(h * ratio + 0.5f), "Live Chat",
                              nullptr, nullptr);
  if (!g_window) {
    std::printf("agent-ui: no WebGL2 context\n");
    return 1;
  }
  glfwMakeContextCurrent(g_window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // layout is fixed; nothing to save
  // Every control by keyboard: Tab / Shift+Tab and the arrows move the focus (drawn as a frame
  // around the control), Enter or Space activates, Escape closes popups and leaves a field.
  ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui::GetIO().ConfigInputTextCursorBlink = false;  // a blinking cursor would need frames when idle
  style();
  agent::fonts::update(ratio, g_app.fonts);
  ImGui_ImplGlfw_InitForOpenGL(g_window, false);
  agent::input::install(g_window);  // our callbacks, which forward to ImGui's backend
  ImGui_ImplOpenGL3_Init("#version 300 es");

  // Copy goes to the system clipboard; paste arrives as the page's paste event (input.cpp's text
  // input), so ImGui's own Ctrl+V reads nothing here (otherwise the text would be inserted twice).
  ImGuiIO& io = ImGui::GetIO();
  io.SetClipboardTextFn = [](void*, const char* text) { agent::platform::copy_text(text); };
  io.GetClipboardTextFn = [](void*) -> const char* { return ""; };
  g_app.start();
  emscripten_set_main_loop(frame, 0, true);
  return 0;
}
