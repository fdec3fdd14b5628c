// Canned responses: see canned.hpp.
#include "livechat/canned.hpp"

#include <algorithm>
#include <tuple>

#include "livechat/validate.hpp"

namespace livechat {

namespace {

char lower(char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; }

bool contains_nocase(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return lower(a) == lower(b); });
  return it != hay.end();
}

bool starts_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && contains_nocase(s.substr(0, prefix.size()), prefix);
}

bool shortcut_char(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'; }

bool language_tag(std::string_view s) {
  return (s.size() == 2 || s.size() == 3) && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
}

std::string first_word(std::string_view name) {
  std::string t = trim(name);
  return t.substr(0, t.find(' '));
}

// The value of a known variable in `context` ("" when it has none).
std::string value_of(std::string_view variable, const CannedContext& context) {
  const Conversation* c = context.conversation;
  std::string person = c ? (c->panel.person_name.empty() ? c->visitor_name : c->panel.person_name) : std::string();
  if (variable == "person.name") return trim(person);
  if (variable == "person.first_name") return first_word(person);
  if (variable == "person.email") return c ? c->panel.email : "";
  if (variable == "person.phone") return c ? c->panel.phone : "";
  if (variable == "organization.name") return c ? c->panel.organization_name : "";
  if (variable == "agent.name") return context.agent ? trim(context.agent->name) : "";
  if (variable == "agent.first_name") return context.agent ? first_word(context.agent->name) : "";
  return "";
}

bool known_variable(std::string_view name) {
  const auto& all = canned_variables();
  return std::find(all.begin(), all.end(), name) != all.end();
}

// Calls piece(text, variable) for the literal runs and the {{variables}} of `text` in order
// (variable empty for literal text). "{{ name }}" may have spaces inside the braces; braces
// around anything else, or never closed, are literal text.
template <class F>
void split_variables(std::string_view text, F piece) {
  std::size_t from = 0, at = 0;
  while ((at = text.find("{{", at)) != std::string_view::npos) {
    std::size_t end = text.find("}}", at + 2);
    if (end == std::string_view::npos) break;
    std::string name = trim(text.substr(at + 2, end - at - 2));
    if (name.find_first_of("{}") != std::string::npos || name.empty()) {
      at += 2;
      continue;
    }
    if (at > from) piece(text.substr(from, at - from), std::string_view{});
    piece(text.substr(at, end + 2 - at), std::string_view(name));
    from = at = end + 2;
  }
  if (from < text.size()) piece(text.substr(from), std::string_view{});
}

}  // namespace

const std::vector<std::string_view>& canned_variables() {
  static const std::vector<std::string_view> all = {"person.name",       "person.first_name", "person.email",
                                                     "person.phone",      "organization.name", "agent.name",
                                                     "agent.first_name"};
  return all;
}

Status validate_canned(const CannedResponse& c) {
  if (c.shortcut.empty() || c.shortcut.size() > kMaxShortcutBytes ||
      !std::all_of(c.shortcut.begin(), c.shortcut.end(), shortcut_char))
    return make_error(ErrorCode::invalid_field,
                      "a shortcut is 1 to " + std::to_string(kMaxShortcutBytes) +
                          " lower-case letters, digits, '-' or '_'",
                      "shortcut");
  if (c.texts.empty()) return make_error(ErrorCode::invalid_field, "a canned response needs a text", "texts");
  if (c.texts.size() > kMaxCannedLanguages)
    return make_error(ErrorCode::invalid_field,
                      "at most " + std::to_string(kMaxCannedLanguages) + " languages per canned response", "texts");
  for (const auto& [lang, text] : c.texts) {
    std::string field = "texts." + lang;
    if (!language_tag(lang))
      return make_error(ErrorCode::invalid_field, "a language is two or three lower-case letters (en, it)", "texts");
    if (!is_valid_utf8(text)) return make_error(ErrorCode::invalid_field, "the text is not valid UTF-8", field);
    if (text.size() > kMaxMessageBytes)
      return make_error(ErrorCode::too_large, "the text is longer than " + std::to_string(kMaxMessageBytes) + " bytes",
                        field);
    if (trim(text).empty()) return make_error(ErrorCode::invalid_field, "the text is empty", field);
    Status unknown = ok_status();
    split_variables(text, [&](std::string_view, std::string_view variable) {
      if (unknown && !variable.empty() && !known_variable(variable))
        unknown = make_error(ErrorCode::invalid_field, "unknown variable {{" + std::string(variable) + "}}", field);
    });
    if (!unknown) return unknown;
  }
  return ok_status();
}

