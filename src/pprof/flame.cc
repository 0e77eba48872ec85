// A self-contained flame graph: one SVG file with its own style and script,
// nothing fetched, viewable in any browser. Root at the bottom, children in
// name order (as flamegraph.pl), width proportional to the value.
#include <cstdio>
#include <map>
#include <memory>

#include "pprof/report.h"

namespace netinspect::pprof {

namespace {

struct TreeNode {
  std::string name;
  std::int64_t value = 0;
  std::map<std::string, std::unique_ptr<TreeNode>> children;
};

std::unique_ptr<TreeNode> build_tree(const std::vector<Stack>& stacks, std::size_t& depth, std::size_t& count) {
  auto root = std::make_unique<TreeNode>();
  root->name = "all";
  count = 1;
  depth = 1;
  for (const Stack& stack : stacks) {
    if (stack.value <= 0) continue;  // a flame graph has no room for negative values
    TreeNode* node = root.get();
    node->value += stack.value;
    for (const std::string& frame : stack.frames) {
      auto& child = node->children[frame];
      if (!child) {
        child = std::make_unique<TreeNode>();
        child->name = frame;
        ++count;
      }
      node = child.get();
      node->value += stack.value;
    }
    depth = std::max(depth, stack.frames.size() + 1);
  }
  return root;
}

// Text safe inside XML: markup characters escaped, control characters and
// invalid UTF-8 replaced, so the document stays well-formed whatever the names.
std::string xml_escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::size_t length = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    }
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

// A warm colour per name, stable across runs (FNV-1a of the name).
std::string colour(std::string_view name) {
  std::uint32_t hash = 2166136261u;
  for (char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "rgb(%u,%u,%u)", 205 + hash % 50, 80 + (hash >> 8) % 150, 40 + (hash >> 16) % 50);
  return buffer;
}

constexpr int kFrameHeight = 16;
constexpr int kPad = 10;
constexpr int kTop = 40;

void emit(const TreeNode& node, std::int64_t offset, std::size_t depth, std::int64_t total, std::size_t max_depth,
          const FlameOptions& options, std::string& out) {
  const double scale = static_cast<double>(options.width - 2 * kPad) / static_cast<double>(total);
  const double x = kPad + static_cast<double>(offset) * scale;
  const double w = static_cast<double>(node.value) * scale;
  const int y = kTop + static_cast<int>(max_depth - 1 - depth) * kFrameHeight;
  const std::string name = xml_escape(node.name);
  char percent[32];
  std::snprintf(percent, sizeof percent, "%.2f", 100.0 * static_cast<double>(node.value) / static_cast<double>(total));
  char buffer[256];
  std::snprintf(buffer, sizeof buffer,
                "<g class=\"f\" data-o=\"%lld\" data-v=\"%lld\" data-d=\"%zu\" data-p=\"%s\"><title>", 
                static_cast<long long>(offset), static_cast<long long>(node.value), depth, percent);
  out += buffer;
  out += name + " (" + std::to_string(node.value) + (options.unit.empty() ? "" : " " + xml_escape(options.unit)) +
         ", " + percent + "%)</title>";
  std::snprintf(buffer, sizeof buffer, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>", x, y, w,
                kFrameHeight - 1, colour(node.name).c_str());
  out += buffer;
  std::snprintf(buffer, sizeof buffer, "<text x=\"%.2f\" y=\"%d\">", x + 3, y + kFrameHeight - 4);
  out += buffer;
  out += name + "</text></g>\n";
  std::int64_t child_offset = offset;
  for (const auto& [child_name, child] : node.children) {
    emit(*child, child_offset, depth + 1, total, max_depth, options, out);
    child_offset += child->value;
  }
}

// Hover shows name, value and percent in the status line; a click zooms so
// the clicked frame fills the width (its ancestors too, its cousins hidden);
// clicking "all" or the "Reset zoom" text restores the whole graph. Labels
// are cut to what fits the frame.
constexpr std::string_view kScript = R"js(
(function () {
  var svg = document.documentElement;
  var W = +svg.getAttribute('data-width'), PAD = +svg.getAttribute('data-pad');
  var frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));
  var details = document.getElementById('details'), reset = document.getElementById('reset');
  var unit = svg.getAttribute('data-unit');
  function fit(g) {
    var r = g.querySelector('rect'), t = g.querySelector('text');
    var name = g.querySelector('title').textContent.replace(/ \([^()]*\)$/, '');
    var w = +r.getAttribute('width'), chars = Math.floor((w - 6) / 7);
    t.textContent = chars < 3 ? '' : (name.length <= chars ? name : name.slice(0, chars - 2) + '..');
  }
  function zoom(target) {
    var o = +target.getAttribute('data-o'), v = +target.getAttribute('data-v'), d = +target.getAttribute('data-d');
    var scale = (W - 2 * PAD) / v;
    frames.forEach(function (g) {
      var go = +g.getAttribute('data-o'), gv = +g.getAttribute('data-v'), gd = +g.getAttribute('data-d');
      var r = g.querySelector('rect'), t = g.querySelector('text');
      var inside = go >= o && go + gv <= o + v && gd >= d;
      var ancestor = gd < d && go <= o && go + gv >= o + v;
      if (!inside && !ancestor) { g.style.display = 'none'; return; }
      g.style.display = '';
      var x = ancestor ? PAD : PAD + (go - o) * scale, w = ancestor ? W - 2 * PAD : gv * scale;
      r.setAttribute('x', x.toFixed(2)); r.setAttribute('width', w.toFixed(2));
      t.setAttribute('x', (x + 3).toFixed(2));
      fit(g);
    });
    reset.style.display = target === frames[0] ? 'none' : '';
  }
  frames.forEach(function (g) {
    fit(g);
    g.addEventListener('mouseover', function () {
      details.textContent = g.querySelector('title').textContent.replace(/ \(([^()]*)\)$/, ': $1');
    });
    g.addEventListener('mouseout', function () { details.textContent = ' '; });
    g.addEventListener('click', function () { zoom(g); });
  });
  reset.addEventListener('click', function () { zoom(frames[0]); });
})();
)js";

}  // namespace

