#include "source/scan.h"

#include <cstring>

#include "source/scan_impl.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace netinspect::source::detail {
namespace {

// Baseline build: SSE2 (every x86-64) or plain C++ elsewhere.
struct Baseline {
#if defined(__SSE2__)
  static BlockMasks classify(const char* block) {
    BlockMasks m;
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i comma = _mm_set1_epi8(',');
    // '[' (0x5B) and '{' (0x7B) differ only in bit 0x20, as do ']' and '}'.
    const __m128i case_bit = _mm_set1_epi8(0x20);
    const __m128i open = _mm_set1_epi8('{');
    const __m128i close = _mm_set1_epi8('}');
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * k));
      const __m128i folded = _mm_or_si128(v, case_bit);
      const auto bits = [](__m128i eq) {
        return static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(eq)));
      };
      const int shift = 16 * k;
      m.quote |= bits(_mm_cmpeq_epi8(v, quote)) << shift;
      m.backslash |= bits(_mm_cmpeq_epi8(v, backslash)) << shift;
      m.comma |= bits(_mm_cmpeq_epi8(v, comma)) << shift;
      m.open |= bits(_mm_cmpeq_epi8(folded, open)) << shift;
      m.close |= bits(_mm_cmpeq_epi8(folded, close)) << shift;
    }
    return m;
  }
#else
  static BlockMasks classify(const char* block) {
    BlockMasks m;
    for (int i = 0; i < 64; ++i) {
      const std::uint64_t bit = std::uint64_t{1} << i;
      switch (block[i]) {
        case '"': m.quote |= bit; break;
        case '\\': m.backslash |= bit; break;
        case ',': m.comma |= bit; break;
        case '[': case '{': m.open |= bit; break;
        case ']': case '}': m.close |= bit; break;
        default: break;
      }
    }
    return m;
  }
#endif
  static std::uint64_t prefix_xor(std::uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
  }
  // Without -mpopcnt, __builtin_popcountll is a libgcc call: use SWAR.
  static int popcount(std::uint64_t x) {
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
  }
};

#if defined(__x86_64__)
bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") &&
         __builtin_cpu_supports("popcnt");
}
#endif

}  // namespace

ScanResult scan_to_separator(std::string_view text, std::size_t start, bool stop_at_comma) {
#if defined(__x86_64__)
  static const bool avx2 = cpu_has_avx2();
  if (avx2) return scan_to_separator_avx2(text, start, stop_at_comma);
#endif
  return scan_blocks<Baseline>(text, start, stop_at_comma);
}

ScanResult scan_to_separator_baseline(std::string_view text, std::size_t start, bool stop_at_comma) {
  return scan_blocks<Baseline>(text, start, stop_at_comma);
}

std::size_t end_of_string(std::string_view text, std::size_t open_quote) {
  std::size_t pos = open_quote + 1;
  while (pos < text.size()) {
    const void* hit = std::memchr(text.data() + pos, '"', text.size() - pos);
    if (hit == nullptr) return ScanResult::kNotFound;
    const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
    std::size_t backslashes = 0;
    while (quote - backslashes > open_quote + 1 && text[quote - backslashes - 1] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) return quote + 1;
    pos = quote + 1;
  }
  return ScanResult::kNotFound;
}

}  // namespace netinspect::source::detail
