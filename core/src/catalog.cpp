// See catalog.hpp. The .mo layout (GNU gettext manual, "The Format of GNU MO Files"): a header of
// 32-bit words (magic 0x950412de in the file's byte order, revision, N, offset of the originals'
// table, offset of the translations' table, hash table size and offset), then two tables of N
// (length, offset) pairs; the originals are sorted (msgfmt sorts them) and each string is followed
// by a NUL. Every offset is checked once in load(), so find() cannot read outside the bytes.
#include "livechat/catalog.hpp"

#include <cctype>

namespace livechat {

namespace {
constexpr uint32_t kMagic = 0x950412de, kSwappedMagic = 0xde120495;

uint32_t read_le(std::string_view b, std::size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}

std::string primary_subtag(std::string_view tag) {
  std::string out;
  for (char ch : tag) {
    if (ch == '-' || ch == '_') break;
    if (!std::isspace(static_cast<unsigned char>(ch))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

const EmbeddedCatalog* embedded(std::string_view language, std::span<const EmbeddedCatalog> catalogs) {
  for (const auto& c : catalogs)
    if (language == c.language) return &c;
  return nullptr;
}
}  // namespace

uint32_t Catalog::word(std::size_t at) const {
  uint32_t w = read_le(mo_, at);
  return swapped_ ? (w >> 24) | ((w >> 8) & 0xff00) | ((w << 8) & 0xff0000) | (w << 24) : w;
}

std::string_view Catalog::entry(uint32_t table, uint32_t i) const {
  std::size_t at = table + std::size_t{i} * 8;
  return mo_.substr(word(at + 4), word(at));
}

bool Catalog::load(std::string_view mo) {
  *this = Catalog{};
  if (mo.size() < 28) return false;
  uint32_t magic = read_le(mo, 0);
  if (magic != kMagic && magic != kSwappedMagic) return false;
  Catalog c;
  c.mo_ = mo;
  c.swapped_ = magic == kSwappedMagic;
  if (c.word(4) >> 16 != 0) return false;  // major revision 0 is the only one
  uint32_t n = c.word(8), originals = c.word(12), translations = c.word(16);
  for (uint32_t table : {originals, translations}) {
    if (table > mo.size() || (mo.size() - table) / 8 < n) return false;
    for (uint32_t i = 0; i < n; ++i) {
      std::size_t at = table + std::size_t{i} * 8;
      uint64_t length = c.word(at), offset = c.word(at + 4);
      if (offset + length >= mo.size() || mo[offset + length] != '\0') return false;  // NUL-terminated, inside
    }
  }
  c.count_ = n;
  c.originals_ = originals;
  c.translations_ = translations;
  for (uint32_t i = 1; i < n; ++i)
    if (!(c.entry(originals, i - 1) < c.entry(originals, i))) return false;  // sorted: binary search works
  *this = c;
  return true;
}

const char* Catalog::find(std::string_view msgid) const {
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    std::string_view original = entry(originals_, mid);
    if (original == msgid) {
      std::string_view t = entry(translations_, mid);
      return t.empty() || msgid.empty() ? nullptr : t.data();  // "" is the catalog's header
    }
    if (original < msgid) lo = mid + 1;
    else hi = mid;
  }
  return nullptr;
}

std::string choose_language(std::string_view preferred, std::span<const EmbeddedCatalog> catalogs) {
  std::size_t start = 0;
  while (start <= preferred.size()) {
    std::size_t end = preferred.find(',', start);
    if (end == std::string_view::npos) end = preferred.size();
    std::string lang = primary_subtag(preferred.substr(start, end - start));
    if (lang == "en" || (!lang.empty() && embedded(lang, catalogs))) return lang;
    start = end + 1;
  }
  return "en";
}

Catalog catalog_for(std::string_view language, std::span<const EmbeddedCatalog> catalogs) {
  Catalog c;
  if (const EmbeddedCatalog* e = embedded(language, catalogs))
    c.load(std::string_view(reinterpret_cast<const char*>(e->mo), e->size));
  return c;
}

}  // namespace livechat
