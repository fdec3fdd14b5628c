// Field validation: tables of accepted and refused inputs, and the side panel built on them.
#include <gtest/gtest.h>

#include "livechat/side_panel.hpp"
#include "livechat/validate.hpp"

namespace livechat {
namespace {

struct Case {
  const char* input;
  bool valid;
};

TEST(Validate, Email) {
  const Case cases[] = {
      {"vera@example.it", true},   {"a.b+tag@sub.example.com", true}, {"josé@exämple.de", true},
      {"", false},                 {"vera", false},                  {"vera@", false},
      {"@example.com", false},     {"vera@example", false},          {"vera@@example.com", false},
      {"ve ra@example.com", false}, {"vera@exa mple.com", false},    {"vera@example.c", false},
      {".vera@example.com", false}, {"ve..ra@example.com", false},   {"vera@-example.com", false},
      {"<script>@x.com", false},
  };
  for (const auto& c : cases) EXPECT_EQ(is_valid_email(c.input), c.valid) << c.input;
}

TEST(Validate, Phone) {
  const Case cases[] = {
      {"+39 02 1234 5678", true}, {"(555) 123-4567", true}, {"0212345678", true}, {"+1.555.123.4567", true},
      {"", false},                {"12345", false},         {"+", false},          {"phone", false},
      {"+39 02 12a4", false},     {"1234567890123456", false}, {"--123456", false},
  };
  for (const auto& c : cases) EXPECT_EQ(is_valid_phone(c.input), c.valid) << c.input;
}

TEST(Validate, Date) {
  const Case cases[] = {
      {"2026-12-31", true}, {"2024-02-29", true},  {"2000-02-29", true}, {"2026-02-29", false},
      {"1900-02-29", false}, {"2026-13-01", false}, {"2026-04-31", false}, {"2026-00-10", false},
      {"2026-1-01", false},  {"26-01-01", false},   {"2026/01/01", false}, {"", false},
  };
  for (const auto& c : cases) EXPECT_EQ(is_valid_date(c.input), c.valid) << c.input;
}

TEST(Validate, Utf8) {
  const Case cases[] = {
      {"plain", true}, {"perché", true}, {"Привет", true}, {"你好", true}, {"👋", true},
      {"\xC3", false}, {"\xC0\xAF", false} /* overlong '/' */, {"\xED\xA0\x80", false} /* surrogate */,
      {"\xF4\x90\x80\x80", false} /* > U+10FFFF */, {"\xFF", false},
  };
  for (const auto& c : cases) EXPECT_EQ(is_valid_utf8(c.input), c.valid) << c.input;
  EXPECT_EQ(utf8_length("perché 👋"), 8u);
}

TEST(Validate, MoneyToExactCents) {
  struct Money {
    const char* input;
    bool valid;
    int64_t cents;
  };
  const Money cases[] = {
      {"", true, -1},          {"1500", true, 150000},   {"1,500.50", true, 150050}, {"2500.5", true, 250050},
      {" 1 500.05 ", true, 150005}, {"0", true, 0},      {"0.1", true, 10},          {"1.234", false, 0},
      {"-5", false, 0},        {"1e3", false, 0},        {"nan", false, 0},          {"1.2.3", false, 0},
      {".", false, 0},         {"10000000000000.00", true, 1'000'000'000'000'000}, {"10000000000000.01", false, 0},
  };
  for (const auto& c : cases) {
    int64_t out = 7;
    EXPECT_EQ(parse_money_cents(c.input, out), c.valid) << c.input;
    if (c.valid) {
      EXPECT_EQ(out, c.cents) << c.input;
    }
  }
}

// In Italian the decimal point is ','; "2500.50" still means what its writer meant, and a
// separator that cannot be a group of three is refused rather than read as one.
TEST(Validate, MoneyAsTypedInEachLanguage) {
  struct Money {
    const char* input;
    char decimal_point;
    bool valid;
    int64_t cents;
  };
  const Money cases[] = {
      {"2.500,50", ',', true, 250050},  {"2500,50", ',', true, 250050},  {"2500,5", ',', true, 250050},
      {"2.500", ',', true, 250000},     {"2500.50", ',', true, 250050},  {"2,500", ',', false, 0},
      {"1.234.567,8", ',', true, 123456780}, {"2500,", ',', true, 250000}, {"2.50.0", ',', false, 0},
      {"2,500", '.', true, 250000},     {"2,50", '.', true, 250},        {"12,34,567", '.', false, 0},
      {"1,500.50", '.', true, 150050},  {",5", '.', true, 50},           {"1,2345", '.', false, 0},
      {"2.500,505", ',', false, 0},     {"1.5,5", ',', false, 0},        {"€5", ',', false, 0},
  };
  for (const auto& c : cases) {
    int64_t out = 7;
    EXPECT_EQ(parse_money_cents(c.input, out, c.decimal_point), c.valid) << c.input << " (" << c.decimal_point << ")";
    if (c.valid) {
      EXPECT_EQ(out, c.cents) << c.input;
    }
  }
  int64_t back = 0;  // what Italian shows reads back as the same amount
  ASSERT_TRUE(parse_money_cents(format_money_cents(123456789, "", ',', '.'), back, ','));
  EXPECT_EQ(back, 123456789);
}

struct PanelCase {
  const char* name;
  void (*edit)(SidePanel&);
  const char* bad_field;  // nullptr when valid
};

TEST(Validate, MoneyAsAPersonReadsIt) {
  EXPECT_EQ(format_money_cents(250050, "EUR", ',', '.'), "€2.500,50");  // Italian
  EXPECT_EQ(format_money_cents(250050, "EUR", '.', ','), "€2,500.50");  // English
  EXPECT_EQ(format_money_cents(5, "USD", '.', ','), "$0.05");
  EXPECT_EQ(format_money_cents(100'000'000'000'000'000, "GBP", '.', ','), "£1,000,000,000,000,000.00");
  EXPECT_EQ(format_money_cents(123456, "CHF", '.', '\''), "CHF 1'234.56");
  EXPECT_EQ(format_money_cents(99900, "", ',', '.'), "999,00");
  EXPECT_EQ(format_money_cents(-1, "EUR", '.', ','), "");  // no value
  int64_t back = 0;  // what English shows reads back as the same amount
  ASSERT_TRUE(parse_money_cents(format_money_cents(123456789, "", '.', ','), back));
  EXPECT_EQ(back, 123456789);
}

TEST(SidePanel, ValidationNamesTheField) {
  const PanelCase cases[] = {
      {"empty_is_fine", [](SidePanel&) {}, nullptr},
      {"value_with_currency", [](SidePanel& p) { p.deal_value_cents = 0; p.currency = "EUR"; }, nullptr},
      {"negative_value", [](SidePanel& p) { p.deal_value_cents = -5; p.currency = "EUR"; }, "deal_value_cents"},
      {"huge_value", [](SidePanel& p) { p.deal_value_cents = kMaxDealValueCents + 1; p.currency = "EUR"; }, "deal_value_cents"},
      {"value_without_currency", [](SidePanel& p) { p.deal_value_cents = 100; }, "currency"},
      {"lowercase_currency", [](SidePanel& p) { p.deal_value_cents = 100; p.currency = "eur"; }, "currency"},
      {"unreal_date", [](SidePanel& p) { p.expected_close_date = "2026-02-30"; }, "expected_close_date"},
      {"bad_email", [](SidePanel& p) { p.email = "nope"; }, "email"},
      {"bad_phone", [](SidePanel& p) { p.phone = "call me"; }, "phone"},
      {"long_name", [](SidePanel& p) { p.person_name = std::string(kMaxPanelField + 1, 'x'); }, "person_name"},
      {"long_notes", [](SidePanel& p) { p.notes = std::string(kMaxPanelNotes + 1, 'x'); }, "notes"},
      {"invalid_utf8_org", [](SidePanel& p) { p.organization_name = "\xC3("; }, "organization_name"},
  };
  for (const auto& c : cases) {
    SidePanel p;
    c.edit(p);
    auto s = validate_side_panel(p);
    if (!c.bad_field) {
      EXPECT_TRUE(s.ok()) << c.name << ": " << s.error().message;
    } else {
      ASSERT_FALSE(s.ok()) << c.name;
      EXPECT_EQ(s.error().field, c.bad_field) << c.name;
      EXPECT_FALSE(s.error().message.empty()) << c.name;
    }
  }
}

}  // namespace
}  // namespace livechat
