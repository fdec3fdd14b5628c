// See i18n.hpp. The catalogs are .mo files embedded by cmake/catalogs.cmake and read in place by
// the core's Catalog; English is the source text itself (no catalog).
#include "i18n.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>

#include "livechat/catalog.hpp"
#include "livechat/validate.hpp"
#include "platform.hpp"

namespace agent {

namespace {
std::string g_language = "en";
livechat::Catalog g_catalog;
// Translations of "text##id" labels with their suffix put back, per language and label; never
// erased, so the pointers tr() returned stay valid after a switch.
std::map<std::string, std::string> g_suffixed;

const LanguageName kLanguages[] = {{"en", "English"}, {"it", "Italiano"}};
}  // namespace

const char* tr(const char* english) {
  if (g_catalog.empty()) return english;
  const char* t = g_catalog.find(english);
  if (!t) return english;
  const char* id = std::strstr(english, "##");
  if (!id || std::strstr(t, "##")) return t;
  std::string& s = g_suffixed[g_language + '\n' + english];
  if (s.empty()) s = std::string(t) + id;
  return s.c_str();
}

std::string format(const char* fmt, ...) {
  char small[256];
  va_list args;
  va_start(args, fmt);
  int n = std::vsnprintf(small, sizeof small, fmt, args);
  va_end(args);
  if (n < 0) return "";
  if (static_cast<std::size_t>(n) < sizeof small) return std::string(small, static_cast<std::size_t>(n));
  std::string out(static_cast<std::size_t>(n) + 1, '\0');
  va_start(args, fmt);
  std::vsnprintf(out.data(), out.size(), fmt, args);
  va_end(args);
  out.pop_back();
  return out;
}

void start_language() {
  std::string chosen = platform::stored_language();
  if (chosen.empty()) chosen = platform::browser_languages();
  g_language = livechat::choose_language(chosen, livechat::embedded_catalogs());
  g_catalog = livechat::catalog_for(g_language, livechat::embedded_catalogs());
  platform::set_page_language(g_language);
}

const std::string& language() { return g_language; }

void set_language(const std::string& language) {
  platform::store_language(language);
  start_language();
}

const LanguageName* languages(std::size_t& count) {
  count = sizeof kLanguages / sizeof kLanguages[0];
  return kLanguages;
}

char decimal_point() { return g_language == "it" ? ',' : '.'; }

std::string money(int64_t cents, const std::string& currency) {
  const char point = decimal_point();
  return livechat::format_money_cents(cents, currency, point, point == ',' ? '.' : ',');
}

const char* month_name(int month) {
  static const char* kMonths[] = {N_("January"), N_("February"), N_("March"),     N_("April"),
                                  N_("May"),     N_("June"),     N_("July"),      N_("August"),
                                  N_("September"), N_("October"), N_("November"), N_("December")};
  return month >= 1 && month <= 12 ? tr(kMonths[month - 1]) : "";
}

std::string date_text(int year, int month, int day) {
  // TRANSLATORS: a short month name in a date ("24 Nov 2026"); Italian writes it in lower case.
  static const char* kShort[] = {N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May##short"), N_("Jun"),
                                 N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"),        N_("Dec")};
  if (month < 1 || month > 12) return "";
  std::string name = tr(kShort[month - 1]);
  name.resize(name.find("##") == std::string::npos ? name.size() : name.find("##"));
  return year > 0 ? format("%d %s %d", day, name.c_str(), year) : format("%d %s", day, name.c_str());
}

}  // namespace agent
