#include "json/number_syntax.h"

#include <charconv>
#include <cstdlib>
#include <string>
#include <system_error>

namespace netinspect::json {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool parse_strict_json_number(std::string_view token, NumberSyntax& syntax) {
  syntax = NumberSyntax{};
  std::size_t i = 0, n = token.size();
  if (i < n && token[i] == '-') {
    syntax.negative = true;
    ++i;
  }
  if (i >= n) return false;
  if (token[i] == '0') {
    ++i;
  } else if (token[i] >= '1' && token[i] <= '9') {
    while (i < n && is_digit(token[i])) ++i;
  } else {
    return false;
  }
  if (i < n && token[i] == '.') {
    ++i;
    if (i >= n || !is_digit(token[i])) return false;
    while (i < n && is_digit(token[i])) ++i;
  }
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
    if (i >= n || !is_digit(token[i])) return false;
    while (i < n && is_digit(token[i])) ++i;
  }
  syntax.strict_json = i == n;
  return i == n;
}

bool parse_number_syntax(std::string_view token, NumberSyntax& syntax) {
  if (parse_strict_json_number(token, syntax)) return true;
  syntax = NumberSyntax{};
  std::size_t i = 0, n = token.size();
  if (i < n && (token[i] == '-' || token[i] == '+')) {
    syntax.negative = token[i] == '-';
    ++i;
  }
  std::string_view rest = token.substr(i);
  if (iequals(rest, "inf") || iequals(rest, "infinity")) {
    syntax.special = NumberSyntax::Special::Infinity;
    return true;
  }
  if (iequals(rest, "nan")) {
    syntax.special = NumberSyntax::Special::NaN;
    return true;
  }
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < n && is_digit(token[i])) {
    ++i;
    ++int_digits;
  }
  if (i < n && token[i] == '.') {
    ++i;
    while (i < n && is_digit(token[i])) {
      ++i;
      ++frac_digits;
    }
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
    if (i >= n || !is_digit(token[i])) return false;
    while (i < n && is_digit(token[i])) ++i;
  }
  return i == n;
}

double number_syntax_to_double(std::string_view token, const NumberSyntax& syntax) {
  std::string normalized;
  if (!syntax.strict_json) {
    // Rewrite the lenient forms into what from_chars reads: no '+', a digit
    // on both sides of the point.
    std::size_t i = 0;
    if (token[0] == '-' || token[0] == '+') {
      if (token[0] == '-') normalized += '-';
      i = 1;
    }
    if (i < token.size() && token[i] == '.') normalized += '0';
    for (; i < token.size(); ++i) {
      char c = token[i];
      normalized += c;
      if (c == '.' && (i + 1 >= token.size() || !is_digit(token[i + 1]))) normalized += '0';
    }
    token = normalized;
  }
  double d = 0;
  auto result = std::from_chars(token.data(), token.data() + token.size(), d);
  if (result.ec == std::errc::result_out_of_range) {
    // strtod saturates to ±HUGE_VAL or rounds to 0 / a denormal.
    std::string copy(token);
    d = std::strtod(copy.c_str(), nullptr);
  }
  return d;
}

}  // namespace netinspect::json
