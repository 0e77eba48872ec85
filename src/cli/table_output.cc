#include "cli/table_output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <thread>

#include "export/export.h"
#include "json/write.h"

namespace netinspect::cli {

RenderOptions detect_render_options(OutputFormat format) {
  RenderOptions options;
  options.format = format;
  bool tty = isatty(STDOUT_FILENO) != 0;
  const char* no_color = std::getenv("NO_COLOR");
  options.color = tty && (no_color == nullptr || *no_color == '\0');
  winsize size{};
  if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    options.width = size.ws_col;
  } else if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    options.width = static_cast<std::size_t>(std::strtoul(columns, nullptr, 10));
  }
  return options;
}

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string cell_text(const json::Value& value, bool for_csv) {
  switch (value.kind()) {
    case json::Kind::Null:
      return {};
    case json::Kind::True:
      return for_csv ? "true" : "yes";
    case json::Kind::False:
      return for_csv ? "false" : "no";
    case json::Kind::Number:
      return json::number_text(value);
    case json::Kind::String:
      return value.as_string();
    case json::Kind::Array: {
      std::string out;
      for (const json::Value& item : value.as_array()) {
        if (!out.empty()) out += for_csv ? " " : ", ";
        out += cell_text(item, for_csv);
      }
      return out;
    }
    case json::Kind::Object: {
      if (for_csv) return json::to_json(value);
      std::string out;
      for (const auto& [key, item] : value.as_object()) {
        if (!out.empty()) out += ' ';
        out += key + "=" + cell_text(item, false);
      }
      return out;
    }
  }
  return {};
}

namespace {

// Cuts `text` to `width` display columns, ending with "…" when cut.
std::string cut(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool starts_char = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_char && ++columns > width - 1) break;
    out += text[i];
  }
  return out + "\u2026";
}

void pad(std::string& out, std::size_t n) { out.append(n, ' '); }

bool nonzero(const json::Value& value) {
  if (value.is_number()) return value.as_number() != 0;
  return false;
}

}  // namespace

void render_table(const std::vector<Column>& columns, const std::vector<json::Value>& rows,
                  const RenderOptions& options, std::string& out) {
  Style style{options.color};
  std::vector<std::vector<std::string>> cells(rows.size());
  std::vector<std::size_t> widths(columns.size());
  for (std::size_t c = 0; c < columns.size(); ++c) widths[c] = display_width(columns[c].header);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    cells[r].reserve(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      cells[r].push_back(cell_text(rows[r].get(columns[c].key), false));
      widths[c] = std::max(widths[c], display_width(cells[r].back()));
    }
  }
  // Fit the terminal: take columns from the widest shrinkable one first, never
  // below its header (or 8 columns), until the line fits or nothing can give.
  if (options.width > 0 && !columns.empty()) {
    auto total = [&] { return std::accumulate(widths.begin(), widths.end(), std::size_t{0}) + 2 * (columns.size() - 1); };
    while (total() > options.width) {
      std::size_t widest = columns.size();
      for (std::size_t c = 0; c < columns.size(); ++c) {
        std::size_t floor = std::max<std::size_t>(8, display_width(columns[c].header));
        if (columns[c].shrink && widths[c] > floor && (widest == columns.size() || widths[c] > widths[widest]))
          widest = c;
      }
      if (widest == columns.size()) break;
      std::size_t floor = std::max<std::size_t>(8, display_width(columns[widest].header));
      widths[widest] = std::max(floor, widths[widest] - std::min(widths[widest] - floor, total() - options.width));
    }
  }
  auto emit_line = [&](auto&& text_of, auto&& color_of) {
    std::string line;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      std::string text = cut(text_of(c), widths[c]);
      std::size_t gap = widths[c] - display_width(text);
      bool last = c + 1 == columns.size();
      std::string_view color = color_of(c);
      if (columns[c].right) pad(line, gap);
      if (!color.empty()) line.append(color);
      line += text;
      if (!color.empty()) line.append(style.reset());
      if (!columns[c].right && !last) pad(line, gap);
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  emit_line([&](std::size_t c) { return columns[c].header; }, [&](std::size_t) { return style.bold(); });
  for (std::size_t r = 0; r < rows.size(); ++r) {
    emit_line([&](std::size_t c) { return cells[r][c]; },
              [&](std::size_t c) {
                return columns[c].alert && nonzero(rows[r].get(columns[c].key)) ? style.red() : std::string_view();
              });
  }
}

void render_csv(const std::vector<std::string>& keys, const std::vector<json::Value>& rows, std::string& out) {
  // RFC 4180 lines end with CRLF.
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (k) out += ',';
    exporter::append_csv_field(keys[k], out);
  }
  out += "\r\n";
  for (const json::Value& row : rows) {
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (k) out += ',';
      exporter::append_csv_field(cell_text(row.get(keys[k]), true), out);
    }
    out += "\r\n";
  }
}

namespace {

// Below this many rows one thread writes them all.
constexpr std::size_t kParallelRows = 4096;

// `rows` written as one pretty JSON array; many rows are written in two
// halves on two threads ("[\n  a,\n  b\n]" then joined where they meet).
void write_json_array(const std::vector<json::Value>& rows, const json::WriteOptions& options, std::string& out) {
  if (rows.size() < kParallelRows || std::thread::hardware_concurrency() < 2) {
    json::write(json::Value::array(rows), options, out);
    return;
  }
  const auto half = rows.begin() + static_cast<std::ptrdiff_t>(rows.size() / 2);
  std::string second;
  std::thread worker([&] { json::write(json::Value::array(json::Array(half, rows.end())), options, second); });
  std::string first;
  json::write(json::Value::array(json::Array(rows.begin(), half)), options, first);
  worker.join();
  // first is "[\n  ...\n]", second "[\n  ...\n]": drop first's "\n]" and second's "[".
  first.resize(first.size() - 2);
  out += first;
  out += ',';
  out.append(second, 1);
}

}  // namespace

void render_json(const std::vector<json::Value>& rows, std::string& out) {
  json::WriteOptions options;
  options.indent = 2;
  write_json_array(rows, options, out);
  out += '\n';
}

void render_ndjson(const std::vector<json::Value>& rows, std::string& out) {
  json::WriteOptions options;
  options.indent = 0;
  for (const json::Value& row : rows) {
    json::write(row, options, out);
    out += '\n';
  }
}

std::vector<std::string> keys_of(const json::Value& row) {
  std::vector<std::string> keys;
  if (row.is_object()) {
    for (const auto& [key, value] : row.as_object()) keys.push_back(key);
  }
  return keys;
}

void render_rows(const std::vector<Column>& columns, const std::vector<std::string>& csv_keys,
                 const std::vector<json::Value>& rows, const RenderOptions& options, std::string& out) {
  switch (options.format) {
    case OutputFormat::Table:
      render_table(columns, rows, options, out);
      return;
    case OutputFormat::Json:
      render_json(rows, out);
      return;
    case OutputFormat::Ndjson:
      render_ndjson(rows, out);
      return;
    case OutputFormat::Csv:
      render_csv(csv_keys, rows, out);
      return;
  }
}

}  // namespace netinspect::cli
