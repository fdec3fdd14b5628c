// The dashboard's words in the user's language (gettext style: the English text is the key).
//
//   ImGui::Button(tr("Assign to me"));
//   ImGui::Text(tr("Lead created for %s"), name.c_str());   // printf formats keep their %s
//   ui::button(tr("Close##conversation"));                   // "##id" kept: the id never changes
//   std::string s = format(tr("Reassigned to %s"), name.c_str());
//
// `english` is the msgid; only the part before "##" is translated, the "##..." suffix is kept so
// ImGui ids stay the same in every language. The pointer returned lives as long as the program.
// Every string shown in the UI goes through tr(), so the catalog check can find it; N_() marks
// a string for the catalog where it is defined (a table) and tr() translates it where it is shown.
//
// Catalogs: agent-ui/po/<language>.po (scripts/po-update adds new strings; docs/architecture.md,
// "Translations"), compiled by msgfmt and embedded at build time (cmake/catalogs.cmake).
#pragma once
#include <cstdint>
#include <string>

#define N_(english) english

namespace agent {

const char* tr(const char* english);

// printf into a std::string (for translated formats: format(tr("%s joined"), name.c_str())).
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// The language shown: "en" or "it". At start, the one the user chose (kept in the browser's
// localStorage), else the browser's (navigator.languages); set_language switches and keeps it.
void start_language();
const std::string& language();
void set_language(const std::string& language);
// The languages there are, each named in itself ("English", "Italiano").
struct LanguageName {
  const char* code;
  const char* name;
};
const LanguageName* languages(std::size_t& count);

// Numbers, money and dates as the language writes them.
std::string money(int64_t cents, const std::string& currency);  // "€2.500,50" (it), "€2,500.50" (en)
char decimal_point();  // ',' (it), '.' (en): how amounts are shown and typed
std::string date_text(int year, int month, int day);              // "24 nov 2026" (it), "24 Nov 2026" (en)
const char* month_name(int month);                                // 1..12, "novembre" / "November"

}  // namespace agent