std::size_t flame_node_count(const std::vector<Stack>& stacks) {
  std::size_t depth = 0, count = 0;
  build_tree(stacks, depth, count);
  return count;
}

std::string flame_svg(const std::vector<Stack>& stacks, const FlameOptions& options) {
  std::size_t max_depth = 0, count = 0;
  const auto root = build_tree(stacks, max_depth, count);
  const std::int64_t total = root->value > 0 ? root->value : 1;
  const int height = kTop + static_cast<int>(max_depth) * kFrameHeight + 2 * kPad + 10;
  std::string out;
  char buffer[512];
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  std::snprintf(buffer, sizeof buffer,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
                "viewBox=\"0 0 %d %d\" data-width=\"%d\" data-pad=\"%d\" data-unit=\"",
                options.width, height, options.width, height, options.width, kPad);
  out += buffer;
  out += xml_escape(options.unit) + "\">\n";
  out +=
      "<style>svg{background:#f8f8f0}text{font-family:Verdana,sans-serif;font-size:12px;fill:#000}"
      "g.f{cursor:pointer}g.f:hover rect{stroke:#000;stroke-width:0.5}"
      "#title{font-size:17px;text-anchor:middle}#reset{cursor:pointer;fill:#336}</style>\n";
  std::snprintf(buffer, sizeof buffer, "<text id=\"title\" x=\"%d\" y=\"24\">", options.width / 2);
  out += buffer;
  out += xml_escape(options.title) + "</text>\n";
  std::snprintf(buffer, sizeof buffer, "<text id=\"reset\" x=\"%d\" y=\"24\" style=\"display:none\">Reset zoom</text>\n",
                kPad);
  out += buffer;
  std::snprintf(buffer, sizeof buffer, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n", kPad, height - kPad);
  out += buffer;
  emit(*root, 0, 0, total, max_depth, options, out);
  out += "<script type=\"text/ecmascript\"><![CDATA[";
  out += kScript;
  out += "]]></script>\n</svg>\n";
  return out;
}

}  // namespace netinspect::pprof
