#include "cli/input_options.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>

namespace netinspect::cli {

const char* const kInputOptionsHelp =
    "      --member NAME         the member of a .zip snapshot to read\n"
    "                            (default inspect.json);\n"
    "      --max-decompressed-size SIZE\n"
    "                            refuse .gz/.zip inputs that inflate past SIZE\n"
    "                            (default 16G; suffixes K, M, G, T);\n"
    "      --max-zip-members N   refuse .zip inputs listing more than N members\n"
    "                            (default 100000);\n"
    "      --max-depth N         refuse JSON nested deeper than N arrays/objects\n"
    "                            (default 10000, jq's limit);\n"
    "      --moniker M           keep only the snapshot entries whose moniker is M;\n"
    "      --no-progress         never show the progress bar (it is shown on a\n"
    "                            terminal when reading takes over a second);\n";

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    const std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (i == 0) return std::nullopt;
  std::string_view suffix = text.substr(i);
  unsigned shift = 0;
  if (!suffix.empty()) {
    switch (std::toupper(static_cast<unsigned char>(suffix[0]))) {
      case 'K': shift = 10; break;
      case 'M': shift = 20; break;
      case 'G': shift = 30; break;
      case 'T': shift = 40; break;
      case 'B': shift = 0; break;
      default: return std::nullopt;
    }
    if (std::toupper(static_cast<unsigned char>(suffix[0])) != 'B') suffix.remove_prefix(1);
    if (suffix == "iB" || suffix == "IB" || suffix == "ib" || suffix == "B" || suffix == "b") suffix = {};
    if (!suffix.empty()) return std::nullopt;
  }
  if (shift > 0 && value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

InputOptionParse take_input_option(int argc, char** argv, int& i, InputOptions& options, std::string& error) {
  const std::string_view arg = argv[i];
  std::string_view name = arg;
  std::optional<std::string_view> inline_value;
  if (const std::size_t equals = arg.find('='); arg.starts_with("--") && equals != std::string_view::npos) {
    name = arg.substr(0, equals);
    inline_value = arg.substr(equals + 1);
  }
  const bool takes_value =
      name == "--member" || name == "--max-decompressed-size" || name == "--max-zip-members" ||
      name == "--max-depth" || name == "--moniker";
  if (!takes_value) {
    if (arg == "--no-progress") {
      options.progress = false;
      return InputOptionParse::Taken;
    }
    return InputOptionParse::NotMine;
  }
  std::string value;
  if (inline_value) {
    value = std::string(*inline_value);
  } else if (i + 1 < argc) {
    value = argv[++i];
  } else {
    error = std::string(name) + " takes a value";
    return InputOptionParse::Error;
  }
  if (name == "--member") {
    if (value.empty()) {
      error = "--member takes a non-empty member name";
      return InputOptionParse::Error;
    }
    options.open.zip_member = value;
  } else if (name == "--moniker") {
    options.moniker = value;
  } else if (name == "--max-zip-members" || name == "--max-depth") {
    const std::optional<std::uint64_t> count = parse_size(value);
    if (!count || *count == 0 || value.find_first_not_of("0123456789") != std::string::npos) {
      error = std::string(name) + " takes a positive number, not '" + value + "'";
      return InputOptionParse::Error;
    }
    if (name == "--max-depth") {
      options.open.parse.max_depth = static_cast<std::size_t>(*count);
    } else {
      options.open.limits.max_zip_members = *count;
    }
  } else {
    const std::optional<std::uint64_t> size = parse_size(value);
    if (!size || *size == 0) {
      error = "--max-decompressed-size takes a size such as 512M or 32G, not '" + value + "'";
      return InputOptionParse::Error;
    }
    options.open.limits.max_decompressed_bytes = *size;
  }
  return InputOptionParse::Taken;
}

namespace {

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return text;
}

}  // namespace

Progress::Progress(bool enabled, std::uint64_t total_bytes)
    : enabled_(enabled && ::isatty(STDERR_FILENO) == 1),
      total_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::maybe_draw(std::uint64_t done) {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  if (now - start_ < seconds(1) || (drawn_ && now - last_draw_ < milliseconds(200))) return;
  last_draw_ = now;
  drawn_ = true;
  const double elapsed = duration<double>(now - start_).count();
  const double rate = static_cast<double>(done) / elapsed;
  char line[160];
  if (total_ > 0 && done <= total_) {
    const double fraction = static_cast<double>(done) / static_cast<double>(total_);
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    char bar[kWidth + 1];
    for (int k = 0; k < kWidth; ++k) bar[k] = k < filled ? '#' : '.';
    bar[kWidth] = '\0';
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    std::snprintf(line, sizeof line, "\r[%s] %3.0f%% %s of %s, %s/s, ETA %.0f s\x1b[K", bar, fraction * 100,
                  human_bytes(static_cast<double>(done)).c_str(), human_bytes(static_cast<double>(total_)).c_str(),
                  human_bytes(rate).c_str(), eta);
  } else {
    std::snprintf(line, sizeof line, "\r%s read, %s/s\x1b[K", human_bytes(static_cast<double>(done)).c_str(),
                  human_bytes(rate).c_str());
  }
  std::fputs(line, stderr);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!drawn_) return;
  drawn_ = false;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
}

}  // namespace netinspect::cli
