// The HTML report: escaping, and the page's tables holding exactly the rows
// the views print with --json (the same netstack::to_json rows).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "diagnose/triage.h"
#include "json/parse.h"
#include "json/write.h"
#include "netstack/snapshot.h"
#include "netstack/views.h"
#include "report/assets.h"
#include "report/escape.h"
#include "report/report.h"

namespace netinspect::report {
namespace {

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

SnapshotInput input_from(std::string_view text, std::string label) {
  json::Value all = json::parse(text);
  SnapshotInput input;
  input.entries = all.as_array();
  input.snapshot = netstack::load_entries(input.entries, std::move(label));
  return input;
}

SnapshotInput sample() { return input_from(netstack::bundled_sample_text(), "bundled sample"); }

ReportOptions default_options() {
  ReportOptions options;
  options.configs = diagnose::load_builtin_configs();
  options.version = "test";
  options.nonce = "testnonce";
  return options;
}

// The cells of each body row of the table with this id, as HTML text.
std::vector<std::vector<std::string>> table_cells(const std::string& html, const std::string& id) {
  std::vector<std::vector<std::string>> rows;
  std::size_t at = html.find("<table class=\"data\" id=\"" + id + "\"");
  if (at == std::string::npos) return rows;
  const std::size_t end = html.find("</table>", at);
  at = html.find("<tbody>", at);
  while (true) {
    at = html.find("<tr", at);
    if (at == std::string::npos || at > end) break;
    const std::size_t row_end = html.find("</tr>", at);
    std::vector<std::string> cells;
    for (std::size_t cell = html.find("<td", at); cell < row_end; cell = html.find("<td", cell + 1)) {
      const std::size_t open_end = html.find('>', cell) + 1;
      cells.push_back(html.substr(open_end, html.find("</td>", open_end) - open_end));
    }
    rows.push_back(std::move(cells));
    at = row_end;
  }
  return rows;
}

// A view row as the table shows it: strings as they are, numbers as written,
// arrays joined, null empty; then HTML-escaped.
std::vector<std::string> expected_cells(const json::Value& row) {
  std::vector<std::string> cells;
  for (const auto& [key, value] : row.as_object()) {
    std::string text;
    if (value.is_string()) {
      text = value.as_string();
    } else if (value.is_array()) {
      for (const json::Value& item : value.as_array())
        text += (text.empty() ? "" : ", ") + (item.is_string() ? item.as_string() : json::to_json(item));
    } else if (!value.is_null()) {
      text = json::to_json(value);
    }
    cells.push_back(html_escape(text));
  }
  return cells;
}

TEST(Escape, HtmlMarkupBecomesText) {
  EXPECT_EQ(html_escape("</script><img src=x onerror=\"alert('1')\">&"),
            "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;");
  EXPECT_EQ(html_escape("wlan\xC3\xA9 ok"), "wlan\xC3\xA9 ok");
}

TEST(Escape, InvalidUtf8AndControlsAreReplaced) {
  EXPECT_EQ(html_escape(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(html_escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");        // overlong '/'
  EXPECT_EQ(html_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(html_escape("tab\there\nline"), "tab\there\nline");
  EXPECT_EQ(html_escape("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
}

TEST(Escape, ScriptJsonCannotCloseItsElement) {
  const json::Value value = json::Value::string("</script><!-- <script>alert(1)</script> & \xE2\x80\xA8");
  const std::string text = script_json(json::Value::array({value}));
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_TRUE(json::equal(json::parse(text), json::Value::array({value})));
}

TEST(Assets, CannotCloseTheirElements) {
  EXPECT_EQ(report_css().find("</"), std::string_view::npos);
  EXPECT_EQ(report_js().find("</"), std::string_view::npos);
  EXPECT_GT(report_js().size(), 1000u);
}

TEST(Report, TablesHoldTheViewsRows) {
  const SnapshotInput input = sample();
  const std::string html = render_html({input}, default_options());
  netstack::Surprises surprises;
  struct Case {
    std::string id;
    std::vector<json::Value> rows;
  };
  std::vector<Case> cases = {{"s0-sockets-table", {}}, {"s0-nics-table", {}}, {"s0-routes-table", {}}};
  for (const auto& s : netstack::sockets(input.snapshot, surprises)) cases[0].rows.push_back(netstack::to_json(s, false));
  for (const auto& n : netstack::nics(input.snapshot, surprises)) cases[1].rows.push_back(netstack::to_json(n));
  for (const auto& r : netstack::routes(input.snapshot, surprises)) cases[2].rows.push_back(netstack::to_json(r));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id);
    ASSERT_FALSE(c.rows.empty());
    const auto cells = table_cells(html, c.id);
    ASSERT_EQ(cells.size(), c.rows.size());
    for (std::size_t i = 0; i < cells.size(); ++i) EXPECT_EQ(cells[i], expected_cells(c.rows[i])) << "row " << i;
  }
}

TEST(Report, PageIsSelfContained) {
  const std::string html = render_html({sample()}, default_options());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("default-src 'none'; script-src 'nonce-testnonce'"), std::string::npos);
  EXPECT_EQ(count(html, "http://"), count(html, "http://www.w3.org/2000/svg"));  // only the SVG namespace name
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(count(html, "<script"), 2u);  // the flame data and our script
  EXPECT_EQ(count(html, "</script>"), 2u);
}

TEST(Report, SampleSections) {
  const std::string html = render_html({sample()}, default_options());
  for (const char* id : {"s0-overview", "s0-sockets", "s0-nics", "s0-routes", "s0-counters", "s0-triage",
                         "s0-profiles"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);
  // The sample has non-zero error counters: highlighted leaves.
  EXPECT_GT(count(html, "<li class=\"leaf err\""), 0u);
  // Its pprof profiles are flame graphs: a box each, the SVG in the data island.
  const std::size_t boxes = count(html, "<div class=\"flame-box\"");
  EXPECT_GT(boxes, 0u);
  const std::size_t island = html.find("id=\"ni-flames\">") + 15;
  const json::Value flames = json::parse(html.substr(island, html.find("</script>", island) - island));
  ASSERT_TRUE(flames.is_array());
  EXPECT_EQ(flames.as_array().size(), boxes);
  EXPECT_EQ(flames.as_array()[0].as_string().rfind("<?xml", 0), 0u);
  EXPECT_EQ(html.find("view-diff"), std::string::npos);  // one snapshot: no diff
}

TEST(Report, TwoSnapshotsAddTheDiff) {
  SnapshotInput before = sample();
  std::string text(netstack::bundled_sample_text());
  // The same snapshot with one counter moved.
  const std::string from = "\"SocketsCreated\":1016568", to = "\"SocketsCreated\":1016999";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), to);
  SnapshotInput after = input_from(text, "after.json");
  const std::string html = render_html({before, after}, default_options());
  EXPECT_NE(html.find("id=\"view-diff\""), std::string::npos);
  EXPECT_EQ(count(html, "class=\"view-tab\""), 3u);
  const auto cells = table_cells(html, "diff-1-table");
  ASSERT_FALSE(cells.empty());
  bool found = false;
  for (const auto& row : cells) found |= row.size() > 2 && row[2] == "SocketsCreated";
  EXPECT_TRUE(found);
}

TEST(Report, HostileNamesStayText) {
  const std::string payload = "</script><img src=x onerror=alert(1)><script>alert(2)</script>";
  std::string text(netstack::bundled_sample_text());
  const std::string nic = "\"Name\":\"wlanx62\"";
  ASSERT_NE(text.find(nic), std::string::npos);
  std::string escaped_json = json::to_json(json::Value::string(payload));
  text.replace(text.find(nic), nic.size(), "\"Name\":" + escaped_json);
  const std::string counter = "\"SocketCount\"";
  text.replace(text.find(counter), counter.size(), "\"<b onmouseover=alert(3)>Count\"");
  SnapshotInput input = input_from(text, payload);
  ReportOptions options = default_options();
  options.title = payload;
  const std::string html = render_html({input}, options);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b "), std::string::npos);
  EXPECT_EQ(count(html, "<script"), 2u);
  EXPECT_EQ(count(html, "</script>"), 2u);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(Report, EmptySnapshotStillRenders) {
  SnapshotInput input = input_from("[]", "empty.json");
  const std::string html = render_html({input}, default_options());
  EXPECT_NE(html.find("No open sockets."), std::string::npos);
  EXPECT_NE(html.find("holds no pprof profiles"), std::string::npos);
  EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
}

TEST(Report, NonceIsFreshAndPlain) {
  const std::string a = random_nonce(), b = random_nonce();
  EXPECT_EQ(a.size(), 22u);
  EXPECT_NE(a, b);
  EXPECT_EQ(html_escape(a), a);
}

}  // namespace
}  // namespace netinspect::report
