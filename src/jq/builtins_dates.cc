// netinspect::jq — date natives: gmtime, localtime, mktime, strftime, strptime, now.
// "Broken down time" is jq's array [year, month(0-11), day, hours, minutes,
// seconds (may be fractional), weekday, yearday].
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <string>

#include "jq/builtins_common.h"

namespace netinspect::jq::builtins_detail {
namespace {

using json::Array;
using json::Value;

Value broken_down(const std::tm& tm, double fractional_seconds) {
  return Value::array(Array{
      Value::number(tm.tm_year + 1900.0), Value::number(tm.tm_mon), Value::number(tm.tm_mday),
      Value::number(tm.tm_hour), Value::number(tm.tm_min),
      Value::number(tm.tm_sec + fractional_seconds), Value::number(tm.tm_wday),
      Value::number(tm.tm_yday)});
}

Value split_time(const Value& input, bool local, const char* name) {
  if (!input.is_number()) fail(std::string(name) + "() requires numeric inputs");
  double seconds = input.as_number();
  if (!(std::fabs(seconds) < 9.2e18)) fail("error converting number of seconds since epoch to datetime");
  double whole = std::floor(seconds);
  std::time_t t = static_cast<std::time_t>(whole);
  std::tm tm{};
  if ((local ? ::localtime_r(&t, &tm) : ::gmtime_r(&t, &tm)) == nullptr) {
    fail("error converting number of seconds since epoch to datetime");
  }
  return broken_down(tm, seconds - whole);
}

Value gmtime(const Value& input, std::span<const Value>) { return split_time(input, false, "gmtime"); }
Value localtime(const Value& input, std::span<const Value>) { return split_time(input, true, "localtime"); }

int clamp_int(double d) {
  if (d < -2147483648.0) return -2147483647 - 1;
  if (d > 2147483647.0) return 2147483647;
  return static_cast<int>(d);
}

// Fills tm from a broken-down-time array; false when an element is not a number.
// Missing trailing fields are zero; weekday and yearday are recomputed from the date.
bool to_tm(const Value& input, std::tm& tm) {
  tm = std::tm{};
  const Array& items = input.as_array();
  int* fields[] = {&tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min,  &tm.tm_sec, &tm.tm_wday, &tm.tm_yday};
  for (std::size_t i = 0; i < items.size() && i < 8; ++i) {
    if (!items[i].is_number() || std::isnan(items[i].as_number())) return false;
    double d = items[i].as_number();
    if (i == 0) d -= 1900;
    *fields[i] = clamp_int(d);
  }
  if (items.size() < 8) {
    std::tm normalized = tm;
    if (::timegm(&normalized) != static_cast<std::time_t>(-1)) {
      tm.tm_wday = normalized.tm_wday;
      tm.tm_yday = normalized.tm_yday;
    }
  }
  return true;
}

Value mktime(const Value& input, std::span<const Value>) {
  if (!input.is_array()) fail("mktime requires array inputs");
  std::tm tm;
  if (!to_tm(input, tm)) fail("mktime requires parsed datetime inputs");
  std::time_t t = ::timegm(&tm);
  return Value::number(static_cast<double>(t));
}

Value format_time(const Value& input, const Value& format, bool local) {
  const char* name = local ? "strflocaltime/1" : "strftime/1";
  Value parts = input;
  if (input.is_number()) {
    parts = split_time(input, local, local ? "localtime" : "gmtime");
  } else if (!input.is_array()) {
    fail(std::string(name) + " requires parsed datetime inputs");
  }
  if (!format.is_string()) fail(std::string(name) + " requires a string format");
  std::tm tm;
  if (!to_tm(parts, tm)) fail(std::string(name) + " requires parsed datetime inputs");
  const std::string& fmt = format.as_string();
  if (fmt.empty()) return Value::string("");
  if (!local) {
    tm.tm_isdst = 0;
  } else {
    // Let the C library find the zone's DST flag and name for this instant.
    std::tm probe = tm;
    probe.tm_isdst = -1;
    if (std::mktime(&probe) != static_cast<std::time_t>(-1)) tm.tm_isdst = probe.tm_isdst;
  }
  std::string buffer(fmt.size() * 4 + 128, '\0');
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::size_t n = std::strftime(buffer.data(), buffer.size(), fmt.c_str(), &tm);
    if (n > 0) {
      buffer.resize(n);
      return Value::string(std::move(buffer));
    }
    buffer.resize(buffer.size() * 4);
  }
  // strftime returns 0 both for failure and for an empty result.
  return Value::string("");
}

Value strftime(const Value& input, std::span<const Value> args) { return format_time(input, args[0], false); }
Value strflocaltime(const Value& input, std::span<const Value> args) {
  return format_time(input, args[0], true);
}

Value strptime(const Value& input, std::span<const Value> args) {
  const Value& format = args[0];
  if (!input.is_string() || !format.is_string()) fail("strptime/1 requires string inputs and arguments");
  const std::string& text = input.as_string();
  std::tm tm{};
  // Sentinels: weekday and yearday are only derived when the date is known.
  constexpr int kNoWeekday = 8, kNoYearday = 367;
  tm.tm_wday = kNoWeekday;
  tm.tm_yday = kNoYearday;
  const char* end = ::strptime(text.c_str(), format.as_string().c_str(), &tm);
  while (end != nullptr && *end != '\0' && std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (end == nullptr || *end != '\0') {
    fail("date \"" + text + "\" does not match format \"" + format.as_string() + "\"");
  }
  bool date_known = tm.tm_mday != 0 && tm.tm_mon >= 0 && tm.tm_mon <= 11;
  if (date_known && (tm.tm_wday == kNoWeekday || tm.tm_yday == kNoYearday)) {
    std::tm normalized = tm;
    if (::timegm(&normalized) != static_cast<std::time_t>(-1)) {
      if (tm.tm_wday == kNoWeekday) tm.tm_wday = normalized.tm_wday;
      if (tm.tm_yday == kNoYearday) tm.tm_yday = normalized.tm_yday;
    }
  }
  return broken_down(tm, 0);
}

Value now(const Value&, std::span<const Value>) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Value::number(std::chrono::duration<double>(since_epoch).count());
}

constexpr NativeFunction kDateNatives[] = {
    {"gmtime", 0, gmtime},       {"localtime", 0, localtime},
    {"mktime", 0, mktime},       {"strftime", 1, strftime},
    {"strflocaltime", 1, strflocaltime}, {"strptime", 1, strptime},
    {"now", 0, now},
};

}  // namespace

std::span<const NativeFunction> date_natives() { return kDateNatives; }

}  // namespace netinspect::jq::builtins_detail
