// Rich text: normalization, block parsing (paragraphs, lists), inline parsing (emphasis, links,
// images, auto-links) and the two renderers. The syntax and the tree are specified in
// richtext.hpp.
//
// Index:
//   [SECTION] Character classes and input normalization
//   [SECTION] Inline tokens
//   [SECTION] Inline tree building (a bounded stack of open frames)
//   [SECTION] Blocks
//   [SECTION] URL policy and renderers
#include "livechat/richtext.hpp"

#include <utility>

namespace livechat {
namespace {

using Kind = RichNode::Kind;
constexpr std::size_t npos = std::string_view::npos;
constexpr int kMaxRenderDepth = 64;

// [SECTION] Character classes and input normalization

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Letters, digits and every non-ASCII byte count as word characters (for `_` and auto-links).
bool is_word(char c) { return is_alpha(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80; }
bool is_ascii_punct(char c) { return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~'); }
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Valid UTF-8 is copied; each maximal invalid subsequence and each NUL becomes U+FFFD; CRLF and
// CR become LF.
std::string normalize_source(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    if (c >= 0xE0 && c <= 0xEF) len = 3, lo = c == 0xE0 ? 0xA0 : lo, hi = c == 0xED ? 0x9F : hi;  // no overlongs, surrogates
    if (c >= 0xF0 && c <= 0xF4) len = 4, lo = c == 0xF0 ? 0x90 : lo, hi = c == 0xF4 ? 0x8F : hi;  // nor above U+10FFFF
    std::size_t k = 1;
    for (; k < len && i + k < s.size(); ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (cc < lo || cc > hi) : (cc & 0xC0) != 0x80) break;
    }
    if (c == '\r') {
      out += '\n';
      k += (i + 1 < s.size() && s[i + 1] == '\n') ? 1 : 0;
    } else if (c == 0 || len == 0 || k < len) {
      out += kReplacement;
    } else {
      out.append(s.substr(i, len));
    }
    i += k;
  }
  return out;
}

// Drops spaces and tabs at both ends.
std::string_view trim_line(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (to_lower(s[i]) != prefix[i]) return false;
  return true;
}

// [SECTION] Inline tokens

enum class Tok { text, star_run, underscore_run, open_link, open_image, close_bracket, open_paren, close_paren, newline, autolink };

struct Token {
  Tok kind;
  std::size_t pos;             // byte offset of the token in the inline source
  std::size_t len;             // bytes it covers there
  std::string value;           // the literal text it stands for (escapes resolved); autolink: URL
  std::size_t match = npos;    // open_paren: index of the balancing close_paren on the same line
};

bool stops_autolink(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == '"' || c == '\\' || c == '[' || c == ']' || c == '`';
}

// Length of a bare http(s) URL starting at s[i], or 0 when none starts there.
std::size_t autolink_length(std::string_view s, std::size_t i) {
  if (i > 0 && is_word(s[i - 1])) return 0;
  std::string_view rest = s.substr(i);
  std::size_t prefix = starts_with_nocase(rest, "https://") ? 8 : starts_with_nocase(rest, "http://") ? 7 : 0;
  if (prefix == 0) return 0;
  std::size_t j = i + prefix, opens = 0, closes = 0;
  for (; j < s.size() && !stops_autolink(s[j]); ++j) {
    if (s[j] == '(') ++opens;
    if (s[j] == ')') ++closes;
  }
  while (j > i + prefix) {
    char c = s[j - 1];
    if (c == ')' && closes > opens) {
      --closes;
    } else if (std::string_view(".,;:!?'\"*_~").find(c) == npos) {
      break;
    }
    --j;
  }
  return j > i + prefix ? j - i : 0;
}

// Splits inline source into tokens, then pairs each '(' with its balancing ')' on the same line.
std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> toks;
  std::string text;
  std::size_t text_pos = 0;
  auto flush = [&] {
    if (!text.empty()) toks.push_back(Token{Tok::text, text_pos, 0, std::move(text)});
    text.clear();
  };
  auto emit = [&](Tok kind, std::size_t pos, std::size_t len) {
    flush();
    toks.push_back(Token{kind, pos, len, std::string(s.substr(pos, len))});
  };
  std::size_t i = 0, n = s.size();
  while (i < n) {
    char c = s[i];
    if (text.empty()) text_pos = i;
    if (c == '\\' && i + 1 < n && is_ascii_punct(s[i + 1])) {
      text += s[i + 1];
      i += 2;
    } else if (c == '*' || c == '_') {
      std::size_t j = i;
      while (j < n && s[j] == c) ++j;
      emit(c == '*' ? Tok::star_run : Tok::underscore_run, i, j - i);
      i = j;
    } else if (c == '!' && i + 1 < n && s[i + 1] == '[') {
      emit(Tok::open_image, i, 2);
      i += 2;
    } else if (c == '[' || c == ']' || c == '(' || c == ')' || c == '\n') {
      emit(c == '[' ? Tok::open_link : c == ']' ? Tok::close_bracket : c == '(' ? Tok::open_paren
           : c == ')' ? Tok::close_paren : Tok::newline, i, 1);
      ++i;
    } else if (std::size_t len = (c == 'h' || c == 'H') ? autolink_length(s, i) : 0; len > 0) {
      emit(Tok::autolink, i, len);
      i += len;
    } else {
      text += c;
      ++i;
    }
  }
  flush();
  std::vector<std::size_t> open;
  for (std::size_t t = 0; t < toks.size(); ++t) {
    if (toks[t].kind == Tok::open_paren) open.push_back(t);
    if (toks[t].kind == Tok::newline) open.clear();
    if (toks[t].kind == Tok::close_paren && !open.empty()) toks[open.back()].match = t, open.pop_back();
  }
  return toks;
}

// [SECTION] Inline tree building (a bounded stack of open frames)

void append_text(std::vector<RichNode>& to, std::string_view text) {
  if (text.empty()) return;
  if (!to.empty() && to.back().kind == Kind::text)
    to.back().text += text;
  else
    to.push_back(RichNode{Kind::text, std::string(text), {}, {}});
}

// Image alt text: the characters of the label, markup dropped.
void collect_text(const std::vector<RichNode>& nodes, std::string& out) {
  for (const auto& n : nodes) {
    if (n.kind == Kind::text || n.kind == Kind::image) out += n.text;
    if (n.kind == Kind::line_break) out += ' ';
    collect_text(n.children, out);
  }
}

enum class FrameKind { root, bold, italic_star, italic_underscore, link, image };

struct Frame {
  FrameKind kind;
  std::string literal;  // the opener's source text, restored if the frame is never closed
  std::vector<RichNode> children;
};

class InlineBuilder {
 public:
  explicit InlineBuilder(std::string_view src) : src_(src), toks_(tokenize(src)) {
    frames_.push_back(Frame{FrameKind::root, {}, {}});
  }

