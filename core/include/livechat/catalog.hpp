// Translations: gettext catalogs (the .po files translators edit, agent-ui/po/ and wasm-widget/po/)
// compiled by msgfmt at build time into GNU .mo files, which cmake/catalogs.cmake embeds in the
// program that shows them. Catalog reads a .mo file in place: a lookup is a binary search over
// its sorted original strings (the English text is the key, gettext's msgid).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace livechat {

class Catalog {
 public:
  Catalog() = default;  // empty: every lookup misses
  // Reads a .mo file; the bytes must outlive the Catalog. False (and empty) when `mo` is not a
  // well-formed .mo file: a bad catalog shows English, never garbage.
  bool load(std::string_view mo);
  // The translation of `msgid`, or nullptr when there is none (missing, or translated as "").
  // The text is NUL-terminated and lives as long as the .mo bytes.
  const char* find(std::string_view msgid) const;
  // find(), or `english` itself when there is no translation.
  const char* translate(const char* english) const {
    const char* t = find(english);
    return t ? t : english;
  }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

 private:
  std::string_view entry(uint32_t table, uint32_t i) const;
  uint32_t word(std::size_t at) const;
  std::string_view mo_;
  bool swapped_ = false;
  uint32_t count_ = 0, originals_ = 0, translations_ = 0;
};

// One language's .mo bytes, embedded in a program (the file cmake/catalogs.cmake generates).
struct EmbeddedCatalog {
  const char* language;  // "it": the .po file's name
  const unsigned char* mo;
  std::size_t size;
};

// The catalogs a program embeds: defined by the file cmake/catalogs.cmake generates for it
// (livechat_embed_catalogs), one entry per .po file. Only programs that embed catalogs use these.
extern const EmbeddedCatalog kEmbeddedCatalogs[];
extern const std::size_t kEmbeddedCatalogCount;
inline std::span<const EmbeddedCatalog> embedded_catalogs() { return {kEmbeddedCatalogs, kEmbeddedCatalogCount}; }

// The language to show, from the user's preferences in order (a comma-separated list of BCP 47
// tags, as navigator.languages gives them: "it-IT,en-US"): the first whose primary subtag is
// English or has a catalog, else "en". Returns the primary subtag, lower case ("it").
std::string choose_language(std::string_view preferred, std::span<const EmbeddedCatalog> catalogs);

// The catalog for `language` ("it"), empty for English or a language without one.
Catalog catalog_for(std::string_view language, std::span<const EmbeddedCatalog> catalogs);

}  // namespace livechat
