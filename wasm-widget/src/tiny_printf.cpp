// A small snprintf/vsnprintf for the browser build only (linked into the widget, it replaces
// musl's, whose vfprintf with floating point costs several KB of the widget's 60 KB budget).
// Its only callers are nlohmann/json's "\u%04x" escapes and "<U+%.4X>" error tokens; it handles
// flags '0' and '-', width, precision, the length modifiers h hh l ll z j t, and d i u x X o c s
// p %. Floating-point conversions are not supported: they print "?" (nothing here formats one;
// nlohmann/json writes numbers with its own to_chars).
#include <cstdarg>
#include <cstddef>
#include <cstdint>

namespace {
struct Out {
  char* buf;
  std::size_t cap, n = 0;
  void put(char c) {
    if (n + 1 < cap) buf[n] = c;
    ++n;
  }
};

void put_padded(Out& o, const char* s, std::size_t len, int width, bool left, char pad) {
  int fill = width > static_cast<int>(len) ? width - static_cast<int>(len) : 0;
  if (!left)
    for (; fill > 0; --fill) o.put(pad);
  for (std::size_t i = 0; i < len; ++i) o.put(s[i]);
  for (; fill > 0; --fill) o.put(' ');
}
}  // namespace

extern "C" int vsnprintf(char* buf, std::size_t cap, const char* fmt, va_list ap) {
  Out o{buf, cap};
  for (; *fmt; ++fmt) {
    if (*fmt != '%') {
      o.put(*fmt);
      continue;
    }
    ++fmt;
    bool left = false, zero = false;
    for (;; ++fmt) {
      if (*fmt == '-') left = true;
      else if (*fmt == '0') zero = true;
      else if (*fmt != '+' && *fmt != ' ' && *fmt != '#') break;
    }
    int width = 0, prec = -1;
    if (*fmt == '*') width = va_arg(ap, int), ++fmt;
    for (; *fmt >= '0' && *fmt <= '9'; ++fmt) width = width * 10 + (*fmt - '0');
    if (*fmt == '.') {
      ++fmt;
      prec = 0;
      if (*fmt == '*') prec = va_arg(ap, int), ++fmt;
      for (; *fmt >= '0' && *fmt <= '9'; ++fmt) prec = prec * 10 + (*fmt - '0');
    }
    int longs = 0;
    for (; *fmt == 'h' || *fmt == 'l' || *fmt == 'z' || *fmt == 'j' || *fmt == 't'; ++fmt)
      if (*fmt != 'h') longs += (*fmt == 'l') ? 1 : 2;
    char tmp[32];
    std::size_t len = 0;
    char c = *fmt;
    if (c == 'd' || c == 'i' || c == 'u' || c == 'x' || c == 'X' || c == 'o' || c == 'p') {
      uint64_t v;
      bool neg = false;
      if (c == 'p') v = reinterpret_cast<uintptr_t>(va_arg(ap, void*));
      else if (c == 'd' || c == 'i') {
        int64_t s = longs >= 2 ? va_arg(ap, long long) : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
        neg = s < 0;
        v = neg ? 0 - static_cast<uint64_t>(s) : static_cast<uint64_t>(s);
      } else {
        v = longs >= 2 ? va_arg(ap, unsigned long long) : longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
      }
      unsigned base = (c == 'x' || c == 'X' || c == 'p') ? 16 : c == 'o' ? 8 : 10;
      const char* digits = c == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
      char rev[24];
      std::size_t k = 0;
      do rev[k++] = digits[v % base], v /= base;
      while (v);
      while (static_cast<int>(k) < prec && k < sizeof rev) rev[k++] = '0';
      if (neg) tmp[len++] = '-';
      while (k) tmp[len++] = rev[--k];
      put_padded(o, tmp, len, width, left, zero && !left && prec < 0 ? '0' : ' ');
    } else if (c == 's') {
      const char* s = va_arg(ap, const char*);
      if (!s) s = "(null)";
      std::size_t n = 0;
      while (s[n] && (prec < 0 || static_cast<int>(n) < prec)) ++n;
      put_padded(o, s, n, width, left, ' ');
    } else if (c == 'c') {
      tmp[0] = static_cast<char>(va_arg(ap, int));
      put_padded(o, tmp, 1, width, left, ' ');
    } else if (c == '%') {
      o.put('%');
    } else if (c) {
      if (c == 'f' || c == 'F' || c == 'e' || c == 'E' || c == 'g' || c == 'G' || c == 'a' || c == 'A')
        (void)va_arg(ap, double);
      o.put('?');
    } else {
      break;
    }
  }
  if (cap) buf[o.n < cap ? o.n : cap - 1] = '\0';
  return static_cast<int>(o.n);
}

extern "C" int snprintf(char* buf, std::size_t cap, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}
