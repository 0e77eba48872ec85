// Throughput of the entry splitter on a snapshot file, against simdjson
// On-Demand iterating the same array with raw_json() per element.
//   source_split_bench FILE [rounds]   (FILE may be .gz/.zip: the cold pass streams it)
#include <simdjson.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "source/source.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [rounds]\n", argv[0]);
    return 2;
  }
  namespace src = netinspect::source;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  // First pass as a real run sees it: open, page faults, one split. CPU time
  // (user+sys) is reported too, as wall time is noisy on a shared machine.
  {
    const auto start = Clock::now();
    const auto stream = src::open_entries(argv[1]);
    src::Entry entry;
    std::size_t count = 0;
    while (stream->next(entry)) ++count;
    const double wall = seconds_since(start);
    rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    const double mb = static_cast<double>(stream->bytes_consumed()) / 1e6;
    std::printf("cold open_entries+split: %zu entries, %.0f MB/s wall, %.0f MB/s cpu, max RSS %ld MiB\n", count,
                mb / wall, mb / cpu, usage.ru_maxrss / 1024);
  }
  const src::Input input = src::open(argv[1]);
  const double megabytes = static_cast<double>(input.text().size()) / 1e6;
  std::printf("%s: %.1f MB\n", input.name().c_str(), megabytes);

  for (int round = 0; round < rounds; ++round) {
    auto start = Clock::now();
    src::EntryStream stream(input.text(), input.name());
    src::Entry entry;
    std::size_t count = 0, bytes = 0;
    while (stream.next(entry)) {
      ++count;
      bytes += entry.raw.size();
    }
    const double split = seconds_since(start);

    start = Clock::now();
    src::EntryStream again(input.text(), input.name());
    std::size_t peeked = 0;
    while (again.next(entry)) peeked += src::peek_moniker(entry.raw).has_value();
    const double split_peek = seconds_since(start);

    std::printf("splitter: %zu entries, %.0f MB/s; splitter+peek_moniker: %zu monikers, %.0f MB/s\n",
                count, megabytes / split, peeked, megabytes / split_peek);
  }

  // simdjson needs the whole document indexed at once (about 4 bytes of index
  // per input byte), which already rules it out for bounded memory.
  simdjson::ondemand::parser parser(input.text().size() + 64);
  for (int round = 0; round < rounds; ++round) {
    const auto start = Clock::now();
    simdjson::padded_string_view view(input.text().data(), input.text().size(),
                                      input.text().size() + src::Input::kPadding);
    auto doc = parser.iterate(view);
    std::size_t count = 0, bytes = 0;
    for (auto element : doc.get_array()) {
      std::string_view raw;
      // simdjson 3.0 has raw_json() on objects and arrays only; entries are objects.
      simdjson::ondemand::object object;
      if (element.get_object().get(object) || object.raw_json().get(raw)) {
        std::fprintf(stderr, "simdjson error\n");
        return 1;
      }
      ++count;
      bytes += raw.size();
    }
    std::printf("simdjson On-Demand (AVX2 build) raw_json: %zu entries, %.0f MB/s\n", count,
                megabytes / seconds_since(start));
  }
  return 0;
}
