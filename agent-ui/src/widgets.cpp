#include "widgets.hpp"

#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "i18n.hpp"
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

void language_picker(float width) {
  std::size_t count = 0;
  const LanguageName* all = languages(count);
  const char* current = all[0].name;
  for (std::size_t i = 0; i < count; ++i)
    if (language() == all[i].code) current = all[i].name;
  ImGui::SetNextItemWidth(width);
  if (ImGui::BeginCombo("##language", current)) {
    for (std::size_t i = 0; i < count; ++i) {
      if (ImGui::Selectable(all[i].name, language() == all[i].code)) set_language(all[i].code);
      track((std::string("language:") + all[i].code).c_str());
    }
    ImGui::EndCombo();
  }
  track("##language");
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

void text_fit(const std::string& text, float width, bool disabled) {
  const char* begin = text.c_str();
  const char* end = begin + text.size();
  const char* shown_end = end;
  std::string shown;
  if (ImGui::CalcTextSize(begin, end).x > width) {
    const char* ellipsis = "\xE2\x80\xA6";  // U+2026
    float room = width - ImGui::CalcTextSize(ellipsis).x;
    ImGui::GetFont()->CalcTextSizeA(ImGui::GetFontSize(), room > 0 ? room : 0, 0, begin, end, &shown_end);
    shown.assign(begin, shown_end);
    shown += ellipsis;
    begin = shown.c_str();
    end = begin + shown.size();
  }
  if (disabled) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextUnformatted(begin, end);
  if (disabled) ImGui::PopStyleColor();
  if (shown_end != text.c_str() + text.size() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

void copy_utf8(char* dst, std::size_t size, const std::string& src) {
  if (size == 0) return;
  std::size_t n = src.size() < size ? src.size() : size - 1;
  if (n < src.size())
    while (n > 0 && (static_cast<unsigned char>(src[n]) & 0xC0) == 0x80) --n;  // src[n] starts a character
  std::memcpy(dst, src.data(), n);
  dst[n] = 0;
}

}  // namespace agent::ui
