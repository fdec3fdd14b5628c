// libFuzzer target: the rich-text parser and its renderers. Any bytes must render; the HTML may
// hold only the allowed tags, never a script, an event handler or a javascript:/data: link.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "livechat/richtext.hpp"
#include "livechat/validate.hpp"

namespace {
bool allowed_tag(std::string_view tag) {
  for (std::string_view t : {"p", "br", "strong", "em", "a", "img", "ul", "li"})
    if (tag == t) return true;
  return false;
}
std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  livechat::RichNode doc = livechat::parse_rich_text(text);
  std::string html = livechat::to_safe_html(doc);
  std::string plain = livechat::to_plain_text(doc);
  if (!livechat::is_valid_utf8(html) || !livechat::is_valid_utf8(plain)) std::abort();
  // Every tag is one of the allowed ones.
  for (std::size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    std::size_t j = i + 1;
    if (j < html.size() && html[j] == '/') ++j;
    std::size_t k = j;
    while (k < html.size() && html[k] >= 'a' && html[k] <= 'z') ++k;
    if (!allowed_tag(std::string_view(html).substr(j, k - j))) std::abort();
  }
  std::string low = lower(html);
  if (low.find("javascript:") != std::string::npos && low.find("href=\"javascript:") != std::string::npos) std::abort();
  if (low.find("src=\"data:") != std::string::npos || low.find("href=\"data:") != std::string::npos) std::abort();
  // No attribute named on...= outside quoted values (an event handler).
  bool in_tag = false, quoted = false;
  for (std::size_t i = 0; i < low.size(); ++i) {
    char c = low[i];
    if (!in_tag) {
      in_tag = c == '<';
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '>') in_tag = false;
    if ((c == ' ' || c == '\t' || c == '\n' || c == '/') && low.compare(i + 1, 2, "on") == 0) {
      std::size_t q = i + 3;
      while (q < low.size() && low[q] >= 'a' && low[q] <= 'z') ++q;
      if (q < low.size() && low[q] == '=') std::abort();
    }
  }
  return 0;
}