  std::vector<RichNode> build() {
    std::size_t t = 0;
    while (t < toks_.size()) t = step(t);
    close_down_to(0);
    return std::move(frames_[0].children);
  }

 private:
  std::vector<RichNode>& top() { return frames_.back().children; }

  // Handles token t; returns the index of the next token to handle.
  std::size_t step(std::size_t t) {
    const Token& tk = toks_[t];
    switch (tk.kind) {
      case Tok::star_run:
      case Tok::underscore_run: emphasis(tk); break;
      case Tok::open_link: push(FrameKind::link, tk.value); break;
      case Tok::open_image: push(FrameKind::image, tk.value); break;
      case Tok::close_bracket: return close_bracket(t);
      case Tok::newline: top().push_back(RichNode{Kind::line_break, {}, {}, {}}); break;
      case Tok::autolink:
        if (inside(FrameKind::link))  // no links inside links
          append_text(top(), tk.value);
        else
          top().push_back(RichNode{Kind::link, {}, tk.value, {RichNode{Kind::text, tk.value, {}, {}}}});
        break;
      default: append_text(top(), tk.value); break;  // text and unpaired parentheses
    }
    return t + 1;
  }

  bool inside(FrameKind kind) const {
    for (const auto& f : frames_)
      if (f.kind == kind) return true;
    return false;
  }

  void push(FrameKind kind, std::string literal) {
    if (frames_.size() > kMaxRichTextDepth)  // root + kMaxRichTextDepth open frames
      append_text(top(), literal);
    else
      frames_.push_back(Frame{kind, std::move(literal), {}});
  }

  // Frame f (not the root) was never closed: its opener and content go back to frame f - 1 as
  // they were. Frames above f stay open; their content comes later in the source anyway.
  void abandon(std::size_t f) {
    Frame& below = frames_[f - 1];
    append_text(below.children, frames_[f].literal);
    for (auto& child : frames_[f].children) {
      if (child.kind == Kind::text)
        append_text(below.children, child.text);
      else
        below.children.push_back(std::move(child));
    }
    frames_.erase(frames_.begin() + static_cast<std::ptrdiff_t>(f));
  }

  void close_down_to(std::size_t f) {
    while (frames_.size() - 1 > f) abandon(frames_.size() - 1);
  }

