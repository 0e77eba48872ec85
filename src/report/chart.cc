#include "report/chart.h"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <utility>

#include "report/escape.h"

namespace netinspect::report {

namespace {

// Distinct hues, in order of how common the state is.
constexpr std::string_view kPalette[] = {"#2f6fdb", "#12b76a", "#f79009", "#7a5af8", "#ee46bc",
                                         "#06aed4", "#f04438", "#84cc16", "#a15c07", "#667085"};

using Counts = std::vector<std::pair<std::string, std::size_t>>;

void bump(Counts& counts, const std::string& key) {
  for (auto& [k, n] : counts) {
    if (k == key) {
      ++n;
      return;
    }
  }
  counts.emplace_back(key, 1);
}

void by_count(Counts& counts) {
  std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

std::string sockets_chart(const std::vector<netstack::Socket>& sockets) {
  if (sockets.empty()) return "<p class=\"empty\">No open sockets.</p>\n";
  Counts protocols, states;
  std::vector<std::pair<std::string, Counts>> per_protocol;  // protocol -> state counts
  for (const netstack::Socket& socket : sockets) {
    const std::string protocol = socket.protocol.empty() ? "unknown" : socket.protocol;
    const std::string state = socket.state.empty() ? "(no state)" : socket.state;
    bump(protocols, protocol);
    bump(states, state);
    auto it = std::find_if(per_protocol.begin(), per_protocol.end(), [&](const auto& p) { return p.first == protocol; });
    if (it == per_protocol.end()) it = per_protocol.insert(per_protocol.end(), {protocol, {}});
    bump(it->second, state);
  }
  by_count(protocols);
  by_count(states);
  auto colour = [&](const std::string& state) {
    const auto at = static_cast<std::size_t>(
        std::find_if(states.begin(), states.end(), [&](const auto& s) { return s.first == state; }) - states.begin());
    return kPalette[at % std::size(kPalette)];
  };

  constexpr double kWidth = 560, kLabel = 70, kRight = 44, kRow = 30, kBar = 20, kTop = 6;
  const double scale = (kWidth - kLabel - kRight) / static_cast<double>(protocols.front().second);
  // Legend items wrap onto lines of the chart's width (about 7px a character).
  std::vector<std::pair<double, double>> legend_at;
  double x = kLabel, line = 0;
  for (const auto& [state, n] : states) {
    const double w = 34 + 7.5 * static_cast<double>(state.size() + std::to_string(n).size() + 1);
    if (x + w > kWidth && x > kLabel) {
      x = kLabel;
      ++line;
    }
    legend_at.emplace_back(x, line);
    x += w;
  }
  const double bars_height = kTop + kRow * static_cast<double>(protocols.size());
  const double height = bars_height + 14 + 20 * (line + 1);

  std::string out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " +
                    number(kWidth) + " " + number(height) + "\" width=\"" + number(kWidth) + "\" height=\"" +
                    number(height) + "\" aria-label=\"Sockets by protocol and state\">\n";
  double y = kTop;
  for (const auto& [protocol, total] : protocols) {
    const Counts& counts =
        std::find_if(per_protocol.begin(), per_protocol.end(), [&](const auto& p) { return p.first == protocol; })
            ->second;
    out += "<text x=\"" + number(kLabel - 8) + "\" y=\"" + number(y + kBar / 2 + 4) + "\" text-anchor=\"end\">" +
           html_escape(protocol) + "</text>\n";
    double at = kLabel;
    // Segments in the legend's order, so colours line up bar to bar.
    for (const auto& [state, ignored] : states) {
      auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == state; });
      if (it == counts.end()) continue;
      const double w = scale * static_cast<double>(it->second);
      out += "<rect x=\"" + number(at) + "\" y=\"" + number(y) + "\" width=\"" + number(w) + "\" height=\"" +
             number(kBar) + "\" rx=\"2\" fill=\"" + std::string(colour(state)) + "\"><title>" +
             html_escape(protocol + " " + state + ": " + std::to_string(it->second)) + "</title></rect>\n";
      at += w;
    }
    out += "<text x=\"" + number(at + 6) + "\" y=\"" + number(y + kBar / 2 + 4) + "\">" + std::to_string(total) +
           "</text>\n";
    y += kRow;
  }
  out += "<line class=\"axis\" x1=\"" + number(kLabel) + "\" y1=\"0\" x2=\"" + number(kLabel) + "\" y2=\"" +
         number(bars_height - kRow + kBar + 4) + "\"/>\n";
  for (std::size_t i = 0; i < states.size(); ++i) {
    const double lx = legend_at[i].first, ly = bars_height + 14 + 20 * legend_at[i].second;
    out += "<rect x=\"" + number(lx) + "\" y=\"" + number(ly - 10) + "\" width=\"12\" height=\"12\" rx=\"2\" fill=\"" +
           std::string(colour(states[i].first)) + "\"/><text x=\"" + number(lx + 17) + "\" y=\"" + number(ly) + "\">" +
           html_escape(states[i].first + " " + std::to_string(states[i].second)) + "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace netinspect::report
