// libFuzzer target: Fuchsia `.triage` configs (src/diagnose): the JSON5
// reader, the expression language, and whole configs loaded, checked for
// cycles, their test sections run and their rules evaluated over a tiny
// snapshot. Input layout: byte 0 % 3 picks 0 = JSON5 text, 1 = one
// expression evaluated with names bound to a few values, 2 = a config.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnose/expr.h"
#include "diagnose/json5.h"
#include "diagnose/triage.h"
#include "json/parse.h"
#include "json/value.h"

using namespace netinspect;

namespace {

// Names of the expression mode: numbers, a string, a vector; anything else
// is Missing, as an absent selector would be.
class FixedResolver : public diagnose::Resolver {
 public:
  diagnose::Metric lookup(std::string_view name) override {
    if (name == "x") return diagnose::Metric::integer(4);
    if (name == "y") return diagnose::Metric::real(-2.5);
    if (name == "s") return diagnose::Metric::string("OK");
    if (name == "v")
      return diagnose::Metric::vector({diagnose::Metric::integer(1), diagnose::Metric::integer(2),
                                       diagnose::Metric::integer(3)});
    return diagnose::Metric::missing("no " + std::string(name));
  }
  diagnose::Metric annotation(std::string_view key) override {
    if (key == "build.board") return diagnose::Metric::string("x64");
    return diagnose::Metric::missing("no annotation");
  }
  std::optional<std::int64_t> now_ns() override { return 5; }
};

// A netstack-shaped entry for the rules' selectors to find.
const diagnose::Data& tiny_snapshot() {
  static const diagnose::Data data = [] {
    diagnose::Data d;
    d.entries.push_back(json::parse(
        R"({"moniker":"core/network/netstack","metadata":{"timestamp":1000000000},)"
        R"("payload":{"root":{"Networking Stat Counters":{"TCP":{"ResetsSent":3,"Retransmits":9},)"
        R"("UDP":{"PacketsReceived":10,"UnknownPortErrors":2}},"a":{"b":[1,2],"c":"OK"}}}})"));
    d.annotations = json::parse(R"({"build.board":"x64"})");
    d.now_ns = 2000000000;
    return d;
  }();
  return data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 16384) return 0;
  const int mode = data[0] % 3;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (mode == 0) {
      (void)diagnose::parse_json5(text);
    } else if (mode == 1) {
      diagnose::ExprPtr expr = diagnose::parse_expression(text);
      std::vector<std::string> names;
      diagnose::referenced_names(*expr, names);
      FixedResolver resolver;
      diagnose::Metric result = diagnose::evaluate(*expr, resolver);
      (void)diagnose::metric_text(result);
      (void)diagnose::metric_to_json(result);
    } else {
      std::vector<diagnose::Config> configs;
      configs.push_back(diagnose::load_config(text, "fuzz", "fuzz.triage"));
      diagnose::check_cycles(configs);
      for (const auto& outcome : diagnose::run_tests(configs)) (void)outcome.message.size();
      for (const auto& finding : diagnose::evaluate(configs, tiny_snapshot())) (void)diagnose::to_json(finding);
    }
  } catch (const diagnose::Json5Error&) {
  } catch (const diagnose::ExprError&) {
  } catch (const diagnose::ConfigError&) {
  }
  return 0;
}
