// pprof module tests: decoding and validation, `top` against go tool pprof's
// goldens (go1.19), folded stacks against their goldens, the flame SVG's
// structure, safe names and writes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pprof/extract.h"
#include "pprof/profile.h"
#include "pprof/report.h"
#include "pprof/snapshot.h"

namespace pp = netinspect::pprof;
namespace fs = std::filesystem;

namespace {

const std::string kData = NI_PPROF_TESTDATA;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Everything after the "Time:" line (its layout depends on the Go version and
// the time zone); the whole text when there is none.
std::string after_time_line(const std::string& text) {
  const auto at = text.find("\nTime: ");
  if (at == std::string::npos) return text;
  return text.substr(text.find('\n', at + 1) + 1);
}

struct Golden {
  std::string profile;
  std::string top;
  std::string folded;
  std::string sample_index;
};

std::vector<Golden> goldens() {
  std::vector<Golden> out;
  for (const auto& entry : fs::recursive_directory_iterator(kData)) {
    const std::string path = entry.path().string();
    const std::string suffix = ".pb.gz";
    if (path.size() < suffix.size() || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string stem = path.substr(0, path.size() - suffix.size());
    out.push_back({path, stem + ".go1.19-top.txt", stem + ".folded.txt", ""});
    if (fs::exists(stem + ".go1.19-top-sample_index-alloc_objects.txt")) {
      out.push_back({path, stem + ".go1.19-top-sample_index-alloc_objects.txt", "", "alloc_objects"});
    }
  }
  return out;
}

std::string gzip(const std::string& raw) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, raw.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  stream.avail_in = static_cast<uInt>(raw.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// Minimal protobuf writer for hand-made (and broken) profiles.
struct Proto {
  std::string bytes;
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      bytes += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    bytes += static_cast<char>(v);
  }
  Proto& field(int number, std::uint64_t v) {
    varint(static_cast<std::uint64_t>(number) << 3);
    varint(v);
    return *this;
  }
  Proto& field(int number, const std::string& v) {
    varint((static_cast<std::uint64_t>(number) << 3) | 2);
    varint(v.size());
    bytes += v;
    return *this;
  }
  Proto& message(int number, const Proto& m) { return field(number, m.bytes); }
};

// strings: "", "samples", "count", "main", ...
Proto tiny_profile(std::uint64_t sample_location = 1, std::uint64_t function_name = 3) {
  Proto p;
  p.message(1, Proto().field(1, 1).field(2, 2));                      // sample_type samples/count
  p.message(2, Proto().field(1, sample_location).field(2, 5));         // sample at location, value 5
  p.message(4, Proto().field(1, 1).message(4, Proto().field(1, 1)));   // location 1 -> function 1
  p.message(5, Proto().field(1, 1).field(2, function_name));           // function 1 name
  for (const char* s : {"", "samples", "count", "main"}) p.field(6, std::string(s));
  return p;
}

}  // namespace

class PprofGolden : public ::testing::TestWithParam<Golden> {};

TEST_P(PprofGolden, TopMatchesGoToolPprof) {
  const Golden& golden = GetParam();
  const pp::Profile profile = pp::decode_profile(read_file(golden.profile));
  pp::TopOptions options;
  options.sample_index = pp::sample_index_by_name(profile, golden.sample_index);
  EXPECT_EQ(after_time_line(pp::top_report(profile, options)), after_time_line(read_file(golden.top)))
      << golden.profile;
}

TEST_P(PprofGolden, FoldedMatchesGolden) {
  const Golden& golden = GetParam();
  if (golden.folded.empty()) GTEST_SKIP();
  const pp::Profile profile = pp::decode_profile(read_file(golden.profile));
  EXPECT_EQ(pp::folded_text(pp::folded_stacks(profile, pp::default_sample_index(profile))), read_file(golden.folded))
      << golden.profile;
}

TEST_P(PprofGolden, FlameHasOneRectPerNode) {
  const Golden& golden = GetParam();
  const pp::Profile profile = pp::decode_profile(read_file(golden.profile));
  const auto stacks = pp::folded_stacks(profile, pp::default_sample_index(profile));
  const std::string svg = pp::flame_svg(stacks);
  std::size_t rects = 0;
  for (auto at = svg.find("<rect "); at != std::string::npos; at = svg.find("<rect ", at + 1)) ++rects;
  EXPECT_EQ(rects, pp::flame_node_count(stacks));
  EXPECT_EQ(svg.rfind("</svg>\n"), svg.size() - 7);
  // Every element opened is closed (a cheap well-formedness check).
  std::size_t open_g = 0, close_g = 0;
  for (auto at = svg.find("<g "); at != std::string::npos; at = svg.find("<g ", at + 1)) ++open_g;
  for (auto at = svg.find("</g>"); at != std::string::npos; at = svg.find("</g>", at + 1)) ++close_g;
  EXPECT_EQ(open_g, close_g);
  EXPECT_EQ(open_g, rects);
}

INSTANTIATE_TEST_SUITE_P(Samples, PprofGolden, ::testing::ValuesIn(goldens()),
                         [](const ::testing::TestParamInfo<Golden>& info) {
                           std::string name = fs::path(info.param.profile).filename().string();
                           name += info.param.sample_index;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(PprofGoldens, AllPresent) { EXPECT_GE(goldens().size(), 10u); }

TEST(PprofUnits, ScaledLabelAndPercentage) {
  EXPECT_EQ(pp::scaled_label(0, "nanoseconds", "minimum"), "0");
  EXPECT_EQ(pp::scaled_label(1280000000, "nanoseconds", "s"), "1.28s");
  EXPECT_EQ(pp::scaled_label(13107200, "bytes", "kB"), "12800kB");
  EXPECT_EQ(pp::scaled_label(2000000000, "nanoseconds", "auto"), "2s");
  EXPECT_EQ(pp::scaled_label(42, "count", "count"), "42");
  EXPECT_EQ(pp::percentage(1, 1), "  100%");
  EXPECT_EQ(pp::percentage(0, 4), "    0%");
  EXPECT_EQ(pp::percentage(32, 100000), "0.032%");
  EXPECT_EQ(pp::percentage(6520, 100000), " 6.52%");
}

TEST(PprofDecode, Base64) {
  EXPECT_EQ(pp::decode_inspect_value("b64:aGVsbG8="), "hello");
  EXPECT_EQ(pp::decode_base64("aGVs\nbG8"), "hello");
  EXPECT_THROW(pp::decode_inspect_value("aGVsbG8="), pp::PprofError);   // no prefix
  EXPECT_THROW(pp::decode_inspect_value("b64:aGV*bG8="), pp::PprofError);
  EXPECT_THROW(pp::decode_inspect_value("b64:a"), pp::PprofError);
}

TEST(PprofDecode, HandMadeProfile) {
  const pp::Profile profile = pp::decode_profile(gzip(tiny_profile().bytes));
  ASSERT_EQ(profile.samples.size(), 1u);
  EXPECT_EQ(pp::folded_text(pp::folded_stacks(profile, 0)), "main 5\n");
  // Raw (not gzip'd) protobuf is accepted too.
  EXPECT_EQ(pp::decode_profile(tiny_profile().bytes).functions.at(0).name, "main");
}

TEST(PprofDecode, BadProfilesGiveClearErrors) {
  auto error_of = [](const std::string& bytes) {
    try {
      pp::decode_profile(bytes);
    } catch (const pp::PprofError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of(""), "empty profile (0 bytes)");
  const std::string good = gzip(tiny_profile().bytes);
  EXPECT_NE(error_of(good.substr(0, good.size() / 2)).find("gzip: truncated"), std::string::npos);
  EXPECT_NE(error_of(gzip(tiny_profile(7).bytes)).find("location id 7, which does not exist"), std::string::npos);
  EXPECT_NE(error_of(gzip(tiny_profile(1, 99).bytes)).find("string 99, outside the string table"), std::string::npos);
  EXPECT_NE(error_of(gzip("")).find("empty profile"), std::string::npos);
  EXPECT_NE(error_of(gzip(std::string("\xff\xff\xff", 3))).find("protobuf parse failed"), std::string::npos);
  EXPECT_NE(error_of(gzip(Proto().field(6, std::string("")).bytes)).find("no sample types"), std::string::npos);
}

TEST(PprofDecode, DecompressionLimit) {
  const std::string big = gzip(std::string(1 << 20, 'x'));
  pp::DecodeLimits limits;
  limits.max_decompressed_bytes = 1000;
  EXPECT_THROW(pp::gunzip(big, limits), pp::PprofError);
  EXPECT_EQ(pp::gunzip(big).size(), 1u << 20);
}

TEST(PprofDecode, SampleIndexByName) {
  const pp::Profile profile =
      pp::decode_profile(read_file(kData + "/google-pprof_driver_go.nomappings.crash.heap.pb.gz"));
  EXPECT_EQ(pp::sample_index_by_name(profile, ""), 3u);
  EXPECT_EQ(pp::sample_index_by_name(profile, "1"), 1u);
  EXPECT_EQ(pp::sample_index_by_name(profile, "alloc_objects"), 0u);
  EXPECT_EQ(pp::sample_index_by_name(profile, "inuse_space"), 3u);
  try {
    pp::sample_index_by_name(profile, "9");
    FAIL();
  } catch (const pp::PprofError& error) {
    EXPECT_STREQ(error.what(), "sample_index 9 is outside the range [0..3]");
  }
}

TEST(PprofNames, SeedNamesAndSafety) {
  EXPECT_EQ(pp::seed_file_name("pprof/now.inspect", "heap"), "now.inspect_heap");
  EXPECT_EQ(pp::seed_file_name("pprof/../../x", "heap"), "../../x_heap");
  EXPECT_EQ(*pp::safe_file_name("../../x_heap"), "_._.._x_heap");
  EXPECT_EQ(*pp::safe_file_name("/etc/passwd_heap"), "_etc_passwd_heap");
  EXPECT_EQ(*pp::safe_file_name("a\nb_heap"), "a_b_heap");
  EXPECT_FALSE(pp::safe_file_name(".."));
  EXPECT_FALSE(pp::safe_file_name(""));
  EXPECT_FALSE(pp::safe_file_name(std::string(300, 'a')));
  EXPECT_EQ(pp::latest_entries({"pprof/2020-10-22T16:21:49Z.inspect", "pprof/now.inspect"}),
            std::vector<std::string>{"pprof/now.inspect"});
  EXPECT_EQ(pp::latest_entries({"pprof/2020-10-22T16:21:49Z.inspect", "pprof/2020-10-22T16:22:49Z.inspect"}),
            std::vector<std::string>{"pprof/2020-10-22T16:22:49Z.inspect"});
}

TEST(PprofExtract, NeverFollowsSymlinksNorOverwrites) {
  char dir_template[] = "/tmp/pprof_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string outside = dir + "/outside";
  fs::create_directory(dir + "/out");
  { std::ofstream(outside) << "keep"; }
  fs::create_symlink(outside, dir + "/out/planted");
  pp::OutputDirectory out(dir + "/out");
  EXPECT_THROW(out.write("planted", "new", false), pp::PprofError);
  EXPECT_EQ(read_file(outside), "keep");
  out.write("planted", "new", true);  // replaces the link itself
  EXPECT_EQ(read_file(outside), "keep");
  EXPECT_FALSE(fs::is_symlink(dir + "/out/planted"));
  EXPECT_EQ(read_file(dir + "/out/planted"), "new");
  out.write("fresh", "bytes", false);
  EXPECT_THROW(out.write("fresh", "other", false), pp::PprofError);
  EXPECT_EQ(read_file(dir + "/out/fresh"), "bytes");
  EXPECT_THROW(out.write("../escape", "x", true), pp::PprofError);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir + "/out")) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2u);  // no temporary file left behind
  fs::remove_all(dir);
}

// --focus/--ignore: `top` against go tool pprof -focus/-ignore goldens
// (tests/pprof/filters/cases.tsv: golden, profile under tests/data, go args).
TEST(PprofFilter, TopMatchesGoToolPprofGoldens) {
  const std::string dir = NI_PPROF_FILTER_GOLDENS;
  std::istringstream cases(read_file(dir + "/cases.tsv"));
  std::size_t checked = 0;
  for (std::string line; std::getline(cases, line);) {
    std::istringstream fields(line);
    std::string golden, profile_path, args;
    std::getline(fields, golden, '\t');
    std::getline(fields, profile_path, '\t');
    std::getline(fields, args);
    pp::TopOptions options;
    std::istringstream words(args);
    for (std::string word; words >> word;) {
      if (word.rfind("-focus=", 0) == 0) {
        options.filter.focus = word.substr(7);
      } else if (word.rfind("-ignore=", 0) == 0) {
        options.filter.ignore = word.substr(8);
      } else if (word == "-cum") {
        options.cum = true;
      } else if (word.rfind("-nodecount=", 0) == 0) {
        options.node_count = std::stoul(word.substr(11));
      } else {
        ADD_FAILURE() << "unmapped argument " << word;
      }
    }
    const pp::Profile profile = pp::decode_profile(read_file(kData + "/../" + profile_path));
    EXPECT_EQ(after_time_line(pp::top_report(profile, options)), after_time_line(read_file(dir + "/" + golden)))
        << golden << ": " << args;
    ++checked;
  }
  EXPECT_GE(checked, 45u);
}

TEST(PprofFilter, KeepsSamplesByFunctionFileOrBinary) {
  pp::Profile profile;
  profile.sample_types = {{"samples", "count"}};
  profile.mappings = {{1, 0x1000, 0x2000, 0, "/usr/bin/netstack", ""}};
  profile.functions = {{1, "main.run", "", "/src/main.go", 0}, {2, "runtime.gopark", "", "/go/proc.go", 0}};
  profile.locations = {{1, 0, 0x1100, {{0, 10}}}, {2, pp::kNone, 0x1200, {{1, 20}}}, {3, pp::kNone, 0x1300, {}}};
  profile.samples = {{{0}, {1}}, {{1, 0}, {2}}, {{2}, {4}}, {{}, {8}}};
  auto kept_values = [&](const pp::NameFilter& filter, pp::NameFilterMatches* matches = nullptr) {
    pp::Profile copy = profile;
    const pp::NameFilterMatches m = pp::filter_samples_by_name(copy, filter);
    if (matches != nullptr) *matches = m;
    std::int64_t sum = 0;
    for (const pp::Sample& sample : copy.samples) sum += sample.values[0];
    return sum;
  };
  EXPECT_EQ(kept_values({}), 15);                            // no filter: nothing removed
  EXPECT_EQ(kept_values({"gopark", ""}), 2);                 // function name
  EXPECT_EQ(kept_values({"main\\.go$", ""}), 3);             // source file name
  EXPECT_EQ(kept_values({"netstack", ""}), 3);               // binary (mapping) file
  EXPECT_EQ(kept_values({"", "runtime"}), 1 + 4);            // ignore; the empty stack goes too, as in pprof
  EXPECT_EQ(kept_values({"main", "gopark"}), 1);             // focus and ignore
  pp::NameFilterMatches matches;
  EXPECT_EQ(kept_values({"nomatch", "nomatch"}, &matches), 0);
  EXPECT_EQ(pp::name_filter_warnings({"nomatch", "nomatch"}, matches),
            (std::vector<std::string>{"Focus expression matched no samples", "Ignore expression matched no samples"}));
  EXPECT_TRUE(pp::name_filter_warnings({"main", ""}, {true, false}).empty());
}

TEST(PprofFilter, InvalidExpressionsAndHeaderLines) {
  EXPECT_NO_THROW(pp::check_name_filter({"(?i)runtime\\.(mcall|park)", "^x$"}));
  try {
    pp::check_name_filter({"", "a("});
    ADD_FAILURE() << "no error";
  } catch (const pp::PprofError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("invalid --ignore regular expression 'a(': ", 0), 0u) << error.what();
  }
  EXPECT_TRUE(pp::active_filter_lines({}).empty());
  EXPECT_EQ(pp::active_filter_lines({"a", "b"}), (std::vector<std::string>{"Active filters:", "   focus=a", "   ignore=b"}));
  const std::string long_focus(100, 'x');
  EXPECT_EQ(pp::active_filter_lines({long_focus, ""})[1], "   focus=" + std::string(74, 'x') + "\xe2\x80\xa6");
}
