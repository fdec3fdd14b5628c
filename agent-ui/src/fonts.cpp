#include "fonts.hpp"

#include <cstdio>
#include <vector>

#include "app.hpp"
#include "platform.hpp"

namespace agent::fonts {

namespace {

// Maintenance reminder: agent-ui/CMakeLists.txt subsets the start fonts to these same ranges.
const ImWchar kBaseRanges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x052F, 0x2000, 0x206F,
                               0x20A0, 0x20CF, 0x2190, 0x21FF, 0x2600, 0x26FF, 0};

// Drawn as nothing: zero-width spaces and joiners, bidi marks and controls, word joiner and
// invisible operators, variation selectors, the byte order mark, tags (emoji flag sequences).
const unsigned kInvisible[][2] = {{0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x2069},
                                  {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF}};

enum class State { absent, loading, ready, failed };
struct Fallback {
  const char* file;
  bool (*first_choice)(unsigned cp);  // the characters this font is asked for first
  State state = State::absent;
};

bool is_cjk(unsigned c) {
  return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x2E80 && c <= 0x2FDF) || (c >= 0x3000 && c <= 0x9FFF) ||
         (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}
bool is_emoji(unsigned c) {
  return (c >= 0x2300 && c <= 0x23FF) || (c >= 0x2700 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF) ||
         (c >= 0x1F000 && c <= 0x1FAFF);
}
bool is_other(unsigned c) { return !is_cjk(c) && !is_emoji(c); }

Fallback g_chain[] = {{"DejaVuSans.ttf", is_other}, {"Symbola.ttf", is_emoji}, {"DroidSansFallbackFull.ttf", is_cjk}};
constexpr int kChain = sizeof g_chain / sizeof g_chain[0];

std::vector<bool> g_seen(0x110000);  // characters noted (or in the start fonts)
std::vector<ImWchar> g_wanted;       // characters beyond the start fonts, in the order seen
bool g_rebuild = false;              // a ready fallback covers characters the atlas lacks
float g_ratio = 0;                   // the ratio the atlas was built at
int g_missing = 0;                   // wanted characters no loaded font has (after the last build)

bool in_base(unsigned c) {
  for (const ImWchar* r = kBaseRanges; r[0]; r += 2)
    if (c >= r[0] && c <= r[1]) return true;
  for (const auto& r : kInvisible)
    if (c >= r[0] && c <= r[1]) return true;
  return false;
}

void load(Fallback& f) {
  if (f.state != State::absent) return;
  f.state = State::loading;
  platform::load_font(f.file);
}

// The first font asked for c: load it, or mark a rebuild when it is already here.
void want(unsigned c) {
  for (Fallback& f : g_chain) {
    if (!f.first_choice(c)) continue;
    if (f.state == State::ready) g_rebuild = true;
    load(f);
    return;
  }
}

// One UTF-8 sequence at s[i] (valid or not: invalid bytes count as one and are skipped).
unsigned decode(std::string_view s, std::size_t& i) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  int n = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  unsigned c = n == 3 ? b & 0x07 : n == 2 ? b & 0x0F : b & 0x1F;
  if (n == 0 || i + n >= s.size()) {
    ++i;
    return 0;
  }
  for (int k = 1; k <= n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n + 1;
  return c;
}

ImFont* add_face(const char* file, float px, const ImFontConfig* cfg, const ImWchar* ranges) {
  std::string path = std::string("/fonts/") + file;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    return ImGui::GetIO().Fonts->AddFontFromFileTTF(path.c_str(), px, cfg, ranges);
  }
  std::printf("agent-ui: font %s missing\n", path.c_str());
  return nullptr;
}

// One face: the start font, then every ready fallback with the wanted characters merged in,
// then the invisible characters as empty glyphs.
ImFont* build_face(const char* file, float px, const ImVector<ImWchar>& wanted, ImFont* otherwise) {
  ImFont* font = add_face(file, px, nullptr, kBaseRanges);
  if (!font) return otherwise;
  if (!wanted.empty()) {
    ImFontConfig merge;
    merge.MergeMode = true;
    for (const Fallback& f : g_chain)
      if (f.state == State::ready) add_face(f.file, px, &merge, wanted.Data);
  }
  for (const auto& r : kInvisible)
    for (unsigned c = r[0]; c <= r[1]; ++c)
      ImGui::GetIO().Fonts->AddCustomRectFontGlyph(font, static_cast<ImWchar>(c), 1, 1, 0);
  return font;
}

}  // namespace

void note_text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    unsigned c = decode(s, i);
    if (c == 0 || c >= 0x110000 || g_seen[c]) continue;
    g_seen[c] = true;
    if (in_base(c)) continue;
    g_wanted.push_back(static_cast<ImWchar>(c));
    want(c);
  }
}

void on_report(const std::string& file, int status) {
  for (Fallback& f : g_chain) {
    if (file != f.file) continue;
    f.state = status == 1 ? State::ready : State::failed;
    if (f.state == State::ready) g_rebuild = true;
    if (f.state == State::failed) std::printf("agent-ui: fallback font %s did not load\n", f.file);
  }
}

bool update(float ratio, Fonts& faces) {
  if (ratio == g_ratio && !g_rebuild) return false;
  g_ratio = ratio;
  g_rebuild = false;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImVector<ImWchar> wanted;  // ranges: each wanted character as [c, c]
  for (ImWchar c : g_wanted) {
    wanted.push_back(c);
    wanted.push_back(c);
  }
  if (!wanted.empty()) wanted.push_back(0);
  // Rasterized at the device pixel ratio so text stays crisp on high-DPI screens.
  float px = 16.0f * ratio;
  faces.regular = build_face("DejaVuSans-base.ttf", px, wanted, nullptr);
  if (!faces.regular) faces.regular = io.Fonts->AddFontDefault();
  faces.bold = build_face("DejaVuSans-Bold-base.ttf", px, wanted, faces.regular);
  faces.italic = build_face("DejaVuSans-Oblique-base.ttf", px, wanted, faces.regular);
  faces.large = build_face("DejaVuSans-Bold-base.ttf", px * 1.5f, wanted, faces.bold);
  io.FontGlobalScale = 1.0f / ratio;
  io.Fonts->Build();
  // Characters still without a glyph: the next font of the chain not tried yet is fetched.
  g_missing = 0;
  for (ImWchar c : g_wanted)
    if (!faces.regular->FindGlyphNoFallback(c)) ++g_missing;
  if (g_missing > 0)
    for (Fallback& f : g_chain)
      if (f.state == State::absent) {
        load(f);
        break;
      }
  return true;
}

std::string debug_json() {
  static const char* names[] = {"absent", "loading", "ready", "failed"};
  std::string out = "{\"fallbacks\":{";
  for (int i = 0; i < kChain; ++i) {
    if (i) out += ",";
    out += std::string("\"") + g_chain[i].file + "\":\"" + names[static_cast<int>(g_chain[i].state)] + "\"";
  }
  return out + "},\"missing\":" + std::to_string(g_missing) + "}";
}

}  // namespace agent::fonts