bool may_edit_canned(const User& who, const CannedResponse& c) {
  return c.owner.empty() ? who.role == Role::admin : c.owner == who.id;
}

bool sees_canned(const User& who, const CannedResponse& c) { return c.owner.empty() || c.owner == who.id; }

std::optional<std::string_view> canned_query(std::string_view composer) {
  if (composer.empty() || composer[0] != '/') return std::nullopt;
  std::string_view rest = composer.substr(1);
  if (rest.size() > kMaxShortcutBytes) return std::nullopt;
  for (char ch : rest)
    if (!shortcut_char(lower(ch))) return std::nullopt;
  return rest;
}

std::vector<const CannedResponse*> canned_matches(const std::vector<CannedResponse>& all, const User& who,
                                                  std::string_view query, std::size_t limit) {
  // rank: 0 shortcut starts with the query, 1 shortcut contains it, 2 a text contains it.
  std::vector<std::tuple<int, bool, const CannedResponse*>> found;
  for (const auto& c : all) {
    if (!sees_canned(who, c)) continue;
    int rank = starts_nocase(c.shortcut, query) ? 0 : contains_nocase(c.shortcut, query) ? 1 : 3;
    if (rank == 3)
      for (const auto& [lang, text] : c.texts)
        if (contains_nocase(text, query)) rank = 2;
    if (rank < 3) found.emplace_back(rank, c.owner.empty(), &c);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) < std::get<0>(b);
    if (std::get<1>(a) != std::get<1>(b)) return std::get<1>(b);  // personal (false) first
    return std::get<2>(a)->shortcut < std::get<2>(b)->shortcut;
  });
  std::vector<const CannedResponse*> out;
  for (const auto& f : found) {
    if (out.size() == limit) break;
    out.push_back(std::get<2>(f));
  }
  return out;
}

const std::string& canned_text(const CannedResponse& c, std::string_view lang) {
  static const std::string none;
  if (c.texts.empty()) return none;
  std::string primary(lang.substr(0, lang.find_first_of("-_")));
  std::transform(primary.begin(), primary.end(), primary.begin(), lower);
  for (const std::string& want : {primary, std::string("en")}) {
    auto it = c.texts.find(want);
    if (it != c.texts.end()) return it->second;
  }
  return c.texts.begin()->second;
}

std::vector<CannedPiece> fill_canned(std::string_view text, const CannedContext& context) {
  std::vector<CannedPiece> out;
  split_variables(text, [&](std::string_view run, std::string_view variable) {
    if (variable.empty() || !known_variable(variable)) {
      if (!out.empty() && out.back().variable.empty()) out.back().text += run;
      else out.push_back(CannedPiece{std::string(run), {}, false});
      return;
    }
    std::string value = value_of(variable, context);
    bool missing = value.empty();
    out.push_back(CannedPiece{missing ? "{{" + std::string(variable) + "}}" : value, std::string(variable), missing});
  });
  return out;
}

FilledCanned fill_canned_text(std::string_view text, const CannedContext& context) {
  FilledCanned out;
  for (const auto& p : fill_canned(text, context)) {
    out.text += p.text;
    if (p.missing && std::find(out.missing.begin(), out.missing.end(), p.variable) == out.missing.end())
      out.missing.push_back(p.variable);
  }
  return out;
}

}  // namespace livechat
