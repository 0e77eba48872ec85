// The text of an export: ids, times, partition paths, NDJSON and CSV rows.
#include <cstdio>
#include <ctime>

#include "export/export.h"
#include "json/write.h"

namespace netinspect::exporter {

std::uint64_t fnv1a64(std::uint64_t state, std::string_view bytes) {
  for (unsigned char byte : bytes) {
    state ^= byte;
    state *= 0x100000001b3ULL;
  }
  return state;
}

std::string hex16(std::uint64_t value) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(value));
  return hex;
}

namespace {
std::string utc_format(std::int64_t seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "";
  char buffer[64];
  std::size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
  return std::string(buffer, n);
}

bool take_digits(std::string_view& text, std::size_t count, int& out) {
  if (text.size() < count) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  text.remove_prefix(count);
  return true;
}

bool take_char(std::string_view& text, std::string_view allowed) {
  if (text.empty() || allowed.find(text[0]) == std::string_view::npos) return false;
  text.remove_prefix(1);
  return true;
}
}  // namespace

std::string rfc3339(std::int64_t seconds) { return utc_format(seconds, "%Y-%m-%dT%H:%M:%SZ"); }
std::string date_of(std::int64_t seconds) { return utc_format(seconds, "%Y-%m-%d"); }

std::optional<std::int64_t> parse_utc_time(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (!take_digits(text, 4, year) || !take_char(text, "-") || !take_digits(text, 2, month) ||
      !take_char(text, "-") || !take_digits(text, 2, day) || !take_char(text, " T") || !take_digits(text, 2, hour) ||
      !take_char(text, ":") || !take_digits(text, 2, minute) || !take_char(text, ":") ||
      !take_digits(text, 2, second))
    return std::nullopt;
  if (text == " GMT" || text == " UTC" || text == "Z" || text == "GMT" || text == "UTC") text = {};
  if (!text.empty()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string part_path(std::string_view table, std::string_view date, unsigned job, Format format) {
  return "table=" + std::string(table) + "/snapshot_date=" + std::string(date) + "/part-" + std::to_string(job) +
         "." + std::string(extension(format));
}

void append_csv_field(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

namespace {

void append_csv_value(const json::Value& value, std::string& out) {
  switch (value.kind()) {
    case json::Kind::Null:
      return;
    case json::Kind::True:
      out += "true";
      return;
    case json::Kind::False:
      out += "false";
      return;
    case json::Kind::Number:
      out += json::number_text(value);
      return;
    case json::Kind::String:
      append_csv_field(value.as_string(), out);
      return;
    case json::Kind::Array:
    case json::Kind::Object:
      append_csv_field(json::to_json(value), out);
      return;
  }
}
}  // namespace

std::string csv_header(const Table& table) {
  std::string out;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i) out += ',';
    append_csv_field(table.columns[i], out);
  }
  out += "\r\n";
  return out;
}

void append_csv_row(const Table& table, const json::Value& row, std::string& out) {
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i) out += ',';
    append_csv_value(row.get(table.columns[i]), out);
  }
  out += "\r\n";
}

void append_ndjson_row(const json::Value& row, std::string& out) {
  json::WriteOptions compact;
  compact.indent = 0;
  json::write(row, compact, out);
  out += '\n';
}

}  // namespace netinspect::exporter
