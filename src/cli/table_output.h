// Output of the netstack views, shared by every view command: a table that
// fits the terminal, or the rows as JSON (one array), NDJSON (one object per
// line) or CSV (RFC 4180, header row). Rows are json objects whose keys are
// the same for every row of a view (netstack::to_json).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace netinspect::cli {

enum class OutputFormat { Table, Json, Ndjson, Csv };

struct Column {
  std::string key;      // the row key shown
  std::string header;   // "LOCAL"
  bool right = false;   // numbers align right
  bool shrink = false;  // may be cut (with "…") to fit the terminal
  bool alert = false;   // a non-zero value is highlighted (errors, drops)
};

struct RenderOptions {
  OutputFormat format = OutputFormat::Table;
  bool color = false;     // ANSI colour in tables
  std::size_t width = 0;  // table width budget; 0 = unlimited
};

// Colour only when stdout is a terminal and NO_COLOR is unset or empty; the
// width of the terminal on stdout, or $COLUMNS, else unlimited (pipes keep
// whole lines for grep).
RenderOptions detect_render_options(OutputFormat format);

// A cell as the table and CSV show it: null -> "", booleans "yes"/"no"
// (table) or "true"/"false" (CSV), arrays joined, numbers as written.
std::string cell_text(const json::Value& value, bool for_csv);

// Display columns of UTF-8 text (one per code point: netstack names are ASCII).
std::size_t display_width(std::string_view text);

void render_table(const std::vector<Column>& columns, const std::vector<json::Value>& rows,
                  const RenderOptions& options, std::string& out);
// Every key of the rows (the first row's order), not only the table's columns.
void render_csv(const std::vector<std::string>& keys, const std::vector<json::Value>& rows, std::string& out);
void render_json(const std::vector<json::Value>& rows, std::string& out);    // pretty array
void render_ndjson(const std::vector<json::Value>& rows, std::string& out);  // compact lines

// Dispatches on options.format. CSV writes `csv_keys` (every key of the
// view's rows, so CSV holds what JSON holds), tables only `columns`.
void render_rows(const std::vector<Column>& columns, const std::vector<std::string>& csv_keys,
                 const std::vector<json::Value>& rows, const RenderOptions& options, std::string& out);

// The keys of a row object, in order (for csv_keys).
std::vector<std::string> keys_of(const json::Value& row);

// "\x1b[1m" etc. when colour is on, "" otherwise.
struct Style {
  bool on = false;
  std::string_view bold() const { return on ? "\x1b[1m" : ""; }
  std::string_view red() const { return on ? "\x1b[31m" : ""; }
  std::string_view yellow() const { return on ? "\x1b[33m" : ""; }
  std::string_view green() const { return on ? "\x1b[32m" : ""; }
  std::string_view reset() const { return on ? "\x1b[0m" : ""; }
};

}  // namespace netinspect::cli
