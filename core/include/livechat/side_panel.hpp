// The side panel: what an agent (or the bot's capture cards) learns about the visitor while
// chatting. Stays editable after the conversation is closed.
#pragma once
#include <cstdint>
#include <string>

#include "livechat/result.hpp"

namespace livechat {

struct SidePanel {
  // Deal value in minor units (cents) so sums are exact; -1 means "not set".
  int64_t deal_value_cents = -1;
  std::string currency;             // ISO 4217 code, e.g. "EUR"; empty when no value is set
  std::string expected_close_date;  // YYYY-MM-DD or empty
  std::string person_name;
  std::string email;
  std::string phone;
  std::string organization_name;
  std::string organization_address;
  std::string notes;  // custom notes, free text
  bool operator==(const SidePanel&) const = default;
};

// Size caps for side panel fields (bytes of UTF-8).
inline constexpr std::size_t kMaxPanelField = 200;
inline constexpr std::size_t kMaxPanelNotes = 4000;
// The largest deal value accepted: 10^15 cents (ten trillion in the currency).
inline constexpr int64_t kMaxDealValueCents = 1'000'000'000'000'000;

// Checks every field: valid UTF-8 and sizes; email and phone formats when non-empty; a
// non-negative value no larger than kMaxDealValueCents, with a currency whenever a value is set;
// a real calendar date. The first problem found is returned with Error.field set to the field's
// wire name (deal_value_cents, currency, expected_close_date, person_name, email, phone,
// organization_name, organization_address, notes).
Status validate_side_panel(const SidePanel& panel);

}  // namespace livechat
