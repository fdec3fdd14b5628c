// Rich text in ImGui: the core's parse_rich_text tree laid out word by word, wrapped at the
// current content width. Bold and italic pick the DejaVu bold/oblique fonts; links (only those
// the core's safe_url accepts) are blue, underlined and open in a new tab; list items get a
// bullet; images (http(s) only, images.hpp) are drawn on a line of their own, scaled to fit,
// with a placeholder naming the alt text or URL while loading or when they cannot be loaded.
#include <algorithm>
#include <string_view>

#include <cstdint>

#include "app.hpp"
#include "bidi.hpp"
#include "i18n.hpp"
#include "images.hpp"
#include "livechat/richtext.hpp"
#include "platform.hpp"

namespace agent {

using livechat::RichNode;

namespace {

struct Flow {
  const Fonts& fonts;
  float width;          // available width from the line start
  float x = 0;          // where the next word goes, from the line start
  bool started = false;  // something is on the current line
  int bold = 0, italic = 0;
  std::string link;      // safe URL of the enclosing link, if any
};

void word(Flow& f, std::string_view logical) {
  // Right-to-left words are shaped and read right to left (bidi.hpp); the words of a line keep
  // their order (rich text is laid out word by word).
  std::string shown = bidi::has_rtl(logical) ? bidi::visual(logical) : std::string();
  std::string_view w = shown.empty() ? logical : std::string_view(shown);
  ImFont* font = f.bold ? f.fonts.bold : f.italic ? f.fonts.italic : f.fonts.regular;
  // A word wider than the whole line is cut where the line ends (never drawn past the edge).
  if (f.width > 0 && w.size() > 1 && shown.empty()) {
    ImGui::PushFont(font);
    float whole = ImGui::CalcTextSize(w.data(), w.data() + w.size()).x;
    const char* cut = whole > f.width ? font->CalcWordWrapPositionA(ImGui::GetFontSize() / font->FontSize, w.data(),
                                                                     w.data() + w.size(), f.width) : nullptr;
    ImGui::PopFont();
    if (cut) {
      while (cut > w.data() && (static_cast<unsigned char>(*cut) & 0xC0) == 0x80) --cut;  // a character's start
      if (cut == w.data()) ++cut;
      while (cut < w.data() + w.size() && (static_cast<unsigned char>(*cut) & 0xC0) == 0x80) ++cut;
      std::size_t n = static_cast<std::size_t>(cut - w.data());
      std::string head(w.substr(0, n)), tail(w.substr(n));
      f.x = f.width;  // the cut word starts a line of its own
      word(f, head);
      f.x = f.width;
      return word(f, tail);
    }
  }
  ImGui::PushFont(font);
  ImVec2 size = ImGui::CalcTextSize(w.data(), w.data() + w.size());
  if (f.started && f.x + size.x <= f.width) {
    ImGui::SameLine(0, 0);
  } else {
    f.x = 0;
    // A space at the start of a wrapped line is dropped.
    if (f.started && !w.empty() && w.front() == ' ') {
      w.remove_prefix(1);
      size = ImGui::CalcTextSize(w.data(), w.data() + w.size());
    }
  }
  if (!f.link.empty()) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.1f, 0.35f, 0.85f, 1));
  ImGui::TextUnformatted(w.data(), w.data() + w.size());
  if (!f.link.empty()) {
    ImGui::PopStyleColor();
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, b.y), b, IM_COL32(25, 90, 215, 255));
    if (ImGui::IsItemHovered()) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      ImGui::SetTooltip("%s", f.link.c_str());
    }
    if (ImGui::IsItemClicked()) platform::open_url(f.link);
  }
  ImGui::PopFont();
  f.x += size.x;
  f.started = true;
}

void text(Flow& f, std::string_view s);

constexpr float kImageMaxWidth = 360, kImageMaxHeight = 240;

// Hover and click of an image or its placeholder: the enclosing link, else the image itself.
void image_actions(const Flow& f, const std::string& alt, const std::string& url) {
  const std::string& target = f.link.empty() ? url : f.link;
  if (ImGui::IsItemHovered()) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::SetTooltip("%s%s%s", alt.c_str(), alt.empty() ? "" : "\n", target.c_str());
  }
  if (ImGui::IsItemClicked()) platform::open_url(target);
}

