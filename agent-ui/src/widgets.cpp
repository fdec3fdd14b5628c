#include "widgets.hpp"

#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "imgui_internal.h"  // ImGuiSelectableFlags_SpanAvailWidth

namespace agent::ui {

namespace {
struct Tracked {
  std::string label;
  ImVec2 min, max;
};
std::vector<Tracked> g_tracked;
}  // namespace

void begin_frame() { g_tracked.clear(); }

std::string visible_label(const char* label) {
  const char* hashes = std::strstr(label, "##");
  if (!hashes) return label;
  if (hashes == label) return std::string(label + 2);
  return std::string(label, hashes);
}

void track(const char* label) {
  if (!ImGui::IsItemVisible()) return;
  g_tracked.push_back(Tracked{visible_label(label), ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
}

std::string widgets_json() {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& t : g_tracked)
    a.push_back({{"label", t.label}, {"x", t.min.x}, {"y", t.min.y}, {"w", t.max.x - t.min.x}, {"h", t.max.y - t.min.y}});
  return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool button(const char* label, ImVec2 size) {
  bool pressed = ImGui::Button(label, size);
  track(label);
  return pressed;
}

bool selectable(const char* label, bool selected, const char* tracked_as) {
  bool pressed = ImGui::Selectable(label, selected);
  track(tracked_as ? tracked_as : label);
  return pressed;
}

bool selectable_text(const std::string& text, const std::string& tracked_as) {
  const char* begin = text.c_str();
  const char* end = begin + text.size();
  ImVec2 at = ImGui::GetCursorScreenPos();
  bool pressed = ImGui::Selectable("##text", false, ImGuiSelectableFlags_SpanAvailWidth,
                                   ImGui::CalcTextSize(begin, end, false));
  ImGui::GetWindowDrawList()->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), begin, end);
  if (ImGui::IsItemVisible()) g_tracked.push_back(Tracked{tracked_as, ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
  return pressed;
}

void push_primary() {
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.45f, 0.85f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.25f, 0.52f, 0.92f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.15f, 0.38f, 0.75f, 1));
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
}

void pop_primary() { ImGui::PopStyleColor(4); }

}  // namespace agent::ui