  // The nearest open frame a `*` (or `_`) run may close, or 0. Never looks past a link or image
  // label: emphasis opened outside a label cannot close inside it.
  std::size_t closable_emphasis(bool underscore) const {
    for (std::size_t f = frames_.size() - 1; f > 0; --f) {
      FrameKind k = frames_[f].kind;
      if (k == FrameKind::link || k == FrameKind::image) return 0;
      if (underscore ? k == FrameKind::italic_underscore : (k == FrameKind::bold || k == FrameKind::italic_star)) return f;
    }
    return 0;
  }

  void emphasis(const Token& tk) {
    const bool underscore = tk.kind == Tok::underscore_run;
    const char prev = tk.pos > 0 ? src_[tk.pos - 1] : ' ';
    const char next = tk.pos + tk.len < src_.size() ? src_[tk.pos + tk.len] : ' ';
    bool can_open = !is_space(next), can_close = !is_space(prev);
    if (underscore) {
      can_open = can_open && !is_word(prev);
      can_close = can_close && !is_word(next);
      if (tk.len != 1) can_open = can_close = false;
    }
    std::size_t left = tk.len;
    while (can_close && left > 0) {
      std::size_t f = closable_emphasis(underscore);
      if (f == 0) break;
      const bool bold = frames_[f].kind == FrameKind::bold;
      const std::size_t need = bold ? 2 : 1;
      if (left < need || frames_[f].children.empty()) break;
      close_down_to(f);
      RichNode node{bold ? Kind::bold : Kind::italic, {}, {}, std::move(frames_.back().children)};
      frames_.pop_back();
      top().push_back(std::move(node));
      left -= need;
    }
    if (can_open && left > 0) {
      if (left > 3) {
        append_text(top(), std::string(left - 3, '*'));
        left = 3;
      }
      if (underscore) {
        push(FrameKind::italic_underscore, "_");
      } else {
        if (left >= 2) push(FrameKind::bold, "**");
        if (left != 2) push(FrameKind::italic_star, "*");
      }
      left = 0;
    }
    append_text(top(), std::string(left, underscore ? '_' : '*'));
  }

  // `]`: forms a link or image when a label is open and `(url)` follows; otherwise the label's
  // opener and the `]` stay literal.
  std::size_t close_bracket(std::size_t t) {
    std::size_t f = frames_.size() - 1;
    while (f > 0 && frames_[f].kind != FrameKind::link && frames_[f].kind != FrameKind::image) --f;
    if (f == 0) {
      append_text(top(), "]");
      return t + 1;
    }
    const bool has_url = t + 1 < toks_.size() && toks_[t + 1].kind == Tok::open_paren && toks_[t + 1].match != npos;
    if (!has_url) {
      abandon(f);
      append_text(top(), "]");
      return t + 1;
    }
    const std::size_t end = toks_[t + 1].match;
    std::string raw;
    for (std::size_t k = t + 2; k < end; ++k) raw += toks_[k].value;
    std::string url(trim_line(raw));

    close_down_to(f);
    Frame label = std::move(frames_.back());
    frames_.pop_back();
    RichNode node;
    if (label.kind == FrameKind::image) {
      node = RichNode{Kind::image, {}, std::move(url), {}};
      collect_text(label.children, node.text);
    } else {
      node = RichNode{Kind::link, {}, url, std::move(label.children)};
      if (node.children.empty()) node.children.push_back(RichNode{Kind::text, std::move(url), {}, {}});
      for (std::size_t g = frames_.size() - 1; g > 0; --g)  // no links inside links
        if (frames_[g].kind == FrameKind::link) abandon(g);
    }
    top().push_back(std::move(node));
    return end + 1;
  }