// An image on a line of its own: the picture scaled to fit, or a placeholder box.
void image(Flow& f, const RichNode& n) {
  std::string url = livechat::safe_url(n.url, livechat::UrlUse::image);
  if (url.empty()) {  // refused (not http or https): the alt text only
    text(f, n.text.empty() ? std::string(tr("[image]")) : format(tr("[image: %s]"), n.text.c_str()));
    return;
  }
  const images::Image& img = images::get(url);
  float max_w = std::min(kImageMaxWidth, f.width);
  if (img.state == images::Image::State::ready) {
    float scale = std::min({1.0f, max_w / static_cast<float>(img.width), kImageMaxHeight / static_cast<float>(img.height)});
    ImVec2 size(static_cast<float>(img.width) * scale, static_cast<float>(img.height) * scale);
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(img.texture)), size);
  } else {
    bool failed = img.state == images::Image::State::failed;
    std::string label = format(failed ? tr("%s - could not be loaded") : tr("%s - loading..."), (n.text.empty() ? url : n.text).c_str());
    ImVec2 pad = ImGui::GetStyle().FramePadding;
    ImVec2 size(std::min(max_w, ImGui::CalcTextSize(label.c_str()).x + pad.x * 2 + 4),
                ImGui::GetTextLineHeight() + pad.y * 2);
    ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##image", size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(at, ImVec2(at.x + size.x, at.y + size.y), IM_COL32(238, 239, 243, 255), 4);
    dl->AddRect(at, ImVec2(at.x + size.x, at.y + size.y), IM_COL32(190, 192, 200, 255), 4);
    ImVec4 clip(at.x, at.y, at.x + size.x - pad.x, at.y + size.y);
    dl->AddText(nullptr, 0, ImVec2(at.x + pad.x, at.y + pad.y), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                label.c_str(), nullptr, 0, &clip);
  }
  image_actions(f, n.text, url);
  f.started = false;  // what follows starts a new line
}

// Splits text into words that keep their leading space, so wrapping happens between words.
void text(Flow& f, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] == ' ') ++j;
    while (j < s.size() && s[j] != ' ') ++j;
    word(f, s.substr(i, j - i));
    i = j;
  }
}

void inline_nodes(Flow& f, const RichNode& n) {
  switch (n.kind) {
    case RichNode::Kind::text:
      text(f, n.text);
      return;
    case RichNode::Kind::line_break:
      f.started = false;
      return;
    case RichNode::Kind::bold:
      ++f.bold;
      for (const auto& c : n.children) inline_nodes(f, c);
      --f.bold;
      return;
    case RichNode::Kind::italic:
      ++f.italic;
      for (const auto& c : n.children) inline_nodes(f, c);
      --f.italic;
      return;
    case RichNode::Kind::link: {
      std::string saved = f.link;
      std::string url = livechat::safe_url(n.url, livechat::UrlUse::link);
      if (saved.empty()) f.link = url;
      if (n.children.empty()) text(f, n.url);
      for (const auto& c : n.children) inline_nodes(f, c);
      f.link = saved;
      return;
    }
    case RichNode::Kind::image:
      ImGui::PushID(n.url.c_str());
      image(f, n);
      ImGui::PopID();
      return;
    default:
      for (const auto& c : n.children) inline_nodes(f, c);
  }
}

}  // namespace

void draw_rich_text(const Fonts& fonts, const std::string& source) {
  RichNode doc = livechat::parse_rich_text(source);
  Flow f{fonts, ImGui::GetContentRegionAvail().x, 0, false, 0, 0, {}};
  bool first = true;
  for (const auto& block : doc.children) {
    if (!first) ImGui::Dummy(ImVec2(0, 2));
    first = false;
    if (block.kind == RichNode::Kind::list) {
      for (const auto& item : block.children) {
        f.started = false;
        word(f, "\xE2\x80\xA2 ");  // U+2022 bullet
        for (const auto& c : item.children) inline_nodes(f, c);
      }
    } else {
      f.started = false;
      for (const auto& c : block.children) inline_nodes(f, c);
    }
    f.started = false;
  }
}

}  // namespace agent
