// Rich text in ImGui: the core's parse_rich_text tree laid out word by word, wrapped at the
// current content width. Bold and italic pick the DejaVu bold/oblique fonts; links (only those
// the core's safe_url accepts) are blue, underlined and open in a new tab; list items get a
// bullet; images show as a link to the image with its alt text.
#include <string_view>

#include "app.hpp"
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

void word(Flow& f, std::string_view w) {
  ImFont* font = f.bold ? f.fonts.bold : f.italic ? f.fonts.italic : f.fonts.regular;
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
    case RichNode::Kind::image: {
      std::string saved = f.link;
      if (saved.empty()) f.link = livechat::safe_url(n.url, livechat::UrlUse::image);
      text(f, "[image" + (n.text.empty() ? std::string() : ": " + n.text) + "]");
      f.link = saved;
      return;
    }
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
