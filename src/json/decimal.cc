#include "json/decimal.h"

#include <cstdint>

namespace netinspect::json::decimal {

namespace {

// A decimal as sign, coefficient digits and exponent: value = digits * 10^exponent.
struct Decimal {
  bool negative = false;
  std::string_view int_digits;   // digits before the point (may have leading zeros)
  std::string_view frac_digits;  // digits after the point
  std::int64_t exponent = 0;     // the written exponent
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Decimal split(std::string_view text) {
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    d.negative = text[i] == '-';
    ++i;
  }
  std::size_t start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  d.int_digits = text.substr(start, i - start);
  if (i < text.size() && text[i] == '.') {
    start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    d.frac_digits = text.substr(start, i - start);
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    std::int64_t e = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      // Saturate: such exponents are far outside anything printable anyway.
      if (e < 1'000'000'000'000LL) e = e * 10 + (text[i] - '0');
    }
    d.exponent = exp_negative ? -e : e;
  }
  return d;
}

void append_int(std::string& out, std::int64_t v) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (n > 0) out += buf[--n];
}

}  // namespace

bool is_plain_short_integer(std::string_view literal) {
  std::size_t i = 0;
  if (!literal.empty() && literal[0] == '-') i = 1;
  std::size_t digits = literal.size() - i;
  if (digits == 0 || digits > 15) return false;
  if (literal[i] == '0') return literal.size() == 1;  // "0" yes; "-0", "01" no
  for (; i < literal.size(); ++i) {
    if (!is_digit(literal[i])) return false;
  }
  return true;
}

std::string canonical_text(std::string_view literal) {
  Decimal d = split(literal);
  // Coefficient: all written digits without leading zeros; trailing zeros stay.
  std::string coefficient;
  coefficient.reserve(d.int_digits.size() + d.frac_digits.size());
  coefficient.append(d.int_digits);
  coefficient.append(d.frac_digits);
  std::size_t first = coefficient.find_first_not_of('0');
  if (first == std::string::npos) {
    coefficient.assign(1, '0');
  } else {
    coefficient.erase(0, first);
  }
  std::int64_t exponent = d.exponent - static_cast<std::int64_t>(d.frac_digits.size());
  std::int64_t n = static_cast<std::int64_t>(coefficient.size());
  std::int64_t adjusted = exponent + n - 1;

  std::string out;
  out.reserve(coefficient.size() + 16);
  if (d.negative) out += '-';
  if (exponent <= 0 && adjusted >= -6) {
    if (exponent == 0) {
      out += coefficient;
    } else if (n + exponent > 0) {
      out.append(coefficient, 0, static_cast<std::size_t>(n + exponent));
      out += '.';
      out.append(coefficient, static_cast<std::size_t>(n + exponent));
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-(n + exponent)), '0');
      out += coefficient;
    }
    return out;
  }
  out += coefficient[0];
  if (n > 1) {
    out += '.';
    out.append(coefficient, 1);
  }
  out += 'E';
  if (adjusted >= 0) out += '+';
  append_int(out, adjusted);
  return out;
}

namespace {

// value = 0.digits * 10^point, digits without leading/trailing zeros.
struct Normalized {
  bool negative = false;
  bool zero = true;
  std::string digits;
  std::int64_t point = 0;
};

Normalized normalize(std::string_view text) {
  Decimal d = split(text);
  Normalized n;
  n.negative = d.negative;
  std::string all;
  all.append(d.int_digits);
  all.append(d.frac_digits);
  std::size_t first = all.find_first_not_of('0');
  if (first == std::string::npos) return n;
  std::size_t last = all.find_last_not_of('0');
  n.zero = false;
  n.digits = all.substr(first, last - first + 1);
  n.point = static_cast<std::int64_t>(d.int_digits.size()) - static_cast<std::int64_t>(first) + d.exponent;
  return n;
}

int compare_magnitude(const Normalized& a, const Normalized& b) {
  if (a.point != b.point) return a.point < b.point ? -1 : 1;
  int c = a.digits.compare(b.digits);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

int compare(std::string_view a, std::string_view b) {
  Normalized x = normalize(a), y = normalize(b);
  if (x.zero && y.zero) return 0;
  if (x.zero) return y.negative ? 1 : -1;
  if (y.zero) return x.negative ? -1 : 1;
  if (x.negative != y.negative) return x.negative ? -1 : 1;
  int c = compare_magnitude(x, y);
  return x.negative ? -c : c;
}

}  // namespace netinspect::json::decimal
