// netinspect::gen — the generator's own random numbers: splitmix64, so a seed
// gives the same bytes on every machine and standard library (std::
// distributions are implementation-defined).
#pragma once

#include <cstdint>
#include <string_view>

namespace netinspect::gen {

// 64x64->128-bit products (GCC/Clang); __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 Uint128;

class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound); bound > 0. Multiply-shift: no modulo bias worth caring about.
  std::uint64_t below(std::uint64_t bound) {
    return static_cast<std::uint64_t>((static_cast<Uint128>(next()) * bound) >> 64);
  }
  // Uniform in [lo, hi].
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
  bool percent(unsigned p) { return below(100) < p; }
  // A counter value as netstack shows them: mostly 0, else spread over magnitudes.
  std::uint64_t counter(unsigned zero_percent = 50) {
    if (percent(zero_percent)) return 0;
    return below(std::uint64_t{1} << between(1, 20));
  }
  template <typename T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

// Independent stream for item `index` of a family, so one item can be
// regenerated (e.g. a socket's shape for the counters) without the others.
inline Prng derive(std::uint64_t seed, std::uint64_t family, std::uint64_t index) {
  Prng mixer(seed ^ (family * 0xd1b54a32d192ed03ULL));
  std::uint64_t a = mixer.next();
  return Prng(a ^ (index * 0x9e3779b97f4a7c15ULL) ^ (index << 17));
}

}  // namespace netinspect::gen
