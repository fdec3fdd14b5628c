// Field validation shared by the side panel, the playbook's capture cards and the wire protocol.
// Pure functions; each returns true when the input is acceptable as it stands.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace livechat {

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Number of Unicode code points in valid UTF-8.
std::size_t utf8_length(std::string_view s);

// The longest prefix of `s` of at most `max` bytes that does not split a UTF-8 sequence (the one
// place text is cut: previews, notifications, close reasons, quotations in error messages).
std::string_view utf8_prefix(std::string_view s, std::size_t max);

// A quotation of user text for a message: `s` itself when it has at most `max` bytes, else its
// utf8_prefix(s, max) followed by "...".
std::string excerpt(std::string_view s, std::size_t max);

// Trims ASCII whitespace at both ends.
std::string trim(std::string_view s);

// local@domain.tld: one '@', non-empty local part without spaces, a dotted domain of
// letters/digits/hyphens (or non-ASCII), a top-level label of at least two characters.
bool is_valid_email(std::string_view s);

// Optional leading '+', then digits with spaces, dots, hyphens and parentheses allowed as
// separators; 6 to 15 digits in all (E.164 allows at most 15).
bool is_valid_phone(std::string_view s);

// A real calendar date written YYYY-MM-DD (leap years honoured, years 1900..2999).
bool is_valid_date(std::string_view s);

// A money amount as typed ("1500", "1,500.50", "1 500.5"; in Italian, decimal_point ',':
// "2.500,50", "2500,5") into exact minor units (cents). At most two decimals after the decimal
// point: the last '.' or ',' when one or two digits follow it (so "2500.50" reads the same in
// either language), or decimal_point itself; any other '.' or ',' groups exactly three digits
// ("2.500" is 2500 in Italian, "2,500" 2500 in English); spaces group anywhere. Non-negative, at
// most 10^15 cents. Empty text is "no value" (out = -1). False otherwise.
bool parse_money_cents(std::string_view text, int64_t& out, char decimal_point = '.');

// Cents as a person reads them: the currency's symbol (EUR €, USD $, GBP £, JPY ¥; another code
// and a space, "CHF 12.00"), thousands grouped, two decimals: with decimal_point ',' and group
// '.', 250050 EUR is "€2.500,50" (Italian); with '.' and ',' it is "€2,500.50" (English). An
// empty currency gives the number alone; a negative amount (no value) gives "".
std::string format_money_cents(int64_t cents, std::string_view currency, char decimal_point, char group);

// ISO 4217-shaped currency code: three upper-case ASCII letters.
bool is_valid_currency(std::string_view s);

}  // namespace livechat
