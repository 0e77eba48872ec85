#include "diagnose/snapshot_info.h"

#include <filesystem>
#include <system_error>

#include "json/parse.h"

namespace netinspect::diagnose {

namespace {

// An object parsed from `member` of a zip, or nullopt.
json::Value zip_member_object(const std::string& path, const source::OpenOptions& options, const std::string& member) {
  try {
    source::OpenOptions member_options = options;
    member_options.zip_member = member;
    source::Input input = source::open(path, member_options);
    json::Value value = json::parse(input.text());
    return value.is_object() ? value : json::Value();
  } catch (const std::exception&) {  // absent member, unreadable or not JSON: no information
    return json::Value();
  }
}

json::Value file_object(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return json::Value();
  return zip_member_object(file.string(), {}, "");
}

}  // namespace

SnapshotInfo read_snapshot_info(const std::string& path, const source::OpenOptions& options) {
  SnapshotInfo info;
  if (path.empty() || path == "-") return info;
  std::error_code ec;
  std::filesystem::path p(path);
  if (!std::filesystem::is_regular_file(p, ec)) return info;
  bool is_zip = false;
  try {
    is_zip = source::open_reader(path, options)->compression == source::Compression::Zip;
  } catch (const std::exception&) {
    return info;
  }
  if (is_zip) {
    info.annotations = zip_member_object(path, options, "annotations.json");
    info.metadata = zip_member_object(path, options, "metadata.json");
  } else if (p.filename() == options.zip_member) {
    // An unpacked snapshot: the attachments lie next to inspect.json.
    info.annotations = file_object(p.parent_path() / "annotations.json");
    info.metadata = file_object(p.parent_path() / "metadata.json");
  }
  return info;
}

std::string describe(const SnapshotInfo& info) {
  std::string out;
  auto add = [&](const char* label, const char* key) {
    json::Value v = info.annotations.is_object() ? info.annotations.get(key) : json::Value();
    if (v.is_string() && !v.as_string().empty()) out += (out.empty() ? "" : ", ") + std::string(label) + " " + v.as_string();
  };
  add("build", "build.version");
  add("product", "build.product");
  add("board", "build.board");
  add("device", "device.board-name");
  add("uptime", "device.uptime");
  add("taken", "device.utc-time");
  // metadata.json: {"files": {"inspect.json": {"state": "partial", "error": "timeout"}, ...}}
  json::Value files = info.metadata.is_object() ? info.metadata.get("files") : json::Value();
  if (files.is_object()) {
    std::string incomplete;
    for (const auto& [name, status] : files.as_object()) {
      json::Value state = status.is_object() ? status.get("state") : json::Value();
      if (!state.is_string() || state.as_string() == "complete") continue;
      json::Value error = status.get("error");
      incomplete += (incomplete.empty() ? "" : ", ") + name + " " + state.as_string() +
                    (error.is_string() ? " (" + error.as_string() + ")" : "");
    }
    if (!incomplete.empty()) out += (out.empty() ? "" : "; ") + incomplete;
  }
  return out;
}

}  // namespace netinspect::diagnose
