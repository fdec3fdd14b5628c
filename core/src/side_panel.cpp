#include "livechat/side_panel.hpp"

#include "livechat/validate.hpp"

namespace livechat {

namespace {
Status check_text(const std::string& value, const char* field, std::size_t max) {
  if (!is_valid_utf8(value)) return make_error(ErrorCode::invalid_field, std::string(field) + " is not valid UTF-8", field);
  if (value.size() > max)
    return make_error(ErrorCode::too_large, std::string(field) + " is longer than " + std::to_string(max) + " bytes", field);
  return ok_status();
}
}  // namespace

Status validate_side_panel(const SidePanel& p) {
  struct Text {
    const std::string& value;
    const char* field;
    std::size_t max;
  };
  const Text texts[] = {
      {p.currency, "currency", 3},
      {p.expected_close_date, "expected_close_date", 10},
      {p.person_name, "person_name", kMaxPanelField},
      {p.email, "email", kMaxPanelField},
      {p.phone, "phone", kMaxPanelField},
      {p.organization_name, "organization_name", kMaxPanelField},
      {p.organization_address, "organization_address", kMaxPanelField * 2},
      {p.notes, "notes", kMaxPanelNotes},
  };
  for (const auto& t : texts)
    if (auto s = check_text(t.value, t.field, t.max); !s) return s;

  if (p.deal_value_cents < -1)
    return make_error(ErrorCode::invalid_field, "deal value cannot be negative", "deal_value_cents");
  if (p.deal_value_cents > kMaxDealValueCents)
    return make_error(ErrorCode::invalid_field, "deal value is too large", "deal_value_cents");
  if (p.deal_value_cents >= 0 && p.currency.empty())
    return make_error(ErrorCode::invalid_field, "a deal value needs a currency", "currency");
  if (!p.currency.empty() && !is_valid_currency(p.currency))
    return make_error(ErrorCode::invalid_field, "currency must be a three-letter code such as EUR", "currency");
  if (!p.expected_close_date.empty() && !is_valid_date(p.expected_close_date))
    return make_error(ErrorCode::invalid_field, "expected close date must be a real date written YYYY-MM-DD",
                      "expected_close_date");
  if (!p.email.empty() && !is_valid_email(p.email))
    return make_error(ErrorCode::invalid_field, "email address is not valid", "email");
  if (!p.phone.empty() && !is_valid_phone(p.phone))
    return make_error(ErrorCode::invalid_field, "phone number is not valid", "phone");
  return ok_status();
}

}  // namespace livechat
