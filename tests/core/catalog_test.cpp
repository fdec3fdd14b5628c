// Translations: the .mo reader on the real Italian catalog (agent-ui/po/it.po, compiled by msgfmt
// and embedded by cmake/catalogs.cmake) and on damaged bytes, and the choice of language.
#include <gtest/gtest.h>

#include <string>

#include "livechat/catalog.hpp"

namespace livechat {
namespace {

TEST(Catalog, TranslatesFromTheEmbeddedItalianCatalog) {
  Catalog it = catalog_for("it", embedded_catalogs());
  ASSERT_FALSE(it.empty());
  EXPECT_STREQ(it.translate("Send"), "Invia");
  EXPECT_STREQ(it.translate("Assign to me"), "Assegna a me");
  EXPECT_STREQ(it.translate("Not in any catalog, ever"), "Not in any catalog, ever");  // English stays
  EXPECT_EQ(it.find(""), nullptr);  // the header is not a translation
  EXPECT_TRUE(catalog_for("en", embedded_catalogs()).empty());
  EXPECT_TRUE(catalog_for("xx", embedded_catalogs()).empty());
}

TEST(Catalog, EveryEntryIsFoundByItsOwnKey) {
  Catalog it = catalog_for("it", embedded_catalogs());
  // The binary search finds what the header says is there: a string missing from the table's
  // order would be unreachable. Counted by the translations that differ from nothing.
  std::size_t found = 0;
  for (const auto* key : {"Send", "Close conversation", "Sign in", "Unassigned", "Closed"})
    found += it.find(key) != nullptr;
  EXPECT_EQ(found, 5u);
  EXPECT_GT(it.size(), 100u);
}

TEST(Catalog, DamagedBytesGiveAnEmptyCatalog) {
  const EmbeddedCatalog& e = embedded_catalogs()[0];
  std::string mo(reinterpret_cast<const char*>(e.mo), e.size);
  Catalog c;
  ASSERT_TRUE(c.load(mo));
  EXPECT_FALSE(c.load(mo.substr(0, mo.size() / 2)));  // cut short: offsets point outside
  EXPECT_TRUE(c.empty());
  EXPECT_FALSE(c.load(mo.substr(0, 20)));
  EXPECT_FALSE(c.load(std::string(64, '\0')));  // no magic number
  std::string bad = mo;
  bad[12] = '\xff';  // the originals' table offset far outside the file
  bad[13] = '\xff';
  bad[14] = '\xff';
  EXPECT_FALSE(c.load(bad));
  EXPECT_EQ(c.find("Send"), nullptr);
  std::string unterminated = mo;
  unterminated.back() = 'x';  // the last string's NUL
  EXPECT_FALSE(c.load(unterminated));
}

TEST(Catalog, LanguageFromTheBrowsersPreferences) {
  auto cats = embedded_catalogs();
  EXPECT_EQ(choose_language("it-IT,en-US,en", cats), "it");
  EXPECT_EQ(choose_language("IT", cats), "it");
  EXPECT_EQ(choose_language("de-DE,it,en", cats), "it");  // no German catalog: the next one
  EXPECT_EQ(choose_language("en-GB,it", cats), "en");
  EXPECT_EQ(choose_language("de,fr", cats), "en");
  EXPECT_EQ(choose_language("", cats), "en");
  EXPECT_EQ(choose_language(" it_IT ", cats), "it");
}

}  // namespace
}  // namespace livechat
