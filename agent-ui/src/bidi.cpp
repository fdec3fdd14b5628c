#include "bidi.hpp"

#include <algorithm>
#include <vector>

#include "fonts.hpp"
#include "imgui.h"

namespace agent::bidi {

namespace {

using Text = std::vector<unsigned>;

Text decode(std::string_view s) {
  Text out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    int n = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    if (i + n >= s.size()) n = 0;
    unsigned c = n == 3 ? b & 0x07u : n == 2 ? b & 0x0Fu : n == 1 ? b & 0x1Fu : b;
    for (int k = 1; k <= n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    out.push_back(c);
    i += n + 1;
  }
  return out;
}

std::string encode(const Text& t) {
  std::string out;
  for (unsigned c : t) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

bool is_rtl(unsigned c) {
  return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF) ||
         (c >= 0x10800 && c <= 0x10FFF) || (c >= 0x1E800 && c <= 0x1EFFF) || c == 0x200F;
}
bool is_digit(unsigned c) { return (c >= '0' && c <= '9') || (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9); }
bool is_transparent(unsigned c) { return (c >= 0x064B && c <= 0x065F) || c == 0x0670; }  // Arabic marks
bool is_neutral(unsigned c) {
  return c < 0x30 || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0xBF) ||
         (c >= 0x2000 && c <= 0x206F) || (c >= 0x0300 && c <= 0x036F) || is_transparent(c) || c == 0x060C ||
         c == 0x061B || c == 0x061F || c == 0x06D4 || (c >= 0xFE00 && c <= 0xFE0F);
}

// Arabic letters U+0621..U+064A: the isolated presentation form (forms follow it: +1 final,
// +2 initial, +3 medial) and how many forms there are (1: never joins, 2: joins on the right
// only, 4: joins on both sides). 0: not in presentation forms (stays as it is).
struct Forms {
  unsigned short isolated;
  unsigned char count;
};
const Forms kArabic[] = {
    {0xFE80, 1}, {0xFE81, 2}, {0xFE83, 2}, {0xFE85, 2}, {0xFE87, 2}, {0xFE89, 4}, {0xFE8D, 2}, {0xFE8F, 4},  // 0621-0628
    {0xFE93, 2}, {0xFE95, 4}, {0xFE99, 4}, {0xFE9D, 4}, {0xFEA1, 4}, {0xFEA5, 4}, {0xFEA9, 2}, {0xFEAB, 2},  // 0629-0630
    {0xFEAD, 2}, {0xFEAF, 2}, {0xFEB1, 4}, {0xFEB5, 4}, {0xFEB9, 4}, {0xFEBD, 4}, {0xFEC1, 4}, {0xFEC5, 4},  // 0631-0638
    {0xFEC9, 4}, {0xFECD, 4}, {0, 0},      {0, 0},      {0, 0},      {0, 0},      {0, 0},      {0, 4},       // 0639-0640
    {0xFED1, 4}, {0xFED5, 4}, {0xFED9, 4}, {0xFEDD, 4}, {0xFEE1, 4}, {0xFEE5, 4}, {0xFEE9, 4}, {0xFEED, 2},  // 0641-0648
    {0xFEEF, 2}, {0xFEF1, 4}};                                                                             // 0649-064A

const Forms* forms(unsigned c) {
  if (c < 0x0621 || c > 0x064A) return nullptr;
  const Forms& f = kArabic[c - 0x0621];
  return f.count ? &f : nullptr;
}
bool joins_left(unsigned c) {  // toward the next letter (in logical order)
  const Forms* f = forms(c);
  return f && f->count == 4;
}
bool joins_right(unsigned c) {  // toward the previous letter
  const Forms* f = forms(c);
  return f && f->count >= 2;
}

// Contextual forms and lam-alef ligatures, in logical order.
Text shape(const Text& in) {
  Text out;
  out.reserve(in.size());
  auto neighbour = [&](std::size_t i, int step) -> unsigned {
    for (long j = static_cast<long>(i) + step; j >= 0 && j < static_cast<long>(in.size()); j += step)
      if (!is_transparent(in[j])) return in[j];
    return 0;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    unsigned c = in[i];
    const Forms* f = forms(c);
    if (!f || f->isolated == 0) {
      out.push_back(c);
      continue;
    }
    bool from_right = joins_left(neighbour(i, -1)) && joins_right(c);
    unsigned next = neighbour(i, 1);
    // Lam + alef: one ligature (isolated or final), the alef consumed.
    if (c == 0x0644 && (next == 0x0622 || next == 0x0623 || next == 0x0625 || next == 0x0627)) {
      unsigned base = next == 0x0622 ? 0xFEF5 : next == 0x0623 ? 0xFEF7 : next == 0x0625 ? 0xFEF9 : 0xFEFB;
      out.push_back(base + (from_right ? 1 : 0));
      while (++i < in.size() && in[i] != next) out.push_back(in[i]);  // marks between them stay
      continue;
    }
    bool to_left = joins_left(c) && joins_right(next);
    unsigned form = f->isolated;
    if (f->count == 4 && from_right && to_left) form += 3;
    else if (f->count == 4 && to_left) form += 2;
    else if (from_right) form += 1;
    out.push_back(form);
  }
  return out;
}

unsigned mirror(unsigned c) {
  switch (c) {
    case '(': return ')'; case ')': return '(';
    case '[': return ']'; case ']': return '[';
    case '{': return '}'; case '}': return '{';
    case '<': return '>'; case '>': return '<';
    case 0xAB: return 0xBB; case 0xBB: return 0xAB;
    default: return c;
  }
}

enum class Dir { L, R, N, EN };

Text reorder(const Text& t, bool& rtl) {
  // Classes, with LRO/RLO ... PDF overriding what is inside.
  std::vector<Dir> cls(t.size());
  std::vector<Dir> override_stack;
  for (std::size_t i = 0; i < t.size(); ++i) {
    unsigned c = t[i];
    Dir d = is_rtl(c) ? Dir::R : is_digit(c) ? Dir::EN : is_neutral(c) ? Dir::N : Dir::L;
    if (c == 0x202D || c == 0x202E) {
      override_stack.push_back(c == 0x202E ? Dir::R : Dir::L);
      d = Dir::N;
    } else if (c == 0x202C) {
      if (!override_stack.empty()) override_stack.pop_back();
      d = Dir::N;
    } else if (!override_stack.empty()) {
      d = override_stack.back();
    }
    cls[i] = d;
  }
  rtl = false;
  for (Dir d : cls)
    if (d == Dir::L || d == Dir::R) {
      rtl = d == Dir::R;
      break;
    }
  int base = rtl ? 1 : 0;
  // Numbers after a right-to-left letter (or at the start of a right-to-left paragraph) read
  // left to right inside it.
  Dir last_strong = rtl ? Dir::R : Dir::L;
  for (Dir& d : cls) {
    if (d == Dir::L || d == Dir::R) last_strong = d;
    if (d == Dir::EN) d = last_strong == Dir::R ? Dir::EN : Dir::L;
  }
  // Neutrals between two of one direction take it (numbers count as R here); others the base.
  auto strong = [](Dir d) { return d == Dir::EN ? Dir::R : d; };
  for (std::size_t i = 0; i < cls.size();) {
    if (cls[i] != Dir::N) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < cls.size() && cls[j] == Dir::N) ++j;
    Dir before = i == 0 ? (rtl ? Dir::R : Dir::L) : strong(cls[i - 1]);
    Dir after = j == cls.size() ? (rtl ? Dir::R : Dir::L) : strong(cls[j]);
    Dir d = before == after ? before : (rtl ? Dir::R : Dir::L);
    for (std::size_t k = i; k < j; ++k) cls[k] = d;
    i = j;
  }
  std::vector<int> level(t.size());
  int top = base;
  for (std::size_t i = 0; i < t.size(); ++i) {
    Dir d = cls[i];
    level[i] = base == 0 ? (d == Dir::L ? 0 : d == Dir::R ? 1 : 2) : (d == Dir::R ? 1 : 2);
    top = std::max(top, level[i]);
  }
  Text out(t);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (level[i] % 2) out[i] = mirror(out[i]);
  // Reverse every run at or above each level, from the highest down to 1.
  for (int k = top; k >= 1; --k)
    for (std::size_t i = 0; i < out.size();) {
      if (level[i] < k) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < out.size() && level[j] >= k) ++j;
      std::reverse(out.begin() + static_cast<long>(i), out.begin() + static_cast<long>(j));
      std::reverse(level.begin() + static_cast<long>(i), level.begin() + static_cast<long>(j));
      i = j;
    }
  return out;
}

}  // namespace

