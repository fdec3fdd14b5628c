// The dashboard's entry point: a GLFW window on the page's canvas, Dear ImGui with the GLFW and
// OpenGL3 (WebGL2, "#version 300 es") backends, the DejaVu fonts index.html wrote into the
// in-memory file system, and the frame loop that runs App::frame().
#include <emscripten/emscripten.h>

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>

#include <cstdio>

#include "app.hpp"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "platform.hpp"

namespace {

GLFWwindow* g_window = nullptr;
agent::App g_app;

// Latin (with Latin-1 and Extended-A/B), Greek, Cyrillic, general punctuation, arrows.
const ImWchar kGlyphRanges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x052F, 0x2000, 0x206F,
                                0x20A0, 0x20CF, 0x2190, 0x21FF, 0x2600, 0x26FF, 0};

ImFont* load_font(const char* path, float size) {
  ImGuiIO& io = ImGui::GetIO();
  if (std::FILE* f = std::fopen(path, "rb")) {
    std::fclose(f);
    return io.Fonts->AddFontFromFileTTF(path, size, nullptr, kGlyphRanges);
  }
  std::printf("agent-ui: font %s missing, using ImGui's default font\n", path);
  return nullptr;
}

void setup_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  agent::Fonts& fonts = g_app.fonts;
  // Rasterize at the device pixel ratio so text stays crisp on high-DPI screens.
  float px = 16.0f * scale;
  fonts.regular = load_font("/fonts/DejaVuSans.ttf", px);
  if (!fonts.regular) fonts.regular = io.Fonts->AddFontDefault();
  fonts.bold = load_font("/fonts/DejaVuSans-Bold.ttf", px);
  if (!fonts.bold) fonts.bold = fonts.regular;
  fonts.italic = load_font("/fonts/DejaVuSans-Oblique.ttf", px);
  if (!fonts.italic) fonts.italic = fonts.regular;
  fonts.large = load_font("/fonts/DejaVuSans-Bold.ttf", px * 1.5f);
  if (!fonts.large) fonts.large = fonts.bold;
  io.FontGlobalScale = 1.0f / scale;
}

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
}

void frame() {
  int w = 0, h = 0;
  agent::platform::canvas_css_size(w, h);
  int cw = 0, ch = 0;
  glfwGetWindowSize(g_window, &cw, &ch);
  if (w > 0 && h > 0 && (w != cw || h != ch)) glfwSetWindowSize(g_window, w, h);

  glfwPollEvents();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  g_app.frame();
  ImGui::Render();
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(g_window, &fw, &fh);
  glViewport(0, 0, fw, fh);
  glClearColor(0.97f, 0.97f, 0.98f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
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
  g_window = glfwCreateWindow(w, h, "Live Chat", nullptr, nullptr);
  if (!g_window) {
    std::printf("agent-ui: no WebGL2 context\n");
    return 1;
  }
  glfwMakeContextCurrent(g_window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // layout is fixed; nothing to save
  style();
  setup_fonts(static_cast<float>(agent::platform::device_pixel_ratio()));
  ImGui_ImplGlfw_InitForOpenGL(g_window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");

  // Copy goes to the system clipboard; paste arrives as the page's paste event (App), so ImGui's
  // own Ctrl+V reads nothing here (otherwise the text would be inserted twice).
  ImGuiIO& io = ImGui::GetIO();
  io.SetClipboardTextFn = [](void*, const char* text) { agent::platform::copy_text(text); };
  io.GetClipboardTextFn = [](void*) -> const char* { return ""; };
  g_app.start();
  emscripten_set_main_loop(frame, 0, true);
  return 0;
}
