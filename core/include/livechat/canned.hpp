// Canned responses: the answers an agent types fifty times a day, each with a shortcut. Shared
// ones belong to the team (admins manage them), personal ones to one user. In the composer, "/"
// and part of a shortcut offers them; {{variables}} in their text are filled from the side panel,
// the conversation and the agent. Pure: the dashboard offers, previews and fills with these, the
// server validates and authorises with the same functions.
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "livechat/model.hpp"
#include "livechat/result.hpp"

namespace livechat {

struct CannedResponse {
  std::string id;
  std::string shortcut;  // what follows "/" in the composer: 1-32 of a-z 0-9 '-' '_'
  // The text per language ("en", "it", ...; the first language in the map is not special): the
  // one for the visitor's language is used, else English, else any (canned_text). Markdown as in
  // chat messages, with {{variables}}.
  std::map<std::string, std::string> texts;
  UserId owner;  // "" for a shared one (the team's), else the user whose personal one it is
  bool operator==(const CannedResponse&) const = default;
};

inline constexpr std::size_t kMaxShortcutBytes = 32;
inline constexpr std::size_t kMaxCannedLanguages = 8;

// The variables a text may use, in the order the editor lists them.
//   person.name, person.first_name   the side panel's person, else the visitor's name
//   person.email, person.phone       the side panel
//   organization.name                the side panel
//   agent.name, agent.first_name     the agent who sends it
const std::vector<std::string_view>& canned_variables();

// A shortcut that is well formed, a text per language (a known language tag: two or three
// lower-case letters, at least one text, each non-blank, valid UTF-8 of at most kMaxMessageBytes,
// every {{variable}} known). The first problem, with Error.field "shortcut", "texts" or
// "texts.<lang>".
Status validate_canned(const CannedResponse& c);

// Who may create, change or delete `c`: an admin for shared ones, the owner for personal ones.
bool may_edit_canned(const User& who, const CannedResponse& c);
// Whom `c` is offered to: everyone for shared ones, the owner for personal ones.
bool sees_canned(const User& who, const CannedResponse& c);

// What the composer's text asks for: "/" then a partial shortcut with no space yet ("/pri" asks
// for "pri"; "/" alone for everything); nullopt when the text is not such a query.
std::optional<std::string_view> canned_query(std::string_view composer);

// The canned responses `who` sees that match `query`, best first: shortcuts that start with it,
// then shortcuts that contain it, then texts that contain it (ASCII letters compared without
// case); at equal rank personal before shared, then by shortcut. At most `limit`.
std::vector<const CannedResponse*> canned_matches(const std::vector<CannedResponse>& all, const User& who,
                                                  std::string_view query, std::size_t limit = 8);

// The text for a visitor whose language is `lang` ("it-IT" uses "it"): that language's, else
// English, else the first.
const std::string& canned_text(const CannedResponse& c, std::string_view lang);

// What the variables stand for in one conversation, for one agent.
struct CannedContext {
  const Conversation* conversation = nullptr;  // its side panel and visitor name
  const User* agent = nullptr;
};

// A filled text in pieces, so the editor can mark what has no value yet: `variable` is the
// variable's name when the piece is one ({{person.name}}), else empty; `text` is its value, or
// the {{variable}} itself when it has none (`missing`).
struct CannedPiece {
  std::string text;
  std::string variable;
  bool missing = false;
};
std::vector<CannedPiece> fill_canned(std::string_view text, const CannedContext& context);

// The filled text as the composer receives it (variables without a value stay as {{name}}, for
// the agent to complete) and the names of those variables, in order, without repeats.
struct FilledCanned {
  std::string text;
  std::vector<std::string> missing;
};
FilledCanned fill_canned_text(std::string_view text, const CannedContext& context);

}  // namespace livechat