bool has_rtl(std::string_view s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    // U+0590..U+08FF start with D6..DF or E0 A0..A3; U+FB1D..U+FEFF with EF AC..BB; overrides,
    // RLM: E2 80 8F / AE; U+10800.. / U+1E800..: F0 90 A0.. / F0 9E A0...
    if (b >= 0xD6 && b <= 0xDF) return true;
    if (b == 0xE0 && static_cast<unsigned char>(s[i + 1]) >= 0xA0 && static_cast<unsigned char>(s[i + 1]) <= 0xA3) return true;
    if (b == 0xEF && static_cast<unsigned char>(s[i + 1]) >= 0xAC && static_cast<unsigned char>(s[i + 1]) <= 0xBB) return true;
    if (b == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0x8F || static_cast<unsigned char>(s[i + 2]) == 0xAE))
      return true;
    if (b == 0xF0 && (static_cast<unsigned char>(s[i + 1]) == 0x90 || static_cast<unsigned char>(s[i + 1]) == 0x9E)) return true;
  }
  return false;
}

std::string visual(std::string_view line, bool* rtl) {
  bool r = false;
  std::string out = has_rtl(line) ? encode(reorder(shape(decode(line)), r)) : std::string(line);
  if (rtl) *rtl = r;
  fonts::note_text(out);  // the presentation forms are characters too
  return out;
}

void draw_wrapped(std::string_view text) {
  if (!has_rtl(text)) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopTextWrapPos();
    return;
  }
  ImFont* font = ImGui::GetFont();
  float scale = font->FontSize > 0 ? ImGui::GetFontSize() / font->FontSize : 1;
  float width = ImGui::GetContentRegionAvail().x;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view para = text.substr(start, end - start);
    bool rtl = false;
    visual(para, &rtl);  // for the paragraph's direction
    const char* p = para.data();
    const char* stop = para.data() + para.size();
    do {
      const char* cut = font->CalcWordWrapPositionA(scale, p, stop, width);
      if (cut == p && p < stop) ++cut;
      while (cut < stop && (static_cast<unsigned char>(*cut) & 0xC0) == 0x80) ++cut;
      std::string line = visual(std::string_view(p, static_cast<std::size_t>(cut - p)));
      float w = ImGui::CalcTextSize(line.c_str()).x;
      if (rtl && w < width) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + width - w);
      ImGui::TextUnformatted(line.c_str());
      p = cut;
      while (p < stop && *p == ' ') ++p;
    } while (p < stop);
    start = end + 1;
  }
}

}  // namespace agent::bidi
