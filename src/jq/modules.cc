#include "jq/modules.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "jq/parser.h"
#include "json/parse.h"

namespace netinspect::jq::modules {

namespace fs = std::filesystem;

namespace {

std::string executable_directory() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return exe.parent_path().string();
}

std::string absolute_directory(const std::string& dir) {
  std::error_code ec;
  fs::path p = dir.empty() ? fs::current_path(ec) : fs::path(dir);
  fs::path canonical = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? p.string() : canonical.string();
}

// One search-path entry made into a directory, following jq's substitutions.
std::string expand(const std::string& entry, const std::string& origin, const SearchConfig& config) {
  if (entry == "~" || entry.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + entry.substr(1);
  }
  if (entry.starts_with("$ORIGIN/")) return config.jq_origin + entry.substr(7);
  if (!entry.empty() && entry[0] != '/') return origin + "/" + entry;
  return entry;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

std::string directory_of(const std::string& file) {
  fs::path parent = fs::path(file).parent_path();
  return parent.empty() ? "." : parent.string();
}

bool add_home_library(Program& program) {
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] == '\0' || !is_file(fs::path(home) / ".jq")) return false;
  Import import;
  import.path = "";  // "" + ".jq" in the search directory: $HOME/.jq
  import.is_include = true;
  json::Object metadata;
  metadata.set("search", json::Value::string(home));
  import.metadata = json::Value::object(std::move(metadata));
  program.imports.insert(program.imports.begin(), std::move(import));
  return true;
}

SearchConfig make_search_config(const CompileOptions& options) {
  SearchConfig config;
  config.jq_origin = executable_directory();
  config.program_origin = absolute_directory(options.program_origin);
  if (options.library_paths.empty()) {
    config.library_paths = {"~/.jq", "$ORIGIN/../lib/jq", "$ORIGIN/../lib"};
  } else {
    // Like jq, -L entries are made absolute once, against the current directory.
    for (const std::string& p : options.library_paths) {
      bool special = p.starts_with("~") || p.starts_with("$ORIGIN/");
      config.library_paths.push_back(special ? p : absolute_directory(p));
    }
  }
  return config;
}

std::string find_module(const std::string& relpath, const json::Value& search, const std::string& origin,
                        const SearchConfig& config, bool is_data) {
  std::vector<std::string> dirs;
  auto add = [&](const json::Value& entry) -> bool {
    // Null and "" end the search path, as in jq.
    if (!entry.is_string() || entry.as_string().empty()) return false;
    dirs.push_back(expand(entry.as_string(), origin, config));
    return true;
  };
  bool open = true;
  if (search.is_string()) {
    open = add(search);
  } else if (search.is_array()) {
    for (const json::Value& e : search.as_array())
      if (!(open = add(e))) break;
  }
  if (open)
    for (const std::string& p : config.library_paths)
      if (!add(json::Value::string(p))) break;
  const std::string suffix = is_data ? ".json" : ".jq";
  const std::string base = fs::path(relpath).filename().string();
  for (const std::string& dir : dirs) {
    for (const fs::path& candidate : {fs::path(dir) / (relpath + suffix), fs::path(dir) / relpath / ("jq/main" + suffix),
                                      fs::path(dir) / relpath / (base + suffix)}) {
      if (is_file(candidate)) return candidate.lexically_normal().string();
    }
  }
  return {};
}

std::string read_module_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompileError(compile_error_text({"could not read module " + path}));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json::Value read_module_data(const std::string& path) {
  std::string text = read_module_source(path);
  json::Array values;
  try {
    json::ValueReader reader(text);
    json::Value v;
    while (reader.next(v)) values.push_back(v);
  } catch (const json::ParseError& e) {
    throw CompileError(compile_error_text({std::string(e.what()) + " (in data file " + path + ")"}));
  }
  return json::Value::array(std::move(values));
}

json::Value module_metadata(const Program& program) {
  json::Value meta = program.module_metadata.is_object() ? program.module_metadata : json::Value::object();
  json::Array deps;
  for (const Import& import : program.imports) {
    json::Value dep = import.metadata.is_object() ? import.metadata : json::Value::object();
    json::Object& fields = dep.mutable_object();
    if (!import.is_include) fields.set("as", json::Value::string(import.alias));
    fields.set("is_data", json::Value::boolean(import.is_data));
    fields.set("relpath", json::Value::string(import.path));
    deps.push_back(std::move(dep));
  }
  json::Array defs;
  if (program.body && program.body->kind == Node::Kind::FuncDefs)
    for (const auto& def : program.body->functions)
      defs.push_back(json::Value::string(def->name + "/" + std::to_string(def->params.size())));
  json::Object& fields = meta.mutable_object();
  fields.set("deps", json::Value::array(std::move(deps)));
  fields.set("defs", json::Value::array(std::move(defs)));
  return meta;
}

}  // namespace netinspect::jq::modules
