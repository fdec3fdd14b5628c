// Internal to core/src/playbook*.cpp (not installed, not API): what validation (playbook.cpp),
// JSON load/dump (playbook_json.cpp) and the builder's edits (playbook_edit.cpp) share.
#pragma once
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "livechat/playbook.hpp"
#include "livechat/result.hpp"

namespace livechat::detail {

// [SECTION] names ---------------------------------------------------------------------------------
template <class E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

// Defined in playbook.cpp. ItemKind's names are model.hpp's: item_kind_name / parse_item_kind.
extern const NameTable<CardType, 7> kCardTypes;
extern const NameTable<CaptureKind, 4> kCaptureKinds;
extern const NameTable<ConditionOp, 5> kOps;
extern const NameTable<Match, 2> kMatches;

template <class E, std::size_t N>
bool parse_in(const NameTable<E, N>& table, std::string_view s, E& out) {
  for (const auto& [e, n] : table)
    if (n == s) {
      out = e;
      return true;
    }
  return false;
}

// [SECTION] errors --------------------------------------------------------------------------------
using MaybeError = std::optional<Error>;

// A short, UTF-8-safe quotation of user text for error messages.
std::string excerpt(std::string_view s);

// Who an error is about: the playbook itself, or one card (by id, or by position when its id is
// unusable), plus the prefix of Error.field.
struct Where {
  std::string label;   // "playbook", "card 'ask_email'", "card #3"
  std::string prefix;  // "", "cards.ask_email.", "cards.3."
};

extern const Where kPlaybook;  // {"playbook", ""}

Where card_where(const std::string& id, std::size_t index);

Error err(ErrorCode code, const Where& w, std::string_view field, std::string_view problem);

// Keeps the first error reported to it.
struct FirstError {
  MaybeError error;
  void operator()(MaybeError e) {
    if (!error && e) error = std::move(e);
  }
};

// [SECTION] card targets --------------------------------------------------------------------------
// Calls f(target, field, may_be_empty) for every next/branch slot of the card. Works on const
// and mutable cards. Maintenance reminder: a new card type with a target must be listed here.
template <class C, class F>
void for_each_target(C& card, F&& f) {
  std::visit(
      [&](auto& b) {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, MessageCard> || std::is_same_v<B, CaptureCard> ||
                      std::is_same_v<B, CreateItemCard>) {
          f(b.next, std::string("next"), false);
        } else if constexpr (std::is_same_v<B, QuestionCard>) {
          if (b.buttons.empty()) f(b.next, std::string("next"), false);
          for (std::size_t i = 0; i < b.buttons.size(); ++i)
            f(b.buttons[i].next, "buttons." + std::to_string(i) + ".next", false);
        } else if constexpr (std::is_same_v<B, QualificationCard>) {
          f(b.qualified_next, std::string("qualified_next"), false);
          f(b.unqualified_next, std::string("unqualified_next"), false);
        } else if constexpr (std::is_same_v<B, LiveChatCard>) {
          f(b.offline_next, std::string("offline_next"), true);
        }
      },
      card.body);
}

}  // namespace livechat::detail
