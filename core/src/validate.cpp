#include "livechat/validate.hpp"

#include <cstring>

namespace livechat {

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0, n = s.size();
  while (i < n) {
    // ASCII runs, 8 bytes at a time (every WebSocket text message passes through here).
    if (i + 8 <= n) {
      uint64_t chunk;
      std::memcpy(&chunk, s.data() + i, 8);
      if ((chunk & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t count = 0;
  for (char ch : s)
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++count;
  return count;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return s.substr(0, max);
}

std::string excerpt(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  return std::string(utf8_prefix(s, max)) + "...";
}

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
}  // namespace

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

bool is_valid_email(std::string_view s) {
  if (s.size() > 254 || !is_valid_utf8(s)) return false;
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.size() > 64) return false;
  for (char c : local)
    if (is_space(c) || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' ||
        c == '"' || c == '\\' || c == '[' || c == ']')
      return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  // Domain: labels separated by dots, at least two labels, last one >= 2 chars.
  if (domain.empty()) return false;
  std::size_t labels = 0, start = 0;
  while (true) {
    auto dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!(is_alnum(c) || c == '-' || (static_cast<unsigned char>(c) >= 0x80))) return false;
    ++labels;
    if (dot == std::string_view::npos) {
      if (label.size() < 2) return false;
      break;
    }
    start = dot + 1;
  }
  return labels >= 2;
}

bool is_valid_phone(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  std::size_t i = 0, digits = 0;
  if (s[0] == '+') i = 1;
  bool last_sep = true;  // no separator right after '+' or at the start
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (is_digit(c)) {
      ++digits;
      last_sep = false;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      if (c != '(' && c != ')' && last_sep) return false;
      last_sep = (c != ')');
    } else {
      return false;
    }
  }
  return digits >= 6 && digits <= 15 && !(last_sep && !is_digit(s.back()) && s.back() != ')');
}

bool is_valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!is_digit(s[i])) return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

bool parse_money_cents(std::string_view text, int64_t& out, char decimal_point) {
  std::string t;
  for (char ch : trim(text))
    if (ch != ' ') t += ch;  // spaces group thousands anywhere
  if (t.empty()) {
    out = -1;
    return true;
  }
  // Which separator is the decimal point: the last one, when one or two digits end the text
  // ("2500.5", "2.500,50", and "2500.50" typed in Italian too), or when it is the language's own
  // (then three digits are too many decimals). Any other separator groups exactly three digits.
  const std::size_t last = t.find_last_of(".,");
  std::size_t decimal = std::string::npos;
  if (last != std::string::npos) {
    const std::size_t tail = t.size() - last - 1;
    const bool digits_only = t.find_first_not_of("0123456789", last + 1) == std::string::npos;
    if (digits_only && (tail == 1 || tail == 2 || t[last] == decimal_point)) decimal = last;
  }
  int64_t units = 0, cents = 0;
  int decimals = -1, group_digits = -1;  // digits since the last group separator (-1: none yet)
  bool digits = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char ch = t[i];
    if (i == decimal) {
      if (group_digits >= 0 && group_digits != 3) return false;
      decimals = 0;
      continue;
    }
    if (ch == '.' || ch == ',') {
      if (decimals >= 0 || (group_digits >= 0 && group_digits != 3) || !digits) return false;
      group_digits = 0;
      continue;
    }
    if (!is_digit(ch)) return false;
    digits = true;
    if (decimals >= 0) {
      if (++decimals > 2) return false;
      cents = cents * 10 + (ch - '0');
    } else {
      if (units > 1'000'000'000'000) return false;
      units = units * 10 + (ch - '0');
      if (group_digits >= 0) ++group_digits;
    }
  }
  if (!digits || (decimal == std::string::npos && group_digits >= 0 && group_digits != 3)) return false;
  if (decimals == 1) cents *= 10;
  out = units * 100 + cents;
  return out <= 1'000'000'000'000'000;
}

std::string format_money_cents(int64_t cents, std::string_view currency, char decimal_point, char group) {
  if (cents < 0) return "";
  std::string units = std::to_string(cents / 100), grouped;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += group;
    grouped += units[i];
  }
  int rest = static_cast<int>(cents % 100);
  grouped += decimal_point;
  grouped += static_cast<char>('0' + rest / 10);
  grouped += static_cast<char>('0' + rest % 10);
  struct Symbol {
    std::string_view code, symbol;
  };
  static constexpr Symbol kSymbols[] = {{"EUR", "€"}, {"USD", "$"}, {"GBP", "£"}, {"JPY", "¥"}};
  for (const auto& s : kSymbols)
    if (s.code == currency) return std::string(s.symbol) + grouped;
  return currency.empty() ? grouped : std::string(currency) + " " + grouped;
}

bool is_valid_currency(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

}  // namespace livechat
