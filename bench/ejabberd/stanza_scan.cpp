// The stanza scanner (stanza_scan.hpp has the contract and its limits).
#include "stanza_scan.hpp"

#include <cstdlib>

namespace bench::xmpp {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool ends_name(char c) { return is_space(c) || c == '>' || c == '/'; }

// The tag name starting at xml[at] (just after '<'): up to whitespace, '>' or '/'.
std::string_view tag_name(std::string_view xml, std::size_t at) {
  std::size_t end = at;
  while (end < xml.size() && !ends_name(xml[end])) ++end;
  return xml.substr(at, end - at);
}

std::string_view local(std::string_view name) {
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// Position just after the '<' of the first start tag whose local name is `name`, or npos.
std::size_t find_start_tag(std::string_view xml, std::string_view name) {
  for (std::size_t lt = xml.find('<'); lt != std::string_view::npos; lt = xml.find('<', lt + 1)) {
    const char next = lt + 1 < xml.size() ? xml[lt + 1] : '\0';
    if (next == '/' || next == '?' || next == '!') continue;
    if (local(tag_name(xml, lt + 1)) == name) return lt + 1;
  }
  return std::string_view::npos;
}

// Decodes entities in `raw`; an unknown or malformed entity is kept as written.
std::string decode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::size_t semi = raw[i] == '&' ? raw.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - i > 8) {
      out += raw[i];
      continue;
    }
    const std::string_view entity = raw.substr(i + 1, semi - i - 1);
    char c = '\0';
    if (entity == "lt") c = '<';
    else if (entity == "gt") c = '>';
    else if (entity == "amp") c = '&';
    else if (entity == "quot") c = '"';
    else if (entity == "apos") c = '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      const std::string digits(entity.substr(hex ? 2 : 1));
      char* end = nullptr;
      const long v = std::strtol(digits.c_str(), &end, hex ? 16 : 10);
      if (!digits.empty() && *end == '\0' && v > 0 && v < 128) c = static_cast<char>(v);
    }
    if (c == '\0') {
      out += raw[i];
      continue;
    }
    out += c;
    i = semi;
  }
  return out;
}

// The decoded text of the element whose name starts at xml[at] (see element_text).
std::optional<std::string> text_at(std::string_view xml, std::size_t at) {
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t gt = xml.find('>', at);
  if (gt == std::string_view::npos) return std::nullopt;
  if (xml[gt - 1] == '/') return std::string();  // <name ... />
  const std::size_t lt = xml.find('<', gt + 1);
  if (lt == std::string_view::npos) return std::nullopt;  // not closed: malformed
  return decode(xml.substr(gt + 1, lt - gt - 1));
}

}  // namespace

std::string_view root_name(std::string_view xml) {
  std::size_t i = 0;
  while (i < xml.size() && is_space(xml[i])) ++i;
  if (i + 1 >= xml.size() || xml[i] != '<') return {};
  return local(tag_name(xml, i + 1));
}

std::optional<std::string> root_attr(std::string_view xml, std::string_view name) {
  std::size_t i = 0;
  while (i < xml.size() && is_space(xml[i])) ++i;
  if (i >= xml.size() || xml[i] != '<') return std::nullopt;
  i += 1 + tag_name(xml, i + 1).size();
  // Attributes: name, optional spaces, '=', spaces, a quoted value; until '>' or '/>'.
  while (i < xml.size()) {
    while (i < xml.size() && is_space(xml[i])) ++i;
    if (i >= xml.size() || xml[i] == '>' || xml[i] == '/') return std::nullopt;
    const std::size_t name_start = i;
    while (i < xml.size() && xml[i] != '=' && !is_space(xml[i]) && xml[i] != '>') ++i;
    const std::string_view attr = xml.substr(name_start, i - name_start);
    while (i < xml.size() && is_space(xml[i])) ++i;
    if (i >= xml.size() || xml[i] != '=') return std::nullopt;  // malformed
    ++i;
    while (i < xml.size() && is_space(xml[i])) ++i;
    if (i >= xml.size() || (xml[i] != '"' && xml[i] != '\'')) return std::nullopt;
    const char quote = xml[i++];
    const std::size_t close = xml.find(quote, i);
    if (close == std::string_view::npos) return std::nullopt;
    if (attr == name) return decode(xml.substr(i, close - i));
    i = close + 1;
  }
  return std::nullopt;
}

bool has_element(std::string_view xml, std::string_view name) {
  return find_start_tag(xml, name) != std::string_view::npos;
}

std::optional<std::string> element_text(std::string_view xml, std::string_view name) {
  return text_at(xml, find_start_tag(xml, name));
}

bool has_element_with_text(std::string_view xml, std::string_view name, std::string_view text) {
  for (std::size_t from = 0;;) {
    const std::size_t at = find_start_tag(xml.substr(from), name);
    if (at == std::string_view::npos) return false;
    if (text_at(xml, from + at) == text) return true;
    from += at;
  }
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace bench::xmpp
