// AVX2 + PCLMUL + POPCNT build of the block loop; this file alone is compiled
// with -mavx2 -mpclmul -mpopcnt (see CMakeLists.txt) and only called after a
// CPU check in scan.cc.
#include <immintrin.h>

#include "source/scan_impl.h"

namespace netinspect::source::detail {
namespace {

struct Avx2 {
  static BlockMasks classify(const char* block) {
    BlockMasks m;
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i comma = _mm256_set1_epi8(',');
    // '[' (0x5B) and '{' (0x7B) differ only in bit 0x20, as do ']' and '}'.
    const __m256i case_bit = _mm256_set1_epi8(0x20);
    const __m256i open = _mm256_set1_epi8('{');
    const __m256i close = _mm256_set1_epi8('}');
    for (int k = 0; k < 2; ++k) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * k));
      const __m256i folded = _mm256_or_si256(v, case_bit);
      const auto bits = [](__m256i eq) {
        return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(eq)));
      };
      const int shift = 32 * k;
      m.quote |= bits(_mm256_cmpeq_epi8(v, quote)) << shift;
      m.backslash |= bits(_mm256_cmpeq_epi8(v, backslash)) << shift;
      m.comma |= bits(_mm256_cmpeq_epi8(v, comma)) << shift;
      m.open |= bits(_mm256_cmpeq_epi8(folded, open)) << shift;
      m.close |= bits(_mm256_cmpeq_epi8(folded, close)) << shift;
    }
    return m;
  }
  static std::uint64_t prefix_xor(std::uint64_t x) {
    // Carry-less multiplication by all ones is a prefix xor.
    const __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(x)),
                                                 _mm_set1_epi8(static_cast<char>(0xFF)), 0);
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(product));
  }
  static int popcount(std::uint64_t x) { return __builtin_popcountll(x); }
};

}  // namespace

ScanResult scan_to_separator_avx2(std::string_view text, std::size_t start, bool stop_at_comma) {
  return scan_blocks<Avx2>(text, start, stop_at_comma);
}

}  // namespace netinspect::source::detail
