// Modules: import/include, data imports, search paths and modulemeta, on
// fixtures written to a private temporary directory.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "jq/jq.h"
#include "jq/modules.h"
#include "jq/parser.h"
#include "json/write.h"

namespace netinspect::jq {
namespace {

namespace fs = std::filesystem;

class ModulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ni-jq-modules-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write("m.jq", "module {name: \"m\"};\nimport \"sub/helper\" as h {search: \"./lib\"};\ndef twice(f): f, f;\ndef hello: \"hello \" + h::who;\n");
    write("lib/sub/helper/helper.jq", "def who: \"world\";\n");
    write("nums.json", "1 2 3\n");
    write("bad.jq", "def x: ;\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }

  std::string eval(std::string_view program, bool with_path = true) {
    CompileOptions options;
    if (with_path) options.library_paths.push_back(dir_.string());
    Compiled compiled = Compiled::compile(program, options);
    Environment env;
    std::string out;
    compiled.run(json::Value(), env, [&](const json::Value& v) {
      if (!out.empty()) out += ' ';
      out += json::to_json(v);
    });
    return out;
  }

  fs::path dir_;
};

TEST_F(ModulesTest, ImportIncludeAndData) {
  EXPECT_EQ(eval("import \"m\" as m; m::hello"), "\"hello world\"");
  EXPECT_EQ(eval("include \"m\"; [twice(1)]"), "[1,1]");
  EXPECT_EQ(eval("import \"nums\" as $n; $n, $n::n"), "[1,2,3] [1,2,3]");
}

TEST_F(ModulesTest, ModuleMetaAndSearchList) {
  EXPECT_EQ(eval("\"m\" | modulemeta"),
            "{\"name\":\"m\",\"deps\":[{\"search\":\"./lib\",\"as\":\"h\",\"is_data\":false,\"relpath\":\"sub/helper\"}],"
            "\"defs\":[\"twice/1\",\"hello/0\"]}");
  EXPECT_EQ(eval("get_search_list | length"), "1");
}

TEST_F(ModulesTest, Errors) {
  EXPECT_THROW(eval("import \"missing\" as x; ."), CompileError);
  try {
    eval("import \"bad\" as b; .");
    FAIL() << "compiled";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.jq"), std::string::npos) << e.what();
  }
  EXPECT_THROW(eval("import \"m\" as m; m::nope"), CompileError);
}

// jq 1.8 includes a ~/.jq file into every program; a private HOME holds one.
TEST_F(ModulesTest, HomeLibraryFile) {
  const char* old_home = std::getenv("HOME");
  const std::string saved = old_home ? old_home : "";
  setenv("HOME", dir_.c_str(), 1);
  Program program = parse_program("1");
  EXPECT_FALSE(modules::add_home_library(program));  // no ~/.jq yet
  write(".jq", "def from_home: 42;\n");
  ASSERT_TRUE(modules::add_home_library(program));
  ASSERT_EQ(program.imports.size(), 1u);
  EXPECT_TRUE(program.imports[0].is_include);
  const modules::SearchConfig config = modules::make_search_config({});
  EXPECT_EQ(modules::find_module("", program.imports[0].metadata.get("search"), ".", config, false),
            (dir_ / ".jq").string());
  fs::remove(dir_ / ".jq");
  fs::create_directories(dir_ / ".jq");  // a directory is a search path entry, not included
  Program other = parse_program("1");
  EXPECT_FALSE(modules::add_home_library(other));
  if (old_home) setenv("HOME", saved.c_str(), 1); else unsetenv("HOME");
}

}  // namespace
}  // namespace netinspect::jq