  std::string_view src_;
  std::vector<Token> toks_;
  std::vector<Frame> frames_;  // frames_[0] is the root; at most 1 + kMaxRichTextDepth
};

std::vector<RichNode> parse_inline(std::string_view src) { return InlineBuilder(src).build(); }

// [SECTION] Blocks

bool is_list_item(std::string_view line) {
  return line.size() >= 2 && (line[0] == '-' || line[0] == '*') && (line[1] == ' ' || line[1] == '\t');
}

// [SECTION] URL policy and renderers

void render_html(const RichNode& n, std::string& out, int depth, bool in_link) {
  if (depth > kMaxRenderDepth) return;
  auto children = [&](bool link) {
    for (const auto& c : n.children) render_html(c, out, depth + 1, link);
  };
  auto wrap = [&](std::string_view open, std::string_view close) {
    out += open;
    children(in_link);
    out += close;
  };
  switch (n.kind) {
    case Kind::document: children(in_link); break;
    case Kind::paragraph: wrap("<p>", "</p>"); break;
    case Kind::list: wrap("<ul>", "</ul>"); break;
    case Kind::list_item: wrap("<li>", "</li>"); break;
    case Kind::bold: wrap("<strong>", "</strong>"); break;
    case Kind::italic: wrap("<em>", "</em>"); break;
    case Kind::line_break: out += "<br>"; break;
    case Kind::text: html_escape_into(out, n.text); break;
    case Kind::link: {
      const std::string href = in_link ? std::string() : safe_url(n.url, UrlUse::link);
      if (!href.empty()) out += "<a href=\"", html_escape_into(out, href), out += "\" target=\"_blank\" rel=\"noopener noreferrer\">";
      if (n.children.empty())
        html_escape_into(out, n.url);
      else
        children(in_link || !href.empty());
      if (!href.empty()) out += "</a>";
      break;
    }
    case Kind::image: {
      const std::string src = safe_url(n.url, UrlUse::image);
      if (!src.empty()) out += "<img src=\"", html_escape_into(out, src), out += "\" alt=\"";
      html_escape_into(out, n.text);
      if (!src.empty()) out += "\">";
      break;
    }
  }
}

void render_plain(const RichNode& n, std::string& out, int depth) {
  if (depth > kMaxRenderDepth) return;
  auto children = [&](std::string_view separator) {
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      if (i > 0) out += separator;
      render_plain(n.children[i], out, depth + 1);
    }
  };
  switch (n.kind) {
    case Kind::document: children("\n\n"); break;
    case Kind::list: children("\n"); break;
    case Kind::list_item:
      out += "\xE2\x80\xA2 ";  // U+2022 BULLET
      children("");
      break;
    case Kind::paragraph:
    case Kind::bold:
    case Kind::italic: children(""); break;
    case Kind::line_break: out += '\n'; break;
    case Kind::text:
    case Kind::image: out += n.text; break;
    case Kind::link: {
      std::string label;
      for (const auto& c : n.children) render_plain(c, label, depth + 1);
      const std::string url = safe_url(n.url, UrlUse::link);
      out += url.empty() ? label : (label.empty() || label == url) ? url : label + " (" + url + ")";
      break;
    }
  }
}

}  // namespace

void html_escape_into(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  html_escape_into(out, s);
  return out;
}

RichNode parse_rich_text(std::string_view source) {
  const std::string text = normalize_source(source);
  RichNode doc{Kind::document, {}, {}, {}};
  std::string paragraph;  // the current paragraph's trimmed lines, joined by '\n'
  bool in_list = false;
  auto end_paragraph = [&] {
    if (!paragraph.empty()) doc.children.push_back(RichNode{Kind::paragraph, {}, {}, parse_inline(paragraph)});
    paragraph.clear();
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == npos) nl = text.size();
    const std::string_view line = trim_line(std::string_view(text).substr(start, nl - start));
    start = nl + 1;
    if (line.empty()) {
      end_paragraph();
      in_list = false;
    } else if (is_list_item(line)) {
      end_paragraph();
      if (!in_list) doc.children.push_back(RichNode{Kind::list, {}, {}, {}});
      in_list = true;
      doc.children.back().children.push_back(RichNode{Kind::list_item, {}, {}, parse_inline(trim_line(line.substr(2)))});
    } else {
      in_list = false;
      if (!paragraph.empty()) paragraph += '\n';
      paragraph += line;
    }
  }
  end_paragraph();
  return doc;
}

std::string safe_url(std::string_view url, UrlUse use) {
  auto is_trimmed = [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; };
  std::size_t b = 0, e = url.size();
  while (b < e && is_trimmed(url[b])) ++b;
  while (e > b && is_trimmed(url[e - 1])) --e;
  const std::string_view u = url.substr(b, e - b);
  for (char c : u)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return {};
  const std::size_t colon = u.find(':');
  if (colon == npos || colon == 0) return {};
  std::string scheme;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = u[i];
    if (!is_alpha(c) && (i == 0 || !(is_digit(c) || c == '+' || c == '-' || c == '.'))) return {};
    scheme += to_lower(c);
  }
  const bool allowed = scheme == "http" || scheme == "https" || (use == UrlUse::link && scheme == "mailto");
  return allowed ? std::string(u) : std::string();
}

std::string to_safe_html(const RichNode& tree) {
  std::string out;
  render_html(tree, out, 0, false);
  return out;
}

std::string to_safe_html(std::string_view source) { return to_safe_html(parse_rich_text(source)); }

std::string to_plain_text(const RichNode& tree) {
  std::string out;
  render_plain(tree, out, 0);
  return out;
}

std::string to_plain_text(std::string_view source) { return to_plain_text(parse_rich_text(source)); }

}  // namespace livechat
